import { constants } from 'node:fs';
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Row, Schema } from '../common/types.js';
import { EddyError } from '../common/errors.js';
import { freshStartAt, type FreshStart, type SinkWriter } from './connector.js';
import type { StreamDef } from '../planner/catalog.js';
import type { FileFormat } from './options.js';
import { fileSourceOptions } from './file-source.js';
import { csvHeader, csvLineFormatter, jsonLineFormatter } from './printers.js';
import { ARROW_BATCH_ROWS, ArrowBatchEncoder, checkArrowColumns } from './arrow-encoder.js';
import { loadArrowLibs } from './arrow-lib.js';
import { ARROW_FILE_MAGIC } from './arrow-ipc.js';

export interface FileSinkOptions {
  readonly path: string;
  readonly format: FileFormat;
  readonly delimiter: string;
  /** The stream written, for messages. */
  readonly stream?: string;
}

/** Validates a file sink's WITH options: the file source's, since one file stream may be read and written. */
export function fileSinkOptions(options: Readonly<Record<string, string>>): FileSinkOptions {
  const o = fileSourceOptions(options);
  return { path: o.path, format: o.format, delimiter: o.delimiter };
}

export interface FileSinkPosition {
  readonly bytes: number;
}

/**
 * Exactly-once JSON Lines / CSV / Arrow IPC stream file output. Rows are buffered; flush() appends
 * and fsyncs them and advances position(). Recovery truncates the file to the checkpointed
 * position, so output written after that checkpoint is discarded and then produced again, once.
 * Arrow rows are held until the sink cuts (each checkpoint ends a record batch, see
 * arrow-encoder.ts), so a truncation always lands on a record batch boundary.
 */
/** Buffered output beyond this is written out in the background. */
const WRITE_BEHIND_BYTES = 1 << 20;

export class FileSink implements SinkWriter {
  private fh: FileHandle | undefined;
  private pending: (string | Uint8Array)[] = [];
  private pendingBytes = 0;
  /** Bytes durable in the file. */
  private flushed = 0;
  /** Bytes the file holds once every write() so far is flushed (flushed + in flight + pending). */
  private accepted = 0;
  /** Bytes written by write-behind and not yet fsync'd. */
  private unsynced = false;
  /** Where the output of the last complete checkpoint ends (a recovery truncates to it), for messages. */
  private committed = 0;
  /** Where the last cut whose flush completed ends (a checkpoint in flight may record up to here). */
  private cutDurable = 0;
  /** Flushes run one after another, each writing at the offset the previous one ended. */
  private flushing: Promise<void> = Promise.resolve();
  private readonly fullPath: string;
  private readonly formatRow: (row: Row) => string;
  /** Built on restore(): arquero, which encodes the batches, is loaded on first use (src/common/arquero-lib.ts). */
  private arrow: ArrowBatchEncoder | null = null;

  constructor(
    private readonly schema: Schema,
    private readonly opts: FileSinkOptions,
    baseDir?: string,
    /** How a run without a checkpoint begins; without one the file starts empty. */
    private readonly fresh?: FreshStart,
  ) {
    this.fullPath = isAbsolute(opts.path) ? opts.path : resolve(baseDir ?? process.cwd(), opts.path);
    this.formatRow = opts.format === 'csv' ? csvLineFormatter(schema.columns, opts.delimiter) : jsonLineFormatter(schema.columns);
    if (opts.format === 'arrow') checkArrowColumns(schema.columns);
  }

  write(rows: readonly Row[]): void {
    if (rows.length === 0) return;
    if (this.arrow) {
      this.arrow.add(rows);
      if (this.arrow.heldRows >= ARROW_BATCH_ROWS) this.takeArrowBatch();
      return;
    }
    let text = '';
    if (this.opts.format === 'csv' && this.accepted === 0) text = csvHeader(this.schema.columns, this.opts.delimiter) + '\n';
    for (const r of rows) text += this.formatRow(r) + '\n';
    this.push(text, Buffer.byteLength(text));
  }

  /** Encodes the Arrow rows held as a record batch (after the schema, at the start of the file). */
  private takeArrowBatch(): void {
    const batch = this.arrow?.take();
    if (!batch) return;
    if (this.accepted === 0) this.push(this.arrow!.schemaMessage, this.arrow!.schemaMessage.byteLength);
    this.push(batch, batch.byteLength);
  }

