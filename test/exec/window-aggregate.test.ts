import fc from 'fast-check';
import { rowBatch } from '../../src/exec/batch.js';
import { describe, expect, it } from 'vitest';
import type { StateChunk } from '../../src/checkpoint/types.js';
import type { Row } from '../../src/common/types.js';
import { compileExpr } from '../../src/exec/expr-compiler.js';
import { CollectSink } from '../../src/exec/operators/collect.js';
import { WindowAggregateOperator, type WindowAggregateSpec } from '../../src/exec/operators/window-aggregate.js';
import { KeyedStateBackend } from '../../src/exec/state/index.js';
import { assignerFor } from '../../src/exec/windows/assigner-for.js';
import { agg, bin, col, computeWatermarks, contextFor, lit } from './helpers.js';

// Input rows: [user VARCHAR, ts TIMESTAMP, v INT]
const spec: WindowAggregateSpec = {
  uid: 'agg1',
  window: { kind: 'tumble', size: 10, offset: 0 },
  timeIndex: 1,
  keys: [col(0, 'VARCHAR')],
  aggs: [agg('COUNT_STAR'), agg('SUM', col(2, 'INT')), agg('MAX', col(2, 'INT'))],
};
// WATERMARK FOR ts AS ts - 5
const wmFn = compileExpr(bin('-', col(1, 'TIMESTAMP'), lit(5, 'INTERVAL'), 'TIMESTAMP'));

function makeOp(s = spec, backend = new KeyedStateBackend()) {
  const op = new WindowAggregateOperator(s, contextFor(backend, s.uid));
  const sink = new CollectSink();
  op.connect(sink);
  return { op, sink, backend };
}

/** The driver loop: batches of `size`, a watermark signal after each batch, end at the end. */
function feed(op: WindowAggregateOperator, rows: Row[], size: number, w0 = -Infinity, end = true): number {
  let w = w0;
  for (let i = 0; i < rows.length; i += size) {
    const batch = rows.slice(i, i + size);
    const { wm, after } = computeWatermarks(batch, wmFn, w);
    op.processBatch(rowBatch(batch, wm), 0);
    if (after > w) op.onWatermark(after);
    w = after;
  }
  if (end) op.onEnd();
  return w;
}

const scenario: Row[] = [
  ['a', 1, 10],
  ['b', 3, 20],
  ['a', 12, 5], // W -> 7
  ['b', 8, 1], // arrives at W=7: window [0,10) is not complete (9 > 7), added
  ['a', 16, null], // W -> 11: [0,10) completes
  ['a', 2, 100], // arrives at W=11 >= 9: late
  ['c', 19, 7], // W -> 14
  ['c', null, 1], // NULL event time
  ['b', 25, 3], // W -> 20: [10,20) completes
];
const expected: Row[] = [
  ['a', 0, 10, 1, 10, 10],
  ['b', 0, 10, 2, 21, 20],
  ['a', 10, 20, 2, 5, 5],
  ['c', 10, 20, 1, 7, 7],
  ['b', 20, 30, 1, 3, 3],
];

