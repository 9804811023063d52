import type { Row } from '../../common/types.js';
import type { AggCall, BoundExpr, WindowSpec } from '../../planner/bound.js';
import type { AttachedWindow, Changelog, WindowEmit } from '../../planner/plan.js';
import { compileAggregator } from '../accumulators/compile-aggregator.js';
import type { ObjectLayout } from '../../common/object-layout.js';
import { rowBatch, type Batch } from '../batch.js';
import { Operator, type OperatorContext } from '../operator.js';
import { arrayRowReader, objectRowReaders, type ReaderSpec, type RowReader } from '../row-reader.js';
import { resolveEmit, type WindowEmitOptions } from '../windows/emit-options.js';
import { MergingWindowProcessor } from '../windows/merging-processor.js';
import { SlicingWindowProcessor } from '../windows/slicing-processor.js';
import type { WindowContext, WindowProcessor } from '../windows/window-processor.js';

/** The fields of a WindowAggregateExec this operator needs. */
export interface WindowAggregateSpec {
  readonly uid: string;
  readonly window: WindowSpec;
  readonly timeIndex: number;
  readonly keys: readonly BoundExpr[];
  readonly aggs: readonly AggCall[];
  /** Allowed lateness and early fire (absent: none). */
  readonly emit?: WindowEmit;
  /** 'updating': rows are changes, op first (the plan makes a window aggregate updating when it has allowed lateness or early fire). */
  readonly changelog?: Changelog;
  /** The rows carry their window: timeIndex is their window_end (see AttachedAssigner, AttachedSessionAssigner). */
  readonly attached?: AttachedWindow;
}

/**
 * GROUP BY keys + a window, with the exact semantics of DESIGN.md §3 (Flink's WindowAggOperator
 * over a WindowProcessor): this operator is the part every window kind shares, a processor the
 * part that depends on it: SlicingWindowProcessor for TUMBLE, HOP, CUMULATE and attached windows,
 * MergingWindowProcessor for SESSION (see each for its state and output order).
 *
 * Here: the input loop over row arrays or inserted objects (generated, one copy per operator and
 * row form, see compileRowLoop), NULL
 * times (counted in `nullTimeRows`, dropped), the watermark, late rows (counted in `lateRows`,
 * routed to the late-row output), the output buffer, the early-fire clock, and the non-keyed
 * checkpoint fields (late, nullTime, firedW, and the processor's `globals`).
 *
 * `firedW` is the watermark up to which every window is complete. Before each row it is raised to
 * the row's `wm[i]`, firing right there (mid-batch) the windows that became complete, so a window
 * never sees a row that arrived after it was complete. A batch without `wm` judges against
 * `firedW` alone. Output is buffered and flushed at batch ends, watermarks, early firings and end.
 */
export class WindowAggregateOperator extends Operator implements WindowContext {
  private readonly processor: WindowProcessor;
  private readonly rowReader: RowReader<Row>;
  private readonly objectReader: (layout: ObjectLayout) => RowReader<object>;
  readonly emit: WindowEmitOptions;
  pending: Row[] = [];
  private late = 0;
  private nullTime = 0;
  /** Every window with end - 1 <= firedW is complete; raised by the input loop (RowLoop) to each row's watermark before the row. */
  firedW = -Infinity;
  /** Processing time of the next early firing. */
  private nextEarly: number;

  constructor(spec: WindowAggregateSpec, ctx: OperatorContext) {
    super(spec.uid);
    const session = spec.window.kind === 'session' && spec.attached === undefined;
    const reader = readerSpec(spec);
    // The session processor keeps its key values apart: its aggregator reads state from index 0.
    const agg = compileAggregator(spec.aggs, session ? 0 : reader.keys.length);
    this.rowReader = arrayRowReader(reader, agg);
    this.objectReader = objectRowReaders(reader, agg);
    // The first early firing is due one delay after the operator is built.
    ({ emit: this.emit, nextEarly: this.nextEarly } = resolveEmit(spec.emit, ctx));
    this.processor = session ? new MergingWindowProcessor(spec, agg, ctx, this) : new SlicingWindowProcessor(spec, agg, ctx, this);
    this.declareGlobal({ late: 'count', nullTime: 'count', firedW: 'time' });
  }

  /** Rows dropped because every window they could join was already complete (beyond the allowance) when they arrived. */
  override get lateRows(): number {
    return this.late;
  }

  override get nextWindowEnd(): number | null {
    return this.processor.nextWindowEnd;
  }

  /** Rows dropped because their event time was NULL. */
  get nullTimeRows(): number {
    return this.nullTime;
  }

