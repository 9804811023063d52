import { internalError } from '../../common/errors.js';
import type { Row, Value } from '../../common/types.js';
import type { AggCall, BoundExpr, WindowSpec } from '../../planner/bound.js';
import { compileAggregator, type CompiledAggregator } from '../accumulators/compile-aggregator.js';
import type { Batch } from '../batch.js';
import { compileRowBuilder } from '../expr-compiler.js';
import { compileKeyExtractor, type StateKey } from '../key.js';
import { Operator } from '../operator.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import type { KeyedStateTable } from '../state/keyed-state-table.js';
import { valuesCodec } from '../state/tagged-value.js';
import type { WindowAssigner } from '../windows/assigner.js';
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
 * GROUP BY keys + window, with the exact semantics of DESIGN.md §3. State: one table, namespace =
 * window end, key = encoded group key, value = one flat array [...keyValues, ...accumulatorSlots].
 * A row is late for a window when `window_end - 1 <= wm[i]` (the watermark before it arrived):
 * it is counted, not added. `onWatermark(W)` fires every window with `window_end - 1 <= W` in
 * order of window end, and within a window in the order its keys first appeared; output rows are
 * [...keys, window_start, window_end, ...aggs] with `wm: null`. A batch without `wm` judges no
 * row late. A row late for some of its windows (possible with future multi-window assigners)
 * counts once in `lateRows`.
 */
export class WindowAggregateOperator extends Operator implements HasMeta {
  readonly uid: string;
  private readonly table: KeyedStateTable<Value[]>;
  private readonly assigner: WindowAssigner;
  private readonly ends: Float64Array;
  private readonly timeIndex: number;
  private readonly keyOf: (row: Row) => StateKey;
  private readonly keyValues: (row: Row) => Row;
  private readonly nKeys: number;
  private readonly agg: CompiledAggregator;
  private late = 0;
  private nullTime = 0;

  constructor(spec: WindowAggregateSpec, backend: KeyedStateBackend) {
    super();
    this.uid = spec.uid;
    this.assigner = assignerFor(spec.window);
    this.ends = new Float64Array(this.assigner.maxWindowsPerRow);
    this.timeIndex = spec.timeIndex;
    this.keyOf = compileKeyExtractor(spec.keys);
    this.keyValues = compileRowBuilder(spec.keys);
    this.nKeys = spec.keys.length;
    this.agg = compileAggregator(spec.aggs, this.nKeys);
    this.table = backend.table(spec.uid, 'windows', valuesCodec());
  }

  /** Rows dropped because their window was already complete when they arrived. */
  get lateRows(): number {
    return this.late;
  }

  /** Rows dropped because their event time was NULL. */
  get nullTimeRows(): number {
    return this.nullTime;
  }

  processBatch(batch: Batch): void {
    const { rows, wm } = batch;
    const { table, assigner, ends, timeIndex, keyOf, agg } = this;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const ts = row[timeIndex];
      if (ts === null || ts === undefined) {
        this.nullTime++;
        continue;
      }
      const before = wm === null ? -Infinity : wm[i]!;
      const n = assigner.assign(ts as number, ends);
      let key: StateKey | undefined;
      let late = false;
      for (let j = 0; j < n; j++) {
        const end = ends[j]!;
        if (end - 1 <= before) {
          late = true;
          continue;
        }
        if (key === undefined) key = keyOf(row);
        let entry = table.get(end, key);
        if (entry === undefined) entry = table.insert(end, key, this.create(row));
        agg.update(entry.value, row);
        table.touch(entry);
      }
      if (late) this.late++;
    }
  }

  private create(row: Row): Value[] {
    const s = this.keyValues(row);
    this.agg.init(s);
    return s;
  }

  override onWatermark(value: number): void {
    this.fire(value);
    this.out.watermark(value);
  }

  override onEnd(): void {
    this.fire(Infinity);
    this.out.end();
  }

  /** Emits and frees every window with end - 1 <= w. */
  private fire(w: number): void {
    const ready = this.table.namespacesUpTo(w + 1);
    if (ready.length === 0) return;
    const out: Row[] = [];
    const nKeys = this.nKeys;
    for (const end of ready) {
      const start = this.assigner.startOf(end);
      for (const entry of this.table.entries(end)) {
        const s = entry.value;
        const row: Row = s.slice(0, nKeys);
        row.push(start, end);
        this.agg.results(s, row);
        out.push(row);
      }
      this.table.deleteNamespace(end);
    }
    if (out.length > 0) this.out.data({ rows: out, wm: null });
  }

  snapshotMeta(): unknown {
    return { lateRows: this.late, nullTimeRows: this.nullTime };
  }

  restoreMeta(x: unknown): void {
    const m = x as { lateRows?: unknown; nullTimeRows?: unknown } | null;
    if (typeof m?.lateRows !== 'number' || typeof m.nullTimeRows !== 'number') {
      throw internalError(`bad window operator meta for ${this.uid}: ${JSON.stringify(x)}`);
    }
    this.late = m.lateRows;
    this.nullTime = m.nullTimeRows;
  }
}