describe('WindowAggregateOperator', () => {
  it('hand-computed scenario: disorder, late and NULL-time rows, output order', () => {
    const { op, sink } = makeOp();
    feed(op, scenario, 1);
    expect(sink.rows).toEqual(expected);
    expect(op.lateRows).toBe(1);
    expect(op.nullTimeRows).toBe(1);
    expect(sink.ended).toBe(true);
    expect(sink.batches.every((b) => b.wm === null)).toBe(true);
  });

  it('fires exactly when W >= window_end - 1, before forwarding the watermark', () => {
    const { op, sink } = makeOp();
    op.processBatch(rowBatch([['a', 0, 1], ['a', 9, 2], ['a', 10, 4]], new Float64Array([-Infinity, -Infinity, -Infinity])), 0);
    op.onWatermark(8.5);
    expect(sink.rows).toEqual([]);
    op.onWatermark(9);
    expect(sink.rows).toEqual([['a', 0, 10, 2, 3, 2]]);
    expect(sink.watermarks).toEqual([8.5, 9]);
    op.onWatermark(18);
    expect(sink.rows).toHaveLength(1);
    op.onEnd();
    expect(sink.rows).toEqual([['a', 0, 10, 2, 3, 2], ['a', 10, 20, 1, 4, 4]]);
  });

  it('a row is late exactly when wm before it >= window_end - 1', () => {
    const { op, sink } = makeOp();
    op.processBatch(rowBatch([['a', 5, 1], ['b', 5, 1]], new Float64Array([8.999, 9])), 0);
    op.onEnd();
    expect(sink.rows).toEqual([['a', 0, 10, 1, 1, 1]]);
    expect(op.lateRows).toBe(1);
  });

  it('end of input fires every open window in (end, start) order', () => {
    const { op, sink } = makeOp();
    op.processBatch(rowBatch([['x', 35, 1], ['y', 5, 1], ['x', 15, 1], ['y', 36, 1]], null), 0);
    expect(sink.rows).toEqual([]);
    op.onEnd();
    expect(sink.rows.map((r) => [r[0], r[1]])).toEqual([['y', 0], ['x', 10], ['x', 30], ['y', 30]]);
  });

  it('supports composite keys and no keys, and negative timestamps', () => {
    const multi = makeOp({ ...spec, keys: [col(0, 'VARCHAR'), bin('%', col(2, 'INT'), lit(2))] });
    multi.op.processBatch(rowBatch([['a', -3, 1], ['a', -4, 2], ['a', -5, 3]], null), 0);
    multi.op.onEnd();
    expect(multi.sink.rows).toEqual([
      ['a', 1, -10, 0, 2, 4, 3],
      ['a', 0, -10, 0, 1, 2, 2],
    ]);
    const global = makeOp({ ...spec, keys: [] });
    global.op.processBatch(rowBatch([['a', 1, 1], ['b', 2, 2]], null), 0);
    global.op.onEnd();
    expect(global.sink.rows).toEqual([[0, 10, 2, 3, 2]]);
  });

  it('checkpoints the same non-keyed fields as before the processors (a checkpoint of either kind restores)', () => {
    const slicing = makeOp();
    slicing.op.processBatch(rowBatch([['a', 1, 1], ['a', null, 2]], null), 0);
    expect(slicing.op.snapshotState()).toEqual({ late: 0, nullTime: 1, firedW: -Infinity });
    const session = makeOp({ ...spec, window: { kind: 'session', gap: 10 } });
    session.op.processBatch(rowBatch([['a', 1, 1], ['b', 2, 2]], null), 0);
    const saved = session.op.snapshotState();
    expect(saved).toEqual({ late: 0, nullTime: 0, nextBorn: 2, firedW: -Infinity });
    const restored = makeOp({ ...spec, window: { kind: 'session', gap: 10 } });
    expect(() => restored.op.restoreState({ ...(saved as object), nextBorn: -1 })).toThrow(/checkpoint state of operator agg1 is damaged: field 'nextBorn' should be a count/);
  });

  it('runs SESSION windows too (its merging processor), while the slice assigner refuses them', () => {
    const { op, sink } = makeOp({ ...spec, window: { kind: 'session', gap: 10 } });
    op.processBatch(rowBatch([['a', 1, 1], ['a', 8, 2], ['b', 3, 5], ['a', 30, 4]], null), 0);
    op.onEnd();
    expect(sink.rows).toEqual([
      ['b', 3, 13, 1, 5, 5],
      ['a', 1, 18, 2, 3, 2],
      ['a', 30, 40, 1, 4, 4],
    ]);
    expect(() => assignerFor({ kind: 'session', gap: 10 })).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});

const rowArb = fc.tuple(
  fc.constantFrom('a', 'b', 'c', 'd'),
  fc.option(fc.integer({ min: 0, max: 120 }), { nil: null, freq: 20 }),
  fc.option(fc.integer({ min: -50, max: 50 }), { nil: null, freq: 5 }),
) as fc.Arbitrary<Row>;

function runOnce(rows: Row[], size: number) {
  const { op, sink } = makeOp();
  feed(op, rows, size);
  return { rows: sink.rows, late: op.lateRows, nullTime: op.nullTimeRows };
}

describe('determinism', () => {
  it('output is independent of the batch size (1, 7, all at once)', () => {
    expect(runOnce(scenario, 7).rows).toEqual(expected);
    expect(runOnce(scenario, scenario.length).rows).toEqual(expected);
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 80 }), (rows) => {
        const one = runOnce(rows, 1);
        expect(runOnce(rows, 7)).toEqual(one);
        expect(runOnce(rows, Math.max(1, rows.length))).toEqual(one);
      }),
      { numRuns: 200 },
    );
  });

  it('restores accumulators holding non-finite and -0 doubles, strings and NULLs exactly', () => {
    const dspec: WindowAggregateSpec = {
      ...spec,
      aggs: [agg('SUM', col(2, 'DOUBLE')), agg('MIN', col(2, 'DOUBLE')), agg('MAX', col(0, 'VARCHAR')), agg('AVG', col(2, 'DOUBLE'))],
    };
    const rows: Row[] = [
      ['a', 1, -0],
      ['b', 2, Infinity],
      ['c', 3, null],
      ['a', 4, -0],
      ['d', 5, NaN],
      ['b', 6, 0.1],
      ['ü✓', 7, -Infinity],
    ];
    const whole = makeOp(dspec);
    feed(whole.op, rows, rows.length);
    const first = makeOp(dspec);
    first.op.processBatch(rowBatch(rows.slice(0, 4), null), 0);
    const chunks = first.backend.snapshotAll();
    const second = makeOp(dspec);
    second.backend.restore(chunks);
    second.op.processBatch(rowBatch(rows.slice(4), null), 0);
    second.op.onEnd();
    expect(second.sink.rows).toEqual(whole.sink.rows);
    expect(Object.is(second.sink.rows.find((r) => r[0] === 'a')![3], -0)).toBe(true);
  });

  it('snapshot in the middle + restore into a fresh backend and operator + continue == uninterrupted run', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 9 }), fc.nat(), (rows, size, cutSeed) => {
        const full = runOnce(rows, size);

        const nBatches = Math.ceil(rows.length / size);
        const cut = (cutSeed % nBatches) * size; // a batch boundary is a consistent cut
        const first = makeOp();
        // Checkpoints after every batch of the first part: incremental chunks, in order.
        const chunks: StateChunk[] = [];
        let w = -Infinity;
        for (let i = 0; i < cut; i += size) {
          w = feed(first.op, rows.slice(i, i + size), size, w, false);
          chunks.push(...first.backend.snapshotChanged());
        }
        const meta = first.op.snapshotState();

        const second = makeOp();
        second.backend.restore(chunks);
        second.op.restoreState(meta);
        feed(second.op, rows.slice(cut), size, w);
        expect([...first.sink.rows, ...second.sink.rows]).toEqual(full.rows);
        expect(second.op.lateRows).toBe(full.late);
        expect(second.op.nullTimeRows).toBe(full.nullTime);
      }),
      { numRuns: 200 },
    );
  });
});
