/**
 * Top-N (Flink's Rank operator: AppendOnlyTopNFunction over an append-only input,
 * RetractableTopNFunction over an updating one): per partition key the rows sorted by the ORDER BY
 * of `ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...)`, and an updating changelog of the rows
 * ranked start..end.
 *
 * Every input row changes one partition; the operator compares the ranked rows of that partition
 * before and after the change and emits the difference:
 *  - with the rank number in the output, position by position: a position whose row changed
 *    emits '-U' (old row, rank) then '+U' (new row, rank); a position filled for the first time
 *    '+I'; a position emptied (a retraction) '-D'. This is the output of Flink's
 *    emitRecordsWithRowNumber: inserting at rank r shifts every row below r down one position.
 *    Rows are told apart by identity, as in Flink's buffer: a row shifted onto a position held by
 *    an equal (duplicate) row still emits its pair.
 *  - without it (the outer query does not read the rank: Flink's "no ranking number"
 *    optimisation), as a set: a row that entered the range '+I', a row that left it '-D'; rows
 *    that only moved inside the range emit nothing. The rank column is then NULL (never read).
 *    Keep-last deduplication (rn = 1 by time DESC) is Flink's Deduplicate: the kept row is
 *    replaced with '-U' / '+U'. (Keep-first on time is deduplicate-first.ts, insert-only.)
 *
 * RANK and DENSE_RANK (peers of equal sort key share a rank, so one rank may hold several rows):
 * the difference as a set of (row, rank) pairs, '-D' for a pair gone and '+I' for a new one; the
 * folded result is the same as Flink's, the -U/+U pairing is not.
 * Equal sort keys keep arrival order (a later row ranks after an earlier equal one), as Flink's.
 * State: one keyed entry per partition, its sorted rows. Over an append-only input a row ranked
 * beyond `end` can never come back into range, so only the first `end` rows are kept (bounded
 * state, as AppendOnlyTopNFunction); over an updating input every row is kept, since a retraction
 * of a ranked row brings the next one up.
 */
import type { Row, Value } from '../../common/types.js';
import type { BoundExpr } from '../../planner/bound.js';
import { compareValues } from '../accumulators/value-hash.js';
import { rowBatch, type Batch } from '../batch.js';
import { compileRowBuilder } from '../expr-compiler.js';
import { compileKeyExtractor, type StateKey } from '../key.js';
import { Operator, type OperatorContext } from '../operator.js';
import { jsonCodec, type KeyedStateTable } from '../state/keyed-state-table.js';

/** One ORDER BY key of the ranking. */
export interface RankOrderKey {
  readonly expr: BoundExpr;
  readonly desc: boolean;
}

/** The fields of a RankExec this operator needs. */
export interface RankSpec {
  readonly uid: string;
  readonly partitionKeys: readonly BoundExpr[];
  /** Over the input row (op slot included when the input is updating). */
  readonly orderKeys: readonly RankOrderKey[];
  /** ROW_NUMBER numbers positions; RANK gives peers (equal sort keys) one rank and skips after them; DENSE_RANK does not skip. */
  readonly fn?: RankFn;
  /**
   * A new row ranks before its peers instead of after them: Flink's keep-last-row deduplication
   * (rn = 1 ordered by a time attribute DESC), where a later row of equal time replaces the kept one.
   */
  readonly newPeersFirst?: boolean;
  /** The ranks kept, 1-based and inclusive: WHERE rn BETWEEN start AND end. */
  readonly start: number;
  readonly end: number;
  /** Whether the output's rank column carries the rank (see the file comment). */
  readonly rankNumber: boolean;
  /** The input is an updating changelog: op first, its '-U'/'-D' rows are taken back. */
  readonly retracting: boolean;
}

export type RankFn = 'ROW_NUMBER' | 'RANK' | 'DENSE_RANK';

const NS = 0;

