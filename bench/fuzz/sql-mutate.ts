/**
 * Mutations of valid SQL statements for the fuzz pass (issue 13): token deletion, duplication,
 * swap and replacement, random characters, truncation, and splicing two statements. Pure
 * functions of the seeded generator, so a finding replays from its seed and index.
 */

/** A statement cut into tokens, each with the text (whitespace, comments) before it. */
export interface Tokens {
  readonly gaps: readonly string[];
  readonly words: readonly string[];
  /** Text after the last token. */
  readonly tail: string;
}

const TOKEN = /\s+|--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'?|"(?:[^"]|"")*"?|`[^`]*`?|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|[A-Za-z_][A-Za-z0-9_$]*|<>|<=|>=|!=|\|\||=>|::|[\s\S]/gy;

/** Cuts SQL text into tokens (a lexer for mutation, deliberately not Eddy's own). */
export function tokens(sql: string): Tokens {
  const gaps: string[] = [];
  const words: string[] = [];
  let gap = '';
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(sql); m !== null; m = TOKEN.exec(sql)) {
    const t = m[0];
    if (/^\s/.test(t) || t.startsWith('--') || t.startsWith('/*')) gap += t;
    else {
      gaps.push(gap);
      words.push(t);
      gap = '';
    }
  }
  return { gaps, words, tail: gap };
}

export function joinTokens(t: Tokens): string {
  let s = '';
  for (let i = 0; i < t.words.length; i++) s += t.gaps[i] + t.words[i]!;
  return s + t.tail;
}

/** Words worth dropping into a statement: they reach corners the corpus seldom does. */
export const EXTRA_WORDS: readonly string[] = [
  'NULL', 'CAST', '(', ')', '[', ']', '*', ',', '.', ';', "''", "'", '"', '-', '+', '/', '%', '0', '-1', '00', '1.5', '.5', '1e309', '1e-400',
  '9007199254740993', '99999999999999999999999', '2147483648', "'NaN'", "'-0'", "INTERVAL '0' SECOND", "INTERVAL '-5' SECOND", "INTERVAL '999999999999' DAY",
  "INTERVAL '1:2' MINUTE TO SECOND", "TIMESTAMP '2024-13-45 25:61:61'", "TIMESTAMP ''", "DATE '0000-00-00'", 'DESCRIPTOR', 'TABLE', 'OVER', 'PARTITION', 'BY', 'ORDER',
  'ROWS', 'RANGE', 'BETWEEN', 'UNBOUNDED', 'PRECEDING', 'CURRENT', 'ROW', 'UNION', 'ALL', 'SELECT', 'FROM', 'WHERE', 'GROUP', 'HAVING', 'LIMIT', 'EXISTS', 'IN',
  'NOT', 'IS', 'LIKE', 'ESCAPE', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'DISTINCT', 'AS', 'ON', 'JOIN', 'LEFT', 'FULL', 'CROSS', 'LATERAL', 'UNNEST', 'ARRAY', 'MAP',
  'FOR', 'SYSTEM_TIME', 'OF', 'WATERMARK', 'PRIMARY', 'KEY', 'ENFORCED', 'WITH', 'LIKE', 'TUMBLE', 'HOP', 'CUMULATE', 'SESSION', 'window_start', 'window_end',
  'window_time', 'PROCTIME', 'ROW_NUMBER', 'COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'LISTAGG', 'FIRST_VALUE', 'LAST_VALUE', 'COALESCE', 'NULLIF', 'SUBSTRING', 'TRIM',
  'EXTRACT', 'TIMESTAMPDIFF', 'DATE_FORMAT', 'TO_TIMESTAMP', 'REGEXP', 'INTEGER', 'BIGINT', 'DOUBLE', 'VARCHAR', 'TIMESTAMP', 'TIMESTAMP_LTZ', 'DECIMAL', 'BOOLEAN',
  'TRUE', 'FALSE', 'UNKNOWN', 'x', 'ts', 'EXPR$0', '"a b"', '""', '`q`', 'é', '😀', '$1', '?', ':x', '@', '#', '\\', '&', '|', '^', '~', '!', '<', '>', '=', '<>',
];

/** Characters for random edits: printable ASCII and the awkward rest (NUL, BOM, a lone surrogate, newlines). */
const ODD_CHARS = ['\n', '\r', '\t', '\0', '\u00a0', '\ufeff', '\ud800', '😀', 'é', '"', "'", '`', '$', '\\', '(', ')', ',', ';', '-', '*', '/', '.', '[', ']', '{', '}'];

function randomChar(r: () => number): string {
  return r() < 0.5 ? String.fromCharCode(32 + Math.floor(r() * 95)) : ODD_CHARS[Math.floor(r() * ODD_CHARS.length)]!;
}

/** A coarse token class: word, number, string, quoted name or punctuation. */
function kindOf(w: string): number {
  const c = w.charCodeAt(0);
  if (c === 39) return 1;
  if (c === 34 || c === 96) return 2;
  if (c >= 48 && c <= 57) return 3;
  if (/^[A-Za-z_]/.test(w)) return 4;
  return 5;
}

