import { open, type FileHandle } from 'node:fs/promises';
import { canonical } from '../common/exact.js';
import { isAbsolute, resolve } from 'node:path';
import type * as Arquero from 'arquero';
import { arquero } from '../common/arquero-lib.js';
import type { DataType, Field } from '@uwdata/flechette';
import { flechette, loadArrowLibs } from './arrow-lib.js';
import type { Row, Schema, Value } from '../common/types.js';
import { typeName } from '../common/types.js';
import { EddyError, assertNever, closest } from '../common/errors.js';
import type { SourceReader } from './connector.js';
import type { DeadLetter, FileSourceOptions } from './file-source.js';
import { ARROW_FILE_MAGIC, frameAt } from './arrow-ipc.js';
import { convertValues, converterFor, describeArrowType } from './arrow-types.js';

/**
 * Where an Arrow reader resumes: `byte` is the start of the record batch being read when `row` > 0
 * (rows before `row` of it were consumed), else of the next message; `batch` counts the record
 * batches before `byte`. `byte` is also what progress reports.
 */
export interface ArrowOffset {
  readonly byte: number;
  readonly batch: number;
  readonly row: number;
}

/** How much of the file is read at a time (a larger message is read whole). */
const READ_AHEAD = 1 << 20;
const SKIPPED_SAMPLES = 5;

/** A column of a batch decoded with BigInts: exact integers in their canonical form (a number while safe). */
function canonicalValues(values: ArrayLike<Value>): ArrayLike<Value> {
  const out = new Array<Value>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = typeof v === 'bigint' ? canonical(v) : v;
  }
  return out;
}

/** One stream column: where its values come from in a decoded batch. */
interface ColumnSource {
  /** The top-level field, then struct children for a "parent.child" path. */
  readonly path: readonly string[];
  readonly conv: 'same' | 'floor';
}

/** A decoded record batch being handed out, row range by row range. */
interface OpenBatch {
  readonly start: number;
  readonly end: number;
  readonly columns: readonly ArrayLike<Value>[];
  readonly rows: number;
  next: number;
}

/**
 * Bounded reader of an Arrow IPC stream file (or an Arrow IPC file, whose messages are the same
 * stream after its magic), one record batch at a time: a batch is decoded by flechette and read
 * through arquero's fromArrow, its columns converted once, and handed out in rows. The offset is
 * a record-batch position (ArrowOffset), so a resume reads the schema and dictionaries before it
 * again and continues at the batch (and row) after the last one consumed. A file that ends inside
 * a message (a writer still at work, or one killed mid-write) stops before that message: an error,
 * or with 'on-error' = 'skip' the end of the input with the torn batch counted as skipped.
 */
export class ArrowFileSource implements SourceReader {
  readonly bounded = true;
  skippedRows = 0;
  readonly skippedSamples: string[] = [];
  private readonly fullPath: string;
  private fh: FileHandle | undefined;
  private size = 0;
  /** Bytes of the file from `bufAt` on, read ahead. */
  private buf: Buffer = Buffer.alloc(0);
  private bufAt = 0;
  /** The next message to read. */
  private pos = 0;
  private batchNo = 0;
  private schemaMsg: Uint8Array | null = null;
  /** Dictionary messages in force (a replacement drops the earlier ones of its id). */
  private dicts: { id: number; bytes: Uint8Array }[] = [];
  private columns: ColumnSource[] | null = null;
  private current: OpenBatch | null = null;
  private resume: ArrowOffset = { byte: 0, batch: 0, row: 0 };
  private committed: ArrowOffset = { byte: 0, batch: 0, row: 0 };
  private done = false;

  constructor(
    private readonly schema: Schema,
    private readonly opts: FileSourceOptions,
    baseDir?: string,
    private readonly deadLetter?: DeadLetter,
  ) {
    this.fullPath = isAbsolute(opts.path) ? opts.path : resolve(baseDir ?? process.cwd(), opts.path);
  }

  offset(): ArrowOffset {
    return this.committed;
  }