/** NULL sorts first ascending and last descending (SQLite's and Calcite's default null direction). */
function compareKeys(a: Row, b: Row, desc: readonly boolean[]): number {
  return compareAt(a, b, null, desc);
}

/** compareKeys over the columns `at` of two rows (null: their first desc.length columns), without building their keys. */
function compareAt(a: Row, b: Row, at: readonly number[] | null, desc: readonly boolean[]): number {
  for (let i = 0; i < desc.length; i++) {
    const x = a[at === null ? i : at[i]!]!;
    const y = b[at === null ? i : at[i]!]!;
    let c: number;
    if (x === null || y === null) c = x === y ? 0 : x === null ? -1 : 1;
    else c = compareValues(x, y);
    if (c !== 0) return desc[i] ? -c : c;
  }
  return 0;
}

const sameRow = (a: Row, b: Row): boolean => a.length === b.length && a.every((v, i) => v === b[i] || (v !== v && b[i] !== b[i]));

export class RankOperator extends Operator {
  private readonly table: KeyedStateTable<Row[]>;
  private readonly keyOf: (row: Row) => StateKey;
  private readonly sortKey: (row: Row) => Row;
  private readonly desc: readonly boolean[];
  /**
   * Over an append-only input whose ORDER BY keys are all columns: their positions, so a new row is
   * placed by comparing stored rows with it column by column (no sort key built per comparison).
   */
  private readonly orderColumns: readonly number[] | null;

  constructor(
    private readonly spec: RankSpec,
    ctx: OperatorContext,
  ) {
    super(spec.uid);
    this.keyOf = compileKeyExtractor(spec.partitionKeys);
    this.sortKey = compileRowBuilder(spec.orderKeys.map((k) => k.expr));
    this.desc = spec.orderKeys.map((k) => k.desc);
    const refs = spec.orderKeys.map((k) => (k.expr.kind === 'inputRef' ? k.expr.index : -1));
    this.orderColumns = !spec.retracting && refs.every((i) => i >= 0) ? refs : null;
    this.table = ctx.table('partitions', jsonCodec<Row[]>());
  }

  /** Rows held in state over every partition (bounded by N per partition over an append-only input). */
  get keptRows(): number {
    let n = 0;
    for (const e of this.table.entries(NS)) n += e.value.length;
    return n;
  }

  processBatch(batch: Batch): void {
    if (batch.kind !== 'rows') return this.processBatch(rowBatch(batch.layout.toRows(batch.objects, 0, batch.objects.length), batch.wm));
    const out: Row[] = [];
    for (const row of batch.rows) this.processRow(row, out);
    if (out.length > 0) this.out.data(rowBatch(out));
  }

