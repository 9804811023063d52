/**
 * SESSION windows with allowed lateness L: a session fires when W >= end - 1 and is kept until
 * W >= end - 1 + L; a row is late when ts + gap - 1 + L <= W (its own window is beyond the
 * allowance), otherwise it joins or merges every kept or open session it overlaps. The changelog
 * (+I, -U/+U, -D for absorbed sessions) folds to the sessions of a row-by-row reference of that
 * rule, whatever the batch size and wherever a checkpoint is restored.
 */
import fc from 'fast-check';
import { rowBatch } from '../../src/exec/batch.js';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/types.js';
import { feed, multiset, runOnce } from './windows/harness.js';
import { makeSessionChangelogOp, materializeSessions, referenceSessions, runSessionChangelogWithRestore, sortedRows } from './session-changelog-harness.js';

const GAP = 10;

function run(rows: readonly Row[], size: number, delay: number, allowed: number): { out: Row[]; late: Row[]; lateCount: number } {
  const late: Row[] = [];
  const { op, sink } = makeSessionChangelogOp(GAP, { allowedLatenessMs: allowed, onLateRow: (r) => late.push(r) });
  feed(op, rows, size, delay);
  return { out: sink.rows, late, lateCount: op.lateRows };
}

const rowArb = fc.tuple(
  fc.constantFrom('a', 'b', 'c'),
  fc.option(fc.integer({ min: 0, max: 150 }), { nil: null, freq: 20 }),
  fc.option(fc.integer({ min: -50, max: 50 }), { nil: null, freq: 5 }),
) as fc.Arbitrary<Row>;

/** Rows moving forward (0..12 per row) where one in three is a straggler up to 40 back: many land after their session fired, within or beyond the allowance. */
const disorderedArb: fc.Arbitrary<Row[]> = fc
  .array(fc.tuple(fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 40 }), fc.option(fc.integer({ min: -9, max: 9 }), { nil: null })), { minLength: 10, maxLength: 100, size: 'large' })
  .map((steps) => {
    let t = 100;
    return steps.map(([k, adv, straggler, dis, v]) => [k, (t += adv) - (straggler === 0 ? dis : 0), v] as Row);
  });

