import type { IToken } from 'chevrotain';
import { EddyError, assertNever, type Span } from '../common/errors.js';
import type { OptionDef, Statement } from '../parser/ast.js';
import { parseScript } from '../parser/parse.js';
import { fileFormatOption } from '../connectors/options.js';
import { Identifier, Interval, LParen, QuotedIdent, Stream, StringLiteral, tokenize } from '../parser/lexer.js';
import { SourceText } from '../parser/source-text.js';

/** A script as Flink SQL, with what did not carry over. */
export interface FlinkScript {
  readonly sql: string;
  /** Eddy-only statements or features left out or changed in meaning, each with where it was. */
  readonly warnings: readonly FlinkWarning[];
  /** Each statement as Flink SQL (no trailing `;`), with where it was in the Eddy script; left-out ones are absent. */
  readonly statements: readonly FlinkStatement[];
}

export interface FlinkStatement {
  readonly sql: string;
  readonly span: Span;
}

export interface FlinkWarning {
  readonly message: string;
  readonly span: Span;
}

/** Eddy connector names and the Flink connector each becomes. */
const CONNECTORS: Readonly<Record<string, string>> = {
  file: 'filesystem',
  filesystem: 'filesystem',
  datagen: 'datagen',
  print: 'print',
  blackhole: 'blackhole',
  kafka: 'kafka',
  'upsert-kafka': 'upsert-kafka',
};

/** Eddy settings with a Flink counterpart; other SET keys are Eddy's own and are left out with a warning. */
const SETTINGS: Readonly<Record<string, string>> = {
  'checkpoint.interval': 'execution.checkpointing.interval',
  'execution.checkpointing.interval': 'execution.checkpointing.interval',
  'table.exec.state.ttl': 'table.exec.state.ttl',
  'state.ttl': 'table.exec.state.ttl',
};

/**
 * Translates an Eddy script to Flink SQL: CREATE STREAM becomes CREATE TABLE, the `file`
 * connector `filesystem`, option keys are quoted, bare VARCHAR becomes STRING (Flink's VARCHAR
 * is VARCHAR(1)), double-quoted names take backticks, unquoted names are lower-cased (Eddy folds
 * them, Flink is case-sensitive), and intervals take a form Calcite accepts. A `memory` stream
 * has no Flink counterpart and is refused; Eddy-only statements (SET of Eddy settings, SHOW
 * QUERIES, TERMINATE ...) are left out as comments with a warning. Leaves the meaning of every
 * query to Flink: nothing here checks that Flink supports what the query does.
 */
export function toFlinkSql(script: string): FlinkScript {
  const src = new SourceText(script);
  const tokens = tokenize(src);
  const warnings: FlinkWarning[] = [];
  const out: string[] = [];
  const statements: FlinkStatement[] = [];
  for (const { stmt } of parseScript(script)) {
    const text = translateStatement(stmt, src, tokensIn(tokens, stmt.span), warnings);
    out.push(text.startsWith('--') ? text : `${text};`);
    if (!text.startsWith('--')) statements.push({ sql: text, span: stmt.span });
  }
  return { sql: out.join('\n\n') + '\n', warnings, statements };
}

function translateStatement(stmt: Statement, src: SourceText, tokens: readonly IToken[], warnings: FlinkWarning[]): string {
  const eddyOnly = (what: string): string => {
    warnings.push({ message: `${what} is Eddy-only; left out of the Flink script`, span: stmt.span });
    return `-- Eddy only: ${src.slice(stmt.span).replace(/\s+/g, ' ')}`;
  };
  switch (stmt.kind) {
    case 'createStream':
    case 'createStreamAs': {
      checkConnector(stmt.options, stmt.name.name, stmt.span);
      return rewrite(src, tokens, optionEdits(stmt.options, warnings), warnings);
    }
    case 'createView':
    case 'dropView':
      // Flink has no materialized views (its nearest, a materialized table, needs a catalog and a freshness).
      if (stmt.materialized) return eddyOnly(`${stmt.kind === 'createView' ? 'CREATE' : 'DROP'} MATERIALIZED VIEW`);
      return rewrite(src, tokens, [], warnings);
    case 'createFunction':
      // A JavaScript function has no Flink counterpart; a Java class name is Flink's own statement.
      if (stmt.language && !['JAVA', 'SCALA', 'PYTHON'].includes(stmt.language.name)) return eddyOnly(`CREATE FUNCTION ... LANGUAGE ${stmt.language.name}`);
      return rewrite(src, tokens, [], warnings);
    case 'dropFunction':
    case 'dropStream':
    case 'query':
    case 'insertSelect':
    case 'insertValues':
    case 'explain':
    case 'describe':
      return rewrite(src, tokens, [], warnings);
    case 'set': {
      const target = stmt.key === undefined ? undefined : SETTINGS[stmt.key];
      if (target === undefined || stmt.value === undefined) return eddyOnly(`SET '${stmt.key ?? ''}'`);
      return `SET ${quote(target)} = ${quote(stmt.value)}`;
    }
    case 'show':
      if (stmt.what === 'streams') return 'SHOW TABLES';
      if (stmt.what === 'views') return stmt.materialized ? eddyOnly('SHOW MATERIALIZED VIEWS') : 'SHOW VIEWS';
      if (stmt.what === 'queries') return 'SHOW JOBS';
      if (stmt.what === 'functions') return stmt.user ? 'SHOW USER FUNCTIONS' : 'SHOW FUNCTIONS';
      return eddyOnly('SHOW CHECKPOINTS');
    case 'reset': {
      if (stmt.key === undefined) return 'RESET';
      const target = SETTINGS[stmt.key];
      return target === undefined ? eddyOnly(`RESET '${stmt.key}'`) : `RESET ${quote(target)}`;
    }
    case 'showCreate':
      if (stmt.what === 'materialized view') return eddyOnly('SHOW CREATE MATERIALIZED VIEW');
      return `SHOW CREATE ${stmt.what === 'view' ? 'VIEW' : 'TABLE'} \`${stmt.name.name.replace(/`/g, '``')}\``;
    case 'terminate':
      return eddyOnly('TERMINATE');
    default:
      return assertNever(stmt, 'statement');
  }
}

