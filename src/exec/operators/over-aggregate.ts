/**
 * OVER aggregates over event time (Flink's RowTimeRowsBoundedPrecedingFunction and
 * RowTimeRangeBoundedPrecedingFunction): `agg(x) OVER (PARTITION BY k ORDER BY ts
 * ROWS BETWEEN n PRECEDING AND CURRENT ROW)` or `RANGE BETWEEN INTERVAL ... PRECEDING AND CURRENT
 * ROW`. Append-only: each input row once, with the aggregates over its frame appended.
 *
 * A row waits in its partition until the watermark passes its time, so that every row before it
 * in time has arrived; then the rows the watermark released are emitted in time order (equal
 * times in arrival order), each with its frame:
 *  - ROWS n: the row and the n rows before it in that order (rows of equal time before it count,
 *    those after it do not);
 *  - RANGE i: every row of the partition with time in [t - i, t], its peers of equal time
 *    included (all of them, before and after it).
 * Lateness is Flink's, per partition: a row whose time is at or below the latest time its
 * partition has emitted is late (a frame that should hold it was already emitted): counted,
 * dropped, and routed to `<stream>$late` when the plan says so. A row behind the watermark but
 * after its partition's last emitted time is not late: it waits for the next watermark (as a
 * Flink timer registered in the past fires on the next one), and is emitted then with its frame.
 * A row without a time is dropped as well.
 *
 * State per partition: the rows still waiting (sorted by time, stable), the emitted rows a later
 * frame can still reach (the last n for ROWS, those within i of the last emitted time for RANGE),
 * and the last emitted time (kept while the partition lives, as Flink's lastTriggeringTs).
 * Each frame's aggregates are computed afresh from its rows (O(frame) per row).
 */
import type { Row, Value } from '../../common/types.js';
import type { AggCall, BoundExpr } from '../../planner/bound.js';
import { compileAggregator, type CompiledAggregator } from '../accumulators/compile-aggregator.js';
import { rowBatch, type Batch } from '../batch.js';
import { compileKeyExtractor, type StateKey } from '../key.js';
import { Operator, type LateRowOutput, type OperatorContext } from '../operator.js';
import { jsonCodec, type KeyedStateTable } from '../state/keyed-state-table.js';

/** ROWS: `preceding` rows before the current one; RANGE: `preceding` ms before its time. */
export interface OverFrameSpec {
  readonly unit: 'ROWS' | 'RANGE';
  readonly preceding: number;
}

/** As OverFrameSpec, or an unbounded frame (src/exec/operators/over-unbounded-aggregate.ts). */
export interface AnyOverFrameSpec {
  readonly unit: 'ROWS' | 'RANGE';
  readonly preceding: number | 'unbounded';
}

/** The fields of an OverAggregateExec this operator needs. */
export interface OverAggregateSpec<F extends AnyOverFrameSpec = OverFrameSpec> {
  readonly uid: string;
  readonly partitionKeys: readonly BoundExpr[];
  /** Index of the event-time column in the input row. */
  readonly timeIndex: number;
  readonly frame: F;
  readonly aggs: readonly AggCall[];
}

/**
 * A partition's state: [emitted rows still in reach of a frame, rows waiting for the watermark,
 * the latest time emitted (absent before the first emission)].
 */
type Partition = [Row[], Row[], number?];

const NS = 0;

export class OverAggregateOperator extends Operator {
  private readonly table: KeyedStateTable<Partition>;
  private readonly keyOf: (row: Row) => StateKey;
  private readonly agg: CompiledAggregator;
  private readonly lateOut: LateRowOutput | null;
  private watermark = -Infinity;
  /**
   * No waiting row has a time below this (a lower bound: a release before it has nothing to do).
   * Not checkpointed: -Infinity until the first release scans the partitions (also after a restore).
   */
  private earliest = -Infinity;
  private late = 0;

  constructor(
    private readonly spec: OverAggregateSpec,
    ctx: OperatorContext,
  ) {
    super(spec.uid);
    this.keyOf = compileKeyExtractor(spec.partitionKeys);
    this.agg = compileAggregator(spec.aggs, 0);
    this.lateOut = ctx.lateRows;
    this.table = ctx.table('partitions', jsonCodec<Partition>());
    this.declareGlobal({ watermark: 'time', late: 'count' });
  }

