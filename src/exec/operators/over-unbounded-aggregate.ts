/**
 * OVER aggregates with an unbounded frame over event time (Flink's
 * RowTimeRowsUnboundedPrecedingFunction and RowTimeRangeUnboundedPrecedingFunction):
 * `agg(x) OVER (PARTITION BY k ORDER BY ts [ROWS | RANGE] BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`,
 * and the default frame (no frame clause: RANGE UNBOUNDED PRECEDING). Append-only: each input row
 * once, with the aggregates over every earlier row of its partition appended.
 *
 * As in the bounded operator (over-aggregate.ts), a row waits until the watermark passes its time;
 * the released rows are then taken in time order (equal times in arrival order):
 *  - ROWS: each row is added to its partition's accumulators, then emitted with their results;
 *  - RANGE: the rows of one time (peers) are all added first, then each is emitted with the same
 *    results, so a row's frame includes its peers.
 * A row at or below the watermark on arrival is late: counted, dropped, routed to `<stream>$late`.
 *
 * State per partition: its accumulators (one flat array, kept forever as Flink keeps them) and the
 * rows still waiting for the watermark.
 */
import type { Row, Value } from '../../common/types.js';
import { compileAggregator, type CompiledAggregator } from '../accumulators/compile-aggregator.js';
import { rowBatch, type Batch } from '../batch.js';
import { compileKeyExtractor, type StateKey } from '../key.js';
import { Operator, type LateRowOutput, type OperatorContext } from '../operator.js';
import { jsonCodec, type KeyedStateTable } from '../state/keyed-state-table.js';
import { valuesCodec } from '../state/tagged-value.js';
import type { AnyOverFrameSpec, OverAggregateSpec } from './over-aggregate.js';

const NS = 0;

export class OverUnboundedAggregateOperator extends Operator {
  private readonly accs: KeyedStateTable<Value[]>;
  private readonly waiting: KeyedStateTable<Row[]>;
  private readonly keyOf: (row: Row) => StateKey;
  private readonly agg: CompiledAggregator;
  private readonly lateOut: LateRowOutput | null;
  private readonly range: boolean;
  private watermark = -Infinity;
  private late = 0;

  constructor(
    private readonly spec: OverAggregateSpec<AnyOverFrameSpec>,
    ctx: OperatorContext,
  ) {
    super(spec.uid);
    this.keyOf = compileKeyExtractor(spec.partitionKeys);
    this.agg = compileAggregator(spec.aggs, 0);
    this.lateOut = ctx.lateRows;
    this.range = spec.frame.unit === 'RANGE';
    this.accs = ctx.table('accumulators', valuesCodec());
    this.waiting = ctx.table('waiting', jsonCodec<Row[]>());
    this.declareGlobal({ watermark: 'time', late: 'count' });
  }

  override get lateRows(): number {
    return this.late;
  }

  processBatch(batch: Batch): void {
    if (batch.kind !== 'rows') return this.processBatch(rowBatch(batch.layout.toRows(batch.objects, 0, batch.objects.length), batch.wm));
    const ti = this.spec.timeIndex;
    for (const row of batch.rows) {
      const t = row[ti];
      if (typeof t !== 'number') continue;
      if (t <= this.watermark) {
        this.late++;
        this.lateOut?.(row, this.late);
        continue;
      }
      const key = this.keyOf(row);
      const entry = this.waiting.get(NS, key);
      if (!entry) {
        this.waiting.insert(NS, key, [row]);
        continue;
      }
      this.waiting.touch(entry);
      const rows = entry.value;
      // After every waiting row of time <= t: equal times keep arrival order.
      let lo = 0;
      let hi = rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((rows[mid]![ti] as number) <= t) lo = mid + 1;
        else hi = mid;
      }
      rows.splice(lo, 0, row);
    }
  }

  override onWatermark(value: number): void {
    if (value <= this.watermark) return this.out.watermark(value);
    this.watermark = value;
    const ti = this.spec.timeIndex;
    const released: Row[] = [];
    for (const entry of [...this.waiting.entries(NS)]) {
      const rows = entry.value;
      let n = 0;
      while (n < rows.length && (rows[n]![ti] as number) <= value) n++;
      if (n === 0) continue;
      let acc = this.accs.get(NS, entry.key);
      if (!acc) {
        const s: Value[] = [];
        this.agg.init(s);
        acc = this.accs.insert(NS, entry.key, s);
      } else this.accs.touch(acc);
      const s = acc.value;
      let i = 0;
      while (i < n) {
        // ROWS: one row at a time; RANGE: the run of rows with the same time.
        let j = i + 1;
        if (this.range) while (j < n && rows[j]![ti] === rows[i]![ti]) j++;
        for (let k = i; k < j; k++) this.agg.update(s, rows[k]!);
        for (let k = i; k < j; k++) {
          const out: Row = [...rows[k]!];
          this.agg.results(s, out);
          released.push(out);
        }
        i = j;
      }
      if (n === rows.length) this.waiting.delete(NS, entry.key);
      else {
        this.waiting.touch(entry);
        entry.value = rows.slice(n);
      }
    }
    // Across partitions, in time order (a stable sort keeps each partition's own order).
    released.sort((a, b) => (a[ti] as number) - (b[ti] as number));
    if (released.length > 0) this.out.data(rowBatch(released));
    this.out.watermark(value);
  }

  override onEnd(): void {
    this.onWatermark(Infinity);
    this.out.end();
  }
}
