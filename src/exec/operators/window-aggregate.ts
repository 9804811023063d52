import { internalError } from '../../common/errors.js';
import type { Row, Value } from '../../common/types.js';
import type { AggCall, BoundExpr, WindowSpec } from '../../planner/bound.js';
import { compileAggregator, type CompiledAggregator } from '../accumulators/compile-aggregator.js';
import type { Batch } from '../batch.js';
import { compileRowBuilder } from '../expr-compiler.js';
import { compileKeyExtractor, type StateKey } from '../key.js';
import { Operator } from '../operator.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import type { KeyedStateTable, StateEntry } from '../state/keyed-state-table.js';
import { valuesCodec } from '../state/tagged-value.js';
import type { SliceAssigner } from '../windows/assigner.js';
import { assignerFor } from '../windows/assigner-for.js';
import type { HasMeta } from './meta.js';

/** The fields of a WindowAggregateExec this operator needs. */
export interface WindowAggregateSpec {
  readonly uid: string;
  readonly window: WindowSpec;
  readonly timeIndex: number;
  readonly keys: readonly BoundExpr[];
  readonly aggs: readonly AggCall[];
}

/**
 * GROUP BY keys + an aligned window (TUMBLE, HOP, CUMULATE) with the exact semantics of DESIGN.md
 * §3, on slices (see SliceAssigner). State: one table, namespace = slice end, key = encoded group
 * key, value = [...keyValues, ...accumulatorSlots]. A row updates one slice; a window firing
 * merges its slices per key (a window of one slice, e.g. every TUMBLE, is read directly), and a
 * slice is freed once the last window containing it has fired.
 *
 * `firedW` is the watermark up to which every window is complete. Before each row it is raised to
 * the row's `wm[i]`, firing the windows that became complete right there (mid-batch), so a window
 * never sees a row that arrived after it was complete, even when the row goes into one of its
 * slices for a later window. A row is late when every window containing it is complete: it is
 * counted once in `lateRows` and dropped; a row some of whose windows are complete only reaches
 * the others. A batch without `wm` judges against `firedW` alone.
 *
 * Output rows are [...keys, window_start, window_end, ...aggs] with `wm: null`, in order of window
 * end, then (for one end) keys in first-seen order: by earliest slice, then arrival in it (for
 * CUMULATE, whose fired windows fold their slices into one, by first appearance in the period's
 * folded state).
 */
export class WindowAggregateOperator extends Operator implements HasMeta {
  readonly uid: string;
  private readonly table: KeyedStateTable<Value[]>;
  private readonly assigner: SliceAssigner;
  private readonly timeIndex: number;
  private readonly keyOf: (row: Row) => StateKey;
  private readonly keyValues: (row: Row) => Row;
  private readonly nKeys: number;
  private readonly agg: CompiledAggregator;
  private late = 0;
  private nullTime = 0;
  /** Every window with end - 1 <= firedW is complete (emitted, or had no rows). */
  private firedW = -Infinity;
  /** A lower bound on (the end of the earliest window with rows not yet fired) - 1; -Infinity forces a recount. */
  private nextDue = Infinity;

  constructor(spec: WindowAggregateSpec, backend: KeyedStateBackend) {
    super();
    this.uid = spec.uid;
    this.assigner = assignerFor(spec.window);
    this.timeIndex = spec.timeIndex;
    this.keyOf = compileKeyExtractor(spec.keys);
    this.keyValues = compileRowBuilder(spec.keys);
    this.nKeys = spec.keys.length;
    this.agg = compileAggregator(spec.aggs, this.nKeys);
    this.table = backend.table(spec.uid, 'windows', valuesCodec());
  }

  /** Rows dropped because every window containing them was already complete when they arrived. */
  get lateRows(): number {
    return this.late;
  }

  /** Rows dropped because their event time was NULL. */
  get nullTimeRows(): number {
    return this.nullTime;
  }