  override get lateRows(): number {
    return this.late;
  }

  processBatch(batch: Batch): void {
    if (batch.kind !== 'rows') return this.processBatch(rowBatch(batch.layout.toRows(batch.objects, 0, batch.objects.length), batch.wm));
    const ti = this.spec.timeIndex;
    const { rows, wm } = batch;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      // The watermark before this row: what it released is emitted first, so that lateness
      // (against each partition's last emitted time) is the same whatever the batch size.
      if (wm !== null && wm[i]! > this.watermark) this.release(wm[i]!);
      const t = row[ti];
      if (typeof t !== 'number') continue;
      if (t < this.earliest) this.earliest = t;
      const key = this.keyOf(row);
      const entry = this.table.get(NS, key);
      const lastEmitted = entry?.value[2];
      if (lastEmitted !== undefined && t <= lastEmitted) {
        this.late++;
        this.lateOut?.(row, this.late);
        continue;
      }
      if (!entry) {
        this.table.insert(NS, key, [[], [row]]);
        continue;
      }
      this.table.touch(entry);
      const waiting = entry.value[1];
      // After every waiting row of time <= t: equal times keep arrival order.
      let lo = 0;
      let hi = waiting.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((waiting[mid]![ti] as number) <= t) lo = mid + 1;
        else hi = mid;
      }
      waiting.splice(lo, 0, row);
    }
  }

  override onWatermark(value: number): void {
    if (value > this.watermark) this.release(value);
    this.out.watermark(value);
  }

  /** Emits the rows the watermark `value` releases (every waiting row of time <= value). */
  private release(value: number): void {
    this.watermark = value;
    if (value < this.earliest) return;
    let earliest = Infinity;
    const ti = this.spec.timeIndex;
    const released: Row[] = [];
    for (const entry of [...this.table.entries(NS)]) {
      const [emitted, waiting] = entry.value;
      let n = 0;
      while (n < waiting.length && (waiting[n]![ti] as number) <= value) n++;
      if (n < waiting.length) earliest = Math.min(earliest, waiting[n]![ti] as number);
      if (n === 0) continue;
      this.table.touch(entry);
      const ready = waiting.slice(0, n);
      const all = emitted.concat(ready);
      for (let i = 0; i < ready.length; i++) released.push(this.withAggregates(all, emitted.length + i));
      const lastEmitted = ready[n - 1]![ti] as number;
      entry.value = [this.trim(all, lastEmitted), waiting.slice(n), lastEmitted];
    }
    this.earliest = earliest;
    // Across partitions, in time order (a stable sort keeps each partition's own order).
    released.sort((a, b) => (a[ti] as number) - (b[ti] as number));
    if (released.length > 0) this.out.data(rowBatch(released));
  }

  override onEnd(): void {
    this.onWatermark(Infinity);
    this.out.end();
  }

  /** The rows of `rows` (time order) a frame of a row later than `w` (the last emitted time) can still reach. */
  private trim(rows: Row[], w: number): Row[] {
    const { unit, preceding } = this.spec.frame;
    if (unit === 'ROWS') return rows.length > preceding ? rows.slice(rows.length - preceding) : rows;
    const ti = this.spec.timeIndex;
    let i = 0;
    // A later row has time > w, so its frame starts after w - preceding.
    while (i < rows.length && (rows[i]![ti] as number) <= w - preceding) i++;
    return i === 0 ? rows : rows.slice(i);
  }

  /** Row `at` of `rows` (time order) with its frame's aggregates appended. */
  private withAggregates(rows: readonly Row[], at: number): Row {
    const { unit, preceding } = this.spec.frame;
    const ti = this.spec.timeIndex;
    const s: Value[] = [];
    this.agg.init(s);
    const row = rows[at]!;
    if (unit === 'ROWS') {
      for (let i = Math.max(0, at - preceding); i <= at; i++) this.agg.update(s, rows[i]!);
    } else {
      const t = row[ti] as number;
      // Peers of equal time after `at` are in the frame too (RANGE); they are in `rows` already,
      // since the watermark released every row of time <= t together.
      for (let i = 0; i < rows.length; i++) {
        const x = rows[i]![ti] as number;
        if (x >= t - preceding && x <= t) this.agg.update(s, rows[i]!);
      }
    }
    const out: Row = [...row];
    this.agg.results(s, out);
    return out;
  }
}
