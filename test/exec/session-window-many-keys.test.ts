/**
 * SESSION with thousands of keys, where the slot layout does more than with a few: once most
 * keys' sessions fire, the slots are compacted (renumbered) while other keys hold several
 * sessions and (with allowed lateness) emitted results; restores compact too; and a pending
 * copy-on-write snapshot cut before the mass firing still encodes the state of its cut.
 */
import { describe, expect, it } from 'vitest';
import type { StateChunk } from '../../src/checkpoint/types.js';
import type { Row } from '../../src/common/types.js';
import type { WindowSpec } from '../../src/planner/bound.js';
import { feed, makeOp, multiset, runOnce, runWithRestore } from './windows/harness.js';
import { makeSessionChangelogOp, materializeSessions, referenceSessions, runSessionChangelogWithRestore, sortedRows } from './session-changelog-harness.js';

const GAP = 10;
const DELAY = 30;
const session: WindowSpec = { kind: 'session', gap: GAP };

/**
 * 6000 keys with one session each in [0, 40); keys k0..k99 also get two sessions [45, 55) and
 * [58, 68); 1000 new keys at 70..74 lift W to 44, so the 6000 fire and are purged (a compaction)
 * while k0..k99 hold two sessions each; then rows at 52 bridge them. No row is late with DELAY.
 */
function manyKeyRows(): Row[] {
  const rows: Row[] = [];
  for (let k = 0; k < 6000; k++) rows.push([`k${k}`, k % 30, k % 11]);
  for (let k = 0; k < 100; k++) rows.push([`k${k}`, 45, 2]);
  for (let k = 0; k < 100; k++) rows.push([`k${k}`, 58, 3]);
  for (let i = 0; i < 1000; i++) rows.push([`n${i}`, 70 + (i % 5), 4]);
  for (let k = 0; k < 100; k++) rows.push([`k${k}`, 52, 5]);
  for (let k = 0; k < 100; k += 3) rows.push([`k${k}`, 100, 6]);
  return rows;
}

/** [key, start, end, COUNT(*), SUM(v), MAX(v)] per session by the batch definition: per key, sorted by ts, cut where the gap is >= GAP. */
function batchSessions(rows: readonly Row[]): Row[] {
  const byKey = new Map<Row[number], Row[]>();
  for (const r of rows) byKey.set(r[0]!, [...(byKey.get(r[0]!) ?? []), r]);
  const out: Row[] = [];
  for (const [k, rs] of byKey) {
    const sorted = [...rs].sort((a, b) => (a[1] as number) - (b[1] as number));
    let cur: Row[] = [];
    const close = (): void => {
      const vs = cur.map((r) => r[2] as number);
      out.push([k, cur[0]![1], (cur[cur.length - 1]![1] as number) + GAP, cur.length, vs.reduce((a, b) => a + b, 0), Math.max(...vs)]);
    };
    for (const r of sorted) {
      if (cur.length > 0 && (r[1] as number) - (cur[cur.length - 1]![1] as number) >= GAP) {
        close();
        cur = [];
      }
      cur.push(r);
    }
    close();
  }
  return out;
}

describe('SESSION with thousands of keys', () => {
  it('append-only: equals the batch sessions, whatever the batch size, and across restores', () => {
    const rows = manyKeyRows();
    const got = runOnce(session, rows, 1000, DELAY);
    expect(got.late).toBe(0);
    expect(multiset(got.rows)).toEqual(multiset(batchSessions(rows)));
    // k0..k99 merged their two sessions through the compaction: [45, 68) with 3 rows.
    expect(got.rows.filter((r) => r[1] === 45)).toHaveLength(100);
    expect(got.rows.find((r) => r[0] === 'k7' && r[1] === 45)).toEqual(['k7', 45, 68, 3, 10, 5]);
    expect(runOnce(session, rows, 7, DELAY)).toEqual(got);
    for (const cut of [1, 3, 4, 6, 7]) expect(runWithRestore(session, rows, 1000, DELAY, cut)).toEqual(got);
  });

  it('changelog (allowed lateness): emitted results survive the compaction; folds to the reference, also across restores', () => {
    const allowed = 20;
    // Within the allowance after W = 70: updates of kept, emitted sessions (-U/+U) after the compaction.
    const rows = [...manyKeyRows(), ...Array.from({ length: 100 }, (_, k): Row => [`k${k}`, 60, 7])];
    const { op, sink } = makeSessionChangelogOp(GAP, { allowedLatenessMs: allowed });
    feed(op, rows, 1000, DELAY);
    const ref = referenceSessions(GAP, rows, DELAY, allowed);
    expect(ref.late).toEqual([]);
    expect(op.lateRows).toBe(0);
    expect(sortedRows(materializeSessions(sink.rows))).toEqual(ref.table);
    expect(sink.rows.filter((r) => r[0] === '-U' && r[2] === 45)).toHaveLength(100);
    for (const cut of [2, 5, 7]) expect(runSessionChangelogWithRestore(GAP, { allowedLatenessMs: allowed }, rows, 1000, DELAY, cut).rows).toEqual(sink.rows);
  });

  // The purges encode every frozen key group before the compaction runs here; that a compaction
  // changes no encoded value is checked in windows/session-slots.test.ts.
  it('a pending snapshot cut before most keys fire (purges, then a compaction) encodes the state of its cut', () => {
    const rows = manyKeyRows();
    const cutAt = 6200; // after k0..k99's second sessions, before the rows that fire the 6000 keys
    const taken = (pending: boolean): StateChunk[] => {
      const { op, backend } = makeOp(session);
      const w = feed(op, rows.slice(0, cutAt), 1000, DELAY, -Infinity, false);
      if (!pending) return backend.snapshotChanged();
      const snapshot = backend.freezeChanged();
      feed(op, rows.slice(cutAt), 1000, DELAY, w, false); // fires, purges, compacts
      expect(backend.size()).toBeLessThan(1500);
      return snapshot.finish();
    };
    const key = (c: StateChunk): string => `${c.operatorUid}#${c.keyGroup}`;
    const byKey = (cs: StateChunk[]) => new Map(cs.map((c) => [key(c), Buffer.from(c.bytes).toString('hex')]));
    expect(byKey(taken(true))).toEqual(byKey(taken(false)));
  });
});
