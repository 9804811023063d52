/**
 * An interval join (Flink's RowTimeIntervalJoin): an equi-join whose rows also satisfy
 * lower <= leftTime - rightTime <= upper. Append-only, INNER, LEFT, RIGHT or FULL.
 *
 * Each side's rows wait in keyed state (tables 'left' and 'right', keyed by the join key, one flat
 * array per key of (matched, ...columns) per row) only as long as a future row of the other side
 * can still match them. With W the combined watermark, future rows have times > W, so a left row
 * is freed once lt <= W + lower and a right row once rt <= W - upper; an outer side's row that
 * never matched is emitted null-padded right then. A row arriving with time <= W may have missed
 * matches already freed: it is late (DESIGN.md §3 rule 9), counted, routed to its stream's
 * `$late` side output when the plan has one, and dropped. A NULL key or NULL time matches
 * nothing: such a row of an outer side is emitted padded at once, of an inner side dropped.
 *
 * Output rows carry both times, and a row still to be emitted has a stored row's time, so the
 * output watermark is held back to W + min(lower, -upper) (Flink's watermark delay
 * max(-lower, upper)): nothing emitted later is late downstream.
 *
 * Which rows expire when is a function of the state and W, so a queue of (time, key) (not state,
 * rebuilt after a restore) finds them, ordered by time then key; within a key rows keep arrival order.
 */
import type { Row, Value } from '../../common/types.js';
import type { JoinType } from '../../parser/ast.js';
import type { BoundExpr } from '../../planner/bound.js';
import type { IntervalBounds } from '../../planner/plan.js';
import { rowBatch, type Batch } from '../batch.js';
import { compilePredicate, compileRowBuilder } from '../expr-compiler.js';
import { encodeKey, type StateKey } from '../key.js';
import { Operator, type LateRowOutput, type OperatorContext } from '../operator.js';
import type { KeyedStateTable, StateEntry } from '../state/keyed-state-table.js';
import { valuesCodec } from '../state/tagged-value.js';

export interface IntervalJoinSpec {
  readonly uid: string;
  readonly joinType: JoinType;
  readonly leftKeys: readonly BoundExpr[];
  readonly rightKeys: readonly BoundExpr[];
  readonly residual?: BoundExpr;
  readonly interval: IntervalBounds;
  readonly leftWidth: number;
  readonly rightWidth: number;
}

const NS = 0;

interface Side {
  readonly table: KeyedStateTable<Value[]>;
  readonly keys: (row: Row) => Row;
  readonly width: number;
  readonly time: number;
  readonly outer: boolean;
  readonly isLeft: boolean;
  readonly late: LateRowOutput | null;
  /** Freed when W >= time + this (lower for the left side, -upper for the right). */
  readonly lifetime: number;
  readonly queue: ExpiryQueue;
}

/** A min-queue of (time, key), ties by key: when keys' rows may expire. May hold stale pairs. */
class ExpiryQueue {
  private t: number[] = [];
  private k: StateKey[] = [];

  get size(): number {
    return this.t.length;
  }
  peek(): number {
    return this.t[0]!;
  }
  clear(): void {
    this.t = [];
    this.k = [];
  }
  private less(i: number, j: number): boolean {
    const a = this.t[i]!;
    const b = this.t[j]!;
    if (a !== b) return a < b;
    const x = this.k[i]!;
    const y = this.k[j]!;
    return typeof x === typeof y ? x < y : typeof x === 'number';
  }
  private swap(i: number, j: number): void {
    [this.t[i], this.t[j]] = [this.t[j]!, this.t[i]!];
    [this.k[i], this.k[j]] = [this.k[j]!, this.k[i]!];
  }
  push(time: number, key: StateKey): void {
    this.t.push(time);
    this.k.push(key);
    let i = this.t.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): StateKey {
    const top = this.k[0]!;
    const n = this.t.length - 1;
    this.swap(0, n);
    this.t.pop();
    this.k.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}

export class IntervalJoinOperator extends Operator {
  private readonly sides: readonly [Side, Side];
  private readonly residual: ((row: Row) => boolean) | null;
  private readonly holdBack: number;
  private clock = -Infinity;
  private late = 0;
  private pending: Row[] = [];

  constructor(spec: IntervalJoinSpec, ctx: OperatorContext, late: readonly [LateRowOutput | null, LateRowOutput | null] = [null, null]) {
    super(spec.uid);
    const { lower, upper, leftTime, rightTime } = spec.interval;
    const side = (name: string, keys: readonly BoundExpr[], width: number, time: number, outer: boolean, isLeft: boolean, lateOut: LateRowOutput | null, lifetime: number): Side => ({
      table: ctx.table(name, valuesCodec()),
      keys: compileRowBuilder(keys),
      width,
      time,
      outer,
      isLeft,
      late: lateOut,
      lifetime,
      queue: new ExpiryQueue(),
    });
    this.sides = [
      side('left', spec.leftKeys, spec.leftWidth, leftTime, spec.joinType === 'left' || spec.joinType === 'full', true, late[0], -lower),
      side('right', spec.rightKeys, spec.rightWidth, rightTime, spec.joinType === 'right' || spec.joinType === 'full', false, late[1], upper),
    ];
    this.residual = spec.residual ? compilePredicate(spec.residual) : null;
    this.holdBack = Math.max(-lower, upper);
    this.declareGlobal({ clock: 'time', late: 'count' });
  }

