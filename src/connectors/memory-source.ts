import type { Row, Schema, Value } from '../common/types.js';
import { EddyError, closest } from '../common/errors.js';
import type { SinkWriter, SourceReader } from './connector.js';
import { BAD, badValueReason, coerceValue } from './values.js';

interface Log {
  rows: Row[];
  ended: boolean;
}

/**
 * Named in-memory logs for 'connector' = 'memory' streams (rows pushed by eddy.insert, INSERT ...
 * VALUES, or a CREATE STREAM AS query). A log is append-only, so a reader's offset is simply an
 * index into it and replay after a restart is exact.
 */
export class MemoryStreams {
  private readonly logs = new Map<string, Log>();

  private log(stream: string): Log {
    let log = this.logs.get(stream);
    if (!log) {
      log = { rows: [], ended: false };
      this.logs.set(stream, log);
    }
    return log;
  }

  /** Appends already-coerced rows (in the stream's column order). */
  append(stream: string, rows: readonly Row[]): void {
    const log = this.log(stream);
    if (log.ended) throw new EddyError('UNSUPPORTED', `stream '${stream}' has ended; no more rows can be inserted`);
    for (const r of rows) log.rows.push(r);
  }

  /** Marks the stream finished: readers return null once they have read everything. */
  end(stream: string): void {
    this.log(stream).ended = true;
  }

  isEnded(stream: string): boolean {
    return this.logs.get(stream)?.ended ?? false;
  }

  /** Everything appended so far (for inspection and tests). */
  rows(stream: string): readonly Row[] {
    return this.logs.get(stream)?.rows ?? [];
  }

  /** Drops rows beyond `length` (a memory sink's exactly-once rewind); reopens an ended log. */
  truncate(stream: string, length: number): void {
    const log = this.log(stream);
    log.rows.length = Math.min(log.rows.length, length);
    log.ended = false;
  }

  /** Forgets the stream (DROP STREAM). */
  drop(stream: string): void {
    this.logs.delete(stream);
  }

  /** A reader from the start of the log. With endWhenDrained, reaching the end counts as the end (batch runs). */
  reader(stream: string, opts: { readonly endWhenDrained: boolean }): SourceReader {
    return new MemoryReader(this.log(stream), opts.endWhenDrained);
  }

  /** A sink appending to the log; position() is the log length, restore() truncates to it. */
  sink(stream: string): SinkWriter {
    return new MemorySink(this, stream);
  }
}

class MemoryReader implements SourceReader {
  readonly skippedRows = 0;
  private index = 0;

  constructor(
    private readonly log: Log,
    private readonly endWhenDrained: boolean,
  ) {}

  get bounded(): boolean {
    return this.endWhenDrained || this.log.ended;
  }

  async read(max: number): Promise<Row[] | null> {
    const rows = this.log.rows;
    if (this.index < rows.length) {
      const out = rows.slice(this.index, this.index + max);
      this.index += out.length;
      return out;
    }
    return this.log.ended || this.endWhenDrained ? null : [];
  }

  offset(): number {
    return this.index;
  }

  async seek(offset: unknown): Promise<void> {
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
      throw new EddyError('CHECKPOINT', `invalid memory source offset ${JSON.stringify(offset)}`);
    }
    this.index = offset;
  }

  async close(): Promise<void> {}
}

class MemorySink implements SinkWriter {
  constructor(
    private readonly streams: MemoryStreams,
    private readonly stream: string,
  ) {}

  write(rows: readonly Row[]): void {
    this.streams.append(this.stream, rows);
  }

  async flush(): Promise<void> {}

  position(): { rows: number } {
    return { rows: this.streams.rows(this.stream).length };
  }

  async restore(position: unknown | null): Promise<void> {
    const n = position === null ? 0 : (position as { rows?: unknown })?.rows;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      throw new EddyError('CHECKPOINT', `invalid memory sink position ${JSON.stringify(position)}`);
    }
    this.streams.truncate(this.stream, n);
  }

  async close(): Promise<void> {}
}

/** The slice of arquero's Table API that toRows uses. */
interface ColumnarTable {
  numRows(): number;
  columnNames(): string[];
  array(name: string): ArrayLike<unknown>;
}

function isColumnar(x: unknown): x is ColumnarTable {
  const t = x as Partial<ColumnarTable> | null;
  return typeof t === 'object' && t !== null && typeof t.numRows === 'function' && typeof t.columnNames === 'function' && typeof t.array === 'function';
}

/**
 * Converts an array of plain objects, or an arquero table, to rows of `schema` (missing fields →
 * NULL, Dates → TIMESTAMP). A field or table column that is not a stream column is an error,
 * since it is almost always a typo.
 */
export function toRows(schema: Schema, input: readonly object[] | ColumnarTable, stream = 'stream'): Row[] {
  const lower = schema.columns.map((c) => c.name.toLowerCase());
  const columnFor = (field: string, where: string): number => {
    let i = schema.columns.findIndex((c) => c.name === field);
    if (i < 0) i = lower.indexOf(field.toLowerCase());
    if (i < 0) {
      const guess = closest(field, schema.columns.map((c) => c.name));
      throw new EddyError('BAD_ROW', `${where}: '${field}' is not a column of stream '${stream}'`, undefined, guess ? `did you mean '${guess}'?` : `columns: ${schema.columns.map((c) => c.name).join(', ')}`);
    }
    return i;
  };
  const coerce = (raw: unknown, col: number, where: string): Value => {
    const c = schema.columns[col]!;
    const v = coerceValue(raw, c.type);
    if (v === BAD) throw new EddyError('BAD_ROW', `${where}: ${c.name}: ${badValueReason(raw, c.type)}`);
    return v;
  };

  if (isColumnar(input)) {
    const n = input.numRows();
    const rows: Row[] = Array.from({ length: n }, () => new Array<Value>(schema.columns.length).fill(null));
    for (const name of input.columnNames()) {
      const col = columnFor(name, 'table column');
      const values = input.array(name);
      for (let r = 0; r < n; r++) rows[r]![col] = coerce(values[r], col, `row ${r + 1}`);
    }
    return rows;
  }
  if (!Array.isArray(input)) {
    throw new EddyError('BAD_ROW', `cannot insert ${typeof input}: expected an array of objects or an arquero table`);
  }
  return input.map((obj, r) => {
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new EddyError('BAD_ROW', `row ${r + 1}: expected an object keyed by column name, got ${Array.isArray(obj) ? 'an array' : JSON.stringify(obj)}`);
    }
    const row = new Array<Value>(schema.columns.length).fill(null);
    for (const [field, raw] of Object.entries(obj)) {
      const col = columnFor(field, `row ${r + 1}`);
      row[col] = coerce(raw, col, `row ${r + 1}`);
    }
    return row;
  });
}