  private processRow(row: Row, out: Row[]): void {
    const { spec, table } = this;
    const key = this.keyOf(row);
    const takeBack = spec.retracting && (row[0] === '-U' || row[0] === '-D');
    const data = spec.retracting ? row.slice(1) : row;
    const entry = table.get(NS, key);
    const before = entry?.value ?? [];
    let after: Row[];
    if (takeBack) {
      const i = before.findIndex((r) => sameRow(r, data));
      if (i < 0) return; // never ranked (or already dropped): nothing to take back
      after = before.slice(0, i).concat(before.slice(i + 1));
    } else {
      // After every row whose key is <= the row's (equal keys keep arrival order), or < it (newPeersFirst).
      const limit = spec.newPeersFirst ? -1 : 0;
      const cols = this.orderColumns;
      const k = cols === null ? this.sortKey(row) : null;
      let lo = 0;
      let hi = before.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const c = cols === null ? compareKeys(this.keyOfStored(before[mid]!), k!, this.desc) : compareAt(before[mid]!, row, cols, this.desc);
        if (c <= limit) lo = mid + 1;
        else hi = mid;
      }
      if (!spec.retracting && lo >= spec.end && this.fn === 'ROW_NUMBER') return; // ranked beyond end, now and forever
      after = before.slice(0, lo).concat([data], before.slice(lo));
      // Over an append-only input a row ranked beyond end never comes back: keep only the rows ranked <= end.
      if (!spec.retracting) after.length = this.keptCount(after);
    }
    if (entry) table.touch(entry);
    if (after.length === 0) table.delete(NS, key);
    else if (entry) entry.value = after;
    else table.insert(NS, key, after);
    this.emitDiff(before, after, out);
  }

  private get fn(): RankFn {
    return this.spec.fn ?? 'ROW_NUMBER';
  }

  private keyOfStored(r: Row): Row {
    return this.sortKey(this.spec.retracting ? ['+I', ...r] : r);
  }

  /** The rank of every row of a sorted list (1-based), by the ranking function. */
  private ranks(list: readonly Row[]): number[] {
    const fn = this.fn;
    const out: number[] = [];
    let prev: Row | null = null;
    let dense = 0;
    for (let i = 0; i < list.length; i++) {
      const k = this.keyOfStored(list[i]!);
      const peer = prev !== null && compareKeys(prev, k, this.desc) === 0;
      if (!peer) dense++;
      out.push(fn === 'ROW_NUMBER' ? i + 1 : fn === 'DENSE_RANK' ? dense : peer ? out[i - 1]! : i + 1);
      prev = k;
    }
    return out;
  }

  /** How many of a sorted list's first rows are ranked <= end. */
  private keptCount(list: readonly Row[]): number {
    if (this.fn === 'ROW_NUMBER') return Math.min(list.length, this.spec.end);
    const r = this.ranks(list);
    let n = 0;
    while (n < r.length && r[n]! <= this.spec.end) n++;
    return n;
  }

  private emitDiff(before: readonly Row[], after: readonly Row[], out: Row[]): void {
    const { start, end } = this.spec;
    const lo = start - 1;
    if (this.fn !== 'ROW_NUMBER') {
      // Peers share a rank, so positions do not name rows: the difference as a set of (row, rank).
      const ranked = (list: readonly Row[]): [Row, number][] => {
        const r = this.ranks(list);
        return list.map((row, i): [Row, number] => [row, r[i]!]).filter(([, k]) => k >= start && k <= end);
      };
      const was = ranked(before);
      const now = ranked(after);
      const num = this.spec.rankNumber;
      const has = (xs: readonly [Row, number][], [row, k]: [Row, number]): boolean => xs.some(([r, j]) => r === row && (!num || j === k));
      for (const p of was) if (!has(now, p)) out.push(['-D', ...p[0], num ? p[1] : null]);
      for (const p of now) if (!has(was, p)) out.push(['+I', ...p[0], num ? p[1] : null]);
      return;
    }
    if (this.spec.rankNumber) {
      for (let p = lo; p < end; p++) {
        const b = before[p];
        const a = after[p];
        if (b && a) {
          // By identity, as Flink's buffer: a row shifted onto a position held by an equal row still emits its pair.
          if (a !== b) out.push(['-U', ...b, p + 1], ['+U', ...a, p + 1]);
        } else if (a) out.push(['+I', ...a, p + 1]);
        else if (b) out.push(['-D', ...b, p + 1]);
        else break;
      }
      return;
    }
    const was = before.slice(lo, end);
    const now = after.slice(lo, end);
    const left = was.filter((r) => !now.includes(r));
    const entered = now.filter((r) => !was.includes(r));
    const none: Value = null;
    if (this.spec.newPeersFirst && start === 1 && end === 1 && left.length === 1 && entered.length === 1) {
      // Keep-last deduplication (Flink's Deduplicate, not its Rank): the kept row is updated.
      out.push(['-U', ...left[0]!, none], ['+U', ...entered[0]!, none]);
      return;
    }
    for (const r of left) out.push(['-D', ...r, none]);
    for (const r of entered) out.push(['+I', ...r, none]);
  }
}
