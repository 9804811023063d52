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
 * Without a TTL, an INNER join of two append-only inputs without a residual stores bare records:
 * only the row's columns (every count is 1, there is no assoc, nothing reads a stamp), so an
 * entry is the rows' values back to back. Checkpoints hold the full records either way
 * (bareRecordsCodec), so a restore with another 'state.ttl' reads them; bare rows restored under
 * a TTL count as written at the first watermark after the restore.
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
import { compilePredicate } from '../expr-compiler.js';
import { compileNullableKey, type StateKey } from '../key.js';
import { Operator, type OperatorContext } from '../operator.js';
import type { KeyedStateTable, StateEntry } from '../state/keyed-state-table.js';
import { valuesCodec } from '../state/tagged-value.js';
import { bareRecordsCodec, JOIN_RECORD_HEAD as HEAD } from './join-records.js';
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
/** Per stored row: count, assoc, stamp (the record's HEAD), then its columns. */
const STAMP = 2;

/** One side of the join. */
interface Side {
  readonly table: KeyedStateTable<Value[]>;
  /** The row's join key; null when a key column is NULL (it matches nothing). */
  readonly keyOf: (row: Row) => StateKey | null;
  readonly width: number;
  /** A new entry's value holding one record of the row (columns from `at`): [1, assoc, stamp, ...columns]. */
  readonly firstRecord: (row: Row, at: number, assoc: number, stamp: number) => Value[];
  /** Appends one record of the row to an entry's value. */
  readonly pushRecord: (v: Value[], row: Row, at: number, assoc: number, stamp: number) => void;
  /** A new entry's value holding the bare record of an append-only row (its columns only). */
  readonly firstBare: (row: Row) => Value[];
  /** Appends the bare record of an append-only row to an entry's value. */
  readonly pushBare: (v: Value[], row: Row) => void;
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
  private readonly ttl: number;
  private readonly eventTime: boolean;
  private readonly now: () => number;
  private clock = -Infinity;
  private stamp = -Infinity;
  private out_: Row[] = [];
  private expiredRows = 0;
  /** The output row of a left and a right row (each from its offset), and the null-padded ones (compiled once). */
  private readonly both: (l: readonly Value[], la: number, r: readonly Value[], ra: number, op: ChangeOp) => Row;
  private readonly leftOnly: (l: readonly Value[], la: number, op: ChangeOp) => Row;
  private readonly rightOnly: (r: readonly Value[], ra: number, op: ChangeOp) => Row;
  /** INNER over two append-only inputs without a residual: only +I happens (processAppend). */
  private readonly appendOnly: boolean;
  /** appendOnly without a TTL: both sides store bare records, the rows' columns only (processBare). */
  private readonly bare: boolean;
  /** The other side's matching records of the row being processed (offsets into its entry); reused. */
  private readonly matches: number[] = [];

  constructor(spec: JoinSpec, ctx: OperatorContext, opts: JoinOptions = { ttlMs: 0, eventTime: true }) {
    super(spec.uid);
    const outerLeft = spec.joinType === 'left' || spec.joinType === 'full';
    const outerRight = spec.joinType === 'right' || spec.joinType === 'full';
    this.appendOnly = spec.joinType === 'inner' && !spec.leftUpdating && !spec.rightUpdating && spec.residual === undefined;
    this.bare = this.appendOnly && opts.ttlMs <= 0 && spec.leftWidth > 0 && spec.rightWidth > 0;
    const side = (name: string, keys: readonly BoundExpr[], width: number, updating: boolean, outer: boolean, isLeft: boolean): Side => ({
      table: ctx.table(name, this.bare ? bareRecordsCodec(width) : valuesCodec()),
      keyOf: compileNullableKey(keys),
      width,
      firstRecord: recordBuilder(width, true) as Side['firstRecord'],
      pushRecord: recordBuilder(width, false) as Side['pushRecord'],
      firstBare: bareBuilder(width, true) as Side['firstBare'],
      pushBare: bareBuilder(width, false) as Side['pushBare'],
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
    this.both = outputBuilder(spec.leftWidth, spec.rightWidth, spec.updating, 'both') as JoinOperator['both'];
    this.leftOnly = outputBuilder(spec.leftWidth, spec.rightWidth, spec.updating, 'left') as JoinOperator['leftOnly'];
    this.rightOnly = outputBuilder(spec.leftWidth, spec.rightWidth, spec.updating, 'right') as JoinOperator['rightOnly'];
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
      if (this.bare) for (const e of s.table.entries(NS)) n += e.value.length / s.width;
      else for (const e of s.table.entries(NS)) for (let p = 0; p < e.value.length; p += HEAD + s.width) n += e.value[p] as number;
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
    if (this.bare) this.processBare(rows, me, other);
    else if (this.appendOnly) this.processAppend(rows, me, other);
    else for (let i = 0; i < rows.length; i++) this.processRow(rows[i]!, me, other);
    if (this.out_.length > 0) {
      const out = this.out_;
      this.out_ = [];
      this.out.data(rowBatch(out));
    }
  }

  /**
   * An INNER join of append-only inputs without a residual: each row is joined with every stored
   * row of the other side under its key (+I each), then stored. What processRow does for it, with
   * no op, no outer side and no match list.
   */
  private processAppend(rows: readonly Row[], me: Side, other: Side): void {
    const out = this.out_;
    const table = other.table;
    const step = HEAD + other.width;
    const both = this.both;
    const left = me.isLeft;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const key = me.keyOf(row);
      if (key === null) continue;
      const entry = table.get(NS, key);
      let matched = 0;
      if (entry !== undefined) {
        const v = entry.value;
        for (let p = 0; p < v.length; p += step) {
          const c = v[p] as number;
          matched += c;
          for (let k = 0; k < c; k++) out.push(left ? both(row, 0, v, p + HEAD, '+I') : both(v, p + HEAD, row, 0, '+I'));
        }
      }
      this.add(me, key, row, 0, matched);
    }
  }

  /** processAppend over bare records (the rows' columns back to back, each row once). */
  private processBare(rows: readonly Row[], me: Side, other: Side): void {
    const out = this.out_;
    const table = other.table;
    const step = other.width;
    const both = this.both;
    const left = me.isLeft;
    const mine = me.table;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const key = me.keyOf(row);
      if (key === null) continue;
      const entry = table.get(NS, key);
      if (entry !== undefined) {
        const v = entry.value;
        for (let p = 0; p < v.length; p += step) out.push(left ? both(row, 0, v, p, '+I') : both(v, p, row, 0, '+I'));
      }
      const own = mine.get(NS, key);
      if (own === undefined) mine.insert(NS, key, me.firstBare(row));
      else {
        mine.touch(own);
        me.pushBare(own.value, row);
      }
    }
  }