const kinds = new WeakMap<readonly string[], string[][]>();
function byKind(dictionary: readonly string[]): string[][] {
  let k = kinds.get(dictionary);
  if (!k) {
    k = [[], [], [], [], [], []];
    for (const d of dictionary) k[kindOf(d)]!.push(d);
    kinds.set(dictionary, k);
  }
  return k;
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** One token-level edit (the statement keeps at least one token). */
function mutateTokens(t: Tokens, r: () => number, dictionary: readonly string[]): Tokens {
  const gaps = [...t.gaps];
  const words = [...t.words];
  const n = words.length;
  if (n === 0) return { gaps: [''], words: [pick(r, dictionary)], tail: t.tail };
  const i = Math.floor(r() * n);
  if (r() < 0.01) {
    // Depth and length: a token wrapped in hundreds of parentheses, or a slice repeated hundreds of times.
    const k = 1 + Math.floor(r() * 400);
    if (r() < 0.5) words[i] = '('.repeat(k) + words[i]! + ')'.repeat(k);
    else {
      const len = 1 + Math.floor(r() * Math.min(6, n - i));
      const slice = words.slice(i, i + len);
      words.splice(i, 0, ...Array.from({ length: k }, () => slice).flat());
      gaps.splice(i, 0, ...Array.from({ length: k * len }, () => ' '));
    }
    return { gaps, words, tail: t.tail };
  }
  const op = Math.floor(r() * 6);
  if (op === 0 && n > 1) {
    gaps.splice(i, 1);
    words.splice(i, 1);
  } else if (op === 1) {
    const k = 1 + Math.floor(r() * Math.min(4, n - i));
    words.splice(i, 0, ...words.slice(i, i + k));
    gaps.splice(i, 0, ...Array.from({ length: k }, () => ' '));
  } else if (op === 2) {
    const j = r() < 0.5 ? Math.min(n - 1, i + 1) : Math.floor(r() * n);
    [words[i], words[j]] = [words[j]!, words[i]!];
  } else if (op === 3) {
    // Mostly a word of the same kind (a name for a name), so the mutant gets past the parser.
    const w = words[i]!;
    const same = byKind(dictionary)[kindOf(w)]!;
    words[i] = pick(r, r() < 0.3 ? EXTRA_WORDS : r() < 0.7 && same.length > 0 ? same : dictionary);
  } else if (op === 4) {
    words.splice(i, 0, pick(r, r() < 0.5 ? EXTRA_WORDS : dictionary));
    gaps.splice(i, 0, ' ');
  } else {
    // A literal bent out of shape: a number made extreme, a string emptied or unbalanced.
    const w = words[i]!;
    if (/^\d/.test(w)) words[i] = pick(r, ['0', '-0', '1e309', '9007199254740993', '99999999999999999999999', w + w, '0.' + w, w + '.']);
    else if (w.startsWith("'")) words[i] = pick(r, ["''", "'", `'${w.slice(1, -1)}${w.slice(1, -1)}'`, `'-${w.slice(1)}`, "'0'", "'-1'", `'${'9'.repeat(30)}'`, "'1 2 3'", "'😀'"]);
    else words[i] = w.toLowerCase() === w ? w.toUpperCase() : `"${w}"`;
  }
  return { gaps, words, tail: t.tail };
}

/** One character-level edit: insert, replace or delete a character, or truncate. */
function mutateChars(s: string, r: () => number): string {
  if (s.length === 0) return randomChar(r);
  const at = Math.floor(r() * s.length);
  switch (Math.floor(r() * 4)) {
    case 0:
      return s.slice(0, at) + randomChar(r) + s.slice(at);
    case 1:
      return s.slice(0, at) + randomChar(r) + s.slice(at + 1);
    case 2:
      return s.slice(0, at) + s.slice(at + 1);
    default:
      return s.slice(0, at);
  }
}

/** A prefix of one statement joined to a suffix of another, cut at token boundaries. */
function splice(a: Tokens, b: Tokens, r: () => number): Tokens {
  const i = Math.floor(r() * (a.words.length + 1));
  const j = Math.floor(r() * (b.words.length + 1));
  return { gaps: [...a.gaps.slice(0, i), ...b.gaps.slice(j)], words: [...a.words.slice(0, i), ...b.words.slice(j)], tail: b.tail };
}

/**
 * One mutant of corpus statement `base`: one to three edits of the kinds above, token edits
 * first. `other` is the statement to splice with.
 */
export function mutate(base: Tokens, other: Tokens, r: () => number, dictionary: readonly string[]): string {
  let t = base;
  const roll = r();
  const edits = roll < 0.7 ? 1 : roll < 0.9 ? 2 : 3;
  let chars = 0;
  for (let e = 0; e < edits; e++) {
    const kind = r();
    if (kind < 0.6) t = mutateTokens(t, r, dictionary);
    else if (kind < 0.72) t = splice(t, other, r);
    else chars++;
  }
  let s = joinTokens(t);
  for (let c = 0; c < chars; c++) s = mutateChars(s, r);
  return s;
}
