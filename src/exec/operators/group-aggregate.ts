/**
 * Non-windowed GROUP BY: an updating result, emitted as a changelog.
 *
 * THE CHANGELOG CONVENTION (other parts of Eddy build on it; keep it exactly): a plan whose result
 * is an updating changelog has, as its FIRST output column, `op` VARCHAR with one of Flink's
 * RowKind short strings:
 *   '+I' insert: a new row (a key seen for the first time, or one that started passing HAVING);
 *   '-U' update-before: retracts the row previously emitted for the key; always immediately
 *        followed, in the same batch, by that key's '+U';
 *   '+U' update-after: the key's new row;
 *   '-D' delete: retracts the key's row for good (a group that stopped passing HAVING).
 * Folding the changelog (add +I/+U rows, remove -U/-D rows) gives the current result table.
 * Append-only plans have no `op` column. Printers and sinks have no special case: `op` prints and
 * is written like any column (a file sink writes an append-only changelog file).
 */
import type { Row, Value } from '../../common/types.js';
import type { AggCall, BoundExpr } from '../../planner/bound.js';
import type { ChangeOp } from '../../planner/changelog.js';
import { compileAggregator, type CompiledAggregator } from '../accumulators/compile-aggregator.js';
import { rowBatch, type Batch } from '../batch.js';
import { compileRowBuilder } from '../expr-compiler.js';
import { compileKeyExtractor, type StateKey } from '../key.js';
import { Operator, type OperatorContext } from '../operator.js';
import type { KeyedStateTable, StateEntry } from '../state/keyed-state-table.js';
import { valuesCodec } from '../state/tagged-value.js';

/** The fields of a GroupAggregateExec this operator needs. */
export interface GroupAggregateSpec {
  readonly uid: string;
  readonly keys: readonly BoundExpr[];
  readonly aggs: readonly AggCall[];
  /** The input is a changelog (op in column 0): '-U' / '-D' rows are taken back (see processRetracting). */
  readonly retracting?: boolean;
}

/** How long idle keys live ('state.ttl') and which clock measures it. */
export interface GroupAggregateOptions {
  /** Milliseconds a key may go without an update before it is dropped; 0 keeps keys forever. */
  readonly ttlMs: number;
  /** True: the clock is the watermark (event time). False: the context's wall clock (processing time). */
  readonly eventTime: boolean;
}

/** The whole group state lives in one namespace. */
const NS = 0;
/** Slot 0 of a state value: when the key was last updated, on the TTL clock. */
const STAMP = 0;

const sameValue = (a: Value, b: Value): boolean => a === b || (a !== a && b !== b);

/**
 * Per key one state entry (namespace 0) holding [stamp, ...keyValues, ...accumulatorSlots].
 *
 * Mini-batch, like Flink's mini-batch aggregation: a batch updates its keys' accumulators, then,
 * for every key it touched, in first-touched order, emits '+I' (a new key) or '-U' old then '+U'
 * new, or nothing when the result did not change. So a key emits at most one change per batch:
 * fewer updates than per-row emission and the same folded result. The old result is computed from
 * the state before the batch's first update of the key, which equals the row last emitted for it.
 *
 * TTL ('state.ttl' > 0): a key not updated for longer than the TTL is dropped from state silently,
 * as Flink does: no '-D' is emitted, downstream keeps its last row, and a later row for the key
 * starts a fresh group with '+I'. The clock is the watermark when the stream has one (checked when
 * a watermark arrives; updates before the first watermark count as made at the first watermark),
 * else the wall clock (checked at the start of each batch). Keys are kept in a Map in order of
 * last update, whose stamps never decrease, so expiry pops from the front; the Map is not state:
 * restoreMeta rebuilds it from the stamps.
 */
export class GroupAggregateOperator extends Operator {
  private readonly table: KeyedStateTable<Value[]>;
  private readonly keyOf: (row: Row) => StateKey;
  private readonly keyValues: (row: Row) => Row;
  private readonly nKeys: number;
  private readonly agg: CompiledAggregator;
  private readonly ttl: number;
  private readonly eventTime: boolean;
  private readonly now: () => number;
  /** The event-time TTL clock: the last watermark seen. */
  private clock = -Infinity;
  /** With a TTL: every entry, in order of last update (ascending stamp). */
  private readonly byAge = new Map<StateKey, StateEntry<Value[]>>();
  private expiredKeys = 0;
  private readonly retracting: boolean;
  /** Retracting: the slot counting a group's rows (added minus taken back); the group ends at 0. */
  private readonly countAt: number;

  constructor(spec: GroupAggregateSpec, ctx: OperatorContext, opts: GroupAggregateOptions = { ttlMs: 0, eventTime: true }) {
    super(spec.uid);
    this.keyOf = compileKeyExtractor(spec.keys);
    this.keyValues = compileRowBuilder(spec.keys);
    this.nKeys = spec.keys.length;
    this.retracting = spec.retracting === true;
    this.agg = compileAggregator(spec.aggs, 1 + this.nKeys, this.retracting);
    this.countAt = 1 + this.nKeys + this.agg.width;
    this.ttl = opts.ttlMs;
    this.eventTime = opts.eventTime;
    this.now = ctx.now;
    this.table = ctx.table('groups', valuesCodec());
    this.declareGlobal({ clock: 'time' });
  }