  private push(chunk: string | Uint8Array, bytes: number): void {
    this.pending.push(chunk);
    this.pendingBytes += bytes;
    this.accepted += bytes;
    // Between checkpoints (or with none) output goes to the file in the background rather than
    // piling up in memory; only a checkpoint's flush waits for fsync. A failure resurfaces at the
    // next flush, which chains on this one.
    if (this.pendingBytes >= WRITE_BEHIND_BYTES) this.writeBehind(false).catch(() => {});
  }

  /** Writes and fsyncs everything written so far; the rows are taken at the call, so later writes wait for the next flush. */
  flush(): Promise<void> {
    this.takeArrowBatch();
    return this.writeBehind(true);
  }

  private writeBehind(sync: boolean): Promise<void> {
    const data = this.pending.length === 0 ? null : this.arrow ? Buffer.concat(this.pending as Uint8Array[]) : Buffer.from(this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
    this.flushing = this.flushing.then(() => this.writeOut(data, sync));
    return this.flushing;
  }

  private async writeOut(data: Buffer | null, sync: boolean): Promise<void> {
    // A sink written without restore() is a fresh run.
    const fh = this.fh ?? (await this.openFresh());
    try {
      let off = 0;
      while (data && off < data.length) {
        const { bytesWritten } = await fh.write(data, off, data.length - off, this.flushed + off);
        off += bytesWritten;
      }
      this.flushed += off;
      if (off > 0) this.unsynced = true;
      // A flush that finds nothing new still syncs what write-behind put in the file.
      if (sync && this.unsynced) {
        await fh.sync();
        this.unsynced = false;
      }
      // A synced flush ends where the cut that asked for it ended: a checkpoint may record this far.
      if (sync) this.cutDurable = this.flushed;
    } catch (e) {
      // Never a torn sink: the bytes after the last durable cut belong to no checkpoint that can
      // still commit (the failed flush fails the ones after it), so they go now, leaving whole rows
      // as a recovery would; best effort (a recovery truncates anyway).
      await fh.truncate(Math.max(this.committed, this.cutDurable)).catch(() => {});
      throw this.writeError(e as NodeJS.ErrnoException);
    }
  }

  /** A failed write or fsync, naming the sink, the cause and what a recovery keeps (DESIGN.md §4, failure handling). */
  private writeError(e: NodeJS.ErrnoException): EddyError {
    const what = this.opts.stream === undefined ? `file sink '${this.opts.path}'` : `sink '${this.opts.stream}' (file '${this.opts.path}')`;
    const cause = e.code === 'ENOSPC' ? 'the disk is full' : e.code === 'EFBIG' ? 'the file is larger than the file size limit' : e.code === 'EDQUOT' ? 'the disk quota is exceeded' : e.code === 'EROFS' ? 'the file system is read-only' : 'the write failed';
    const fix = e.code === 'ENOSPC' ? `free space on its disk` : e.code === 'EFBIG' ? 'raise the limit (ulimit -f)' : e.code === 'EDQUOT' ? 'raise the quota or free space' : 'fix the cause';
    return Object.assign(
      new EddyError(
        'IO',
        `${what} cannot be written: ${cause} (${e.message}); its committed output ends at byte ${this.committed}`,
        undefined,
        `${fix} and run again: the query resumes from that checkpoint, truncating the file to byte ${this.committed} and writing the rest once`,
      ),
      { cause: e },
    );
  }

  /** The checkpoint that recorded `position` is complete: a recovery now starts from it. */
  checkpointCommitted(position: unknown): Promise<void> {
    this.committed = (position as FileSinkPosition).bytes;
    return Promise.resolve();
  }

  cut(): { position: FileSinkPosition; durable: Promise<void> } {
    this.takeArrowBatch();
    // The flush runs in the background and takes every byte counted here; rows written meanwhile go
    // to the next flush, and a recovery to this position truncates them.
    return { position: { bytes: this.accepted }, durable: this.flush() };
  }

  position(): FileSinkPosition {
    return { bytes: this.flushed };
  }

  async restore(position: unknown | null): Promise<void> {
    if (this.opts.format === 'arrow' && this.arrow === null) {
      await loadArrowLibs();
      this.arrow = new ArrowBatchEncoder(this.schema.columns);
    }
    if (position === null) {
      this.pending = [];
      this.pendingBytes = 0;
      await this.flushing.catch(() => {});
      await this.openFresh();
      this.accepted = this.flushed;
      this.committed = this.cutDurable = this.flushed;
      return;
    }
    const bytes = (position as Partial<FileSinkPosition> | undefined)?.bytes;
    if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 0) {
      throw new EddyError('CHECKPOINT', `invalid file sink position ${JSON.stringify(position)}`);
    }
    this.pending = [];
    this.pendingBytes = 0;
    await this.flushing.catch(() => {});
    await this.openAt(bytes);
    this.accepted = bytes;
    this.committed = this.cutDurable = bytes;
  }

