import type { Row, Schema, SqlType, Value } from '../common/types.js';
import { EddyError, closest } from '../common/errors.js';
import type { SinkWriter, SourceReader } from './connector.js';
import { BAD, badValueReason, coerceValue, type Bad } from './values.js';
import { objectConverter } from './object-converter.js';
import { MemoryLog } from './memory-log.js';
import { objectLayout, type ObjectLayout, type StoredObjects } from '../common/object-layout.js';
import { randomBytes } from 'node:crypto';
import { inTimestampRange } from '../common/time.js';

/** Inserts of fewer objects are converted to rows (and coalesced in the log) rather than kept as objects. */
const KEEP_OBJECTS_MIN = 256;

/** An insert lets readers catch up while more rows than this wait for the slowest one. */
const BACKLOG_HIGH = 32_768;

interface Log {
  readonly rows: MemoryLog;
  /** Random per log, i.e. per process: an offset saved by another incarnation names rows that are gone. */
  incarnation: string;
  ended: boolean;
  /** A registered table (eddy.registerTable): rows are never released, so every query reads them all. */
  retained: boolean;
  readonly readers: Set<MemoryReader>;
}

/**
 * Named in-memory logs for 'connector' = 'memory' streams (rows pushed by eddy.insert, INSERT ...
 * VALUES, or a CREATE STREAM AS query). A log is append-only and offsets are absolute, so a
 * reader's offset is an index into it and replay after a restart is exact. Rows that every open
 * reader has consumed are released (an embedded stream fed forever must not grow forever); a query
 * started later reads from the earliest row still retained, and rows inserted while no query reads
 * the stream are kept for the first one.
 */
export class MemoryStreams {
  private readonly logs = new Map<string, Log>();

  private log(stream: string): Log {
    let log = this.logs.get(stream);
    if (!log) {
      log = { rows: new MemoryLog(), incarnation: randomBytes(4).toString('hex'), ended: false, retained: false, readers: new Set() };
      this.logs.set(stream, log);
    }
    return log;
  }

  /** Appends already-coerced rows (in the stream's column order). */
  append(stream: string, rows: readonly Row[]): void {
    const log = this.open(stream);
    log.rows.append(rows);
    wakeReaders(log);
  }

  /**
   * Appends an insert's input (eddy.insert): plain objects of one shape whose values are already
   * of their columns' types are kept as they are, not copied (see ObjectLayout); anything else is
   * converted by toRows, which reports bad rows. All or nothing: a bad row appends none. Returns
   * the number of rows.
   */
  insert(stream: string, schema: Schema, input: readonly object[] | ColumnarTable): number {
    const log = this.open(stream);
    const layout = Array.isArray(input) && input.length >= KEEP_OBJECTS_MIN ? storableLayout(schema, input, stream) : null;
    if (layout !== null) log.rows.appendObjects(input as readonly object[], layout);
    else log.rows.append(toRows(schema, input, stream));
    wakeReaders(log);
    return Array.isArray(input) ? input.length : (input as ColumnarTable).numRows();
  }

  private open(stream: string): Log {
    const log = this.log(stream);
    if (log.ended) throw new EddyError('UNSUPPORTED', `stream '${stream}' has ended; no more rows can be inserted`);
    return log;
  }

  /**
   * Lets readers catch up after an append: while more than BACKLOG_HIGH rows wait for the slowest
   * open reader, yields to the event loop, as long as each turn shows that reader progressing. A
   * reader that is not reading (its query paused by unread results, or polling an empty log) ends
   * the wait at once, so an insert never deadlocks on a consumer that waits for the inserter.
   */
  async catchUp(stream: string): Promise<void> {
    const log = this.logs.get(stream);
    if (log === undefined) return;
    for (;;) {
      const slowest = slowestReader(log);
      if (slowest === null || log.rows.length - slowest <= BACKLOG_HIGH) return;
      await new Promise<void>((r) => setImmediate(r));
      if (slowestReader(log) === slowest) return;
    }
  }

  /** The incarnation of a stream's log: what its readers' offsets are valid in. */
  incarnation(stream: string): string {
    return this.log(stream).incarnation;
  }

  /**
   * Declares that this log holds the same rows, at the same offsets, as an earlier incarnation
   * (a host that keeps its input elsewhere and refills the stream after a restart, or a benchmark
   * standing in for a durable source), so offsets saved in that incarnation stay valid here.
   */
  adoptIncarnation(stream: string, incarnation: string): void {
    this.log(stream).incarnation = incarnation;
  }

