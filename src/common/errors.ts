/** A position in SQL text: offsets are 0-based into the text, line and column are 1-based. */
export interface Span {
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
}

/** Stable error codes: tests and tools match on these, never on message text. */
export type ErrorCode =
  | 'SYNTAX'
  | 'UNKNOWN_STREAM'
  | 'UNKNOWN_COLUMN'
  | 'UNKNOWN_FUNCTION'
  | 'AMBIGUOUS_COLUMN'
  | 'TYPE_MISMATCH'
  | 'NOT_GROUPED'
  | 'NO_WATERMARK'
  | 'UNSUPPORTED'
  | 'INVALID_OPTION'
  | 'STREAM_EXISTS'
  | 'BAD_ROW'
  | 'IO'
  | 'CHECKPOINT'
  | 'QUERY_FAILED'
  | 'CLOSED'
  | 'INTERNAL';

/** Every user-facing error. `span` points into the statement's source text when there is one. */
export class EddyError extends Error {
  override readonly name = 'EddyError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly span?: Span,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * A two-phase sink found that the external system discarded the transaction of the checkpoint it
 * was committing or restoring (Kafka aborts a transaction open longer than its timeout): that
 * checkpoint's output is gone, so the checkpoint must not be used. The coordinator drops it and
 * the restart goes back to the checkpoint before, whose output was committed, and writes the rows
 * again (code IO: the restart strategy retries it).
 */
export class SinkTransactionLost extends EddyError {
  constructor(message: string, hint?: string) {
    super('IO', message, undefined, hint);
  }
}

/** A broken invariant inside Eddy (a bug), never the user's fault. */
export function internalError(message: string): EddyError {
  return new EddyError('INTERNAL', `internal error: ${message}`, undefined, 'this is a bug in Eddy; please report it');
}

export function assertNever(x: never, what = 'value'): never {
  throw internalError(`unexpected ${what}: ${JSON.stringify(x)}`);
}

/** Span covering a..b. */
export function spanCover(a: Span, b: Span): Span {
  return { start: a.start, end: b.end, line: a.line, column: a.column };
}

/**
 * Formats an error the one way REPL, CLI and tests all show it:
 *   file:line:col: message
 *     <source line>
 *     ^^^^
 *   hint: ...
 * `source` is the full text the span points into; `file` defaults to "<input>".
 */
export function formatError(err: unknown, source?: string, file = '<input>'): string {
  if (!(err instanceof EddyError)) {
    const msg = err instanceof Error ? err.message : String(err);
    return `${file}: error: ${msg}`;
  }
  const lines: string[] = [];
  if (err.span && source !== undefined) {
    const { line, column } = err.span;
    lines.push(`${file}:${line}:${column}: ${err.message}`);
    const text = source.split(/\r?\n/)[line - 1] ?? '';
    const width = Math.max(1, Math.min(err.span.end - err.span.start, text.length - (column - 1)));
    lines.push(`  ${text}`);
    lines.push(`  ${' '.repeat(Math.max(0, column - 1))}${'^'.repeat(width)}`);
  } else {
    lines.push(`${file}: ${err.message}`);
  }
  if (err.hint) lines.push(`hint: ${err.hint}`);
  return lines.join('\n');
}

/** Edit distance counting a swap of neighbouring letters as one edit (optimal string alignment), so 'pirce' is 1 from 'price'. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate a misspelt word most likely meant, or undefined: case-insensitive, about one edit per three letters of the longer word. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestD && d <= Math.max(1, Math.round(Math.max(w.length, c.length) / 3))) {
      bestD = d;
      best = c;
    }
  }
  if (best !== undefined || w.length < 3) return best;
  // A truncated name ('user' for 'user_id') is far in edits but plainly meant.
  for (const c of candidates) if (c.toLowerCase().startsWith(w) && (best === undefined || c.length < best.length)) best = c;
  return best;
}
