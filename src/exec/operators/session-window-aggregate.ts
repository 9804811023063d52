import { internalError } from '../../common/errors.js';
import type { Row, Value } from '../../common/types.js';
import { compileAggregator, type CompiledAggregator } from '../accumulators/compile-aggregator.js';
import type { Batch } from '../batch.js';
import { compileRowBuilder } from '../expr-compiler.js';
import { compileKeyExtractor, type StateKey } from '../key.js';
import { Operator } from '../operator.js';
import { ChunkFormatError } from '../state/byte-io.js';
import { keyGroupOf } from '../state/key-group.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import type { KeyedStateTable, StateCodec, StateEntry } from '../state/keyed-state-table.js';
import { readTagged, writeTagged } from '../state/tagged-value.js';
import { DEFAULT_EMIT_OPTIONS, resolveEmit, type WindowEmitOptions } from '../windows/emit-options.js';
import { SESSION_BASE, SESSION_BORN, SESSION_END, SESSION_START, SessionAssigner, type Session } from '../windows/session.js';
import { forgetEmitted, recordEmitted, sessionChanges, type EmittedSession } from '../windows/session-changelog.js';
import type { HasMeta } from './meta.js';
import { TimerHeap } from './timer-heap.js';
import { isChangelogSpec, type WindowAggregateSpec } from './window-aggregate.js';

/** The state of one group key: its values, its live sessions sorted by start, and (changelog mode) what they emitted. */
interface KeySessions {
  readonly keys: Value[];
  sessions: Session[];
  /** Changelog mode only (see session-changelog.ts), created at the first emission; null otherwise (saves an array per key). */
  emitted: EmittedSession[] | null;
  /**
   * Not checkpointed (rebuilt after a restore): the time of the key's live timer in the heap, a
   * lower bound of its sessions' earliest due time; Infinity while it has none. A field here, not a
   * Map from key to time: that cost ~50 bytes per key.
   */
  timer: number;
}

const NOTHING_EMITTED: readonly EmittedSession[] = [];

/** The sessions of a new key: `add` replaces it, never writes into it. */
const NO_SESSIONS: Session[] = [];

const isRows = (x: unknown, min: number): boolean => Array.isArray(x) && x.every((s) => Array.isArray(s) && s.length >= min);

/** Checkpoint codec of KeySessions: the tagged form of [keys, sessions], plus emitted when there is any (so append-only state encodes as before). */
function keySessionsCodec(): StateCodec<KeySessions> {
  const decode = (x: unknown): KeySessions => {
    if (!Array.isArray(x) || (x.length !== 2 && x.length !== 3) || !Array.isArray(x[0]) || !isRows(x[1], SESSION_BASE) || (x.length === 3 && !isRows(x[2], 2))) {
      throw new ChunkFormatError('session state is not [keys, sessions] or [keys, sessions, emitted]');
    }
    return { keys: x[0] as Value[], sessions: x[1] as Session[], emitted: x.length === 3 ? (x[2] as EmittedSession[]) : null, timer: Infinity };
  };
  const encode = (v: KeySessions): unknown[] => (v.emitted === null || v.emitted.length === 0 ? [v.keys, v.sessions] : [v.keys, v.sessions, v.emitted]);
  return {
    encode,
    decode,
    write: (v, w) => writeTagged(encode(v), w),
    read: (r) => decode(readTagged(r)),
  };
}

/** A session to emit, with its key's state entry. */
interface Firing {
  readonly entry: StateEntry<KeySessions>;
  readonly s: Session;
}