function checkConnector(options: readonly OptionDef[], stream: string, span: Span): void {
  const connector = options.find((o) => o.key.toLowerCase() === 'connector');
  const name = connector?.value.trim().toLowerCase() ?? 'memory';
  const format = options.find((o) => o.key.toLowerCase() === 'format');
  const path = options.find((o) => o.key.toLowerCase() === 'path')?.value.toLowerCase() ?? '';
  if ((name === 'file' || name === 'filesystem') && (format ? format.value.trim().toLowerCase() === 'arrow' : name === 'file' && /\.arrows?$/.test(path))) {
    throw new EddyError('UNSUPPORTED', `stream '${stream}' reads or writes an Arrow file, and Flink's filesystem connector has no 'arrow' format`, format?.span ?? connector?.span ?? span, "use 'format' = 'json' or 'csv' for a script that runs on Flink");
  }
  if (CONNECTORS[name] !== undefined) return;
  if (name === 'memory') {
    throw new EddyError('UNSUPPORTED', `stream '${stream}' uses the 'memory' connector, which Flink does not have`, connector?.span ?? span, "declare it over a file ('connector' = 'file', 'path' = ..., 'format' = 'json') or Kafka to run the script on Flink");
  }
  throw new EddyError('UNSUPPORTED', `stream '${stream}' uses the '${name}' connector, which has no Flink counterpart`, connector?.span ?? span);
}

/** Options of Eddy's file connector that Flink's filesystem connector lacks. */
const EDDY_ONLY_OPTIONS = new Set(['on-error']);

/**
 * Each WITH option rewritten as Flink's `'key' = 'value'`, the connector renamed; a file stream
 * gets the format Eddy infers from its path (Flink requires the option), and Eddy-only options go.
 */
function optionEdits(options: readonly OptionDef[], warnings: FlinkWarning[]): Edit[] {
  const byKey: Record<string, string> = {};
  for (const o of options) byKey[o.key.toLowerCase()] = o.value;
  const isFile = byKey['connector']?.trim().toLowerCase() === 'file';
  const edits = options.map((o, i): Edit => {
    const key = o.key.toLowerCase();
    if (EDDY_ONLY_OPTIONS.has(key)) {
      warnings.push({ message: `option '${key}' is Eddy-only; left out of the Flink script`, span: o.span });
      // Drop the option with the comma that joins it to its neighbour.
      const prev = options[i - 1];
      const next = options[i + 1];
      if (prev) return { start: prev.span.end, end: o.span.end, text: '' };
      return { start: o.span.start, end: next ? next.span.start : o.span.end, text: '' };
    }
    const value = key === 'connector' ? CONNECTORS[o.value.trim().toLowerCase()]! : o.value;
    let text = `${quote(key)} = ${quote(value)}`;
    if (key === 'connector' && isFile && byKey['format'] === undefined) text += `, 'format' = ${quote(fileFormatOption(byKey))}`;
    return { start: o.span.start, end: o.span.end, text };
  });
  return edits;
}

interface Edit {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  readonly text: string;
}

/**
 * The statement's text with `edits` applied and every token outside them translated; the text
 * between tokens (spaces, line breaks; comments are dropped with the tokens) is kept.
 */
