/**
 * A regular semi or anti join (`k IN (SELECT ...)`, `EXISTS (...)`, `NOT IN`, `NOT EXISTS`), after
 * Flink's StreamingSemiAntiJoinOperator. Output: the left (outer) rows only, op first when updating.
 *
 * Both sides live in keyed state (tables 'left' and 'right', keyed by the join key). A key's entry
 * is a flat array of distinct rows, each (count, assoc, stamp, ...columns): `assoc` (left rows
 * only) is how many right rows it matches now. Per row:
 *   left accumulate (+I/+U): semi emits it (its own kind) when assoc > 0, anti when assoc = 0;
 *   left retract (-U/-D): the same test, the row emitted with its own kind; then it leaves the state;
 *   right accumulate: each matching left row's assoc grows; at 0 → 1 semi emits +I[left], anti -D[left];
 *   right retract: assoc shrinks; at 1 → 0 semi emits -D[left], anti +I[left].
 * A NULL key matches nothing: such a left row is never stored; anti emits it (and its retraction)
 * at once, semi drops it.
 *
 * NOT IN is null-aware (SQL three-valued logic, as Flink/Calcite): `x NOT IN (subquery)` is TRUE
 * when the subquery is empty, else FALSE when x matches, else UNKNOWN (dropped) when x is NULL or
 * the subquery holds a NULL, else TRUE. So a left row is blocked when the right side is non-empty
 * and (x is NULL, or a right NULL exists, or x matches). The right side's size and NULL count are
 * kept in memory (recomputed from state after a restore); when either crosses zero, every stored
 * left row is re-tested (NULL-key left rows are stored too, under the NULL key). Its input edges
 * are 'single' (every row on one worker), since one right row can change every left row.
 *
 * TTL ('state.ttl' > 0): as the regular join, each stored row expires on its own when not written
 * for longer than the TTL, silently; the clock is the watermark when both inputs carry one, else
 * the wall clock.
 */
import type { Row, Value } from '../../common/types.js';
import type { BoundExpr } from '../../planner/bound.js';
import type { ChangeOp } from '../../planner/changelog.js';
import { rowBatch, type Batch } from '../batch.js';
import { compilePredicate, compileRowBuilder } from '../expr-compiler.js';
import { encodeKey, type StateKey } from '../key.js';
import { Operator, type OperatorContext } from '../operator.js';
import type { KeyedStateTable, StateEntry } from '../state/keyed-state-table.js';
import { valuesCodec } from '../state/tagged-value.js';
import { findStoredRow } from './stored-rows.js';

export interface SemiAntiJoinSpec {
  readonly uid: string;
  readonly anti: boolean;
  /** NOT IN's NULL rule (anti only). */
  readonly nullAware: boolean;
  readonly leftKeys: readonly BoundExpr[];
  readonly rightKeys: readonly BoundExpr[];
  /** Over [...left data columns, ...right data columns] (no op). */
  readonly residual?: BoundExpr;
  readonly leftWidth: number;
  readonly rightWidth: number;
  readonly leftUpdating: boolean;
  readonly rightUpdating: boolean;
  /** Whether the output carries op first. */
  readonly updating: boolean;
}

export interface SemiAntiJoinOptions {
  readonly ttlMs: number;
  readonly eventTime: boolean;
}

const NS = 0;
const HEAD = 3;
const STAMP = 2;
const NULL_KEY = encodeKey([null]);

interface Side {
  readonly table: KeyedStateTable<Value[]>;
  readonly keys: (row: Row) => Row;
  readonly width: number;
  readonly updating: boolean;
  readonly writes: { stamps: number[]; keys: StateKey[]; head: number };
}

export class SemiAntiJoinOperator extends Operator {
  private readonly left: Side;
  private readonly right: Side;
  private readonly residual: ((row: Row) => boolean) | null;
  private readonly anti: boolean;
  private readonly nullAware: boolean;
  private readonly updating: boolean;
  private readonly ttl: number;
  private readonly eventTime: boolean;
  private readonly now: () => number;
  private clock = -Infinity;
  private stamp = -Infinity;
  private out_: Row[] = [];
  /** Null-aware only: right rows stored, and those with a NULL key (not state: recomputed after a restore). */
  private rightTotal = 0;
  private rightNulls = 0;