  /** Keys dropped by the TTL so far (not checkpointed: a metric of this run). */
  get expired(): number {
    return this.expiredKeys;
  }

  processBatch(batch: Batch): void {
    if (batch.kind !== 'rows') return this.processBatch(rowBatch(batch.layout.toRows(batch.objects, 0, batch.objects.length), batch.wm));
    const { rows } = batch;
    if (rows.length === 0) return;
    let stamp = this.clock;
    if (this.ttl > 0 && !this.eventTime) {
      stamp = this.now();
      this.expire(stamp);
    }
    const { table, keyOf, agg } = this;
    // Touched entries in first-touched order, each with its result before this batch (null: new key).
    const touched = new Map<StateEntry<Value[]>, Row | null>();
    const retracting = this.retracting;
    const countAt = this.countAt;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const key = keyOf(row);
      let entry = table.get(NS, key);
      const takeBack = retracting && (row[0] === '-U' || row[0] === '-D');
      if (entry === undefined) {
        // Taking back a row of a group not in state (dropped by the TTL): ignored, as Flink does.
        if (takeBack) continue;
        entry = table.insert(NS, key, this.create(row));
        touched.set(entry, null);
      } else if (!touched.has(entry)) {
        table.touch(entry); // before the first update: a checkpoint may still have to encode the old value
        touched.set(entry, this.resultRow(entry.value, '-U'));
      }
      if (!retracting) agg.update(entry.value, row);
      else if (takeBack) {
        agg.retract!(entry.value, row);
        entry.value[countAt] = (entry.value[countAt] as number) - 1;
      } else {
        agg.update(entry.value, row);
        entry.value[countAt] = (entry.value[countAt] as number) + 1;
      }
    }
    const out: Row[] = [];
    const ttl = this.ttl > 0;
    for (const [entry, old] of touched) {
      if (retracting && (entry.value[countAt] as number) <= 0) {
        // Every row of the group was taken back: the group is gone (Flink emits its '-D').
        if (old !== null) {
          old[0] = '-D';
          out.push(old);
        }
        if (ttl) this.byAge.delete(entry.key);
        table.delete(NS, entry.key);
        continue;
      }
      table.touch(entry);
      entry.value[STAMP] = stamp;
      if (ttl) {
        this.byAge.delete(entry.key);
        this.byAge.set(entry.key, entry);
      }
      if (old === null) {
        out.push(this.resultRow(entry.value, '+I'));
        continue;
      }
      const next = this.resultRow(entry.value, '+U');
      let same = true;
      for (let c = 1; c < next.length && same; c++) same = sameValue(old[c]!, next[c]!);
      if (!same) out.push(old, next);
    }
    if (out.length > 0) this.out.data(rowBatch(out));
  }

  private create(row: Row): Value[] {
    const s: Value[] = [0];
    const k = this.keyValues(row);
    for (let i = 0; i < k.length; i++) s.push(k[i]!);
    this.agg.init(s);
    if (this.retracting) s.push(0);
    // An exact-length copy: the pushes grew the backing store to 17+ slots (~136 B per entry).
    return s.slice();
  }

  private resultRow(s: readonly Value[], op: ChangeOp): Row {
    const row: Row = [op];
    for (let i = 1; i <= this.nKeys; i++) row.push(s[i]!);
    this.agg.results(s, row);
    return row;
  }

  override onWatermark(value: number): void {
    if (value > this.clock) {
      this.clock = value;
      if (this.ttl > 0 && this.eventTime) this.expire(value);
    }
    this.out.watermark(value);
  }

  /** Drops every key whose last update is more than ttl before `t`. */
  private expire(t: number): void {
    const byAge = this.byAge;
    // Updates before the first watermark count as made at it. They sort first; re-added after the
    // loop (at the back, t being the newest stamp) so that a restore after 'state.ttl' changed from 0 keeps the order.
    const restamped: StateEntry<Value[]>[] = [];
    for (const [key, entry] of byAge) {
      const stamp = entry.value[STAMP] as number;
      if (stamp === -Infinity) {
        this.table.touch(entry);
        entry.value[STAMP] = t;
        byAge.delete(key);
        restamped.push(entry);
        continue;
      }
      if (t - stamp <= this.ttl) break;
      byAge.delete(key);
      this.table.delete(NS, key);
      this.expiredKeys++;
    }
    for (const e of restamped) byAge.set(e.key, e);
  }

  /** After a restore: the age order rebuilt from the restored stamps (it is not state). */
  protected override afterRestore(): void {
    this.byAge.clear();
    if (this.ttl <= 0) return;
    const entries = [...this.table.entries(NS)];
    // Stable: equal stamps keep insertion order, as in the uninterrupted run's Map.
    entries.sort((a, b) => (a.value[STAMP] as number) - (b.value[STAMP] as number) || a.seq - b.seq);
    for (const e of entries) this.byAge.set(e.key, e);
  }
}
