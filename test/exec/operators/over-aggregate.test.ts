import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../../src/common/types.js';
import { rowBatch } from '../../../src/exec/batch.js';
import { CollectSink } from '../../../src/exec/operators/collect.js';
import { OverAggregateOperator, type OverAggregateSpec } from '../../../src/exec/operators/over-aggregate.js';
import { KeyedStateBackend } from '../../../src/exec/state/index.js';
import type { AggCall } from '../../../src/planner/bound.js';
import { col, contextFor } from '../helpers.js';

// Input rows [k, v, ts]: SUM(v) OVER (PARTITION BY k ORDER BY ts <frame>).
const SUM: AggCall = { fn: 'SUM', arg: col(1, 'INT'), distinct: false, type: 'BIGINT', display: 'SUM(v)' };

function spec(unit: 'ROWS' | 'RANGE', preceding: number): OverAggregateSpec {
  return { uid: 'over-aggregate-0', partitionKeys: [col(0, 'VARCHAR')], timeIndex: 2, frame: { unit, preceding }, aggs: [SUM] };
}

function make(s: OverAggregateSpec, backend = new KeyedStateBackend()) {
  const late: Row[] = [];
  const ctx = { ...contextFor(backend, s.uid), lateRows: (r: Row) => void late.push(r) };
  const op = new OverAggregateOperator(s, ctx);
  const sink = new CollectSink();
  op.connect(sink);
  return { op, sink, backend, late };
}

const rows = (sink: CollectSink): Row[] => sink.rows.map((r) => [...r]);

describe('OverAggregateOperator', () => {
  it("emits rows when the watermark passes them, in time order; a row at or below its partition's last emitted time is late (Flink's lastTriggeringTs)", () => {
    const { op, sink, late } = make(spec('RANGE', 10));
    op.processBatch(rowBatch([['a', 1, 20], ['a', 2, 5], ['b', 4, 6]]), 0);
    op.onWatermark(10);
    expect(rows(sink)).toEqual([
      ['a', 2, 5, 2],
      ['b', 4, 6, 4],
    ]);
    // a@5 and b@6 were emitted: a@5 is late; b@8 is behind the watermark but after b's last emitted time, so it waits.
    op.processBatch(rowBatch([['a', 8, 5], ['a', 16, 15], ['b', 3, 8]]), 0);
    expect(op.lateRows).toBe(1);
    expect(late).toEqual([['a', 8, 5]]);
    op.onWatermark(30);
    // b@8: [-2, 8] → 4 + 3; a@15: [5, 15] → 2 + 16; a@20: [10, 20] → 16 + 1 (a@5 left the range).
    expect(rows(sink).slice(2)).toEqual([
      ['b', 3, 8, 7],
      ['a', 16, 15, 18],
      ['a', 1, 20, 17],
    ]);
  });

  it("a batch's per-row watermarks release rows before the next row arrives, so lateness does not depend on the batch size", () => {
    const { op, sink, late } = make(spec('ROWS', 1));
    // Row a@5 is released by the watermark 6 carried by the next row; a@4 after it is then late.
    op.processBatch(rowBatch([['a', 1, 5], ['a', 2, 7], ['a', 3, 4]], Float64Array.from([-Infinity, 6, 6])), 0);
    expect(rows(sink)).toEqual([['a', 1, 5, 1]]);
    expect(late).toEqual([['a', 3, 4]]);
    op.onWatermark(10);
    expect(rows(sink).slice(1)).toEqual([['a', 2, 7, 3]]);
  });
});

type Step = { readonly rows: Row[]; readonly wm: number };
const stepArb: fc.Arbitrary<Step> = fc.record({
  rows: fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 40 })), { maxLength: 4 }).map((rs) => rs.map((r) => [...r] as Row)),
  wm: fc.integer({ min: 0, max: 6 }),
});

describe('OverAggregateOperator: checkpoints', () => {
  it('snapshot between steps + restore into a fresh backend and operator + continue == uninterrupted run', () => {
    fc.assert(
      fc.property(fc.constantFrom<'ROWS' | 'RANGE'>('ROWS', 'RANGE'), fc.integer({ min: 0, max: 5 }), fc.array(stepArb, { minLength: 1, maxLength: 25 }), fc.nat(), (unit, preceding, steps, cutAt) => {
        const s = spec(unit, preceding);
        // Rows a little ahead of a rising watermark: some on time, some late.
        const run = (op: OverAggregateOperator, from: number, to: number): void => {
          for (let i = from; i < to; i++) {
            const base = i * 3;
            op.processBatch(rowBatch(steps[i]!.rows.map((r) => [r[0], r[1], base + (r[2] as number)])), 0);
            op.onWatermark(base + steps[i]!.wm);
          }
        };
        const cut = cutAt % (steps.length + 1);
        const whole = make(s);
        run(whole.op, 0, steps.length);
        whole.op.onEnd();
        const first = make(s);
        run(first.op, 0, cut);
        const chunks = first.backend.snapshotAll();
        const second = make(s);
        second.backend.restore(chunks);
        second.op.restoreState(JSON.parse(JSON.stringify(first.op.snapshotState())));
        run(second.op, cut, steps.length);
        second.op.onEnd();
        expect([...rows(first.sink), ...rows(second.sink)]).toEqual(rows(whole.sink));
        expect(second.op.lateRows).toBe(whole.op.lateRows);
        expect([...first.late, ...second.late]).toEqual(whole.late);
      }),
      { seed: 14, numRuns: 200 },
    );
  });
});
