import type { ErrorCode } from '../common/errors.js';
import type { Row, Schema } from '../common/types.js';
import { assertNever } from '../common/errors.js';

/** What ParallelJsonFileSource's worker is started with. */
export interface WorkerStart {
  readonly schema: Schema;
  readonly fullPath: string;
  /** The path as written in the WITH clause: messages show this one. */
  readonly displayPath: string;
  readonly onError: 'fail' | 'skip';
  readonly offset: { readonly byte: number; readonly line: number };
  readonly max: number;
  readonly chunkSize: number;
  /** The columns decoded (absent: all). */
  readonly readColumns?: readonly number[];
}

/** A batch (its offset is the position after its last line), the end of the file, or the error that stopped the read. Counts are cumulative. */
export type WorkerMessage =
  | { readonly kind: 'rows'; readonly rows: EncodedRows; readonly offset: WorkerStart['offset']; readonly skipped: number; readonly samples: readonly string[] }
  | { readonly kind: 'end'; readonly offset: WorkerStart['offset']; readonly skipped: number; readonly samples: readonly string[] }
  | { readonly kind: 'error'; readonly code: ErrorCode; readonly message: string; readonly hint: string | undefined };

/**
 * One column of a batch, in the form that clones fastest: numbers in a Float64Array (with a null
 * mask when any is NULL), text as one string with each value's length (-1: NULL), booleans as
 * bytes (2: NULL); anything else (a bigint beyond 2^53) as a packed array of the values.
 */
type ColumnData =
  | { readonly kind: 'number'; readonly values: Float64Array; readonly nulls: Uint8Array | null }
  | { readonly kind: 'text'; readonly text: string; readonly lengths: Int32Array }
  | { readonly kind: 'boolean'; readonly codes: Uint8Array }
  | { readonly kind: 'values'; readonly values: readonly unknown[] };

/**
 * A batch of rows column by column, only the columns decoded: the structured clone of a typed
 * array or one long string is a copy of its bytes, where cloning rows costs a tagged value each.
 */
export interface EncodedRows {
  readonly count: number;
  readonly width: number;
  readonly columns: readonly (readonly [number, ColumnData])[];
}

const NUMERIC: ReadonlySet<string> = new Set(['INT', 'BIGINT', 'DOUBLE', 'FLOAT', 'TIMESTAMP', 'INTERVAL']);

/** The batch `rows` of `schema` as columns `read` (undefined: all), and the buffers to transfer. */
export function encodeRows(rows: readonly Row[], schema: Schema, read: readonly number[] | undefined): { encoded: EncodedRows; transfer: ArrayBuffer[] } {
  const transfer: ArrayBuffer[] = [];
  const columns: [number, ColumnData][] = [];
  for (const c of read ?? schema.columns.map((_, i) => i)) {
    const type = schema.columns[c]!.type;
    const col = (NUMERIC.has(type) ? numbers(rows, c) : type === 'VARCHAR' ? text(rows, c) : type === 'BOOLEAN' ? booleans(rows, c) : null) ?? values(rows, c);
    if (col.kind === 'number') transfer.push(col.values.buffer as ArrayBuffer, ...(col.nulls ? [col.nulls.buffer as ArrayBuffer] : []));
    else if (col.kind === 'text') transfer.push(col.lengths.buffer as ArrayBuffer);
    else if (col.kind === 'boolean') transfer.push(col.codes.buffer as ArrayBuffer);
    columns.push([c, col]);
  }
  return { encoded: { count: rows.length, width: schema.columns.length, columns }, transfer };
}

function numbers(rows: readonly Row[], c: number): ColumnData | null {
  const values = new Float64Array(rows.length);
  let nulls: Uint8Array | null = null;
  for (let r = 0; r < rows.length; r++) {
    const v = rows[r]![c];
    if (typeof v === 'number') values[r] = v;
    else if (v === null) (nulls ??= new Uint8Array(rows.length))[r] = 1;
    else return null; // a bigint: the column goes as values
  }
  return { kind: 'number', values, nulls };
}

function text(rows: readonly Row[], c: number): ColumnData | null {
  const lengths = new Int32Array(rows.length);
  const parts: string[] = [];
  for (let r = 0; r < rows.length; r++) {
    const v = rows[r]![c];
    if (typeof v === 'string') {
      parts.push(v);
      lengths[r] = v.length;
    } else if (v === null) lengths[r] = -1;
    else return null;
  }
  return { kind: 'text', text: parts.join(''), lengths };
}

function booleans(rows: readonly Row[], c: number): ColumnData | null {
  const codes = new Uint8Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const v = rows[r]![c];
    if (typeof v === 'boolean') codes[r] = v ? 1 : 0;
    else if (v === null) codes[r] = 2;
    else return null;
  }
  return { kind: 'boolean', codes };
}

function values(rows: readonly Row[], c: number): ColumnData {
  // Pushed, so the array is packed: a holey one clones an element at a time through the slow path.
  const out: unknown[] = [];
  for (let r = 0; r < rows.length; r++) out.push(rows[r]![c]);
  return { kind: 'values', values: out };
}

/** The rows of an encoded batch; columns not sent are NULL. */
export function decodeRows(e: EncodedRows): Row[] {
  const rows: Row[] = [];
  for (let r = 0; r < e.count; r++) {
    const row: Row[number][] = [];
    for (let c = 0; c < e.width; c++) row.push(null);
    rows.push(row);
  }
  for (const [c, col] of e.columns) {
    switch (col.kind) {
      case 'number': {
        const { values, nulls } = col;
        for (let r = 0; r < e.count; r++) rows[r]![c] = nulls !== null && nulls[r] === 1 ? null : values[r]!;
        break;
      }
      case 'text': {
        const { text, lengths } = col;
        let at = 0;
        for (let r = 0; r < e.count; r++) {
          const n = lengths[r]!;
          if (n < 0) continue;
          rows[r]![c] = text.slice(at, at + n);
          at += n;
        }
        break;
      }
      case 'boolean': {
        const codes = col.codes;
        for (let r = 0; r < e.count; r++) rows[r]![c] = codes[r] === 2 ? null : codes[r] === 1;
        break;
      }
      case 'values': {
        const values = col.values;
        for (let r = 0; r < e.count; r++) rows[r]![c] = values[r] as Row[number];
        break;
      }
      default:
        return assertNever(col, 'column encoding');
    }
  }
  return rows;
}