  outputEnd(): number {
    return this.accepted;
  }

  /** A run without a checkpoint: keeps the bytes the query did not write itself (FreshStart). */
  private async openFresh(): Promise<FileHandle> {
    if (!this.fresh) return this.openAt(0);
    let size = 0;
    try {
      size = (await stat(this.fullPath)).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new EddyError('IO', `cannot open '${this.opts.path}' for writing: ${(e as Error).message}`);
    }
    const at = freshStartAt(this.fresh, size);
    if (this.arrow && at > 0) await this.checkArrowAppend(at);
    await this.fresh.started(at);
    return this.openAt(at);
  }

  /** Appending record batches to an Arrow stream needs the file's schema to be this sink's, and no end-of-stream marker. */
  private async checkArrowAppend(at: number): Promise<void> {
    const schema = this.arrow!.schemaMessage;
    const fh = await open(this.fullPath, 'r');
    try {
      const head = Buffer.alloc(Math.min(at, ARROW_FILE_MAGIC.length + schema.byteLength));
      await fh.read(head, 0, head.length, 0);
      const tail = Buffer.alloc(8);
      if (at >= 8) await fh.read(tail, 0, 8, at - 8);
      const hint = 'INSERT OVERWRITE replaces the file; or write to another path';
      if (!head.subarray(0, schema.byteLength).equals(schema)) {
        throw new EddyError('UNSUPPORTED', `cannot append to '${this.opts.path}': it is not an Arrow stream of this query's columns (${this.schema.columns.map((c) => c.name).join(', ')})`, undefined, hint);
      }
      if (tail.readInt32LE(0) === -1 && tail.readInt32LE(4) === 0) {
        throw new EddyError('UNSUPPORTED', `cannot append to '${this.opts.path}': its Arrow stream is closed by an end-of-stream marker`, undefined, hint);
      }
    } finally {
      await fh.close();
    }
  }

  async close(): Promise<void> {
    if (this.pending.length > 0 || (this.arrow?.heldRows ?? 0) > 0) await this.flush();
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close();
  }

  /** Opens (creating parent directories) and truncates the file to `bytes`. */
  private async openAt(bytes: number): Promise<FileHandle> {
    try {
      if (!this.fh) {
        await mkdir(dirname(this.fullPath), { recursive: true });
        // Create without truncating, and not in append mode, which ignores write positions on Linux.
        this.fh = await open(this.fullPath, constants.O_RDWR | constants.O_CREAT);
      }
      const { size } = await this.fh.stat();
      if (size < bytes) {
        throw new EddyError('CHECKPOINT', `'${this.opts.path}' is ${size} bytes, shorter than the ${bytes} bytes the checkpoint recorded`, undefined, 'the output file was modified outside Eddy; restart the query fresh');
      }
      await this.fh.truncate(bytes);
      await this.fh.sync();
      this.flushed = bytes;
      return this.fh;
    } catch (e) {
      if (e instanceof EddyError) throw e;
      throw new EddyError('IO', `cannot open '${this.opts.path}' for writing: ${(e as Error).message}`);
    }
  }
}

/** A file sink for a declared stream; relative paths resolve against `baseDir` (default: cwd). */
export function createFileSink(stream: StreamDef, schema: Schema, baseDir?: string): FileSink {
  return new FileSink(schema, fileSinkOptions(stream.options), baseDir);
}