  constructor(spec: SemiAntiJoinSpec, ctx: OperatorContext, opts: SemiAntiJoinOptions = { ttlMs: 0, eventTime: true }) {
    super(spec.uid);
    const side = (name: string, keys: readonly BoundExpr[], width: number, updating: boolean): Side => ({
      table: ctx.table(name, valuesCodec()),
      keys: compileRowBuilder(keys),
      width,
      updating,
      writes: { stamps: [], keys: [], head: 0 },
    });
    this.left = side('left', spec.leftKeys, spec.leftWidth, spec.leftUpdating);
    this.right = side('right', spec.rightKeys, spec.rightWidth, spec.rightUpdating);
    this.residual = spec.residual ? compilePredicate(spec.residual) : null;
    this.anti = spec.anti;
    this.nullAware = spec.anti && spec.nullAware;
    this.updating = spec.updating;
    this.ttl = opts.ttlMs;
    this.eventTime = opts.eventTime;
    this.now = ctx.now;
    this.declareGlobal({ clock: 'time' });
  }

  /** Live stored rows on both sides (rows × counts). */
  get liveRows(): number {
    let n = 0;
    for (const s of [this.left, this.right]) for (const e of s.table.entries(NS)) for (let p = 0; p < e.value.length; p += HEAD + s.width) n += e.value[p] as number;
    return n;
  }

  processBatch(batch: Batch, input: number): void {
    if (batch.kind !== 'rows') return this.processBatch(rowBatch(batch.layout.toRows(batch.objects, 0, batch.objects.length), batch.wm), input);
    const { rows } = batch;
    if (rows.length === 0) return;
    this.stamp = this.clock;
    if (this.ttl > 0 && !this.eventTime) {
      this.stamp = this.now();
      this.expire(this.stamp);
    }
    for (let i = 0; i < rows.length; i++) {
      if (input === 0) this.processLeft(rows[i]!);
      else this.processRight(rows[i]!);
    }
    if (this.out_.length > 0) {
      const out = this.out_;
      this.out_ = [];
      this.out.data(rowBatch(out));
    }
  }

  /** Whether a left row with `assoc` matches (and a NULL key or not) is in the result now. */
  private passes(assoc: number, nullKey: boolean): boolean {
    if (!this.anti) return assoc > 0;
    if (!this.nullAware) return assoc === 0;
    return this.rightTotal === 0 || (!nullKey && this.rightNulls === 0 && assoc === 0);
  }

  private processLeft(row: Row): void {
    const me = this.left;
    const op: ChangeOp = me.updating ? (row[0] as ChangeOp) : '+I';
    const from = me.updating ? 1 : 0;
    const keyValues = me.keys(row);
    const accumulate = op === '+I' || op === '+U';
    const nullKey = keyValues.some((v) => v === null);
    if (nullKey && !this.nullAware) {
      if (this.anti) this.emit(op, row, from);
      return;
    }
    const key = nullKey ? NULL_KEY : encodeKey(keyValues);
    let assoc = 0;
    if (!nullKey) {
      const entry = this.right.table.get(NS, key);
      if (entry !== undefined) {
        const v = entry.value;
        for (let p = 0; p < v.length; p += HEAD + this.right.width) if (this.matches(row, from, v, p + HEAD)) assoc += v[p] as number;
      }
    }
    if (this.passes(assoc, nullKey)) this.emit(op, row, from);
    if (accumulate) this.add(me, key, row, from, assoc);
    else this.retract(me, key, row, from);
  }

  private processRight(row: Row): void {
    const me = this.right;
    const op: ChangeOp = me.updating ? (row[0] as ChangeOp) : '+I';
    const from = me.updating ? 1 : 0;
    const keyValues = me.keys(row);
    const accumulate = op === '+I' || op === '+U';
    const nullKey = keyValues.some((v) => v === null);
    if (nullKey && !this.nullAware) return;
    const key = nullKey ? NULL_KEY : encodeKey(keyValues);
    if (accumulate) this.add(me, key, row, from, 0);
    else if (!this.retract(me, key, row, from)) return;
    const delta = accumulate ? 1 : -1;
    if (this.nullAware) {
      const wasEmpty = this.rightTotal === 0;
      const hadNulls = this.rightNulls > 0;
      const before = { total: this.rightTotal, nulls: this.rightNulls };
      this.rightTotal += delta;
      if (nullKey) this.rightNulls += delta;
      if (wasEmpty !== (this.rightTotal === 0) || hadNulls !== this.rightNulls > 0) {
        // Every left row's answer may change: re-test them all (the key's assoc first).
        if (!nullKey) this.updateAssoc(key, row, from, delta, false);
        this.retestAll(before, nullKey ? null : key, delta);
        return;
      }
      if (nullKey) return;
    }
    this.updateAssoc(key, row, from, delta, true);
  }