describe('SESSION with allowed lateness: hand-made changelogs', () => {
  it('a row within the allowance updates a kept session (-U/+U); so does one beyond it that meets a kept session (Flink merges, then judges the merged window)', () => {
    const rows: Row[] = [
      ['a', 0, 1], // [0,10)
      ['a', 30, 2], // W -> 30: [0,10) fires (+I), kept until W >= 9 + 25 = 34
      ['a', 5, 4], // 5 + 9 + 25 = 39 > 30: joins [0,10) -> [0,15), complete: -U/+U at once
      ['a', 31, 8], // [30,41)
      ['a', 36, 16], // [30,46); W -> 36: [0,15) is kept until W >= 14 + 25 = 39
      ['a', 2, 32], // 2 + 9 + 25 = 36 <= 36, but [2,12) overlaps the kept [0,15), whose 14 + 25 > 36: joins it
      ['a', -20, 64], // -20 + 9 + 25 <= 36 and [-20,-10) meets nothing: late
    ];
    for (const size of [1, 2, 4, 6]) {
      const { out, late, lateCount } = run(rows, size, 0, 25);
      expect(out).toEqual([
        ['+I', 'a', 0, 10, 1, 1, 1],
        ['-U', 'a', 0, 10, 1, 1, 1],
        ['+U', 'a', 0, 15, 2, 5, 4],
        ['-U', 'a', 0, 15, 2, 5, 4],
        ['+U', 'a', 0, 15, 3, 37, 32],
        ['+I', 'a', 30, 46, 3, 26, 16],
      ]);
      expect(late).toEqual([['a', -20, 64]]);
      expect(lateCount).toBe(1);
    }
  });

  it('a late row bridging two emitted sessions retracts both (-D the absorbed one, -U the survivor) and emits the merged one (+U)', () => {
    const rows: Row[] = [
      ['a', 0, 1], // [0,10)
      ['a', 15, 2], // [15,25)
      ['a', 50, 4], // W -> 50: both fire (+I, +I)
      ['a', 8, 8], // [8,18) bridges them: [0,25), complete: changes at once
    ];
    for (const size of [1, 3, 4]) {
      expect(run(rows, size, 0, 100).out).toEqual([
        ['+I', 'a', 0, 10, 1, 1, 1],
        ['+I', 'a', 15, 25, 1, 2, 2],
        ['-D', 'a', 15, 25, 1, 2, 2],
        ['-U', 'a', 0, 10, 1, 1, 1],
        ['+U', 'a', 0, 25, 3, 11, 8],
        ['+I', 'a', 50, 60, 1, 4, 4],
      ]);
    }
  });

  it('a late row bridging a kept session with an open one: the merged session is open, its changes wait for its completion', () => {
    const { op, sink } = makeSessionChangelogOp(GAP, { allowedLatenessMs: 100 });
    op.processBatch(rowBatch([['a', 0, 1], ['a', 15, 2]], new Float64Array([-Infinity, 0])), 0);
    op.onWatermark(15); // [0,10) fires; [15,25) is open
    expect(sink.rows).toEqual([['+I', 'a', 0, 10, 1, 1, 1]]);
    op.processBatch(rowBatch([['a', 8, 4]], new Float64Array([15])), 0); // [0,25): open (24 > 15)
    expect(sink.rows).toHaveLength(1);
    op.onWatermark(24);
    expect(sink.rows.slice(1)).toEqual([
      ['-U', 'a', 0, 10, 1, 1, 1],
      ['+U', 'a', 0, 25, 3, 7, 4],
    ]);
  });

  it('a row within the allowance that overlaps nothing is a new, already complete session: +I at once', () => {
    expect(run([['a', 0, 1], ['a', 50, 2], ['a', 30, 4]], 3, 0, 100).out).toEqual([
      ['+I', 'a', 0, 10, 1, 1, 1],
      ['+I', 'a', 30, 40, 1, 4, 4],
      ['+I', 'a', 50, 60, 1, 2, 2],
    ]);
  });

  it('a row re-opening a kept session (its end passes W + 1) waits for the new end', () => {
    const { op, sink } = makeSessionChangelogOp(GAP, { allowedLatenessMs: 100 });
    op.processBatch(rowBatch([['a', 0, 1]], null), 0);
    op.onWatermark(12); // [0,10) fires
    op.processBatch(rowBatch([['a', 6, 2]], new Float64Array([12])), 0); // [0,16): 15 > 12, open again
    expect(sink.rows).toEqual([['+I', 'a', 0, 10, 1, 1, 1]]);
    op.onWatermark(15);
    expect(sink.rows.slice(1)).toEqual([
      ['-U', 'a', 0, 10, 1, 1, 1],
      ['+U', 'a', 0, 16, 2, 3, 2],
    ]);
  });

  it('a purged session is gone: a row within the allowance overlapping its region starts a new session', () => {
    const late: Row[] = [];
    const { op, sink } = makeSessionChangelogOp(GAP, { allowedLatenessMs: 5, onLateRow: (r) => late.push(r) });
    op.processBatch(rowBatch([['a', 0, 1]], null), 0);
    op.onWatermark(14); // [0,10) fires and, at 9 + 5, is purged
    op.processBatch(rowBatch([['a', 8, 2], ['a', -3, 4]], new Float64Array([14, 14])), 0); // 8 + 9 + 5 = 22 > 14; -3 + 14 <= 14 and [-3,7) meets no live session: late
    op.onEnd();
    expect(sink.rows).toEqual([
      ['+I', 'a', 0, 10, 1, 1, 1],
      ['+I', 'a', 8, 18, 1, 2, 2],
    ]);
    expect(late).toEqual([['a', -3, 4]]);
  });

  it('keeps a session (and what it emitted) until W >= end - 1 + allowed, then frees it', () => {
    const { op, backend } = makeSessionChangelogOp(GAP, { allowedLatenessMs: 5 });
    op.processBatch(rowBatch([['a', 0, 1], ['b', 100, 1]], null), 0);
    op.onWatermark(9); // a fires
    expect(backend.size()).toBe(2);
    op.onWatermark(13);
    expect(backend.size()).toBe(2);
    op.onWatermark(14); // 10 - 1 + 5
    expect(backend.size()).toBe(1);
    op.onEnd();
    expect(backend.size()).toBe(0);
  });

});

