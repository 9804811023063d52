import { EddyError } from '../../common/errors.js';
import type { Value } from '../../common/types.js';
import type { CompiledAggregator } from '../accumulators/compile-aggregator.js';
import type { SessionSlots } from './session-slots.js';

/**
 * A session's checkpointed row is [start, end, born, ...accumulators] (SessionSlots.sessionRow);
 * born is its creation number (the smallest of the sessions merged into it), which orders sessions
 * with equal windows. The accumulators start here.
 */
export const SESSION_BASE = 3;

/**
 * A key's live sessions, sorted by start and disjoint, as its state table value: the slot of its
 * only session, which is also its home (the common case: a number, no object), or a SessionList.
 */
export type KeySessions = number | SessionList;

/** A key with several sessions, or none (restored from a checkpoint that had an empty list). */
export interface SessionList {
  /** Holds the key's values, and one of its sessions (any: see `settle`) when it has any. */
  readonly home: number;
  /** Session slots sorted by start; replaced, never grown in place (exact-length arrays). */
  sessions: number[];
}

export const homeOf = (v: KeySessions): number => (typeof v === 'number' ? v : v.home);

/**
 * SESSION(gap) for one key: rows whose consecutive timestamps are at most `gap` apart form a
 * session with window [first ts, last ts + gap). A row at ts belongs with every open session its
 * window [ts, ts + gap) overlaps or touches (ts <= end and start <= ts + gap), which all merge
 * into one: Flink's TimeWindow.intersects, so a row exactly `gap` after the last joins. Sessions live in
 * `slots`; the aggregator works on the scratch arrays `acc`/`other` (state from index 0), which
 * each change loads from and stores back to the slots' columns. `first` and `add` leave the
 * accumulators of the session the row goes into in `acc`: the caller updates them with the row
 * (its form's compiled update, called from its own loop) and stores them back with `store`.
 */
export class SessionAssigner {
  /** The accumulators of the session first/add returned, for the row's update; then store(). */
  readonly acc: Value[];
  private readonly other: Value[];

  constructor(
    readonly gap: number,
    private readonly slots: SessionSlots,
    private readonly agg: CompiledAggregator,
  ) {
    if (!(gap > 0) || !Number.isFinite(gap)) {
      throw new EddyError('UNSUPPORTED', `SESSION gap must be a positive interval, got ${gap} ms`);
    }
    this.acc = new Array<Value>(agg.width).fill(null);
    this.other = new Array<Value>(agg.width).fill(null);
  }

  /**
   * A new key with values `keys` and one session, of a row at `ts`, numbered `born`: returns its
   * slot (the key's table value), its fresh accumulators in `acc`.
   */
  first(keys: readonly Value[], ts: number, born: number): number {
    const s = this.slots.alloc();
    this.slots.setKeys(s, keys);
    this.create(s, ts, born);
    return s;
  }

  /**
   * Adds a row at `ts` to the key's sessions `state.value`: extends or merges the sessions it
   * overlaps, or inserts a new one numbered `born`. May replace `state.value`; returns the slot
   * of the session the row goes into, its accumulators in `acc`.
   */
  add(state: { value: KeySessions }, ts: number, born: number): number {
    const v = state.value;
    const endOfRow = ts + this.gap;
    if (typeof v === 'number') {
      // One session that the row overlaps or touches: the common case, without a list.
      const b = this.slots.bounds;
      const start = b[3 * v]!;
      const end = b[3 * v + 1]!;
      if (meets(ts, endOfRow, start, end)) {
        if (ts < start) b[3 * v] = ts;
        if (endOfRow > end) b[3 * v + 1] = endOfRow;
        this.slots.loadAccs(v, this.acc);
        return v;
      }
    }
    return this.addToList(state, ts, endOfRow, born);
  }

  /** Stores `acc` (updated with the row) back into session slot `s`, which first or add returned. */
  store(s: number): void {
    this.slots.storeAccs(s, this.acc);
  }