function rewrite(src: SourceText, tokens: readonly IToken[], edits: readonly Edit[], warnings: FlinkWarning[]): string {
  const first = tokens[0]!;
  let out = '';
  let at = first.startOffset;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const edit = edits.find((e) => e.start <= tok.startOffset && tok.startOffset < e.end);
    if (edit) {
      out += src.text.slice(at, edit.start) + edit.text;
      at = edit.end;
      while (i + 1 < tokens.length && tokens[i + 1]!.startOffset < edit.end) i++;
      continue;
    }
    out += src.text.slice(at, tok.startOffset);
    const next = tokens[i + 1];
    if (tok.tokenType === Interval && next?.tokenType === StringLiteral) {
      const unit = tokens[i + 2];
      const withUnit = unit !== undefined && unit.tokenType === Identifier && unitMs(unit.image) !== undefined;
      const ms = intervalMs(next.image, withUnit ? unit.image : undefined);
      if (ms !== undefined) {
        out += flinkInterval(ms);
        i += withUnit ? 2 : 1;
        at = (tokens[i]!.endOffset ?? tokens[i]!.startOffset) + 1;
        continue;
      }
    }
    out += translateToken(tok, tokens[i - 1], next, src, warnings);
    at = (tok.endOffset ?? tok.startOffset) + 1;
  }
  return out;
}

/** Type names and time units: lexed as identifiers by Eddy, kept as written. */
const KEPT_WORDS = new Set(['ARRAY', 'MAP', 'ROW', 'MULTISET', 'BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'INTEGER', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL', 'STRING', 'CHAR', 'DATE', 'TIME', 'YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'EPOCH', 'PRECISION']);

/** Words after which `name (` is a declaration or a column list, not a function call. */
const BEFORE_NAME_LIST = new Set(['STREAM', 'TABLE', 'EXISTS', 'INTO', 'AS']);

function translateToken(tok: IToken, prev: IToken | undefined, next: IToken | undefined, src: SourceText, warnings: FlinkWarning[]): string {
  if (tok.tokenType === Stream) return 'TABLE';
  if (tok.tokenType === QuotedIdent) {
    const name = tok.image.slice(1, -1).replace(tok.image[0] === '"' ? /""/g : /``/g, tok.image[0]!);
    if (name.endsWith('$late')) warnings.push({ message: `'${name}' is Eddy's late-row side stream, which Flink has no counterpart for`, span: src.tokenSpan(tok) });
    return '`' + name.replace(/`/g, '``') + '`';
  }
  if (tok.tokenType === Identifier) {
    const calls = next?.tokenType === LParen && !BEFORE_NAME_LIST.has(prev?.image.toUpperCase() ?? '');
    const word = tok.image;
    if (!calls && word.toUpperCase() === 'VARCHAR') return 'STRING';
    if (word.toLowerCase().endsWith('$late')) warnings.push({ message: `'${word}' is Eddy's late-row side stream, which Flink has no counterpart for`, span: src.tokenSpan(tok) });
    // Eddy folds unquoted names to lower case; Flink matches names as written. Type and unit words are words, not names.
    return calls || KEPT_WORDS.has(word.toUpperCase()) ? word : word.toLowerCase();
  }
  return tok.image;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  MILLISECOND: 1,
  SECOND: 1000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
};

function unitMs(word: string): number | undefined {
  const w = word.toUpperCase().replace(/S$/, '');
  return UNIT_MS[w];
}

/** The milliseconds of `INTERVAL '10' SECOND` or `INTERVAL '10 seconds'`, or undefined for a form this does not know (kept as written). */
function intervalMs(literal: string, unit: string | undefined): number | undefined {
  const body = literal.slice(1, -1).trim();
  if (unit !== undefined) {
    const n = Number(body);
    return Number.isFinite(n) ? n * unitMs(unit)! : undefined;
  }
  const m = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/.exec(body);
  if (!m) return undefined;
  const u = unitMs(m[2]!);
  return u === undefined ? undefined : Number(m[1]) * u;
}

/**
 * Flink's spelling of an interval: the largest whole unit, else seconds with milliseconds
 * (Calcite has no MILLISECOND interval unit); the leading precision is spelled out, since its
 * default of 2 digits refuses 100 seconds or more.
 */
function flinkInterval(ms: number): string {
  for (const unit of ['DAY', 'HOUR', 'MINUTE'] as const) {
    const u = UNIT_MS[unit]!;
    if (ms % u === 0) {
      const n = ms / u;
      return `INTERVAL '${n}' ${unit}${precision(n)}`;
    }
  }
  const seconds = Math.floor(ms / 1000);
  const millis = ms % 1000;
  if (millis === 0) return `INTERVAL '${seconds}' SECOND${precision(seconds)}`;
  const digits = Math.max(1, String(seconds).length);
  return `INTERVAL '${seconds}.${String(millis).padStart(3, '0')}' SECOND(${digits}, 3)`;
}

const precision = (n: number): string => (String(n).length > 2 ? `(${String(n).length})` : '');

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The tokens inside `span`. */
function tokensIn(tokens: readonly IToken[], span: Span): IToken[] {
  return tokens.filter((t) => t.startOffset >= span.start && t.startOffset < span.end);
}
