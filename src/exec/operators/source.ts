import { internalError } from '../../common/errors.js';
import { perLayout, type ObjectLayout } from '../../common/object-layout.js';
import type { SourceProgress, SourceReader } from '../../common/connector.js';
import type { WatermarkSpec } from '../../planner/plan.js';
import { objectBatch, rowBatch } from '../batch.js';
import { compileWatermarkLoop } from '../expr-compiler.js';
import { Operator } from '../operator.js';
import { SplitWatermarks } from '../split-watermarks.js';

type WatermarkLoop = ReturnType<typeof compileWatermarkLoop>;

/** Watermarks per shared buffer (see SourceOperator.wmSlice): 16 batches of 1024 rows. */
const WM_BUFFER = 16_384;
const NO_WATERMARKS = new Float64Array(0);

/** What a source saves at a barrier: where its reader stands, its watermark (and its splits'), whether it had ended. */
interface SourceState {
  readonly offset: unknown;
  readonly watermark: number | null;
  readonly ended: boolean;
  /** Per split (Kafka partition) its watermark, for a source made of splits. */
  readonly splits?: Readonly<Record<string, number | null>>;
}

/**
 * A stream's rows entering the graph: reads batches from its connector when the driver polls it,
 * stamps each row with the watermark before it (DESIGN.md §3 rule 1: after each row W becomes
 * max(W, the watermark expression on the row)), and sends the watermark on when it rose. With
 * 'source.idle-timeout' it says it is idle once its reads have returned nothing for that long
 * (processing time), and active again with its next rows. Checkpoint state: the reader's offset,
 * the watermark and whether it ended, taken when the driver injects a barrier.
 */
export class SourceOperator extends Operator {
  /** Read inserted objects as they are (every consumer reads them); set by the graph. */
  readObjects = false;
  private watermark = -Infinity;
  private ended = false;
  private idle = false;
  private lastRowsAt = 0;
  private rowsRead = 0;
  private pushMs = 0;
  private readonly wmLoop: WatermarkLoop | null;
  private readonly wmLoopFor: (layout: ObjectLayout) => WatermarkLoop;
  /** One watermark per split when the connector reads splits (SourceReader.lastSplit); null otherwise. */
  private readonly splits: SplitWatermarks | null;
  /** The buffer wmSlice cuts batches' watermark arrays from, and its first unused index. */
  private wmBuffer = NO_WATERMARKS;
  private wmAt = 0;

  constructor(
    uid: string,
    private readonly reader: SourceReader,
    watermark: WatermarkSpec | undefined,
    /** 'source.idle-timeout' in ms; 0 = never idle. */
    private readonly idleTimeoutMs: number,
    private readonly now: () => number,
  ) {
    super(uid);
    this.wmLoop = watermark ? compileWatermarkLoop(watermark.expr) : null;
    this.wmLoopFor = perLayout((layout) => compileWatermarkLoop(watermark!.expr, layout));
    this.splits = watermark ? SplitWatermarks.of(reader, now) : null;
  }

  processBatch(): void {
    throw internalError(`source ${this.uid} has no inputs`);
  }

  /** Rows read so far. */
  get rows(): number {
    return this.rowsRead;
  }

  /** Milliseconds spent pushing this source's batches through the operators downstream (not reading or waiting). */
  get processingMs(): number {
    return this.pushMs;
  }

  /** Bytes consumed of the input, when the connector can tell (files). */
  get progress(): SourceProgress | null {
    return this.reader.progress ?? null;
  }

  /**
   * Whether the reader has read all its input holds now: a file to its current size, a memory
   * stream to its log's end; a connector that cannot tell (Kafka) counts as caught up.
   */
  get caughtUp(): boolean {
    const p = this.reader.progress;
    if (p) return p.bytesRead >= p.totalBytes;
    return this.reader.caughtUp?.() ?? true;
  }

  /** Malformed rows the connector skipped. */
  get skippedRows(): number {
    return this.reader.skippedRows;
  }

  /** The first few skipped rows as `path:line: reason`. */
  get skippedSamples(): readonly string[] {
    return this.reader.skippedSamples ?? [];
  }

  get hasEnded(): boolean {
    return this.ended;
  }

  /** The watermark of this stream. */
  get currentWatermark(): number {
    return this.watermark;
  }

  get bounded(): boolean {
    return this.reader.bounded;
  }

