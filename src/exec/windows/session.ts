import { EddyError } from '../../common/errors.js';
import type { Row, Value } from '../../common/types.js';
import type { CompiledAggregator } from '../accumulators/compile-aggregator.js';

/** Slots of one session's state array; the aggregator's accumulators start at SESSION_BASE. */
export const SESSION_START = 0;
export const SESSION_END = 1;
/** Creation number of the session (the smallest of the sessions merged into it): orders sessions with equal windows. */
export const SESSION_BORN = 2;
export const SESSION_BASE = 3;

/** One open session: [start, end, born, ...accumulators]. */
export type Session = Value[];

/**
 * SESSION(gap) for one key: rows whose consecutive timestamps are less than `gap` apart form a
 * session with window [first ts, last ts + gap). A row at ts belongs with every open session it
 * overlaps ([ts, ts + gap) meets [start, end)), which all merge into one.
 */
export class SessionAssigner {
  constructor(readonly gap: number) {
    if (!(gap > 0) || !Number.isFinite(gap)) {
      throw new EddyError('UNSUPPORTED', `SESSION gap must be a positive interval, got ${gap} ms`);
    }
  }

  /**
   * Adds a row at `ts` to `list.sessions` (sorted by start, disjoint): extends or merges the
   * sessions it overlaps, or inserts a new one numbered `born`. Returns the session the row went
   * into. Memory: a new session is an exact-length array, and inserting it replaces the list with
   * an exact-length copy (growing it in place would give the array a 17-slot backing store; keys
   * with one session are the common case).
   */
  add(list: SessionList, ts: number, row: Row, agg: CompiledAggregator, born: number): Session {
    const sessions = list.sessions;
    const endOfRow = ts + this.gap;
    let i = 0;
    while (i < sessions.length && (sessions[i]![SESSION_END] as number) <= ts) i++;
    let j = i;
    while (j < sessions.length && (sessions[j]![SESSION_START] as number) < endOfRow) j++;
    let target: Session;
    if (i === j) {
      target = new Array<Value>(SESSION_BASE + agg.width);
      target[SESSION_START] = ts;
      target[SESSION_END] = endOfRow;
      target[SESSION_BORN] = born;
      agg.init(target);
      list.sessions = insertedAt(sessions, i, target);
    } else {
      target = sessions[i]!;
      for (let k = i + 1; k < j; k++) {
        const other = sessions[k]!;
        agg.merge(target, other);
        if ((other[SESSION_BORN] as number) < (target[SESSION_BORN] as number)) target[SESSION_BORN] = other[SESSION_BORN]!;
      }
      const lastEnd = sessions[j - 1]![SESSION_END] as number;
      if (j - i > 1) sessions.splice(i + 1, j - i - 1);
      if (ts < (target[SESSION_START] as number)) target[SESSION_START] = ts;
      target[SESSION_END] = Math.max(lastEnd, endOfRow);
    }
    agg.update(target, row);
    return target;
  }
}

/** What `add` works on: a key's live sessions, sorted by start (the array may be replaced). */
export interface SessionList {
  sessions: Session[];
}

/** A new exact-length array: `sessions` with `s` inserted at index i. */
function insertedAt(sessions: readonly Session[], i: number, s: Session): Session[] {
  const n = sessions.length;
  if (n === 0) return [s];
  const out = new Array<Session>(n + 1);
  for (let k = 0; k < i; k++) out[k] = sessions[k]!;
  out[i] = s;
  for (let k = i; k < n; k++) out[k + 1] = sessions[k]!;
  return out;
}
