/**
 * A regular equi-join (INNER, LEFT, RIGHT, FULL), following Flink's StreamingJoinOperator exactly.
 *
 * Both sides live in keyed state (tables 'left' and 'right', namespace 0, keyed by the join key).
 * A key's entry is one flat array of its distinct rows, each (count, assoc, stamp, ...columns):
 * `count` is how often that row is present, `assoc` (outer sides only) how many rows of the other
 * side it currently matches, `stamp` when it was last written (for the TTL). Per input row, with the row's kind:
 *
 * accumulate (+I, +U):
 *   - input side outer: matches → (other side outer: -D[null+other] for each other row with assoc 0)
 *     then +I[row+other] for each; no match → +I[row+null];
 *   - input side inner: (other side outer: -D[null+other] for unmatched others, then +I[row+other]s)
 *     else the input's kind: +I/+U[row+other]s;
 *   the row is added with assoc = its matches.
 * retract (-U, -D):
 *   - no match: input side outer → -D[row+null];
 *   - matches: -D[row+other]s (input side outer) or the input's kind (-U/-D), then, other side
 *     outer, +I[null+other] for each other row whose assoc drops to 0;
 *   the row is removed (one copy).
 * An INNER join of two append-only inputs is append-only: no op column, only +I happens.
 * A NULL key matches nothing (SQL `=`); such a row is never stored and, on an outer side, is
 * emitted null-padded (+I, or -D when retracted).
 *
 * TTL ('state.ttl' > 0): as Flink's state TTL on its join MapState, each stored row expires on its
 * own when not written for longer than the TTL, silently (no retraction is emitted; a later match
 * finds nothing). The clock is the watermark when both inputs carry one, else the wall clock; rows
 * written before the first watermark count as written at it. A queue of (stamp, key) per write
 * (not state: rebuilt from the stamps after a restore) finds the keys to look at.
 */
import type { Row, Value } from '../../common/types.js';
import type { JoinType } from '../../parser/ast.js';
import type { BoundExpr } from '../../planner/bound.js';
import type { ChangeOp } from '../../planner/changelog.js';
import { rowBatch, type Batch } from '../batch.js';
import { compilePredicate, compileRowBuilder } from '../expr-compiler.js';
import { encodeKey, type StateKey } from '../key.js';
import { Operator, type OperatorContext } from '../operator.js';
import type { KeyedStateTable, StateEntry } from '../state/keyed-state-table.js';
import { valuesCodec } from '../state/tagged-value.js';
import { findStoredRow } from './stored-rows.js';

/** The fields of a JoinExec this operator needs, with its inputs' shapes. */
export interface JoinSpec {
  readonly uid: string;
  readonly joinType: JoinType;
  readonly leftKeys: readonly BoundExpr[];
  readonly rightKeys: readonly BoundExpr[];
  readonly residual?: BoundExpr;
  /** Data columns of each side (its op column, if any, not counted). */
  readonly leftWidth: number;
  readonly rightWidth: number;
  readonly leftUpdating: boolean;
  readonly rightUpdating: boolean;
  /** Whether the output carries op first. */
  readonly updating: boolean;
}

export interface JoinOptions {
  readonly ttlMs: number;
  /** True: the TTL clock is the watermark. */
  readonly eventTime: boolean;
}

const NS = 0;
/** Per stored row: count, assoc, stamp, then its columns. */
const HEAD = 3;
const STAMP = 2;

/** One side of the join. */
interface Side {
  readonly table: KeyedStateTable<Value[]>;
  readonly keys: (row: Row) => Row;
  readonly width: number;
  /** Column 0 of its rows is op. */
  readonly updating: boolean;
  readonly outer: boolean;
  readonly isLeft: boolean;
  /** With a TTL: (stamp, key) of every write in stamp order; entries may be stale (the row was written again since). */
  readonly writes: { stamps: number[]; keys: StateKey[]; head: number };
}