  /** A bounded table: `rows` appended, the log ended and never released (eddy.registerTable). */
  table(stream: string, rows: readonly Row[]): void {
    this.logs.delete(stream);
    const log = this.log(stream);
    log.retained = true;
    log.rows.append(rows);
    log.ended = true;
  }

  /** Marks the stream finished: readers return null once they have read everything. */
  end(stream: string): void {
    const log = this.log(stream);
    log.ended = true;
    wakeReaders(log);
  }

  isEnded(stream: string): boolean {
    return this.logs.get(stream)?.ended ?? false;
  }

  /** The rows still retained (for inspection and tests). */
  rows(stream: string): readonly Row[] {
    return this.logs.get(stream)?.rows.rows() ?? [];
  }

  /** Absolute length: every row ever appended, released or not. */
  length(stream: string): number {
    const log = this.logs.get(stream);
    return log ? log.rows.length : 0;
  }

  /** Drops rows beyond absolute `length` (a memory sink's exactly-once rewind); reopens an ended log. */
  truncate(stream: string, length: number): void {
    const log = this.log(stream);
    log.rows.truncate(length);
    log.ended = false;
  }

  /** Forgets the stream (DROP STREAM). */
  drop(stream: string): void {
    this.logs.delete(stream);
  }

  /** A reader from the start of the log. With endWhenDrained, reaching the end counts as the end (batch runs). */
  reader(stream: string, opts: { readonly endWhenDrained: boolean }): SourceReader {
    const log = this.log(stream);
    const reader = new MemoryReader(log, opts.endWhenDrained, stream);
    log.readers.add(reader);
    return reader;
  }

  /** A sink appending to the log; position() is the log length, restore() truncates to it. */
  sink(stream: string): SinkWriter {
    return new MemorySink(this, stream);
  }
}

class MemoryReader implements SourceReader {
  readonly skippedRows = 0;
  /** Absolute offset of the next row. */
  index: number;
  /** Resolves the promise of the last readable() call; the log calls it on append and end. */
  wake: (() => void) | null = null;

  constructor(
    private readonly log: Log,
    private readonly endWhenDrained: boolean,
    private readonly stream: string,
  ) {
    this.index = log.rows.base;
  }

  get bounded(): boolean {
    return this.endWhenDrained || this.log.ended;
  }

  async read(max: number): Promise<Row[] | null> {
    const log = this.log;
    if (this.index < log.rows.length) {
      const out = log.rows.read(this.index, max);
      this.index += out.length;
      if (!log.retained) log.rows.release(slowestReader(log)!);
      return out;
    }
    return log.ended || this.endWhenDrained ? null : [];
  }

  /** As read(), but rows still held as inserted objects come out as those objects and their layout. */
  async readObjects(max: number): Promise<Row[] | StoredObjects | null> {
    const log = this.log;
    if (this.index < log.rows.length) {
      const out = log.rows.readStored(this.index, max);
      this.index += Array.isArray(out) ? out.length : out.objects.length;
      if (!log.retained) log.rows.release(slowestReader(log)!);
      return out;
    }
    return log.ended || this.endWhenDrained ? null : [];
  }

