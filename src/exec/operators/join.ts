/**
 * A regular equi-join (INNER, LEFT, RIGHT, FULL), following Flink's StreamingJoinOperator exactly.
 *
 * Both sides live in keyed state (tables 'left' and 'right', namespace 0, keyed by the join key).
 * A key's entry is one flat array [stamp, (count, assoc, ...columns) per distinct row]: `count` is
 * how often that row is present, `assoc` (outer sides only) how many rows of the other side it
 * currently matches. Per input row, with the row's kind:
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
 * TTL ('state.ttl' > 0): a key not written for longer is dropped from that side silently, as
 * Flink's state TTL does (no retraction is emitted). The clock is the watermark when both inputs
 * carry one, else the wall clock; as in the GROUP BY, a Map in write order (not state) finds the
 * expired keys and is rebuilt from the stamps after a restore.
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
const STAMP = 0;
/** Per stored row: count, assoc, then its columns. */
const HEAD = 2;

/** One side of the join. */
interface Side {
  readonly table: KeyedStateTable<Value[]>;
  readonly keys: (row: Row) => Row;
  readonly width: number;
  /** Column 0 of its rows is op. */
  readonly updating: boolean;
  readonly outer: boolean;
  readonly isLeft: boolean;
  /** With a TTL: the side's entries in order of last write. */
  readonly byAge: Map<StateKey, StateEntry<Value[]>>;
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
  private expiredKeys = 0;

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
      byAge: new Map(),
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

  /** Keys dropped by the TTL so far (a metric of this run). */
  get expired(): number {
    return this.expiredKeys;
  }

  /** Live stored rows (distinct rows × their counts) on both sides: what the state holds. */
  get liveRows(): number {
    let n = 0;
    for (const s of this.sides) {
      for (const e of s.table.entries(NS)) for (let p = 1; p < e.value.length; p += HEAD + s.width) n += e.value[p] as number;
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
      for (let p = 1; p < v.length; p += step) {
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
    let entry = me.table.get(NS, key);
    if (entry === undefined) {
      const v: Value[] = [this.stamp, 1, assoc];
      for (let c = 0; c < me.width; c++) v.push(row[from + c]!);
      entry = me.table.insert(NS, key, v);
    } else {
      me.table.touch(entry);
      const p = this.find(me, entry.value, row, from);
      if (p >= 0) {
        entry.value[p] = (entry.value[p] as number) + 1;
        entry.value[p + 1] = assoc;
      } else {
        entry.value.push(1, assoc);
        for (let c = 0; c < me.width; c++) entry.value.push(row[from + c]!);
      }
      entry.value[STAMP] = this.stamp;
    }
    this.aged(me, entry);
  }

  /** Removes one copy of the row from its side's state (nothing when it is not there, e.g. expired). */
  private retract(me: Side, key: StateKey, row: Row, from: number): void {
    const entry = me.table.get(NS, key);
    if (entry === undefined) return;
    const p = this.find(me, entry.value, row, from);
    if (p < 0) return;
    me.table.touch(entry);
    const v = entry.value;
    if ((v[p] as number) > 1) v[p] = (v[p] as number) - 1;
    else v.splice(p, HEAD + me.width);
    if (v.length === 1) {
      me.table.delete(NS, key);
      me.byAge.delete(key);
      return;
    }
    v[STAMP] = this.stamp;
    this.aged(me, entry);
  }

  /** Offset of the stored copy of the row in a key's entry, or -1. */
  private find(me: Side, v: readonly Value[], row: Row, from: number): number {
    const step = HEAD + me.width;
    outer: for (let p = 1; p < v.length; p += step) {
      for (let c = 0; c < me.width; c++) {
        const a = v[p + HEAD + c]!;
        const b = row[from + c]!;
        if (a !== b && !(a !== a && b !== b)) continue outer;
      }
      return p;
    }
    return -1;
  }

  private aged(me: Side, entry: StateEntry<Value[]>): void {
    if (this.ttl <= 0) return;
    me.byAge.delete(entry.key);
    me.byAge.set(entry.key, entry);
  }

  override onWatermark(value: number): void {
    if (value > this.clock) {
      this.clock = value;
      if (this.ttl > 0 && this.eventTime) this.expire(value);
    }
    this.out.watermark(value);
  }

  /** Drops, on both sides, every key last written more than ttl before `t`. */
  private expire(t: number): void {
    for (const s of this.sides) {
      const restamped: StateEntry<Value[]>[] = [];
      for (const [key, entry] of s.byAge) {
        const stamp = entry.value[STAMP] as number;
        if (stamp === -Infinity) {
          // Written before the first watermark: counts as written at it (as in the GROUP BY).
          s.table.touch(entry);
          entry.value[STAMP] = t;
          s.byAge.delete(key);
          restamped.push(entry);
          continue;
        }
        if (t - stamp <= this.ttl) break;
        s.byAge.delete(key);
        s.table.delete(NS, key);
        this.expiredKeys++;
      }
      for (const e of restamped) s.byAge.set(e.key, e);
    }
  }

  protected override afterRestore(): void {
    for (const s of this.sides) {
      s.byAge.clear();
      if (this.ttl <= 0) continue;
      const entries = [...s.table.entries(NS)];
      entries.sort((a, b) => (a.value[STAMP] as number) - (b.value[STAMP] as number) || a.seq - b.seq);
      for (const e of entries) s.byAge.set(e.key, e);
    }
  }
}