  /** Changes the assoc of the left rows of `key` matching the right row; emits the rows whose answer flips when `emit`. */
  private updateAssoc(key: StateKey, row: Row, from: number, delta: number, emit: boolean): void {
    const entry = this.left.table.get(NS, key);
    if (entry === undefined) return;
    const v = entry.value;
    const step = HEAD + this.left.width;
    let touched = false;
    for (let p = 0; p < v.length; p += step) {
      if (!this.matchesLeft(v, p + HEAD, row, from)) continue;
      if (!touched) this.left.table.touch(entry);
      touched = true;
      const before = v[p + 1] as number;
      const after = before + delta;
      v[p + 1] = after;
      if (!emit) continue;
      const was = this.passes(before, false);
      const now = this.passes(after, false);
      if (was !== now) for (let c = v[p] as number; c > 0; c--) this.emit(now ? '+I' : '-D', v, p + HEAD);
    }
  }

  /**
   * Null-aware: after the right side's size or NULL count crossed zero, emits every stored left row
   * whose answer changed. NOT IN has no residual, so the rows of the changed key (`key`, unless the
   * right row's key was NULL) all had their assoc moved by `delta`.
   */
  private retestAll(before: { total: number; nulls: number }, key: StateKey | null, delta: number): void {
    const now = { total: this.rightTotal, nulls: this.rightNulls };
    const answer = (counts: { total: number; nulls: number }, assoc: number, nullKey: boolean): boolean =>
      counts.total === 0 || (!nullKey && counts.nulls === 0 && assoc === 0);
    const step = HEAD + this.left.width;
    for (const e of this.left.table.entries(NS)) {
      const nullKey = e.key === NULL_KEY;
      const v = e.value;
      for (let p = 0; p < v.length; p += step) {
        const assoc = v[p + 1] as number;
        const was = answer(before, e.key === key ? assoc - delta : assoc, nullKey);
        const is = answer(now, assoc, nullKey);
        if (was !== is) for (let c = v[p] as number; c > 0; c--) this.emit(is ? '+I' : '-D', v, p + HEAD);
      }
    }
  }

  private matches(left: Row, leftFrom: number, right: readonly Value[], rightAt: number): boolean {
    if (this.residual === null) return true;
    return this.residual(this.pair(left, leftFrom, right, rightAt));
  }

  private matchesLeft(left: readonly Value[], leftAt: number, right: Row, rightFrom: number): boolean {
    if (this.residual === null) return true;
    const r: Row = [];
    for (let c = 0; c < this.left.width; c++) r.push(left[leftAt + c]!);
    for (let c = 0; c < this.right.width; c++) r.push(right[rightFrom + c]!);
    return this.residual(r);
  }

  private pair(left: readonly Value[], leftFrom: number, right: readonly Value[], rightAt: number): Row {
    const r: Row = [];
    for (let c = 0; c < this.left.width; c++) r.push(left[leftFrom + c]!);
    for (let c = 0; c < this.right.width; c++) r.push(right[rightAt + c]!);
    return r;
  }

  private emit(op: ChangeOp, src: readonly Value[], at: number): void {
    const row: Row = this.updating ? [op] : [];
    for (let c = 0; c < this.left.width; c++) row.push(src[at + c]!);
    this.out_.push(row);
  }

  private add(me: Side, key: StateKey, row: Row, from: number, assoc: number): void {
    const entry = me.table.get(NS, key);
    if (entry === undefined) {
      const v: Value[] = [1, assoc, this.stamp];
      for (let c = 0; c < me.width; c++) v.push(row[from + c]!);
      me.table.insert(NS, key, v);
    } else {
      me.table.touch(entry);
      const v = entry.value;
      const p = findStoredRow(v, HEAD, me.width, row, from);
      if (p >= 0) {
        v[p] = (v[p] as number) + 1;
        v[p + STAMP] = this.stamp;
      } else {
        v.push(1, assoc, this.stamp);
        for (let c = 0; c < me.width; c++) v.push(row[from + c]!);
      }
    }
    this.written(me, key, this.stamp);
  }

