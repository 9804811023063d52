import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../../src/common/types.js';
import { rowBatch } from '../../../src/exec/batch.js';
import { CollectSink } from '../../../src/exec/operators/collect.js';
import { IntervalJoinOperator, type IntervalJoinSpec } from '../../../src/exec/operators/interval-join.js';
import { KeyedStateBackend } from '../../../src/exec/state/index.js';
import type { JoinType } from '../../../src/parser/ast.js';
import { col, contextFor } from '../helpers.js';

// Rows [k, ts] on both sides; leftTime - rightTime in [-100, 0]: a right row at most 100 ms after its left row.
const spec = (joinType: JoinType): IntervalJoinSpec => ({
  uid: 'join-0',
  joinType,
  leftKeys: [col(0, 'INT')],
  rightKeys: [col(0, 'INT')],
  interval: { leftTime: 1, rightTime: 1, lower: -100, upper: 0 },
  leftWidth: 2,
  rightWidth: 2,
});

function make(type: JoinType, backend = new KeyedStateBackend()) {
  const lateRows: Row[] = [];
  const op = new IntervalJoinOperator(spec(type), contextFor(backend, 'join-0'), [(r) => lateRows.push(r), null]);
  const sink = new CollectSink();
  const watermarks: number[] = [];
  op.connect({ ...sink, data: (b) => sink.data(b), watermark: (w) => watermarks.push(w), idle: () => {}, barrier: () => {}, end: () => {} });
  return { op, sink, backend, watermarks, lateRows };
}

describe('IntervalJoinOperator', () => {
  it('frees a row once the watermark passes its bound, emitting an unmatched outer row then; holds the watermark back by the bound', () => {
    const { op, sink, watermarks } = make('left');
    op.processBatch(rowBatch([[1, 1000], [2, 1000]]), 0);
    op.processBatch(rowBatch([[1, 1050]]), 1);
    expect(sink.rows).toEqual([[1, 1000, 1, 1050]]);
    op.onWatermark(1099); // left rows at 1000 can still match right rows at 1100; the right row (1050) only left rows up to 1050
    expect(op.liveRows).toBe(2);
    expect(sink.rows).toHaveLength(1);
    op.onWatermark(1100);
    expect(sink.rows).toEqual([[1, 1000, 1, 1050], [2, 1000, null, null]]);
    expect(op.liveRows).toBe(0);
    expect(watermarks).toEqual([999, 1000]);
  });

  it('a row at or below the watermark is late: counted, routed, dropped', () => {
    const { op, sink, lateRows } = make('left');
    op.onWatermark(500);
    op.processBatch(rowBatch([[1, 500], [1, 501]]), 0);
    expect(op.lateRows).toBe(1);
    expect(lateRows).toEqual([[1, 500]]);
    op.onEnd();
    expect(sink.rows).toEqual([[1, 501, null, null]]);
  });

  it('live state stays proportional to the rows inside the bound over a long run', () => {
    const { op, sink } = make('full');
    let maxLive = 0;
    for (let t = 0; t < 50_000; t += 5) {
      op.processBatch(rowBatch([[t % 4, t]]), (t / 5) % 2);
      op.onWatermark(t - 10);
      maxLive = Math.max(maxLive, op.liveRows);
    }
    // 100 ms of rows (20) plus the 10 ms watermark delay: about 22 rows live.
    expect(maxLive).toBeLessThanOrEqual(24);
    expect(sink.rows.length).toBeGreaterThan(5000);
  });

  it('snapshot + restore into a fresh operator + continue == uninterrupted run', () => {
    const step = fc.record({ side: fc.integer({ min: 0, max: 1 }), k: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 6 }), dt: fc.integer({ min: 0, max: 60 }), wm: fc.boolean() });
    fc.assert(
      fc.property(fc.constantFrom<JoinType>('inner', 'left', 'right', 'full'), fc.array(step, { maxLength: 40 }), fc.nat(), (type, steps, cutAt) => {
        const cut = cutAt % (steps.length + 1);
        const drive = (op: IntervalJoinOperator, from: number, to: number): void => {
          let t = 0;
          for (let i = 0; i < to; i++) {
            const s = steps[i]!;
            t += s.dt;
            if (i < from) continue;
            op.processBatch(rowBatch([[s.k, t + 100]]), s.side);
            if (s.wm) op.onWatermark(t);
          }
        };
        const whole = make(type);
        drive(whole.op, 0, steps.length);
        whole.op.onEnd();
        const first = make(type);
        drive(first.op, 0, cut);
        const second = make(type);
        second.backend.restore(first.backend.snapshotAll());
        second.op.restoreState(JSON.parse(JSON.stringify(first.op.snapshotState())));
        drive(second.op, cut, steps.length);
        second.op.onEnd();
        expect([...first.sink.rows, ...second.sink.rows]).toEqual(whole.sink.rows);
      }),
      { seed: 5, numRuns: 200 },
    );
  });
});