  override get lateRows(): number {
    return this.late;
  }

  /** Rows held in state on both sides. */
  get liveRows(): number {
    let n = 0;
    for (const s of this.sides) for (const e of s.table.entries(NS)) n += e.value.length / (1 + s.width);
    return n;
  }

  processBatch(batch: Batch, input: number): void {
    if (batch.kind !== 'rows') return this.processBatch(rowBatch(batch.layout.toRows(batch.objects, 0, batch.objects.length), batch.wm), input);
    const me = this.sides[input]!;
    const other = this.sides[1 - input]!;
    const { rows, wm } = batch;
    for (let i = 0; i < rows.length; i++) {
      const w = wm === null ? this.clock : wm[i]!;
      this.processRow(rows[i]!, me, other, w);
    }
    this.flush();
  }

  private processRow(row: Row, me: Side, other: Side, w: number): void {
    const t = row[me.time];
    const keyValues = me.keys(row);
    if (t === null || keyValues.includes(null)) {
      if (me.outer) this.emit(me, row, 0, null, 0);
      return;
    }
    if ((t as number) <= w) {
      this.late++;
      me.late?.(row, this.late);
      return;
    }
    const key = encodeKey(keyValues);
    const entry = other.table.get(NS, key);
    let matched = false;
    if (entry !== undefined) {
      const v = entry.value;
      const step = 1 + other.width;
      // Matching other times: leftTime - rightTime in [lower, upper].
      for (let p = 0; p < v.length; p += step) {
        const ot = v[p + 1 + other.time] as number;
        const d = me.isLeft ? (t as number) - ot : ot - (t as number);
        if (d < -this.sides[0].lifetime || d > this.sides[1].lifetime) continue;
        const out = this.joined(me, row, 0, v, p + 1);
        if (this.residual !== null && !this.residual(out)) continue;
        this.pending.push(out);
        matched = true;
        if (other.outer && v[p] === 0) {
          other.table.touch(entry);
          v[p] = 1;
        }
      }
    }
    const expiresAt = (t as number) + me.lifetime;
    if (expiresAt <= this.clock) {
      // No future row of the other side can match it: not stored.
      if (me.outer && !matched) this.emit(me, row, 0, null, 0);
      return;
    }
    const mine = me.table.get(NS, key);
    if (mine === undefined) me.table.insert(NS, key, [matched ? 1 : 0, ...row]);
    else {
      me.table.touch(mine);
      mine.value.push(matched ? 1 : 0, ...row);
    }
    me.queue.push(expiresAt, key);
  }

  private joined(me: Side, mine: readonly Value[], at: number, theirs: readonly Value[] | null, theirsAt: number): Row {
    const [l, r] = this.sides;
    const row: Row = [];
    const put = (s: Side, src: readonly Value[] | null, from: number): void => {
      for (let c = 0; c < s.width; c++) row.push(src === null ? null : src[from + c]!);
    };
    if (me.isLeft) {
      put(l, mine, at);
      put(r, theirs, theirsAt);
    } else {
      put(l, theirs, theirsAt);
      put(r, mine, at);
    }
    return row;
  }

  private emit(me: Side, mine: readonly Value[], at: number, theirs: readonly Value[] | null, theirsAt: number): void {
    this.pending.push(this.joined(me, mine, at, theirs, theirsAt));
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const out = this.pending;
    this.pending = [];
    this.out.data(rowBatch(out));
  }

  override onWatermark(value: number): void {
    if (value <= this.clock) return;
    this.clock = value;
    for (const s of this.sides) this.expire(s, value);
    this.flush();
    this.out.watermark(value === Infinity ? value : value - this.holdBack);
  }

  /** End of input: W becomes +infinity (DESIGN.md §3 rule 5), so every unmatched outer row is emitted. */
  override onEnd(): void {
    this.onWatermark(Infinity);
    this.out.end();
  }

  /** Frees the side's rows no future row can match (time + lifetime <= w), emitting an outer side's unmatched ones padded. */
  private expire(s: Side, w: number): void {
    const q = s.queue;
    const step = 1 + s.width;
    while (q.size > 0 && q.peek() <= w) {
      const key = q.pop();
      const entry: StateEntry<Value[]> | undefined = s.table.get(NS, key);
      if (entry === undefined) continue;
      const v = entry.value;
      let keep: Value[] | null = null;
      for (let p = 0; p < v.length; p += step) {
        if ((v[p + 1 + s.time] as number) + s.lifetime <= w) {
          if (s.outer && v[p] === 0) this.emit(s, v, p + 1, null, 0);
          if (keep === null) keep = v.slice(0, p);
        } else if (keep !== null) for (let c = 0; c < step; c++) keep.push(v[p + c]!);
      }
      if (keep === null) continue;
      if (keep.length === 0) s.table.delete(NS, key);
      else {
        s.table.touch(entry);
        entry.value = keep;
      }
    }
  }

  protected override afterRestore(): void {
    for (const s of this.sides) {
      s.queue.clear();
      const step = 1 + s.width;
      for (const e of s.table.entries(NS)) for (let p = 0; p < e.value.length; p += step) s.queue.push((e.value[p + 1 + s.time] as number) + s.lifetime, e.key);
    }
  }
}