/**
 * GROUP BY keys + SESSION(gap) (DESIGN.md §3). State: one table, one entry per group key with
 * live sessions, value = KeySessions; the namespace is the key's key group, only so that removing
 * an entry (which splices its namespace's insertion-order array) stays cheap with many keys.
 *
 * `firedW` (raised to each row's `wm[i]` before the row, firing mid-batch) is the watermark up to
 * which sessions have fired. With allowed lateness L (0 by default; `emit.allowedLatenessMs`):
 * - A session is complete when W >= end - 1; it fires then. It stays in state ("kept") until
 *   W >= end - 1 + L, then it is purged (with L = 0 at once: fire and purge are one step).
 * - A row is late when its own window [ts, ts + gap) is beyond the allowance:
 *   ts + gap - 1 + L <= firedW. It is counted in `lateRows`, handed to onLateRow and dropped.
 *   (With L = 0: its own window is complete.) Flink also accepts such a row when it touches a
 *   kept session; Eddy judges the row alone, as it always has for L = 0.
 * - Any other row joins or merges every live (open or kept) session it overlaps ([ts, ts + gap)
 *   meets [start, end)), or starts a new one. A purged session is gone: a row overlapping only
 *   its region starts a new session (whose window may overlap the purged one).
 *
 * Append-only output (no op column: L = 0 and no early fire): each session emits
 * [...keys, window_start, window_end, ...aggs] once, when it completes.
 *
 * Updating output (op column first; see session-changelog.ts for how each session's emitted
 * result is tracked and which changes one emission produces: +I, -D for sessions it absorbed,
 * -U/+U, or nothing if unchanged). A session emits (a) when it completes; (b) at once, when a row
 * within the allowance changes it and it is still complete after the row (a late update, or a
 * new session inside the allowance), so the output does not depend on batch sizes; (c) every
 * `earlyFireDelayMs` of processing time while it is open, if it changed since it last emitted.
 * A row that re-opens a kept session (pushes its end past W + 1) or bridges it with an open one
 * makes the merged session open: its changes wait for (a) or (c), so an emitted result is
 * corrected only by a final or an early result, never by a partial one in between.
 *
 * Which keys have sessions due (to fire: end; to purge: end + L) is an in-memory timer heap of
 * (a lower bound of the key's earliest due time, key), rebuilt from the table after a restore.
 * Output is ordered by window end, then start, then the session's creation number, per firing;
 * late updates (b) come in row order.
 */
export class SessionWindowAggregateOperator extends Operator implements HasMeta {
  readonly uid: string;
  private readonly table: KeyedStateTable<KeySessions>;
  private readonly assigner: SessionAssigner;
  private readonly timeIndex: number;
  private readonly keyOf: (row: Row) => StateKey;
  private readonly keyValues: (row: Row) => Row;
  private readonly agg: CompiledAggregator;
  /** Whether the plan has the op column: output rows are changes. */
  private readonly changelog: boolean;
  /** (due time, the key's entry); an item whose time is not its key's `timer` any more is stale and skipped. */
  private readonly timers = new TimerHeap<StateEntry<KeySessions>>();
  private timersStale = false;
  private emit: WindowEmitOptions = DEFAULT_EMIT_OPTIONS;
  /** Output not yet sent downstream; flushed at batch ends, watermarks, early firings and end. */
  private pending: Row[] = [];
  private late = 0;
  private nullTime = 0;
  private nextBorn = 0;
  private firedW = -Infinity;
  /** Processing time of the next early firing. */
  private nextEarly = Infinity;

  constructor(spec: WindowAggregateSpec, backend: KeyedStateBackend, emit?: Partial<WindowEmitOptions>) {
    super();
    if (spec.window.kind !== 'session') throw internalError(`session operator built for a ${spec.window.kind} window`);
    this.uid = spec.uid;
    this.assigner = new SessionAssigner(spec.window.gap);
    this.timeIndex = spec.timeIndex;
    this.keyOf = compileKeyExtractor(spec.keys);
    this.keyValues = compileRowBuilder(spec.keys);
    this.agg = compileAggregator(spec.aggs, SESSION_BASE);
    this.changelog = isChangelogSpec(spec);
    this.table = backend.table(spec.uid, 'sessions', keySessionsCodec());
    if (emit) this.configure(emit);
  }

  /**
   * Sets allowed lateness, early fire (which need a changelog plan), the clock and the late-row
   * sink. Call before the first batch; the first early firing is due one delay after this call.
   */
  configure(emit: Partial<WindowEmitOptions>): void {
    ({ emit: this.emit, nextEarly: this.nextEarly } = resolveEmit(`session window operator ${this.uid}`, this.changelog, emit));
  }