  readable(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  caughtUp(): boolean {
    return this.index >= this.log.rows.length;
  }

  /** The absolute row index and the log's incarnation (see seek). */
  offset(): MemoryOffset {
    return { row: this.index, incarnation: this.log.incarnation };
  }

  /**
   * Positions the reader at a saved offset. Memory streams do not survive the process: an offset
   * saved by another incarnation of the log (an earlier process) names rows that are gone, and the
   * rows now in the log are all new to the query, so it reads them from the start. A plain number
   * (checkpoints before incarnations existed) is taken as an offset into this log.
   */
  async seek(offset: unknown): Promise<void> {
    const o = parseOffset(offset);
    if (o === null) throw new EddyError('CHECKPOINT', `invalid memory source offset ${JSON.stringify(offset)}`);
    if (o.incarnation !== undefined && o.incarnation !== this.log.incarnation) {
      this.index = this.log.rows.base;
      return;
    }
    const row = o.row;
    if (row < this.log.rows.base) {
      throw new EddyError(
        'CHECKPOINT',
        `memory stream '${this.stream}' no longer holds row ${row}: rows before ${this.log.rows.base} were released after every reader had consumed them`,
        undefined,
        "memory streams are not durable; use a 'file' stream for input that must be replayable",
      );
    }
    this.index = row;
  }

  async close(): Promise<void> {
    this.log.readers.delete(this);
  }
}

/** A memory reader's position: absolute row index in the log of one incarnation. */
export interface MemoryOffset {
  readonly row: number;
  readonly incarnation: string;
}

function parseOffset(x: unknown): { row: number; incarnation?: string } | null {
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  if (ok(x)) return { row: x };
  const o = x as Partial<MemoryOffset> | null;
  if (typeof o === 'object' && o !== null && ok(o.row) && typeof o.incarnation === 'string') return { row: o.row, incarnation: o.incarnation };
  return null;
}

/** Wakes the readers waiting in readable(). */
function wakeReaders(log: Log): void {
  for (const r of log.readers) {
    const w = r.wake;
    if (w !== null) {
      r.wake = null;
      w();
    }
  }
}

/** Absolute offset of the open reader furthest behind; null without readers. */
function slowestReader(log: Log): number | null {
  let min: number | null = null;
  for (const r of log.readers) if (min === null || r.index < min) min = r.index;
  return min;
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

  cut(): { position: { rows: number }; durable: Promise<void> } {
    return { position: this.position(), durable: Promise.resolve() };
  }

  position(): { rows: number } {
    return { rows: this.streams.length(this.stream) };
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
  getter?(name: string): (row: number) => unknown;
}

function isColumnar(x: unknown): x is ColumnarTable {
  const t = x as Partial<ColumnarTable> | null;
  return typeof t === 'object' && t !== null && typeof t.numRows === 'function' && typeof t.columnNames === 'function' && typeof t.array === 'function';
}

/**
 * coerceValue with the common cases inlined (a number for a numeric column, a string for VARCHAR,
 * a Date or integer for TIMESTAMP); everything else, including every error, goes to coerceValue.
 */
function coerceFast(raw: unknown, type: SqlType): Value | Bad {
  switch (type) {
    case 'DOUBLE':
    case 'FLOAT':
      if (typeof raw === 'number') return raw;
      break;
    case 'BIGINT':
    case 'INTERVAL':
      if (typeof raw === 'number' && Number.isSafeInteger(raw)) return raw;
      break;
    case 'INT':
      if (typeof raw === 'number' && (raw | 0) === raw) return raw;
      break;
    case 'VARCHAR':
      if (typeof raw === 'string') return raw;
      break;
    case 'TIMESTAMP':
      if (typeof raw === 'number' && Number.isInteger(raw) && inTimestampRange(raw)) return raw;
      if (raw instanceof Date) {
        const t = raw.getTime();
        if (inTimestampRange(t)) return t; // not NaN either
      }
      break;
    case 'BOOLEAN':
      if (typeof raw === 'boolean') return raw;
      break;
  }
  return coerceValue(raw, type);
}

/** Resolves field names to column indexes (exact name first, then any case); messages built only on error. */
class FieldResolver {
  private readonly lower: string[];
  private readonly known = new Map<string, number>();

  constructor(
    private readonly schema: Schema,
    private readonly stream: string,
  ) {
    this.lower = schema.columns.map((c) => c.name.toLowerCase());
  }

  /** The column of `field`, or -1. */
  find(field: string): number {
    let i = this.known.get(field);
    if (i === undefined) {
      i = this.schema.columns.findIndex((c) => c.name === field);
      if (i < 0) i = this.lower.indexOf(field.toLowerCase());
      this.known.set(field, i);
    }
    return i;
  }

  /** The column of `field`; an unknown field is a BAD_ROW error with a did-you-mean. */
  get(field: string, where: () => string): number {
    const i = this.find(field);
    if (i >= 0) return i;
    const names = this.schema.columns.map((c) => c.name);
    const guess = closest(field, names);
    throw new EddyError('BAD_ROW', `${where()}: '${field}' is not a column of stream '${this.stream}'`, undefined, guess ? `did you mean '${guess}'?` : `columns: ${names.join(', ')}`);
  }
}

function badValue(where: string, schema: Schema, col: number, raw: unknown): EddyError {
  const c = schema.columns[col]!;
  return new EddyError('BAD_ROW', `${where}: ${c.name}: ${badValueReason(raw, c.type)}`);
}

/**
 * Converts an array of plain objects, or an arquero table, to rows of `schema` (missing fields →
 * NULL, Dates → TIMESTAMP). A field or table column that is not a stream column is an error,
 * since it is almost always a typo.
 */
export function toRows(schema: Schema, input: readonly object[] | ColumnarTable, stream = 'stream'): Row[] {
  const fields = new FieldResolver(schema, stream);
  if (isColumnar(input)) return tableToRows(schema, input, fields);
  if (!Array.isArray(input)) {
    throw new EddyError('BAD_ROW', `cannot insert ${typeof input}: expected an array of objects or an arquero table`);
  }
  return objectsToRows(schema, input, fields);
}

/** One accessor per column (no per-cell strings), rows built across them; the first bad row is reported. */
function tableToRows(schema: Schema, table: ColumnarTable, fields: FieldResolver): Row[] {
  const width = schema.columns.length;
  const types = schema.columns.map((c) => c.type);
  const getters: (((row: number) => unknown) | null)[] = new Array<((row: number) => unknown) | null>(width).fill(null);
  for (const name of table.columnNames()) getters[fields.get(name, () => 'table column')] = getterOf(table, name);
  const n = table.numRows();
  const rows: Row[] = new Array<Row>(n);
  for (let r = 0; r < n; r++) {
    const row = new Array<Value>(width);
    for (let c = 0; c < width; c++) {
      const get = getters[c]!;
      if (get === null) {
        row[c] = null;
        continue;
      }
      const raw = get(r);
      const v = coerceFast(raw, types[c]!);
      if (v === BAD) throw badValue(`row ${r + 1}`, schema, c, raw);
      row[c] = v;
    }
    rows[r] = row;
  }
  return rows;
}

/** arquero's getter (respects filters and order without copying the column), else array(). */
function getterOf(table: ColumnarTable, name: string): (row: number) => unknown {
  if (typeof table.getter === 'function') return table.getter(name);
  const values = table.array(name);
  return (r) => values[r];
}

/**
 * Plain objects of the first object's shape go through a converter compiled for that shape
 * (object-converter.ts); any other row (another shape, a bad value) takes the general path, which
 * walks the object's own keys like Object.entries and reports errors.
 */
function objectsToRows(schema: Schema, input: readonly unknown[], fields: FieldResolver): Row[] {
  const types = schema.columns.map((c) => c.type);
  const rows: Row[] = new Array<Row>(input.length);
  const slow = (obj: unknown, r: number): Row => {
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      throw new EddyError('BAD_ROW', `row ${r + 1}: expected an object keyed by column name, got ${Array.isArray(obj) ? 'an array' : JSON.stringify(obj)}`);
    }
    return generalRow(schema, types, obj, r, fields);
  };
  const first = input[0];
  const plan = typeof first === 'object' && first !== null && !Array.isArray(first) ? planFor(first, types.length, fields) : null;
  if (plan === null) {
    for (let r = 0; r < input.length; r++) rows[r] = slow(input[r], r);
    return rows;
  }
  objectConverter(schema, plan)(input, rows, slow);
  return rows;
}

/** The layout under which `input` can be kept as it is (planned from its first object), or null. */
function storableLayout(schema: Schema, input: readonly unknown[], stream: string): ObjectLayout | null {
  const first = input[0];
  if (typeof first !== 'object' || first === null || Array.isArray(first)) return null;
  const plan = planFor(first, schema.columns.length, new FieldResolver(schema, stream));
  if (plan === null) return null;
  const layout = objectLayout(schema, plan);
  return layout.firstUnstorable(input) === -1 ? layout : null;
}

/**
 * Per column, the key of `first` that names it; null (general path only) when a key is unknown,
 * two keys name one column, or a key is also an Object.prototype member (reading it from an
 * object that lacks it would find the inherited one).
 */
function planFor(first: object, width: number, fields: FieldResolver): (string | undefined)[] | null {
  const plan = new Array<string | undefined>(width).fill(undefined);
  for (const key of Object.keys(first)) {
    const c = fields.find(key);
    if (c < 0 || plan[c] !== undefined || key in Object.prototype) return null;
    plan[c] = key;
  }
  return plan;
}

function generalRow(schema: Schema, types: readonly SqlType[], obj: object, r: number, fields: FieldResolver): Row {
  const row = new Array<Value>(types.length).fill(null);
  for (const [field, raw] of Object.entries(obj)) {
    const col = fields.get(field, () => `row ${r + 1}`);
    const v = coerceFast(raw, types[col]!);
    if (v === BAD) throw badValue(`row ${r + 1}`, schema, col, raw);
    row[col] = v;
  }
  return row;
}
