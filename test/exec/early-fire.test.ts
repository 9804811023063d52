/**
 * Early fire: partial results of open windows every delay of processing time, as a changelog
 * (+I first, -U/+U when changed, nothing when unchanged), the final result at completion a -U/+U
 * or nothing. Time is a fake clock handed to the operator, so these runs are deterministic.
 */
import { describe, expect, it } from 'vitest';
import { rowBatch } from '../../src/exec/batch.js';
import type { Row } from '../../src/common/types.js';
import type { WindowSpec } from '../../src/planner/bound.js';
import { feed, runOnce } from './windows/harness.js';
import { makeChangelogOp, materialize } from './late-changelog-harness.js';

const tumble: WindowSpec = { kind: 'tumble', size: 10, offset: 0 };
const noWm = (n: number) => new Float64Array(n).fill(-Infinity);

function clocked(window: WindowSpec, delay: number, allowed = 0) {
  let t = 1000;
  const h = makeChangelogOp(window, { earlyFireDelayMs: delay, allowedLatenessMs: allowed, now: () => t });
  return { ...h, tick: (ms: number) => (t += ms) };
}

describe('early fire', () => {
  it('emits partial results every delay, updates only what changed, and the final result as an update', () => {
    const { op, sink, tick, backend } = clocked(tumble, 100);
    op.processBatch(rowBatch([['a', 1, 1], ['b', 2, 2]], noWm(2)), 0);
    expect(sink.rows).toEqual([]); // the delay has not passed
    tick(100);
    op.onTick();
    expect(sink.rows).toEqual([
      ['+I', 'a', 0, 10, 1, 1, 1],
      ['+I', 'b', 0, 10, 1, 2, 2],
    ]);
    op.processBatch(rowBatch([['a', 3, 4]], noWm(1)), 0);
    tick(50);
    op.onTick();
    expect(sink.rows).toHaveLength(2); // 50 ms since the last early firing
    tick(50);
    op.onTick();
    expect(sink.rows.slice(2)).toEqual([
      ['-U', 'a', 0, 10, 1, 1, 1],
      ['+U', 'a', 0, 10, 2, 5, 4],
    ]);
    tick(100);
    op.onTick();
    expect(sink.rows).toHaveLength(4); // nothing changed
    op.processBatch(rowBatch([['b', 4, 8]], noWm(1)), 0);
    op.onWatermark(9); // completes [0,10): b changed since its early result, a did not
    expect(sink.rows.slice(4)).toEqual([
      ['-U', 'b', 0, 10, 1, 2, 2],
      ['+U', 'b', 0, 10, 2, 10, 8],
    ]);
    expect(backend.size()).toBe(0); // no allowed lateness: the window and its emitted results are gone
  });

  it('a batch boundary after the delay fires early too, and a window never fired early emits +I at completion', () => {
    const { op, sink, tick } = clocked(tumble, 100);
    op.processBatch(rowBatch([['a', 1, 1]], noWm(1)), 0);
    tick(150);
    op.processBatch(rowBatch([['a', 12, 2]], noWm(1)), 0);
    expect(sink.rows).toEqual([
      ['+I', 'a', 0, 10, 1, 1, 1],
      ['+I', 'a', 10, 20, 1, 2, 2],
    ]);
    op.processBatch(rowBatch([['c', 25, 3]], new Float64Array([19])), 0);
    op.onEnd();
    expect(sink.rows.slice(2)).toEqual([['+I', 'c', 20, 30, 1, 3, 3]]);
  });

  it('HOP with early fire and allowed lateness materializes to the final results of the append-only query', () => {
    const hop: WindowSpec = { kind: 'hop', slide: 5, size: 10, offset: 0 };
    const rows: Row[] = [];
    for (let i = 0; i < 200; i++) rows.push([['a', 'b', 'c'][i % 3]!, (i * 7) % 97, i % 11]);
    const { op, sink, tick } = clocked(hop, 10, 0);
    let w = -Infinity;
    for (let i = 0; i < rows.length; i += 7) {
      tick(4);
      w = feed(op, rows.slice(i, i + 7), 7, 3, w, false);
    }
    op.onEnd();
    const finals = runOnce(hop, rows, 7, 3).rows;
    const table = materialize(sink.rows);
    expect([...table.values()].sort()).toEqual(finals.sort());
    expect(sink.rows.some((r) => r[0] === '-U')).toBe(true);
    expect(op.lateRows).toBeGreaterThan(0);
  });
});