  /** Rows dropped because their own session window [ts, ts + gap) was beyond the allowance when they arrived. */
  override get lateRows(): number {
    return this.late;
  }

  /** Rows dropped because their event time was NULL. */
  get nullTimeRows(): number {
    return this.nullTime;
  }

  processBatch(batch: Batch): void {
    if (this.timersStale) this.rebuildTimers();
    const { rows, wm } = batch;
    const { table, assigner, timeIndex, keyOf, agg, gap } = this;
    const allowed = this.emit.allowedLatenessMs;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const ts = row[timeIndex];
      if (ts === null || ts === undefined) {
        this.nullTime++;
        continue;
      }
      if (wm !== null && wm[i]! > this.firedW) this.advance(wm[i]!);
      if ((ts as number) + gap - 1 + allowed <= this.firedW) {
        this.late++;
        this.emit.onLateRow?.(row, this.late);
        continue;
      }
      const key = keyOf(row);
      const ns = keyGroupOf(key);
      let entry = table.get(ns, key);
      if (entry === undefined) entry = table.insert(ns, key, { keys: this.keyValues(row), sessions: NO_SESSIONS, emitted: null, timer: Infinity });
      table.touch(entry); // before the change: a pending checkpoint encodes the old sessions first
      const s = assigner.add(entry.value, ts as number, row, agg, this.nextBorn);
      if (s[SESSION_BORN] === this.nextBorn) this.nextBorn++;
      const end = s[SESSION_END] as number;
      const complete = end - 1 <= this.firedW; // only possible within an allowance (L > 0)
      const due = complete ? end + allowed : end;
      if (due < entry.value.timer) this.setTimer(entry, due);
      if (complete) this.emitSession(entry, s);
    }
    this.onProcessingTime();
    this.flush();
  }

  private get gap(): number {
    return this.assigner.gap;
  }

  private setTimer(entry: StateEntry<KeySessions>, due: number): void {
    entry.value.timer = due;
    this.timers.push(due, entry);
  }

  /**
   * Processing-time hook, called after each batch and while the source is idle: once the early
   * fire delay has passed, emits the changes of every open session since it last emitted.
   */
  onProcessingTime(): void {
    if (this.nextEarly === Infinity) return;
    const now = this.emit.now();
    if (now < this.nextEarly) return;
    this.nextEarly = now + this.emit.earlyFireDelayMs;
    const open: Firing[] = [];
    for (const entry of this.table.allEntries()) {
      for (const s of entry.value.sessions) if ((s[SESSION_END] as number) - 1 > this.firedW) open.push({ entry, s });
    }
    this.emitAll(open);
    this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.out.data({ rows, wm: null });
  }

  override onWatermark(value: number): void {
    if (this.timersStale) this.rebuildTimers();
    if (value > this.firedW) this.advance(value);
    this.flush();
    this.out.watermark(value);
  }

  override onEnd(): void {
    if (this.timersStale) this.rebuildTimers();
    this.advance(Infinity);
    this.flush();
    this.out.end();
  }

  /**
   * Raises firedW to w: fires (in end, start, creation order) every session with
   * firedW < end - 1 <= w, then purges every session with end - 1 + L <= w.
   */
  private advance(w: number): void {
    const { timers } = this;
    const before = this.firedW;
    const allowed = this.emit.allowedLatenessMs;
    const visited: StateEntry<KeySessions>[] = [];
    const due: Firing[] = [];
    while (timers.size > 0 && timers.peekTime() - 1 <= w) {
      const [t, entry] = timers.pop();
      // Superseded by an earlier timer, or visited already (a deleted entry was visited: its timer is Infinity).
      if (entry.value.timer !== t) continue;
      entry.value.timer = Infinity;
      visited.push(entry);
      for (const s of entry.value.sessions) {
        const end = s[SESSION_END] as number;
        if (end - 1 <= w && end - 1 > before) due.push({ entry, s });
      }
    }
    this.firedW = w;
    this.emitAll(due);
    for (const entry of visited) this.purge(entry, w, allowed);
  }

  /** Removes the sessions of `entry` with end - 1 + allowed <= w (and what they emitted), resets its timer; deletes the entry once it has no sessions. */
  private purge(entry: StateEntry<KeySessions>, w: number, allowed: number): void {
    const { sessions, emitted } = entry.value;
    const keep: Session[] = [];
    const gone: Session[] = [];
    let next = Infinity;
    for (const s of sessions) {
      const end = s[SESSION_END] as number;
      if (end - 1 + allowed <= w) {
        gone.push(s);
        continue;
      }
      keep.push(s);
      const due = end - 1 <= w ? end + allowed : end;
      if (due < next) next = due;
    }
    if (keep.length === 0) {
      this.table.delete(entry.ns, entry.key);
      return;
    }
    if (gone.length > 0) {
      this.table.touch(entry); // before the change: a pending checkpoint encodes the old sessions first
      if (emitted !== null) for (const s of gone) forgetEmitted(emitted, s[SESSION_START] as number, s[SESSION_END] as number);
      entry.value.sessions = keep.slice(); // exact length: `keep` grew by pushes
    }
    this.setTimer(entry, next);
  }

  /** Emits `firings` in (end, start, creation) order. */
  private emitAll(firings: Firing[]): void {
    if (firings.length === 0) return;
    firings.sort((a, b) => num(a.s, SESSION_END) - num(b.s, SESSION_END) || num(a.s, SESSION_START) - num(b.s, SESSION_START) || num(a.s, SESSION_BORN) - num(b.s, SESSION_BORN));
    for (const { entry, s } of firings) this.emitSession(entry, s);
  }

  /** Appends the session's result (append-only) or its changes since it last emitted (changelog) to the pending output. */
  private emitSession(entry: StateEntry<KeySessions>, s: Session): void {
    const { keys, emitted } = entry.value;
    if (!this.changelog) {
      const row: Row = keys.slice();
      row.push(s[SESSION_START]!, s[SESSION_END]!);
      this.agg.results(s, row);
      this.pending.push(row);
      return;
    }
    const result: Value[] = [s[SESSION_START]!, s[SESSION_END]!];
    this.agg.results(s, result);
    if (!sessionChanges(emitted ?? NOTHING_EMITTED, keys, result, this.pending)) return;
    this.table.touch(entry); // before recording: a pending checkpoint encodes the old emitted results first
    if (emitted === null) entry.value.emitted = [result.slice()];
    else recordEmitted(emitted, result);
  }

  private rebuildTimers(): void {
    this.timers.clear();
    const allowed = this.emit.allowedLatenessMs;
    for (const entry of this.table.allEntries()) {
      let min = Infinity;
      for (const s of entry.value.sessions) {
        const end = s[SESSION_END] as number;
        min = Math.min(min, end - 1 <= this.firedW ? end + allowed : end);
      }
      this.setTimer(entry, min);
    }
    this.timersStale = false;
  }

  snapshotMeta(): unknown {
    return { lateRows: this.late, nullTimeRows: this.nullTime, nextBorn: this.nextBorn, firedW: Number.isFinite(this.firedW) ? this.firedW : null };
  }

  restoreMeta(x: unknown): void {
    const m = x as { lateRows?: unknown; nullTimeRows?: unknown; nextBorn?: unknown; firedW?: unknown } | null;
    if (typeof m?.lateRows !== 'number' || typeof m.nullTimeRows !== 'number' || typeof m.nextBorn !== 'number' || (m.firedW !== null && typeof m.firedW !== 'number')) {
      throw internalError(`bad session window operator meta for ${this.uid}: ${JSON.stringify(x)}`);
    }
    this.late = m.lateRows;
    this.nullTime = m.nullTimeRows;
    this.nextBorn = m.nextBorn;
    this.firedW = typeof m.firedW === 'number' ? m.firedW : -Infinity;
    this.timersStale = true;
  }
}

const num = (s: Session, slot: number): number => s[slot] as number;
