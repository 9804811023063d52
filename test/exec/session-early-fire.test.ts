/**
 * Early fire on SESSION windows: every delay of processing time each open session that changed
 * since it last emitted emits +I (first) or -U/+U; a session that absorbed an emitted one
 * retracts it with -D first; the final firing emits only what changed since the last early one.
 * Time is a fake clock handed to the operator, so these runs are deterministic.
 */
import fc from 'fast-check';
import { rowBatch } from '../../src/exec/batch.js';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/types.js';
import { feed } from './windows/harness.js';
import { makeSessionChangelogOp, materializeSessions, referenceSessions, sortedRows } from './session-changelog-harness.js';

const GAP = 10;
const noWm = (n: number): Float64Array => new Float64Array(n).fill(-Infinity);

function clocked(delay: number, allowed = 0) {
  let t = 1000;
  const h = makeSessionChangelogOp(GAP, { earlyFireDelayMs: delay, allowedLatenessMs: allowed, now: () => t });
  return { ...h, tick: (ms: number) => (t += ms) };
}

describe('SESSION early fire', () => {
  it('emits open sessions every delay: +I first, -U/+U on change, -D for an absorbed session, nothing when unchanged or final', () => {
    const { op, sink, tick, backend } = clocked(100);
    op.processBatch(rowBatch([['a', 0, 1], ['a', 30, 2]], noWm(2)), 0);
    expect(sink.rows).toEqual([]); // the delay has not passed
    tick(100);
    op.onTick();
    expect(sink.rows).toEqual([
      ['+I', 'a', 0, 10, 1, 1, 1],
      ['+I', 'a', 30, 40, 1, 2, 2],
    ]);
    // [15,25) is new; [22,32) bridges it with [30,40): [15,40); [4,14) extends [0,10) to [0,14) (and stops short of touching [15,40)).
    op.processBatch(rowBatch([['a', 15, 4], ['a', 22, 8], ['a', 4, 16]], noWm(3)), 0);
    tick(100);
    op.onTick();
    expect(sink.rows.slice(2)).toEqual([
      ['-U', 'a', 0, 10, 1, 1, 1],
      ['+U', 'a', 0, 14, 2, 17, 16],
      ['-U', 'a', 30, 40, 1, 2, 2], // the survivor of [15,25) (never emitted) and [30,40)
      ['+U', 'a', 15, 40, 3, 14, 8],
    ]);
    op.processBatch(rowBatch([['a', 12, 0]], noWm(1)), 0); // [12,22) bridges [0,14) and [15,40)
    tick(100);
    op.onTick();
    expect(sink.rows.slice(6)).toEqual([
      ['-D', 'a', 15, 40, 3, 14, 8],
      ['-U', 'a', 0, 14, 2, 17, 16],
      ['+U', 'a', 0, 40, 6, 31, 16],
    ]);
    tick(100);
    op.onTick();
    expect(sink.rows).toHaveLength(9); // nothing changed
    op.onWatermark(39); // [0,40) completes: its last early result is final
    expect(sink.rows).toHaveLength(9);
    expect(backend.size()).toBe(0); // no allowed lateness: the session and what it emitted are gone
    op.processBatch(rowBatch([['a', 100, 1]], new Float64Array([39])), 0);
    op.onEnd(); // never fired early: +I at completion
    expect(sink.rows.slice(9)).toEqual([['+I', 'a', 100, 110, 1, 1, 1]]);
  });

  it('waits a full delay between firings; a batch boundary after the delay fires too; the final result updates a changed early one', () => {
    const { op, sink, tick } = clocked(100);
    op.processBatch(rowBatch([['a', 0, 1]], noWm(1)), 0);
    tick(150);
    op.processBatch(rowBatch([['b', 3, 2]], noWm(1)), 0); // the batch boundary fires early: both sessions
    expect(sink.rows).toEqual([
      ['+I', 'a', 0, 10, 1, 1, 1],
      ['+I', 'b', 3, 13, 1, 2, 2],
    ]);
    op.processBatch(rowBatch([['a', 4, 4]], noWm(1)), 0);
    tick(50);
    op.onTick(); // 50 ms since the last firing
    expect(sink.rows).toHaveLength(2);
    op.onWatermark(13); // both complete; a changed, b did not
    expect(sink.rows.slice(2)).toEqual([
      ['-U', 'a', 0, 10, 1, 1, 1],
      ['+U', 'a', 0, 14, 2, 5, 4],
    ]);
  });

  it('with allowed lateness too: a late row updates the kept session at once, an early fire does not repeat it', () => {
    const { op, sink, tick } = clocked(100, 50);
    op.processBatch(rowBatch([['a', 0, 1], ['a', 30, 2]], new Float64Array([-Infinity, 0])), 0);
    op.onWatermark(30); // [0,10) completes
    tick(100);
    op.processBatch(rowBatch([['a', 3, 4]], new Float64Array([30])), 0); // within the allowance: [0,13), complete
    expect(sink.rows).toEqual([
      ['+I', 'a', 0, 10, 1, 1, 1],
      ['-U', 'a', 0, 10, 1, 1, 1],
      ['+U', 'a', 0, 13, 2, 5, 4],
      ['+I', 'a', 30, 40, 1, 2, 2], // the early firing after the batch: only the open session
    ]);
  });

  it('with a clock ticking through random rows: folds to the final results (the lateness reference), early results and all', () => {
    let early = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 40 }), fc.option(fc.integer({ min: -9, max: 9 }), { nil: null })), { minLength: 10, maxLength: 100, size: 'large' }),
        fc.constantFrom(0, 3),
        fc.constantFrom(0, 10, 30),
        fc.integer({ min: 1, max: 6 }),
        (steps, delay, allowed, size) => {
          let t = 100;
          const rows = steps.map(([k, adv, straggler, dis, v]) => [k, (t += adv) - (straggler === 0 ? dis : 0), v] as Row);
          const { op, sink, tick } = clocked(10, allowed);
          let w = -Infinity;
          for (let i = 0; i < rows.length; i += size) {
            tick(4);
            w = feed(op, rows.slice(i, i + size), size, delay, w, false);
          }
          op.onEnd();
          const ref = referenceSessions(GAP, rows, delay, allowed);
          expect(sortedRows(materializeSessions(sink.rows))).toEqual(ref.table);
          early += sink.rows.length - ref.table.length;
        },
      ),
      { numRuns: 200 },
    );
    expect(early).toBeGreaterThan(500); // early firings happened (rows beyond one per final session)
  });
});