  processBatch(batch: Batch): void {
    const { rows, wm } = batch;
    const { table, assigner, timeIndex, keyOf, agg } = this;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const ts = row[timeIndex];
      if (ts === null || ts === undefined) {
        this.nullTime++;
        continue;
      }
      if (wm !== null && wm[i]! > this.firedW) this.advance(wm[i]!);
      let e = assigner.sliceEnd(ts as number);
      const last = assigner.lastWindowEnd(e);
      if (last < e) continue; // in no window (HOP with slide > size)
      const firedW = this.firedW;
      if (last - 1 <= firedW) {
        this.late++;
        continue;
      }
      // The slice was folded into the prefix of the last fired window of its period (or would have been).
      if (assigner.foldsPrefix && e - 1 <= firedW) e = assigner.nextWindowEnd(Math.floor(firedW) + 2) - assigner.every;
      const key = keyOf(row);
      let entry = table.get(e, key);
      if (entry === undefined) entry = table.insert(e, key, this.create(row));
      agg.update(entry.value, row);
      table.touch(entry);
      if (e - 1 < this.nextDue) {
        const due = assigner.nextWindowEnd(Math.max(e, Math.floor(firedW) + 2)) - 1;
        if (due < this.nextDue) this.nextDue = due;
      }
    }
  }

  private create(row: Row): Value[] {
    const s = this.keyValues(row);
    this.agg.init(s);
    return s;
  }

  override onWatermark(value: number): void {
    if (value > this.firedW) this.advance(value);
    this.out.watermark(value);
  }

  override onEnd(): void {
    this.advance(Infinity);
    this.out.end();
  }

  /** Raises firedW to w (> firedW), firing the windows that completed. */
  private advance(w: number): void {
    if (w >= this.nextDue) this.fire(w);
    else this.firedW = w;
  }

  /** Emits every window with rows and firedW < end - 1 <= w, frees the slices no later window needs, sets firedW = w. */
  private fire(w: number): void {
    const { assigner, table } = this;
    const slices = table.namespacesUpTo(w + 1);
    // emitWindow may fold slices (CUMULATE), updating `slices`.
    const firstEnd = Math.floor(this.firedW) + 2;
    const ends = new Set<number>();
    for (const e of slices) {
      const last = Math.min(assigner.lastWindowEnd(e), w + 1);
      for (let end = assigner.nextWindowEnd(Math.max(e, firstEnd)); end <= last; end += assigner.every) ends.add(end);
    }
    const out: Row[] = [];
    for (const end of [...ends].sort((a, b) => a - b)) this.emitWindow(end, slices, out);
    for (const e of slices) if (assigner.lastWindowEnd(e) - 1 <= w) table.deleteNamespace(e);
    this.firedW = w;
    const rest = table.namespacesUpTo(Infinity);
    this.nextDue = rest.length === 0 ? Infinity : assigner.nextWindowEnd(Math.max(rest[0]!, Math.floor(w) + 2)) - 1;
    if (out.length > 0) this.out.data({ rows: out, wm: null });
  }

  /**
   * Appends the rows of the window ending at `end`, merging its slices (those of `slices`,
   * ascending, in (start, end]). With foldsPrefix, when later windows of the period remain, the
   * merged state replaces those slices in the table and in `slices`, as one slice ending at `end`.
   */
  private emitWindow(end: number, slices: number[], out: Row[]): void {
    const start = this.assigner.windowStart(end);
    const { agg, nKeys, table } = this;
    let lo = 0;
    while (lo < slices.length && slices[lo]! <= start) lo++;
    let hi = lo;
    while (hi < slices.length && slices[hi]! <= end) hi++;
    if (hi - lo === 1) {
      for (const entry of table.entries(slices[lo]!)) out.push(this.resultRow(entry.value, start, end));
      return;
    }
    const merged = new Map<StateKey, Value[]>();
    for (let i = lo; i < hi; i++) {
      for (const entry of table.entries(slices[i]!) as readonly StateEntry<Value[]>[]) {
        let s = merged.get(entry.key);
        if (s === undefined) {
          s = entry.value.slice(0, nKeys);
          agg.init(s);
          merged.set(entry.key, s);
        }
        agg.merge(s, entry.value);
      }
    }
    for (const s of merged.values()) out.push(this.resultRow(s, start, end));
    if (this.assigner.foldsPrefix && end < this.assigner.lastWindowEnd(end)) {
      for (let i = lo; i < hi; i++) table.deleteNamespace(slices[i]!);
      for (const [key, s] of merged) table.insert(end, key, s);
      slices.splice(lo, hi - lo, end);
    }
  }

  private resultRow(s: readonly Value[], start: number, end: number): Row {
    const row: Row = s.slice(0, this.nKeys);
    row.push(start, end);
    this.agg.results(s, row);
    return row;
  }

  snapshotMeta(): unknown {
    return { lateRows: this.late, nullTimeRows: this.nullTime, firedW: Number.isFinite(this.firedW) ? this.firedW : null };
  }

  restoreMeta(x: unknown): void {
    const m = x as { lateRows?: unknown; nullTimeRows?: unknown; firedW?: unknown } | null;
    if (typeof m?.lateRows !== 'number' || typeof m.nullTimeRows !== 'number' || (m.firedW !== undefined && m.firedW !== null && typeof m.firedW !== 'number')) {
      throw internalError(`bad window operator meta for ${this.uid}: ${JSON.stringify(x)}`);
    }
    this.late = m.lateRows;
    this.nullTime = m.nullTimeRows;
    // Checkpoints written before HOP existed have no firedW: TUMBLE frees each window as it fires, so -Infinity is exact for them.
    this.firedW = typeof m.firedW === 'number' ? m.firedW : -Infinity;
    this.nextDue = -Infinity;
  }
}