  private addToList(state: { value: KeySessions }, ts: number, endOfRow: number, born: number): number {
    const { slots } = this;
    const v = state.value;
    const home = homeOf(v);
    let sessions = typeof v === 'number' ? [v] : v.sessions;
    let i = 0;
    while (i < sessions.length && slots.end(sessions[i]!) < ts) i++;
    let j = i;
    while (j < sessions.length && slots.start(sessions[j]!) <= endOfRow) j++;
    let target: number;
    if (i === j) {
      target = slots.alloc();
      this.create(target, ts, born);
      sessions = insertedAt(sessions, i, target);
    } else {
      target = sessions[i]!;
      const lastEnd = slots.end(sessions[j - 1]!);
      if (j - i > 1) this.absorb(target, sessions.slice(i + 1, j), home);
      else slots.loadAccs(target, this.acc); // absorb leaves target's merged accumulators in acc
      if (ts < slots.start(target)) slots.bounds[3 * target] = ts;
      slots.bounds[3 * target + 1] = Math.max(lastEnd, endOfRow);
      if (j - i > 1) sessions = [...sessions.slice(0, i + 1), ...sessions.slice(j)];
    }
    const at = sessions.indexOf(target);
    state.value = settle(slots, home, sessions, typeof v === 'number' ? null : v);
    return typeof state.value === 'number' ? state.value : state.value.sessions[at]!;
  }

  /**
   * Whether a row at ts meets one of the key's live sessions `v` (see `meets`): a row whose own
   * window is already complete is not late when it does (Flink merges first, then judges the
   * merged window).
   */
  meetsAny(v: KeySessions, ts: number): boolean {
    const { slots } = this;
    const endOfRow = ts + this.gap;
    if (typeof v === 'number') return meets(ts, endOfRow, slots.start(v), slots.end(v));
    for (const s of v.sessions) if (meets(ts, endOfRow, slots.start(s), slots.end(s))) return true;
    return false;
  }

  /** Merges the sessions `others` (after `target` by start) into `target`, in order, and drops them; leaves target's accumulators in `acc`. */
  private absorb(target: number, others: readonly number[], home: number): void {
    const { slots, acc, other, agg } = this;
    slots.loadAccs(target, acc);
    let born = slots.born(target);
    for (const o of others) {
      slots.loadAccs(o, other);
      agg.merge(acc, other);
      if (slots.born(o) < born) born = slots.born(o);
    }
    slots.storeAccs(target, acc);
    slots.bounds[3 * target + 2] = born;
    for (const o of others) dropSession(slots, o, home);
  }

  /** Sets slot s to a new session of a row at ts, its fresh accumulators in `acc`. */
  private create(s: number, ts: number, born: number): void {
    const { acc, agg } = this;
    this.slots.setBounds(s, ts, ts + this.gap, born);
    acc.fill(null);
    agg.init(acc);
  }
}

/**
 * Whether a row's window [ts, endOfRow) and a session [start, end) merge: they overlap or touch
 * (Flink's TimeWindow.intersects compares the half-open windows' bounds inclusively).
 */
export function meets(ts: number, endOfRow: number, start: number, end: number): boolean {
  return ts <= end && start <= endOfRow;
}

/**
 * A key's table value once its sessions are `sessions` (at least one, sorted by start; the array
 * may be updated). If the home slot's session merged away or was purged, the first one moves
 * into it (so no slot is held besides the sessions, and a lone session makes the value a plain
 * slot number again); otherwise `list` (updated) or a new list.
 */
export function settle(slots: SessionSlots, home: number, sessions: number[], list: SessionList | null): KeySessions {
  if (!sessions.includes(home)) {
    slots.move(sessions[0]!, home);
    sessions[0] = home;
  }
  if (sessions.length === 1) return home;
  if (list === null) return { home, sessions };
  list.sessions = sessions;
  return list;
}

/** Frees a session that merged into another or was purged; the home slot stays (it holds the key's values) and only loses its accumulators. */
export function dropSession(slots: SessionSlots, s: number, home: number): void {
  if (s === home) slots.clearAccs(s);
  else slots.release(s);
}

/** A new exact-length array: `sessions` with `s` inserted at index i. */
function insertedAt(sessions: readonly number[], i: number, s: number): number[] {
  const n = sessions.length;
  const out = new Array<number>(n + 1);
  for (let k = 0; k < i; k++) out[k] = sessions[k]!;
  out[i] = s;
  for (let k = i; k < n; k++) out[k + 1] = sessions[k]!;
  return out;
}
