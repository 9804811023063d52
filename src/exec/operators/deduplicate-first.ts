/**
 * Keep-first-row deduplication on event time (Flink 2.x's rowtime Deduplicate keeping the first
 * row): `ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts ASC)` under `rn = 1` over an append-only
 * input, the rank not read. Insert-only: per partition the row of the earliest time (the first to
 * arrive among equal times) is emitted once the watermark passes its time, and nothing after.
 *
 * A row at or below the watermark when it arrives is late: counted and dropped (its partition's
 * row may already be out). So is every row of a partition whose row was emitted. As in the OVER
 * operator, a batch's per-row watermarks release rows before the next row is judged, so what is
 * late does not depend on the batch size.
 *
 * State per partition: the waiting candidate row, then, once emitted, a mark (kept while the query
 * runs, as Flink keeps its dedup state without a TTL).
 */
import type { Row, Value } from '../../common/types.js';
import type { BoundExpr } from '../../planner/bound.js';
import { rowBatch, type Batch } from '../batch.js';
import { compileKeyExtractor, type StateKey } from '../key.js';
import { Operator, type OperatorContext } from '../operator.js';
import { jsonCodec, type KeyedStateTable } from '../state/keyed-state-table.js';

export interface DeduplicateFirstSpec {
  readonly uid: string;
  readonly partitionKeys: readonly BoundExpr[];
  /** Index of the event-time column (the ORDER BY) in the input row. */
  readonly timeIndex: number;
}

/** A partition: its waiting row, or null once that row was emitted. */
type Partition = Row | null;

const NS = 0;

export class DeduplicateFirstOperator extends Operator {
  private readonly table: KeyedStateTable<Partition>;
  private readonly keyOf: (row: Row) => StateKey;
  private watermark = -Infinity;
  /** No waiting row has a time below this (a lower bound; not checkpointed: -Infinity until the first release scans). */
  private earliest = -Infinity;
  private late = 0;

  constructor(
    private readonly spec: DeduplicateFirstSpec,
    ctx: OperatorContext,
  ) {
    super(spec.uid);
    this.keyOf = compileKeyExtractor(spec.partitionKeys);
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
      if (wm !== null && wm[i]! > this.watermark) this.release(wm[i]!);
      const t = row[ti];
      if (typeof t !== 'number') continue;
      if (t <= this.watermark) {
        this.late++;
        continue;
      }
      const key = this.keyOf(row);
      const entry = this.table.get(NS, key);
      if (!entry) {
        this.table.insert(NS, key, row.slice());
        if (t < this.earliest) this.earliest = t;
        continue;
      }
      const kept = entry.value;
      if (kept === null || (kept[ti] as number) <= t) continue; // emitted already, or not earlier
      this.table.touch(entry);
      entry.value = row.slice();
      if (t < this.earliest) this.earliest = t;
    }
  }

  override onWatermark(value: number): void {
    if (value > this.watermark) this.release(value);
    this.out.watermark(value);
  }

  override onEnd(): void {
    this.onWatermark(Infinity);
    this.out.end();
  }

  /** Emits every waiting row of time <= value, in time order. */
  private release(value: number): void {
    this.watermark = value;
    if (value < this.earliest) return;
    const ti = this.spec.timeIndex;
    let earliest = Infinity;
    const out: Row[] = [];
    for (const entry of [...this.table.entries(NS)]) {
      const row = entry.value;
      if (row === null) continue;
      const t = row[ti] as number;
      if (t > value) {
        earliest = Math.min(earliest, t);
        continue;
      }
      this.table.touch(entry);
      entry.value = null;
      const none: Value = null;
      out.push([...row, none]);
    }
    this.earliest = earliest;
    out.sort((a, b) => (a[ti] as number) - (b[ti] as number));
    if (out.length > 0) this.out.data(rowBatch(out));
  }
}