export class JoinOperator extends Operator {
  private readonly sides: readonly [Side, Side];
  private readonly residual: ((row: Row) => boolean) | null;
  private readonly updating: boolean;
  private readonly ttl: number;
  private readonly eventTime: boolean;
  private readonly now: () => number;
  private clock = -Infinity;
  private stamp = -Infinity;
  private out_: Row[] = [];
  private expiredRows = 0;

  constructor(spec: JoinSpec, ctx: OperatorContext, opts: JoinOptions = { ttlMs: 0, eventTime: true }) {
    super(spec.uid);
    const outerLeft = spec.joinType === 'left' || spec.joinType === 'full';
    const outerRight = spec.joinType === 'right' || spec.joinType === 'full';
    const side = (name: string, keys: readonly BoundExpr[], width: number, updating: boolean, outer: boolean, isLeft: boolean): Side => ({
      table: ctx.table(name, valuesCodec()),
      keys: compileRowBuilder(keys),
      width,
      updating,
      outer,
      isLeft,
      writes: { stamps: [], keys: [], head: 0 },
    });
    this.sides = [
      side('left', spec.leftKeys, spec.leftWidth, spec.leftUpdating, outerLeft, true),
      side('right', spec.rightKeys, spec.rightWidth, spec.rightUpdating, outerRight, false),
    ];
    this.residual = spec.residual ? compilePredicate(spec.residual) : null;
    this.updating = spec.updating;
    this.ttl = opts.ttlMs;
    this.eventTime = opts.eventTime;
    this.now = ctx.now;
    this.declareGlobal({ clock: 'time' });
  }

  /** Stored rows dropped by the TTL so far (a metric of this run). */
  get expired(): number {
    return this.expiredRows;
  }

  /** Live stored rows (distinct rows × their counts) on both sides: what the state holds. */
  get liveRows(): number {
    let n = 0;
    for (const s of this.sides) {
      for (const e of s.table.entries(NS)) for (let p = 0; p < e.value.length; p += HEAD + s.width) n += e.value[p] as number;
    }
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
    const me = this.sides[input]!;
    const other = this.sides[1 - input]!;
    for (let i = 0; i < rows.length; i++) this.processRow(rows[i]!, me, other);
    if (this.out_.length > 0) {
      const out = this.out_;
      this.out_ = [];
      this.out.data(rowBatch(out));
    }
  }

  private processRow(row: Row, me: Side, other: Side): void {
    const op: ChangeOp = me.updating ? (row[0] as ChangeOp) : '+I';
    const from = me.updating ? 1 : 0;
    const keyValues = me.keys(row);
    const accumulate = op === '+I' || op === '+U';
    let nullKey = false;
    for (let k = 0; k < keyValues.length; k++) if (keyValues[k] === null) nullKey = true;
    if (nullKey) {
      if (me.outer) this.emit(accumulate ? '+I' : '-D', me, row, from, null, 0);
      return;
    }
    const key = encodeKey(keyValues);
    const otherEntry = other.table.get(NS, key);
    // The other side's matching rows, as offsets into its entry (each stands for `count` rows).
    const matches: number[] = [];
    let matched = 0;
    if (otherEntry !== undefined) {
      const v = otherEntry.value;
      const step = HEAD + other.width;
      for (let p = 0; p < v.length; p += step) {
        if (this.residual !== null && !this.residual(this.joined(me, row, from, v, p + HEAD))) continue;
        matches.push(p);
        matched += v[p] as number;
      }
    }
    const ov = otherEntry?.value;
    if (accumulate) {
      if (matches.length > 0) {
        if (other.outer) {
          other.table.touch(otherEntry!);
          for (const p of matches) {
            if (ov![p + 1] === 0) for (let c = ov![p] as number; c > 0; c--) this.emit('-D', other, ov!, p + HEAD, null, 0);
            ov![p + 1] = (ov![p + 1] as number) + 1;
          }
        }
        const kind: ChangeOp = me.outer || other.outer ? '+I' : op;
        for (const p of matches) for (let c = ov![p] as number; c > 0; c--) this.emit(kind, me, row, from, ov!, p + HEAD);
      } else if (me.outer) this.emit('+I', me, row, from, null, 0);
      this.add(me, key, row, from, matched);
      return;
    }
    if (matches.length === 0) {
      if (me.outer) this.emit('-D', me, row, from, null, 0);
    } else {
      const kind: ChangeOp = me.outer ? '-D' : op;
      for (const p of matches) for (let c = ov![p] as number; c > 0; c--) this.emit(kind, me, row, from, ov!, p + HEAD);
      if (other.outer) {
        other.table.touch(otherEntry!);
        for (const p of matches) {
          const assoc = (ov![p + 1] as number) - 1;
          ov![p + 1] = assoc;
          if (assoc === 0) for (let c = ov![p] as number; c > 0; c--) this.emit('+I', other, ov!, p + HEAD, null, 0);
        }
      }
    }
    this.retract(me, key, row, from);
  }

