import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Schema, SqlType } from '../common/types.js';
import type { Row } from '../common/types.js';
import type { SourceReader } from '../common/connector.js';
import { EddyError } from '../common/errors.js';
import { DEFAULT_CHUNK_SIZE } from './line-reader.js';
import type { FileOffset, FileSourceOptions } from './file-source.js';
import { decodeRows, type WorkerMessage, type WorkerStart } from './json-file-protocol.js';

const WORKER_URL = new URL('./json-file-worker.js', import.meta.url);

/** Values of these types cross a thread as they are (structured clone keeps numbers, strings, booleans, null and bigints). */
const CLONABLE: ReadonlySet<SqlType> = new Set(['INT', 'BIGINT', 'DOUBLE', 'FLOAT', 'VARCHAR', 'BOOLEAN', 'TIMESTAMP', 'INTERVAL']);

/** Below this size a file is decoded in the query's thread: starting a thread costs more than it saves. */
const WORKER_MIN_BYTES = 16 * 2 ** 20;

/**
 * Whether a JSON Lines file of `schema` is decoded on a worker thread: the compiled worker is there
 * (not when running from TypeScript sources), the values clone as they are, no dead-letter callback
 * is needed, and the file is large (EDDY_DECODE_THREAD=1: whatever its size; 0: never).
 */
export function canDecodeInWorker(schema: Schema, opts: FileSourceOptions, fullPath: string): boolean {
  const mode = process.env['EDDY_DECODE_THREAD'];
  return (
    opts.format === 'json' &&
    opts.onError !== 'dead-letter' &&
    mode !== '0' &&
    (mode === '1' || fileSize(fullPath) >= WORKER_MIN_BYTES) &&
    schema.columns.every((c) => CLONABLE.has(c.type)) &&
    WORKER_URL.protocol === 'file:' &&
    existsSync(fileURLToPath(WORKER_URL))
  );
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // the reader reports a missing file
  }
}

/**
 * A JSON Lines file read and decoded on a worker thread, so JSON.parse runs beside the query
 * instead of before it (reading a file is mostly decoding). The same rows, offsets, skipped counts
 * and errors as FileSource: the worker runs FileSource's JSON loop and posts each batch with the
 * offset after it; offset() is the position after the last batch read() returned, so a checkpoint
 * resumes exactly there. seek() and close() end the worker; the next read starts one at the offset.
 */
export class ParallelJsonFileSource implements SourceReader {
  readonly bounded = true;
  skippedRows = 0;
  skippedSamples: readonly string[] = [];
  private worker: Worker | null = null;
  private readonly queue: WorkerMessage[] = [];
  private waiting: { resolve: (m: WorkerMessage) => void; reject: (e: unknown) => void } | null = null;
  private failure: unknown = null;
  private start: FileOffset = { byte: 0, line: 0 };
  private committed: FileOffset = { byte: 0, line: 0 };
  private ended = false;
  private readonly fullPath: string;

  constructor(
    private readonly schema: Schema,
    private readonly opts: FileSourceOptions,
    baseDir?: string,
    private readonly chunkSize = DEFAULT_CHUNK_SIZE,
    private readonly readColumns?: readonly number[],
  ) {
    this.fullPath = isAbsolute(opts.path) ? opts.path : resolve(baseDir ?? process.cwd(), opts.path);
  }

  offset(): FileOffset {
    return this.committed;
  }

  async seek(offset: unknown): Promise<void> {
    const o = offset as FileOffset | null;
    if (!o || typeof o.byte !== 'number' || typeof o.line !== 'number') {
      throw new EddyError('CHECKPOINT', `invalid file source offset ${JSON.stringify(offset)}`);
    }
    await this.close();
    this.start = o;
    this.committed = o;
    this.ended = false;
  }

  async read(max: number): Promise<Row[] | null> {
    if (this.ended) return null;
    if (this.worker === null) this.spawn(max);
    const m = await this.next();
    switch (m.kind) {
      case 'rows':
        this.took(m);
        this.worker?.postMessage(0);
        return decodeRows(m.rows);
      case 'end':
        this.took(m);
        this.ended = true;
        await this.close();
        return null;
      case 'error':
        await this.close();
        throw new EddyError(m.code, m.message, undefined, m.hint);
    }
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.queue.length = 0;
    this.failure = null;
    if (w !== null) await w.terminate();
  }

  private took(m: Extract<WorkerMessage, { kind: 'rows' | 'end' }>): void {
    this.committed = m.offset;
    this.skippedRows = m.skipped;
    this.skippedSamples = m.samples;
  }

  private spawn(max: number): void {
    const start: WorkerStart = {
      schema: this.schema,
      fullPath: this.fullPath,
      displayPath: this.opts.path,
      onError: this.opts.onError === 'fail' ? 'fail' : 'skip',
      offset: this.start,
      max,
      chunkSize: this.chunkSize,
      ...(this.readColumns ? { readColumns: this.readColumns } : {}),
    };
    const w = new Worker(WORKER_URL, { workerData: start });
    this.worker = w;
    w.on('message', (m: WorkerMessage) => {
      if (this.worker !== w) return;
      if (this.waiting) {
        const waiting = this.waiting;
        this.waiting = null;
        waiting.resolve(m);
      } else this.queue.push(m);
    });
    const fail = (e: unknown): void => {
      if (this.worker !== w) return;
      this.failure = e;
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.reject(e);
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new EddyError('IO', `the decoding thread of '${this.opts.path}' stopped (exit code ${code})`)));
  }

  private next(): Promise<WorkerMessage> {
    const m = this.queue.shift();
    if (m !== undefined) return Promise.resolve(m);
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }
}