  /** Starts the idle clock (when the run starts reading). */
  start(): void {
    this.lastRowsAt = this.now();
  }

  /** Resolves when a read may return rows the last empty one did not; null when the connector cannot say (it is polled). */
  readable(): Promise<void> | null {
    return this.ended || this.reader.readable === undefined ? null : this.reader.readable();
  }

  /** Reads at most `max` rows and sends them on: the number read (0: none right now), or null once the source has ended. */
  async poll(max: number): Promise<number | null> {
    if (this.ended) return null;
    const rows = this.readObjects && this.reader.readObjects ? await this.reader.readObjects(max) : await this.reader.read(max);
    if (rows === null) {
      this.ended = true;
      this.out.end();
      return null;
    }
    const count = Array.isArray(rows) ? rows.length : rows.objects.length;
    if (count === 0) {
      // Quiet splits going idle may release the watermark.
      const w = this.splits?.idleCheck();
      if (w !== undefined && w > this.watermark) {
        this.watermark = w;
        this.out.watermark(w);
      }
      if (!this.idle && this.idleTimeoutMs > 0 && this.now() - this.lastRowsAt >= this.idleTimeoutMs) {
        this.idle = true;
        this.out.idle(true);
      }
      return 0;
    }
    this.lastRowsAt = this.now();
    const pushStart = performance.now();
    if (this.idle) {
      this.idle = false;
      this.out.idle(false);
    }
    this.rowsRead += count;
    const before = this.watermark;
    if (Array.isArray(rows)) {
      this.out.data(rowBatch(rows, this.wmLoop === null ? null : this.stamp(rows, this.wmLoop)));
    } else {
      const { objects, layout } = rows;
      this.out.data(objectBatch(objects, layout, this.wmLoop === null ? null : this.stamp(objects, this.wmLoopFor(layout))));
    }
    if (this.watermark > before) this.out.watermark(this.watermark);
    this.pushMs += performance.now() - pushStart;
    return count;
  }

  private stamp(rows: readonly unknown[], loop: WatermarkLoop): Float64Array {
    const wm = this.wmSlice(rows.length);
    this.watermark = this.splits ? this.splits.stamp(rows, loop, wm, this.watermark) : loop(rows, this.watermark, wm);
    return wm;
  }

  /**
   * A fresh array of n watermarks, cut from a shared buffer: a Float64Array of a batch's length is
   * an off-heap allocation (a malloc and the collector's bookkeeping for it) per batch. Consumers
   * only read a batch's `wm`, so slices of one buffer never see each other's values; a slice kept
   * (a batch buffered by an aligning input) holds at most WM_BUFFER values alive.
   */
  private wmSlice(n: number): Float64Array {
    if (this.wmAt + n > this.wmBuffer.length) {
      if (n > WM_BUFFER) return new Float64Array(n);
      this.wmBuffer = new Float64Array(WM_BUFFER);
      this.wmAt = 0;
    }
    const wm = this.wmBuffer.subarray(this.wmAt, this.wmAt + n);
    this.wmAt += n;
    return wm;
  }

  /** Ends the source where it stands (the query needs no more rows: a satisfied LIMIT). */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.out.end();
  }

  /** A barrier enters the graph here (the graph has taken this source's snapshot). */
  override onBarrier(checkpointId: number): void {
    this.out.barrier(checkpointId);
  }

  override snapshotState(): SourceState {
    const splits = this.splits?.snapshot();
    return { offset: this.reader.offset(), watermark: this.watermark, ended: this.ended, ...(splits ? { splits } : {}) };
  }

  override async restoreState(state: unknown): Promise<void> {
    if (state === undefined) return;
    const s = state as Partial<SourceState> | null;
    if (s === null || typeof s !== 'object' || !('offset' in s) || (typeof s.watermark !== 'number' && s.watermark !== null) || typeof s.ended !== 'boolean') {
      throw this.badState(`expected its offset, watermark and end, got ${JSON.stringify(state)}`);
    }
    await this.reader.seek(s.offset);
    this.watermark = s.watermark ?? -Infinity;
    if (s.splits !== undefined) this.splits?.restore(s.splits);
    // An ended source sends its end again when first polled; its consumers' gates already count it as ended.
    this.ended = false;
  }

  /** Where the reader stands, for messages. */
  describePosition(): string {
    return JSON.stringify(this.reader.offset());
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
