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
   * Adds a row at `ts` to `sessions` (sorted by start, disjoint; updated in place): extends or
   * merges the sessions it overlaps, or inserts a new one numbered `born`. Returns the session
   * the row went into.
   */
  add(sessions: Session[], ts: number, row: Row, agg: CompiledAggregator, born: number): Session {
    const endOfRow = ts + this.gap;
    let i = 0;
    while (i < sessions.length && (sessions[i]![SESSION_END] as number) <= ts) i++;
    let j = i;
    while (j < sessions.length && (sessions[j]![SESSION_START] as number) < endOfRow) j++;
    let target: Session;
    if (i === j) {
      target = [ts, endOfRow, born];
      agg.init(target);
      sessions.splice(i, 0, target);
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