describe('SESSION with allowed lateness: random rows against the reference', () => {
  it('rows with stragglers: folds to the reference sessions, late rows are the reference’s, the output is independent of the batch size', () => {
    let updates = 0;
    let absorbed = 0;
    let late = 0;
    fc.assert(
      fc.property(disorderedArb, fc.integer({ min: 2, max: 9 }), fc.constantFrom(0, 3), fc.constantFrom(0, 10, 30), (rows, size, delay, allowed) => {
        const ref = referenceSessions(GAP, rows, delay, allowed);
        const one = run(rows, 1, delay, allowed);
        const some = run(rows, size, delay, allowed);
        expect(some.out).toEqual(one.out);
        expect(sortedRows(materializeSessions(one.out))).toEqual(ref.table);
        expect(one.late).toEqual(ref.late);
        expect(one.lateCount).toBe(ref.late.length);
        if (allowed === 0) {
          // Without an allowance the changelog is the append-only result with +I in front.
          expect(one.out.every((r) => r[0] === '+I')).toBe(true);
          expect(multiset(one.out.map((r) => r.slice(1)))).toEqual(multiset(runOnce({ kind: 'session', gap: GAP }, rows, 1, delay).rows));
        }
        updates += one.out.filter((r) => r[0] === '-U').length;
        absorbed += one.out.filter((r) => r[0] === '-D').length;
        late += ref.late.length;
      }),
      { numRuns: 300 },
    );
    // The property exercised what it is about: updates of fired sessions, merges of emitted ones, late rows.
    expect(updates).toBeGreaterThan(200);
    expect(absorbed).toBeGreaterThan(10);
    expect(late).toBeGreaterThan(200);
  });

  it('uniformly random rows (wild disorder, NULL times): folds to the reference, late rows are the reference’s', () => {
    let late = 0;
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 80 }), fc.integer({ min: 1, max: 9 }), fc.constantFrom(0, 3, 8), fc.constantFrom(0, 4, 15, 40), (rows, size, delay, allowed) => {
        const ref = referenceSessions(GAP, rows, delay, allowed);
        const got = run(rows, size, delay, allowed);
        expect(sortedRows(materializeSessions(got.out))).toEqual(ref.table);
        expect(got.late).toEqual(ref.late);
        late += ref.late.length;
      }),
      { numRuns: 300 },
    );
    expect(late).toBeGreaterThan(100);
  });

  it('a restore mid-run emits exactly what an uninterrupted run emits', () => {
    fc.assert(
      fc.property(fc.oneof(disorderedArb, fc.array(rowArb, { minLength: 1, maxLength: 60 })), fc.integer({ min: 1, max: 7 }), fc.constantFrom(0, 3, 12), fc.constantFrom(1, 10, 30), fc.nat(), (rows, size, delay, allowed, cut) => {
        const plain = run(rows, size, delay, allowed);
        const restored = runSessionChangelogWithRestore(GAP, { allowedLatenessMs: allowed }, rows, size, delay, cut);
        expect(restored.rows).toEqual(plain.out);
        expect(restored.late).toBe(plain.lateCount);
      }),
      { numRuns: 200 },
    );
  });
});