  dropLate<R>(row: R, reader: RowReader<R>): void {
    this.late++;
    this.emit.onLateRow?.(reader.toRow(row), this.late);
  }

  /** The input loop, one copy for row arrays and one for inserted objects (see compileRowLoop). */
  private readonly rowLoop: RowLoop<Row> = compileRowLoop();
  private readonly objectLoop: RowLoop<object> = compileRowLoop();

  override get readsObjects(): boolean {
    return true;
  }

  /** Inserted objects are aggregated as they are: their properties are read by code compiled for their layout. */
  processBatch(batch: Batch): void {
    const { processor } = this;
    processor.prepare();
    if (batch.kind === 'rows') this.nullTime += this.rowLoop(this, processor, batch.rows, batch.wm, this.rowReader);
    else this.nullTime += this.objectLoop(this, processor, batch.objects, batch.wm, this.objectReader(batch.layout));
    processor.endBatch();
    this.onTick();
    this.flush();
  }

  /**
   * Processing-time hook, called after each batch and while the source is idle: once the early
   * fire delay has passed, emits the partial results of open windows that changed.
   */
  override onTick(): void {
    if (this.nextEarly === Infinity) return;
    const now = this.emit.now();
    if (now < this.nextEarly) return;
    this.nextEarly = now + this.emit.earlyFireDelayMs;
    this.processor.prepare();
    this.processor.fireEarly();
    this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.out.data(rowBatch(rows));
  }

  override onWatermark(value: number): void {
    this.processor.prepare();
    if (value > this.firedW) this.advance(value);
    this.flush();
    this.out.watermark(value);
  }

  override onEnd(): void {
    this.processor.prepare();
    this.advance(Infinity);
    this.flush();
    this.out.end();
  }

  /** Raises firedW to w, firing what became complete. */
  private advance(w: number): void {
    if (w >= this.processor.due) this.processor.advance(w);
    this.firedW = w;
    this.processor.endBatch();
  }

  override snapshotState(): unknown {
    return { ...(super.snapshotState() as Record<string, number>), ...this.processor.snapshotGlobals() };
  }

  /** The operator's fields (Operator.restoreState), then the processor's; nothing on a fresh start. */
  override restoreState(state: unknown): void {
    super.restoreState(state);
    if (state === undefined) return;
    const saved = state as Record<string, unknown>;
    const kinds = this.processor.globals;
    this.processor.restore((name) => this.checkField(name, kinds[name]!, saved[name]));
  }
}

/** The time and state key columns: an attached SESSION window's start joins the GROUP BY keys (see SlicingWindowProcessor's startInKey). */
function readerSpec(spec: WindowAggregateSpec): ReaderSpec {
  if (spec.attached === undefined || spec.window.kind !== 'session') return spec;
  const start: BoundExpr = { kind: 'inputRef', index: spec.attached.startIndex, name: 'window_start', type: 'TIMESTAMP' };
  return { timeIndex: spec.timeIndex, keys: [...spec.keys, start] };
}

/**
 * The input loop: for each row with a time, raises firedW to the row's watermark (asking the
 * processor to fire what became due), then hands the row to the processor and updates the
 * accumulators it returns. Returns the number of rows with a NULL time (skipped).
 */
type RowLoop<R> = (op: { firedW: number }, p: WindowProcessor, rows: readonly R[], wm: Float64Array | null, reader: RowReader<R>) => number;

const ROW_LOOP = `"use strict";
return function windowRowLoop(op, p, rows, wm, reader) {
  const time = reader.time, keyOf = reader.key, update = reader.update;
  let nullTime = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const ts = time(row);
    if (ts === null || ts === undefined) {
      nullTime++;
      continue;
    }
    if (wm !== null) {
      const w = wm[i];
      // The common case inline: W rises at almost every row, and mostly nothing is due.
      if (w > op.firedW) {
        if (w >= p.due) p.advance(w);
        op.firedW = w;
      }
    }
    const s = p.stateFor(ts, keyOf(row), row, reader);
    if (s === null) continue;
    update(s, row);
    p.added();
  }
  return nullTime;
};`;

/**
 * A new copy of the input loop (RowLoop), generated per operator and row form: V8 optimizes a
 * function for the call targets it has seen, and one loop shared by every window query of a
 * process would see every query's compiled time, key and update functions and stop inlining them
 * (megamorphic, past four); each copy sees one of each. The text is fixed (no value is spliced
 * in); a copy is a separately compiled function, so it has its own type feedback.
 */
function compileRowLoop<R>(): RowLoop<R> {
  return new Function(ROW_LOOP)() as RowLoop<R>;
}
