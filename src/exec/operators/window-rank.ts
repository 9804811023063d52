/**
 * Window Top-N (Flink's WindowRankOperator): `ROW_NUMBER() | RANK() | DENSE_RANK() OVER
 * (PARTITION BY window_start, window_end, ... ORDER BY ...)` bounded by its rank, over a windowing
 * TVF or a window aggregate's result. Append-only: a window's partitions are ranked once, when the
 * watermark completes the window (W >= window_end - 1), and their rows ranked start..end are
 * emitted with the rank appended; the window's state is then freed.
 *
 * A row whose window is already complete when it arrives is late: counted and dropped (its
 * window's ranking was emitted). Equal sort keys rank in arrival order (ROW_NUMBER), as Flink's.
 * State: one keyed entry per partition (the partition keys include the window), its rows in
 * arrival order; ROW_NUMBER keeps only the first `end` rows by the ORDER BY.
 */
import type { Row, Value } from '../../common/types.js';
import { compareValues } from '../accumulators/value-hash.js';
import { rowBatch, type Batch } from '../batch.js';
import { compileRowBuilder } from '../expr-compiler.js';
import { compileKeyExtractor, type StateKey } from '../key.js';
import { Operator, type OperatorContext } from '../operator.js';
import { jsonCodec, type KeyedStateTable } from '../state/keyed-state-table.js';
import type { RankFn, RankSpec } from './rank.js';

/** The fields of a RankExec with a window this operator needs. */
export interface WindowRankSpec extends Omit<RankSpec, 'retracting' | 'newPeersFirst'> {
  /** Index of the input's window_end column (one of the partition keys' windows). */
  readonly windowEnd: number;
}

const NS = 0;

/** [sort key, row] per row, sorted by the ORDER BY; stable, so peers stay in arrival order. */
type Partition = [Value[], Row][];

/** NULL sorts first ascending and last descending, as in rank.ts. */
function compareKeys(a: readonly Value[], b: readonly Value[], desc: readonly boolean[]): number {
  for (let i = 0; i < desc.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    let c: number;
    if (x === null || y === null) c = x === y ? 0 : x === null ? -1 : 1;
    else c = compareValues(x, y);
    if (c !== 0) return desc[i] ? -c : c;
  }
  return 0;
}

export class WindowRankOperator extends Operator {
  private readonly table: KeyedStateTable<Partition>;
  private readonly keyOf: (row: Row) => StateKey;
  private readonly sortKey: (row: Row) => Value[];
  private readonly desc: readonly boolean[];
  private readonly fn: RankFn;
  private watermark = -Infinity;
  private late = 0;

  constructor(
    private readonly spec: WindowRankSpec,
    ctx: OperatorContext,
  ) {
    super(spec.uid);
    this.keyOf = compileKeyExtractor(spec.partitionKeys);
    this.sortKey = compileRowBuilder(spec.orderKeys.map((k) => k.expr));
    this.desc = spec.orderKeys.map((k) => k.desc);
    this.fn = spec.fn ?? 'ROW_NUMBER';
    this.table = ctx.table('windows', jsonCodec<Partition>());
    this.declareGlobal({ watermark: 'time', late: 'count' });
  }

  override get lateRows(): number {
    return this.late;
  }

  processBatch(batch: Batch): void {
    if (batch.kind !== 'rows') return this.processBatch(rowBatch(batch.layout.toRows(batch.objects, 0, batch.objects.length), batch.wm));
    const we = this.spec.windowEnd;
    const keep = this.fn === 'ROW_NUMBER' ? this.spec.end : Infinity;
    for (const row of batch.rows) {
      const end = row[we];
      if (typeof end !== 'number') continue;
      if (end - 1 <= this.watermark) {
        this.late++;
        continue;
      }
      const key = this.keyOf(row);
      const item: [Value[], Row] = [this.sortKey(row), row];
      const entry = this.table.get(NS, key);
      if (!entry) {
        this.table.insert(NS, key, [item]);
        continue;
      }
      this.table.touch(entry);
      const rows = entry.value;
      // After every row that sorts before or with it: peers keep arrival order.
      let lo = 0;
      let hi = rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareKeys(rows[mid]![0], item[0], this.desc) <= 0) lo = mid + 1;
        else hi = mid;
      }
      if (lo >= keep) continue;
      rows.splice(lo, 0, item);
      if (rows.length > keep) rows.length = keep;
    }
  }

  override onWatermark(value: number): void {
    if (value <= this.watermark) return this.out.watermark(value);
    this.watermark = value;
    const we = this.spec.windowEnd;
    const fired: { end: number; rows: Row[] }[] = [];
    for (const entry of [...this.table.entries(NS)]) {
      const rows = entry.value;
      const end = rows[0]![1][we] as number;
      if (end - 1 > value) continue;
      fired.push({ end, rows: this.ranked(rows) });
      this.table.delete(NS, entry.key);
    }
    // Windows in end order (a stable sort keeps the partitions' order within one window).
    fired.sort((a, b) => a.end - b.end);
    const out: Row[] = [];
    for (const f of fired) for (const r of f.rows) out.push(r);
    if (out.length > 0) this.out.data(rowBatch(out));
    this.out.watermark(value);
  }

  override onEnd(): void {
    this.onWatermark(Infinity);
    this.out.end();
  }

  /** The partition's rows ranked start..end, each with its rank appended (NULL when nothing reads it). */
  private ranked(rows: Partition): Row[] {
    const { start, end, rankNumber } = this.spec;
    const out: Row[] = [];
    let rank = 0;
    let dense = 0;
    for (let i = 0; i < rows.length; i++) {
      const peer = i > 0 && compareKeys(rows[i - 1]![0], rows[i]![0], this.desc) === 0;
      if (this.fn === 'ROW_NUMBER') rank = i + 1;
      else if (this.fn === 'RANK') rank = peer ? rank : i + 1;
      else rank = peer ? dense : ++dense;
      if (this.fn === 'DENSE_RANK') dense = rank;
      if (rank > end) break;
      if (rank < start) continue;
      out.push([...rows[i]![1], rankNumber ? rank : null]);
    }
    return out;
  }
}
