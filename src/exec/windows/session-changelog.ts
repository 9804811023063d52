import type { Row, Value } from '../../common/types.js';
import type { RowKind } from './changelog.js';

/** What one session emitted last: [window_start, window_end, ...aggregate results]. */
export type EmittedSession = Value[];

/*
 * The emitted results of one group key's sessions (updating changelog mode: allowed lateness or
 * early fire), kept beside its sessions in keyed state so that a restored operator retracts
 * exactly what was emitted before the checkpoint. Sorted by start and pairwise disjoint.
 *
 * No session id is needed: sessions only grow (a row moves start down or end up) and merge, and
 * live sessions are disjoint, so each emitted result lies inside exactly one live session, the
 * one that grew from the session that emitted it. Several lie inside one session only between a
 * merge and that session's next emission, which reconciles them (sessionChanges). A purged
 * session takes the results inside it along (forgetEmitted).
 */

/** [lo, hi): the indexes of the results inside [start, end). */
function inside(emitted: readonly EmittedSession[], start: number, end: number): [number, number] {
  let lo = 0;
  while (lo < emitted.length && (emitted[lo]![0] as number) < start) lo++;
  let hi = lo;
  while (hi < emitted.length && (emitted[hi]![1] as number) <= end) hi++;
  return [lo, hi];
}

/**
 * Appends to `out` the changes from what the session [result[0], result[1]) emitted to `result`
 * ([start, end, ...aggs]); rows are [kind, ...keys, ...result]:
 * - nothing emitted inside it: +I result (a new session, or a merge of never-emitted ones);
 * - otherwise the earliest emitted result inside it is the session's own (the merge survivor):
 *   every other one, emitted by a session it absorbed, is retracted with -D first; then -U own,
 *   +U result if they differ (bounds or values), nothing if equal.
 * Returns whether anything was appended, i.e. whether recordEmitted must follow. Mutates nothing.
 */
export function sessionChanges(emitted: readonly EmittedSession[], keys: readonly Value[], result: EmittedSession, out: Row[]): boolean {
  const [lo, hi] = inside(emitted, result[0] as number, result[1] as number);
  if (lo === hi) {
    out.push(changeRow('+I', keys, result));
    return true;
  }
  for (let i = lo + 1; i < hi; i++) out.push(changeRow('-D', keys, emitted[i]!));
  const own = emitted[lo]!;
  if (sameValues(own, result)) return hi - lo > 1;
  out.push(changeRow('-U', keys, own), changeRow('+U', keys, result));
  return true;
}

/** Records `result` as the only emitted result inside its session (call after sessionChanges said so, and after touching the state entry). */
export function recordEmitted(emitted: EmittedSession[], result: EmittedSession): void {
  const [lo, hi] = inside(emitted, result[0] as number, result[1] as number);
  emitted.splice(lo, hi - lo, result.slice());
}

/** Forgets the results inside a purged session [start, end) (they can change no more); returns whether there were any. */
export function forgetEmitted(emitted: EmittedSession[], start: number, end: number): boolean {
  const [lo, hi] = inside(emitted, start, end);
  if (lo === hi) return false;
  emitted.splice(lo, hi - lo);
  return true;
}

/** [kind, ...keys, ...result]: one output row of an updating session aggregate. */
function changeRow(kind: RowKind, keys: readonly Value[], result: readonly Value[]): Row {
  const r: Row = [kind];
  for (let i = 0; i < keys.length; i++) r.push(keys[i]!);
  for (let i = 0; i < result.length; i++) r.push(result[i]!);
  return r;
}

function sameValues(a: readonly Value[], b: readonly Value[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
