import { KEYWORDS } from '../src/parser/lexer.js';
import { SCALAR_FUNCTIONS } from '../src/planner/index.js';
import type { Catalog } from '../src/planner/catalog.js';

const AGGREGATES = ['COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'STDDEV_POP', 'STDDEV_SAMP', 'VAR_POP', 'VAR_SAMP', 'FIRST_VALUE', 'LAST_VALUE', 'LISTAGG'];
const WINDOWS = ['TUMBLE', 'HOP', 'SESSION', 'CUMULATE', 'TUMBLE_START', 'TUMBLE_END', 'HOP_START', 'HOP_END', 'SESSION_START', 'SESSION_END'];
const COMMANDS = ['\\d', '\\demo', '\\e', '\\format', '\\i', '\\q', '\\timing', '\\x', '\\?'];
/** Settings a SET statement may name, quoted as they are typed. */
export const SHELL_SETTINGS = ['sql-client.execution.result-mode'];

/** A name the catalog does not hold but the shell can read: a materialized view and its columns. */
export interface ExtraRelation {
  readonly name: string;
  readonly columns: readonly { readonly name: string }[];
}

/** What may follow a word: `CREATE MAT` completes to MATERIALIZED, `MATERIALIZED V` to VIEW / VIEWS. */
const NEXT_WORDS: ReadonlyMap<string, readonly string[]> = new Map([
  ['MATERIALIZED', ['VIEW', 'VIEWS']],
]);

/**
 * Tab completion for the shell: keywords, functions, stream, view and materialized view names and
 * their columns (names complete as typed, keywords and functions in the case the word was started in).
 */
export function shellCompleter(catalog: Catalog, settings: () => readonly string[], extra: () => Iterable<ExtraRelation> = () => []): (line: string) => [string[], string] {
  return (line) => {
    const m = /(\\?'?[\w.$-]*)$/.exec(line);
    const word = m ? m[1]! : '';
    if (word.startsWith('\\')) return [COMMANDS.filter((c) => c.startsWith(word)), word];
    if (word.startsWith("'")) {
      const prefix = word.slice(1);
      return [[...settings(), ...SHELL_SETTINGS].filter((s) => s.startsWith(prefix)).map((s) => `'${s}'`), word];
    }
    if (word === '') return [[], word];
    const lower = word.toLowerCase();
    const names = new Set<string>();
    for (const s of catalog.list()) {
      if (s.ddl === '') continue; // the hidden <stream>$late side streams
      names.add(s.name);
      for (const c of s.schema.columns) names.add(c.name);
    }
    for (const v of catalog.listViews()) names.add(v.name);
    for (const r of extra()) {
      names.add(r.name);
      for (const c of r.columns) names.add(c.name);
    }
    const upper = word === word.toUpperCase() && /[A-Z]/.test(word);
    const previous = /(\w+)\s+\S*$/.exec(line)?.[1]?.toUpperCase();
    const next = previous === undefined ? undefined : NEXT_WORDS.get(previous);
    if (next) {
      const hits = next.filter((k) => k.toLowerCase().startsWith(lower)).map((k) => (upper ? k : k.toLowerCase()));
      if (hits.length > 0) return [hits, word];
    }
    const words = [...new Set([...KEYWORDS, ...Object.keys(SCALAR_FUNCTIONS), ...AGGREGATES, ...WINDOWS])].map((k) => (upper ? k : k.toLowerCase()));
    const hits = [...[...names].filter((n) => n.toLowerCase().startsWith(lower)), ...words.filter((k) => k.toLowerCase().startsWith(lower))];
    return [[...new Set(hits)].sort(), word];
  };
}