  /** Removes one copy; whether it was there (an expired row is not). */
  private retract(me: Side, key: StateKey, row: Row, from: number): boolean {
    const entry = me.table.get(NS, key);
    if (entry === undefined) return false;
    const p = findStoredRow(entry.value, HEAD, me.width, row, from);
    if (p < 0) return false;
    me.table.touch(entry);
    const v = entry.value;
    if ((v[p] as number) > 1) {
      v[p] = (v[p] as number) - 1;
      v[p + STAMP] = this.stamp;
      this.written(me, key, this.stamp);
    } else {
      v.splice(p, HEAD + me.width);
      if (v.length === 0) me.table.delete(NS, key);
    }
    return true;
  }

  private written(me: Side, key: StateKey, stamp: number): void {
    if (this.ttl <= 0) return;
    me.writes.stamps.push(stamp);
    me.writes.keys.push(key);
  }

  override onWatermark(value: number): void {
    if (value > this.clock) {
      this.clock = value;
      if (this.ttl > 0 && this.eventTime) this.expire(value);
    }
    this.out.watermark(value);
  }

  /** Drops every stored row last written more than ttl before `t` (rows written before the first watermark count as written at it). */
  private expire(t: number): void {
    for (const s of [this.left, this.right]) {
      const w = s.writes;
      const restamped: StateKey[] = [];
      while (w.head < w.stamps.length) {
        const stamp = w.stamps[w.head]!;
        if (stamp !== -Infinity && t - stamp <= this.ttl) break;
        const key = w.keys[w.head]!;
        w.head++;
        const entry = s.table.get(NS, key);
        if (entry === undefined) continue;
        if (stamp === -Infinity) {
          if (this.restamp(s, entry, t)) restamped.push(key);
          continue;
        }
        this.dropExpired(s, entry, t);
      }
      for (const k of restamped) this.written(s, k, t);
      if (w.head > 1024 && w.head * 2 > w.stamps.length) {
        w.stamps.splice(0, w.head);
        w.keys.splice(0, w.head);
        w.head = 0;
      }
    }
    if (this.nullAware) this.recount();
  }

  private restamp(s: Side, entry: StateEntry<Value[]>, t: number): boolean {
    const v = entry.value;
    let any = false;
    for (let p = 0; p < v.length; p += HEAD + s.width) {
      if (v[p + STAMP] !== -Infinity) continue;
      if (!any) s.table.touch(entry);
      any = true;
      v[p + STAMP] = t;
    }
    return any;
  }

  private dropExpired(s: Side, entry: StateEntry<Value[]>, t: number): void {
    const v = entry.value;
    const step = HEAD + s.width;
    let kept = 0;
    for (let p = 0; p < v.length; p += step) if (t - (v[p + STAMP] as number) <= this.ttl) kept++;
    if (kept * step === v.length) return;
    if (kept === 0) {
      s.table.delete(NS, entry.key);
      return;
    }
    s.table.touch(entry);
    const next: Value[] = [];
    for (let p = 0; p < v.length; p += step) if (t - (v[p + STAMP] as number) <= this.ttl) for (let c = 0; c < step; c++) next.push(v[p + c]!);
    entry.value = next;
  }

  /** The right side's size and NULL count, from its state. */
  private recount(): void {
    this.rightTotal = 0;
    this.rightNulls = 0;
    for (const e of this.right.table.entries(NS)) {
      for (let p = 0; p < e.value.length; p += HEAD + this.right.width) {
        const n = e.value[p] as number;
        this.rightTotal += n;
        if (e.key === NULL_KEY) this.rightNulls += n;
      }
    }
  }

  protected override afterRestore(): void {
    if (this.nullAware) this.recount();
    for (const s of [this.left, this.right]) {
      const w = s.writes;
      w.stamps.length = 0;
      w.keys.length = 0;
      w.head = 0;
      if (this.ttl <= 0) continue;
      const all: { stamp: number; key: StateKey }[] = [];
      for (const e of s.table.entries(NS)) for (let p = 0; p < e.value.length; p += HEAD + s.width) all.push({ stamp: e.value[p + STAMP] as number, key: e.key });
      all.sort((a, b) => a.stamp - b.stamp);
      for (const x of all) this.written(s, x.key, x.stamp);
    }
  }
}