  async seek(offset: unknown): Promise<void> {
    const o = offset as ArrowOffset | null;
    if (!o || typeof o.byte !== 'number' || typeof o.batch !== 'number' || typeof o.row !== 'number') {
      throw new EddyError('CHECKPOINT', `invalid Arrow file source offset ${JSON.stringify(offset)}`);
    }
    await this.close();
    this.resume = o;
    this.committed = o;
  }

  async read(max: number): Promise<Row[] | null> {
    if (!this.fh) await this.openAt(this.resume);
    const rows: Row[] = [];
    while (rows.length < max) {
      if (this.current === null && !(await this.nextBatch())) break;
      const b = this.current!;
      const to = Math.min(b.rows, b.next + (max - rows.length));
      const width = b.columns.length;
      for (let r = b.next; r < to; r++) {
        const row = new Array<Value>(width);
        for (let c = 0; c < width; c++) row[c] = b.columns[c]![r] ?? null;
        rows.push(row);
      }
      b.next = to;
      if (to === b.rows) {
        this.current = null;
        this.batchNo++;
        this.committed = { byte: b.end, batch: this.batchNo, row: 0 };
      } else {
        this.committed = { byte: b.start, batch: this.batchNo, row: to };
      }
    }
    return rows.length === 0 && this.done ? null : rows;
  }

  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    this.current = null;
    this.buf = Buffer.alloc(0);
    this.bufAt = 0;
    this.dicts = [];
    this.schemaMsg = null;
    this.done = false;
    await fh?.close();
  }

  /** Opens the file, reads its schema (and the dictionaries before `at`), and positions at `at`. */
  private async openAt(at: ArrowOffset): Promise<void> {
    await loadArrowLibs();
    try {
      this.fh = await open(this.fullPath, 'r');
      this.size = (await this.fh.stat()).size;
    } catch (e) {
      throw new EddyError('IO', `cannot read '${this.opts.path}': ${(e as Error).message}`);
    }
    this.pos = 0;
    this.batchNo = 0;
    if (this.size >= ARROW_FILE_MAGIC.length) {
      const head = await this.bytes(0, ARROW_FILE_MAGIC.length);
      if (head.subarray(0, 6).equals(ARROW_FILE_MAGIC.subarray(0, 6))) this.pos = ARROW_FILE_MAGIC.length;
    }
    // Walk the messages up to the offset: schema and dictionaries are kept, record batches skipped.
    while (this.pos < at.byte) {
      const f = await this.frame();
      if (f === null || f.kind === 'record-torn') throw new EddyError('CHECKPOINT', `'${this.opts.path}' changed since the checkpoint: no record batch boundary at byte ${at.byte}`, undefined, 'the input file was modified; restart the query fresh');
      if (f.kind === 'record') this.batchNo++;
      this.pos += f.length;
    }
    if (this.pos !== at.byte && at.byte !== 0) throw new EddyError('CHECKPOINT', `'${this.opts.path}' has no record batch boundary at byte ${at.byte}`, undefined, 'the input file was modified; restart the query fresh');
    this.batchNo = at.batch;
    if (at.row > 0) {
      if (!(await this.nextBatch())) throw new EddyError('CHECKPOINT', `'${this.opts.path}' has no record batch at byte ${at.byte}`, undefined, 'the input file was modified; restart the query fresh');
      this.current!.next = Math.min(at.row, this.current!.rows);
    }
  }

  /**
   * Reads the message at `pos` (schema and dictionaries are taken in; null at the end of the stream).
   * A record batch is returned framed but not decoded.
   */
  private async frame(): Promise<{ kind: 'record' | 'other' | 'record-torn'; length: number } | null> {
    if (this.pos >= this.size) return null;
    let view = await this.bytes(this.pos, Math.min(8, this.size - this.pos));
    let f = frameAt(view, 0);
    while (f.kind === 'partial') {
      if (this.pos + f.need > this.size) return { kind: 'record-torn', length: this.size - this.pos };
      view = await this.bytes(this.pos, f.need);
      f = frameAt(view, 0);
    }
    switch (f.kind) {
      case 'eos':
        return null;
      case 'invalid':
        throw new EddyError('BAD_ROW', `${this.opts.path}: not an Arrow IPC stream at byte ${this.pos}: ${f.reason}`, undefined, "'format' = 'arrow' reads Arrow IPC stream (or file) data");
      case 'schema':
        if (this.schemaMsg === null) {
          this.schemaMsg = Buffer.from(view.subarray(0, f.length));
          this.columns = this.resolveColumns();
        }
        return { kind: 'other', length: f.length };
      case 'dictionary': {
        const bytes = Buffer.from(view.subarray(0, f.length));
        if (!f.isDelta) this.dicts = this.dicts.filter((d) => d.id !== f.dictionaryId);
        this.dicts.push({ id: f.dictionaryId, bytes });
        return { kind: 'other', length: f.length };
      }
      case 'record':
        return { kind: 'record', length: f.length };
      default:
        return assertNever(f, 'Arrow frame');
    }
  }

  /** Decodes the next record batch into `current`; false at the end of the input. */
  private async nextBatch(): Promise<boolean> {
    for (;;) {
      if (this.done) return false;
      const f = await this.frame();
      if (f === null) {
        this.done = true;
        return false;
      }
      if (f.kind === 'other') {
        this.pos += f.length;
        continue;
      }
      const start = this.pos;
      if (f.kind === 'record-torn') {
        this.done = true;
        this.bad(`the file ends inside a message at byte ${start} (${f.length} bytes of it): a partially written file?`, "wait for the writer to finish, or set 'on-error' = 'skip' to stop before the incomplete batch");
        return false;
      }
      if (this.schemaMsg === null || this.columns === null) throw new EddyError('BAD_ROW', `${this.opts.path}: a record batch at byte ${start} comes before the schema`, undefined, "'format' = 'arrow' reads Arrow IPC stream (or file) data");
      const body = await this.bytes(start, f.length);
      this.pos = start + f.length;
      let columns: ArrayLike<Value>[];
      let rows: number;
      try {
        // flechette's Table is what arquero's ArrowInput describes, up to a metadata field's null.
        const ipc = [this.schemaMsg, ...this.dicts.map((d) => d.bytes), body];
        const aq = arquero();
        const { tableFromIPC } = flechette();
        const decode = (useBigInt: boolean) => {
          const t = aq.fromArrow(tableFromIPC(ipc, { useDate: false, useBigInt }) as unknown as Parameters<typeof Arquero.fromArrow>[0]);
          return { rows: t.numRows(), columns: this.columns!.map((c) => convertValues(columnValues(t, c.path), c.conv)) };
        };
        let got: { rows: number; columns: ArrayLike<Value>[] };
        try {
          got = decode(false);
        } catch (e) {
          // Int64 values beyond 2^53 (flechette refuses them as numbers): this batch again with BigInts, made canonical.
          if (!/BigInt exceeds integer/.test((e as Error).message)) throw e;
          const exact = decode(true);
          got = { rows: exact.rows, columns: exact.columns.map(canonicalValues) };
        }
        rows = got.rows;
        columns = got.columns;
      } catch (e) {
        if (e instanceof EddyError) throw e;
        this.bad(`record batch ${this.batchNo} at byte ${start}: ${(e as Error).message}`, "fix the input, or set 'on-error' = 'skip' to skip batches that cannot be read");
        this.batchNo++;
        continue;
      }
      if (rows === 0) {
        this.batchNo++;
        continue;
      }
      this.current = { start, end: this.pos, columns, rows, next: 0 };
      return true;
    }
  }

  /** `n` bytes of the file from `at`, from the read-ahead buffer (refilled as needed). */
  private async bytes(at: number, n: number): Promise<Buffer> {
    if (at < this.bufAt || at + n > this.bufAt + this.buf.length) {
      const len = Math.min(Math.max(n, READ_AHEAD), this.size - at);
      const buf = Buffer.allocUnsafe(len);
      let got = 0;
      while (got < len) {
        const { bytesRead } = await this.fh!.read(buf, got, len - got, at + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      this.buf = buf.subarray(0, got);
      this.bufAt = at;
    }
    return this.buf.subarray(at - this.bufAt, at - this.bufAt + n);
  }

  /** Maps the stream's columns to the file schema's fields, checking their types. */
  private resolveColumns(): ColumnSource[] {
    const { Type, tableFromIPC } = flechette();
    const fields = tableFromIPC(this.schemaMsg!).schema.fields;
    return this.schema.columns.map((col) => {
      const path = col.name.split('.');
      let list: readonly Field[] = fields;
      let type: DataType | undefined;
      const names: string[] = [];
      for (let i = 0; i < path.length; i++) {
        const field = findField(list, path.slice(i).join('.')) ?? findField(list, path[i]!);
        if (!field) {
          const at = names.length ? ` in struct '${names.join('.')}'` : '';
          const guess = closest(path[i]!.toLowerCase(), list.map((f) => f.name.toLowerCase()));
          throw new EddyError(
            'BAD_ROW',
            `${this.opts.path}: the Arrow schema has no field '${path[i]}'${at} for column '${col.name}' (fields: ${list.map((f) => f.name).join(', ') || 'none'})`,
            undefined,
            guess ? `did you mean '${guess}'? Arrow field names must match the stream's columns` : "the stream's columns must name fields of the file's schema",
          );
        }
        names.push(field.name);
        type = field.type;
        // A whole remaining path matched one field name (a field named "a.b"): done.
        if (field.name.toLowerCase() === path.slice(i).join('.').toLowerCase() && i < path.length - 1) break;
        if (i < path.length - 1) {
          if (type.typeId !== Type.Struct) throw new EddyError('TYPE_MISMATCH', `${this.opts.path}: field '${names.join('.')}' is ${describeArrowType(type)}, not a struct, so column '${col.name}' cannot read a field of it`);
          list = type.children;
        }
      }
      const conv = converterFor(type!, col.type);
      if (conv === null) {
        throw new EddyError(
          'TYPE_MISMATCH',
          `${this.opts.path}: column '${col.name}' is ${typeName(col.type)}, but the Arrow field '${names.join('.')}' is ${describeArrowType(type!)}`,
          undefined,
          type!.typeId === Type.Struct ? `read its fields by path, as columns named "${names.join('.')}.<field>"` : 'declare the column with a type the Arrow field converts to (see the README, Arrow format)',
        );
      }
      return { path: names, conv };
    });
  }

  private bad(reason: string, hint: string): void {
    if (this.opts.onError === 'dead-letter') this.deadLetter?.(this.opts.path, this.batchNo, '', reason);
    if (this.opts.onError !== 'fail') {
      this.skippedRows++;
      if (this.skippedSamples.length < SKIPPED_SAMPLES) this.skippedSamples.push(`${this.opts.path}: ${reason}`);
      return;
    }
    throw new EddyError('BAD_ROW', `${this.opts.path}: ${reason}`, undefined, hint);
  }
}

function findField(fields: readonly Field[], name: string): Field | undefined {
  return fields.find((f) => f.name === name) ?? fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
}

/** A column's values by field path: a top-level column, or a struct's child read from its row objects. */
function columnValues(t: Arquero.ColumnTable, path: readonly string[]): ArrayLike<unknown> {
  // The backing Arrow column's toArray() (typed arrays where it can): table.array() would visit every row through at().
  const column = t.column(path[0]!) as unknown as { toArray?: () => ArrayLike<unknown> } | undefined;
  const top = column?.toArray ? column.toArray() : (t.array(path[0]!) as ArrayLike<unknown>);
  if (path.length === 1) return top;
  const out = new Array<unknown>(top.length);
  for (let i = 0; i < top.length; i++) {
    let v: unknown = top[i];
    for (let p = 1; p < path.length && v !== null && v !== undefined; p++) v = (v as Record<string, unknown>)[path[p]!];
    out[i] = v ?? null;
  }
  return out;
}
