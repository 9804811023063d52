import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../../src/common/types.js';
import { rowBatch } from '../../../src/exec/batch.js';
import { CollectSink } from '../../../src/exec/operators/collect.js';
import { TemporalJoinOperator, type TemporalJoinSpec } from '../../../src/exec/operators/temporal-join.js';
import { KeyedStateBackend } from '../../../src/exec/state/index.js';
import { col, contextFor } from '../helpers.js';

// Left rows [k, t, a]; right rows [k, t, b], or [op, k, t, b] when `rightUpdating`.
function spec(outer: boolean, rightUpdating = false): TemporalJoinSpec {
  const r = rightUpdating ? 1 : 0;
  return { uid: 'join-0', outer, leftKeys: [col(0, 'INT')], rightKeys: [col(r, 'INT')], leftTime: 1, rightTime: r + 1, leftWidth: 3, rightWidth: 3, rightUpdating };
}

function make(s: TemporalJoinSpec, backend = new KeyedStateBackend()) {
  const op = new TemporalJoinOperator(s, contextFor(backend, s.uid));
  const sink = new CollectSink();
  op.connect(sink);
  return { op, sink, backend };
}
const rows = (sink: CollectSink): Row[] => sink.rows.map((r) => [...r]);

describe('TemporalJoinOperator (golden)', () => {
  it('a row waits for the watermark, then joins the version valid at its time; LEFT pads a row with no version yet', () => {
    const { op, sink } = make(spec(true));
    op.processBatch(rowBatch([[1, 10, 'v1'], [1, 20, 'v2']]), 1);
    op.processBatch(rowBatch([[1, 15, 'a'], [1, 25, 'b'], [1, 5, 'c'], [2, 15, 'd']]), 0);
    expect(rows(sink)).toEqual([]);
    op.onWatermark(16);
    expect(rows(sink)).toEqual([
      [1, 5, 'c', null, null, null],
      [1, 15, 'a', 1, 10, 'v1'],
      [2, 15, 'd', null, null, null],
    ]);
    op.onEnd();
    expect(rows(sink).slice(3)).toEqual([[1, 25, 'b', 1, 20, 'v2']]);
  });

  it('an updating versioned table: -D ends the version, -U is ignored, +U makes a new one', () => {
    const { op, sink } = make(spec(false, true));
    op.processBatch(rowBatch([['+I', 1, 10, 'v1'], ['-U', 1, 20, 'v1'], ['+U', 1, 20, 'v2'], ['-D', 1, 30, 'v2']]), 1);
    op.processBatch(rowBatch([[1, 12, 'a'], [1, 22, 'b'], [1, 31, 'c']]), 0);
    op.onEnd();
    expect(rows(sink)).toEqual([
      [1, 12, 'a', 1, 10, 'v1'],
      [1, 22, 'b', 1, 20, 'v2'],
    ]);
  });

  it('state stays bounded: per key only the versions a future row can need, left rows freed when emitted', () => {
    const { op, sink } = make(spec(true));
    let maxLive = 0;
    for (let t = 0; t < 20_000; t += 10) {
      op.processBatch(rowBatch([[t % 5, t, 'r']]), 1);
      op.processBatch(rowBatch([[t % 7, t, 'l']]), 0);
      op.onWatermark(t - 100);
      maxLive = Math.max(maxLive, op.liveRows);
    }
    // Within the 100 ms delay: ~11 waiting left rows, ~11 versions ahead of W plus one per key.
    expect(maxLive).toBeLessThan(40);
    expect(sink.rows.length).toBeGreaterThan(1900);
  });
});

interface Step {
  readonly side: number;
  readonly batch: readonly (readonly [number | null, number])[];
  readonly wm: number;
}
const stepArb: fc.Arbitrary<Step> = fc.record({
  side: fc.integer({ min: 0, max: 1 }),
  batch: fc.array(fc.tuple(fc.option(fc.integer({ min: 0, max: 3 }), { freq: 5 }), fc.integer({ min: 0, max: 60 })), { minLength: 1, maxLength: 4 }),
  wm: fc.integer({ min: 0, max: 60 }),
});

describe('TemporalJoinOperator: checkpoints', () => {
  it('snapshot between batches + restore into a fresh backend and operator + continue == uninterrupted run', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(stepArb, { minLength: 1, maxLength: 30 }), fc.nat(), (outer, steps, cutAt) => {
        const s = spec(outer);
        const feed = (op: TemporalJoinOperator, x: Step, i: number): void => {
          op.processBatch(rowBatch(x.batch.map(([k, t]) => [k, t, `${x.side}-${i}`])), x.side);
          op.onWatermark(x.wm);
        };
        const cut = cutAt % (steps.length + 1);
        const whole = make(s);
        steps.forEach((x, i) => feed(whole.op, x, i));
        whole.op.onEnd();
        const first = make(s);
        steps.slice(0, cut).forEach((x, i) => feed(first.op, x, i));
        const second = make(s);
        second.backend.restore(first.backend.snapshotAll());
        second.op.restoreState(JSON.parse(JSON.stringify(first.op.snapshotState())));
        steps.slice(cut).forEach((x, i) => feed(second.op, x, i + cut));
        second.op.onEnd();
        expect([...rows(first.sink), ...rows(second.sink)]).toEqual(rows(whole.sink));
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});