  private processRow(row: Row, me: Side, other: Side): void {
    const op: ChangeOp = me.updating ? (row[0] as ChangeOp) : '+I';
    const from = me.updating ? 1 : 0;
    const key = me.keyOf(row);
    const accumulate = op === '+I' || op === '+U';
    if (key === null) {
      if (me.outer) this.emit(accumulate ? '+I' : '-D', me, row, from, null, 0);
      return;
    }
    const otherEntry = other.table.get(NS, key);
    // The other side's matching rows, as offsets into its entry (each stands for `count` rows).
    const matches = this.matches;
    matches.length = 0;
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
    if (theirs === null) return me.isLeft ? this.leftOnly(mine, at, op) : this.rightOnly(mine, at, op);
    return me.isLeft ? this.both(mine, at, theirs, theirsAt, op) : this.both(theirs, theirsAt, mine, at, op);
  }

  private emit(op: ChangeOp, me: Side, mine: readonly Value[], at: number, theirs: readonly Value[] | null, theirsAt: number): void {
    this.out_.push(this.joined(me, mine, at, theirs, theirsAt, op));
  }

  /** Adds one copy of the row to its side's state, with `assoc` matches. */
  private add(me: Side, key: StateKey, row: Row, from: number, assoc: number): void {
    const entry = me.table.get(NS, key);
    if (entry === undefined) {
      me.table.insert(NS, key, me.firstRecord(row, from, assoc, this.stamp));
    } else {
      me.table.touch(entry);
      const v = entry.value;
      // An append-only side never retracts, so its equal rows need not share a record: no search.
      const p = me.updating ? findStoredRow(v, HEAD, me.width, row, from) : -1;
      if (p >= 0) {
        v[p] = (v[p] as number) + 1;
        v[p + 1] = assoc;
        v[p + STAMP] = this.stamp;
      } else me.pushRecord(v, row, from, assoc, this.stamp);
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

/**
 * Compiled once per side: a new entry value with one record of a row, or (`first` false) a
 * function appending one record to an entry, in one array literal or one push (no per-column loop).
 */
function recordBuilder(width: number, first: boolean): (...args: never[]) => unknown {
  const cols = Array.from({ length: width }, (_, c) => `row[at + ${c}]`).join(', ');
  return first
    ? (new Function('row', 'at', 'assoc', 'stamp', `return [1, assoc, stamp${width ? ', ' : ''}${cols}];`) as (...args: never[]) => unknown)
    : (new Function('v', 'row', 'at', 'assoc', 'stamp', `v.push(1, assoc, stamp${width ? ', ' : ''}${cols});`) as (...args: never[]) => unknown);
}

/** Compiled once per side: a new entry value with a row's bare record, or (`first` false) a function appending one. */
function bareBuilder(width: number, first: boolean): (...args: never[]) => unknown {
  const cols = Array.from({ length: width }, (_, c) => `row[${c}]`).join(', ');
  return first ? (new Function('row', `return [${cols}];`) as (...args: never[]) => unknown) : (new Function('v', 'row', `v.push(${cols});`) as (...args: never[]) => unknown);
}

/**
 * Compiled once per operator: the output row (op first when updating) of a left and a right row
 * ('both'), or of one side null-padded ('left', 'right'), as one array literal.
 */
function outputBuilder(lw: number, rw: number, updating: boolean, kind: 'both' | 'left' | 'right'): (...args: never[]) => unknown {
  const cols = (src: string | null, at: string, n: number): string[] => Array.from({ length: n }, (_, c) => (src === null ? 'null' : `${src}[${at} + ${c}]`));
  const items = [...(updating ? ['op'] : [])];
  let params: string[];
  if (kind === 'both') {
    params = ['l', 'la', 'r', 'ra', 'op'];
    items.push(...cols('l', 'la', lw), ...cols('r', 'ra', rw));
  } else if (kind === 'left') {
    params = ['l', 'la', 'op'];
    items.push(...cols('l', 'la', lw), ...cols(null, '', rw));
  } else {
    params = ['r', 'ra', 'op'];
    items.push(...cols(null, '', lw), ...cols('r', 'ra', rw));
  }
  return new Function(...params, `return [${items.join(', ')}];`) as (...args: never[]) => unknown;
}
