import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../../src/common/types.js';
import { rowBatch } from '../../../src/exec/batch.js';
import { CollectSink } from '../../../src/exec/operators/collect.js';
import { WindowJoinOperator, type WindowJoinSpec } from '../../../src/exec/operators/window-join.js';
import { KeyedStateBackend } from '../../../src/exec/state/index.js';
import type { JoinType } from '../../../src/parser/ast.js';
import { col, contextFor } from '../helpers.js';

// Rows [k, window_end] on both sides, joined on k and the window.
const spec = (joinType: JoinType): WindowJoinSpec => ({
  uid: 'join-0',
  joinType,
  leftKeys: [col(0, 'INT'), col(1, 'TIMESTAMP')],
  rightKeys: [col(0, 'INT'), col(1, 'TIMESTAMP')],
  window: { leftEnd: 1, rightEnd: 1 },
  leftWidth: 2,
  rightWidth: 2,
});

function make(type: JoinType, backend = new KeyedStateBackend()) {
  const lateRows: Row[] = [];
  const op = new WindowJoinOperator(spec(type), contextFor(backend, 'join-0'), [null, (r) => lateRows.push(r)]);
  const sink = new CollectSink();
  op.connect({ ...sink, data: (b) => sink.data(b), watermark: () => {}, idle: () => {}, barrier: () => {}, end: () => {} });
  return { op, sink, backend, lateRows };
}

describe('WindowJoinOperator', () => {
  it('joins a window when W reaches end - 1 and frees it; a row for a complete window is late', () => {
    const { op, sink, lateRows } = make('full');
    op.processBatch(rowBatch([[1, 1000], [2, 1000], [1, 2000]]), 0);
    op.processBatch(rowBatch([[1, 1000], [3, 1000]]), 1);
    op.onWatermark(998);
    expect(sink.rows).toEqual([]);
    op.onWatermark(999);
    expect(sink.rows).toEqual([[1, 1000, 1, 1000], [2, 1000, null, null], [null, null, 3, 1000]]);
    expect(op.liveRows).toBe(1);
    op.processBatch(rowBatch([[1, 1000]]), 1);
    expect(op.lateRows).toBe(1);
    expect(lateRows).toEqual([[1, 1000]]);
    op.onEnd();
    expect(sink.rows.slice(3)).toEqual([[1, 2000, null, null]]);
    expect(op.liveRows).toBe(0);
  });

  it('snapshot + restore into a fresh operator + continue == uninterrupted run', () => {
    const step = fc.record({ side: fc.integer({ min: 0, max: 1 }), k: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 6 }), end: fc.integer({ min: 1, max: 6 }), wm: fc.boolean() });
    fc.assert(
      fc.property(fc.constantFrom<JoinType>('inner', 'left', 'right', 'full'), fc.array(step, { maxLength: 40 }), fc.nat(), (type, steps, cutAt) => {
        const cut = cutAt % (steps.length + 1);
        const drive = (op: WindowJoinOperator, from: number, to: number): void => {
          for (let i = from; i < to; i++) {
            const s = steps[i]!;
            op.processBatch(rowBatch([[s.k, (s.end + Math.floor(i / 8)) * 1000]]), s.side);
            if (s.wm) op.onWatermark(Math.floor(i / 8) * 1000 + 500);
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
      { seed: 9, numRuns: 200 },
    );
  });
});