  /** The output row of `mine` (columns from `at`) joined with `theirs` (columns from `theirsAt`), or null-padded when `theirs` is null. */
  private joined(me: Side, mine: readonly Value[], at: number, theirs: readonly Value[] | null, theirsAt: number, op: ChangeOp = '+I'): Row {
    const [l, r] = this.sides;
    const row: Row = this.updating ? [op] : [];
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

  private emit(op: ChangeOp, me: Side, mine: readonly Value[], at: number, theirs: readonly Value[] | null, theirsAt: number): void {
    this.out_.push(this.joined(me, mine, at, theirs, theirsAt, op));
  }

  /** Adds one copy of the row to its side's state, with `assoc` matches. */
  private add(me: Side, key: StateKey, row: Row, from: number, assoc: number): void {
    const entry = me.table.get(NS, key);
    if (entry === undefined) {
      const v: Value[] = [1, assoc, this.stamp];
      for (let c = 0; c < me.width; c++) v.push(row[from + c]!);
      me.table.insert(NS, key, v);
    } else {
      me.table.touch(entry);
      const v = entry.value;
      // An append-only side never retracts, so its equal rows need not share a record: no search.
      const p = me.updating ? findStoredRow(v, HEAD, me.width, row, from) : -1;
      if (p >= 0) {
        v[p] = (v[p] as number) + 1;
        v[p + 1] = assoc;
        v[p + STAMP] = this.stamp;
      } else {
        v.push(1, assoc, this.stamp);
        for (let c = 0; c < me.width; c++) v.push(row[from + c]!);
      }
    }
    this.written(me, key, this.stamp);
  }

  /** Removes one copy of the row from its side's state (nothing when it is not there, e.g. expired). */
  private retract(me: Side, key: StateKey, row: Row, from: number): void {
    const entry = me.table.get(NS, key);
    if (entry === undefined) return;
    const p = findStoredRow(entry.value, HEAD, me.width, row, from);
    if (p < 0) return;
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

  /** Drops, on both sides, every stored row last written more than ttl before `t`. */
  private expire(t: number): void {
    for (const s of this.sides) {
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
          // Written before the first watermark: counts as written at it (as in the GROUP BY).
          if (this.restamp(s, entry, t)) restamped.push(key);
          continue;
        }
        this.dropExpired(s, entry, t);
      }
      for (const k of restamped) this.written(s, k, t);
      // Compact the consumed front now and then, so the queue holds only writes within the TTL.
      if (w.head > 1024 && w.head * 2 > w.stamps.length) {
        w.stamps.splice(0, w.head);
        w.keys.splice(0, w.head);
        w.head = 0;
      }
    }
  }

  /** Sets the stamp of the entry's rows written before the first watermark to `t`; whether there were any. */
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
    this.expiredRows += v.length / step - kept;
    if (kept === 0) {
      s.table.delete(NS, entry.key);
      return;
    }
    s.table.touch(entry);
    const next: Value[] = [];
    for (let p = 0; p < v.length; p += step) if (t - (v[p + STAMP] as number) <= this.ttl) for (let c = 0; c < step; c++) next.push(v[p + c]!);
    entry.value = next;
  }

  /** After a restore: the write queue rebuilt from the restored stamps (it is not state). */
  protected override afterRestore(): void {
    for (const s of this.sides) {
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
