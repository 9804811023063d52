import type { StoredObjects } from './object-layout.js';
import type { Row, Schema, Value } from './types.js';

/**
 * A source of one stream's rows, read in batches. Rows come out typed in the stream's schema
 * (TIMESTAMP as epoch ms). The offset after the last returned row is checkpointable: `seek(offset())`
 * on a fresh reader resumes exactly after that row, so replay after a crash is deterministic.
 */
export interface SourceReader {
  readonly bounded: boolean;
  /** At most `max` rows; [] when none are available right now; null once a bounded source is exhausted. */
  read(max: number): Promise<Row[] | null>;
  /**
   * Optional, as read(), for a query whose first operator reads objects (Collector.objects): rows
   * the source holds as inserted objects come out as those objects and their layout, uncopied.
   */
  readObjects?(max: number): Promise<Row[] | StoredObjects | null>;
  /**
   * Optional: from now on every row read() returns is a new array that nothing else holds, with
   * `n` more slots after its columns for the reader wrapping this one to fill (the computed-columns
   * reader's trailing columns), so that reader does not copy every row.
   */
  reserveTrailing?(n: number): void;
  /** JSON-serializable position just after the last row returned by read(). */
  offset(): unknown;
  /** Position the reader at an offset previously returned by offset(). Call before the first read. */
  seek(offset: unknown): Promise<void>;
  /** Malformed rows skipped under 'on-error' = 'skip'. */
  readonly skippedRows: number;
  /** Optional: the first few skipped rows as `path:line: reason`, so a user can find them. */
  readonly skippedSamples?: readonly string[];
  /**
   * Optional: a promise that resolves once a read may return rows (or the end) that an empty read
   * did not, so a waiting query wakes at once instead of at its next poll. Each call replaces the
   * previous promise (which then never resolves); sources without it are polled.
   */
  readable?(): Promise<void>;
  /**
   * Optional, for a source made of splits (Kafka partitions): the split the rows of the last read()
   * came from. Such a source returns rows of one split per read, and the runtime keeps a watermark
   * per split; the source's watermark is the minimum over its splits that are not idle.
   */
  readonly lastSplit?: string | undefined;
  /** Optional, with lastSplit: the splits the source reads now (one not read yet holds the watermark back until it is idle). */
  splits?(): readonly string[];
  /** Optional, with lastSplit: a split that returned no rows for this long (processing time) is idle; 0 or absent = never. */
  readonly splitIdleTimeoutMs?: number;
  /**
   * Optional: whether the reader has read every row its input holds now (a memory stream's log
   * end); what a materialized view's caught-up wait checks (src/runtime/materialized-views.ts).
   */
  caughtUp?(): boolean;
  /** Optional: how far through its input a bounded source is, in bytes (a file; the runtime wraps file readers). */
  readonly progress?: SourceProgress;
  close(): Promise<void>;
}

/** Bytes a source has consumed of its input's total (status lines, `eddy -f` progress, metrics). */
export interface SourceProgress {
  readonly bytesRead: number;
  readonly totalBytes: number;
}

/**
 * How a sink begins when its query starts without a checkpoint (DESIGN.md §4, "Sinks have one
 * owner"): only bytes (rows) the query wrote itself are ever discarded.
 */
export interface FreshStart {
  /** 'append' (INSERT INTO, CREATE STREAM AS) keeps what the sink holds; 'overwrite' (INSERT OVERWRITE) empties it. */
  readonly mode: 'append' | 'overwrite';
  /**
   * The query's own earlier output, in the sink's unit: a finished run (endAt set) is replaced if
   * nothing was written after it; a run killed before its first checkpoint (endAt null, and no other
   * writer was allowed meanwhile) is replaced from startAt.
   */
  readonly own: { readonly startAt: number; readonly endAt: number | null } | null;
  /** Told where the query's output begins, before anything is written. */
  started(startAt: number): Promise<void>;
}

/** Where a fresh start begins in a sink that holds `size` units (bytes, rows). */
export function freshStartAt(fresh: FreshStart, size: number): number {
  if (fresh.mode === 'overwrite') return 0;
  const own = fresh.own;
  if (own && own.startAt <= size && (own.endAt === null || own.endAt === size)) return own.startAt;
  return size;
}

/**
 * Where a query's result rows go. Exactly-once sinks expose their committed position: the
 * checkpoint records position() after flush(), and recovery calls restore() with it (null = fresh run).
 */
export interface SinkWriter {
  write(rows: readonly Row[]): void;
  /** Make everything written so far durable (file: written and fsync'd). */
  flush(): Promise<void>;
  /**
   * The synchronous half of a checkpoint: the position covering every row written so far, and a
   * promise that resolves once those rows are durable (a file flushes in the background, so the
   * pause does not wait for fsync). Rows written after the cut belong to the next checkpoint.
   */
  cut(): { readonly position: unknown; readonly durable: Promise<void> };
  /**
   * Optional, for sinks with a second phase (a Kafka transaction): called with a position cut()
   * returned once the checkpoint recording it is complete (committed to the checkpoint store), so
   * the sink may expose the rows it covers. A position may still be completed by the sink until its
   * `durable` promise resolves. A failure fails the query, whose recovery calls restore() with the
   * position again.
   */
  checkpointCommitted?(position: unknown): Promise<void>;
  /** Optional: the sink's input watermark rose to `value` (a partitioned file sink commits partitions by it). */
  watermark?(value: number): void;
  /** JSON-serializable position covering everything flushed. */
  position(): unknown;
  /** Truncate/rewind to a recorded position; null means a fresh run (see FreshStart; without one, start empty). */
  restore(position: unknown | null): Promise<void>;
  /** Where the query's output ends now, in the unit of FreshStart (file bytes, table rows), for sinks that take a FreshStart. */
  outputEnd?(): number;
  /**
   * Optional, for sinks whose rows commit with the checkpoint (the SQLite sink): writes the rows of
   * the last cut() inside the checkpoint's own SQLite transaction (`tx` is its TxExecutor).
   */
  commitInto?(tx: unknown): Promise<void>;
  close(): Promise<void>;
}

export interface SinkContext {
  readonly schema: Schema;
}

/**
 * Reads a table's rows by key, for a lookup join (`JOIN dim FOR SYSTEM_TIME AS OF o.proc_time AS d
 * ON o.k = d.id`). Implemented by connectors (sqlite, filesystem) and handed to the lookup join
 * operator by the run, as sources and sinks are: operators never touch the table's storage.
 */
export interface LookupReader {
  /**
   * For each key (its values in the order of the key columns the reader was opened with), every
   * row of the table whose key columns equal it (SQL equality: a NULL key matches nothing), typed
   * in the table's schema. The result has one entry per key, in order.
   */
  lookup(keys: readonly (readonly Value[])[]): Promise<Row[][]>;
  /** Every row of the table as it is now, typed in its schema (a full cache's read, Flink's 'lookup.cache' = 'FULL'). */
  scanAll(): Promise<Row[]>;
  close(): Promise<void>;
}
