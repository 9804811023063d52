import { describe, expect, it } from 'vitest';
import { rowBatch } from '../../../src/exec/batch.js';
import { CollectSink } from '../../../src/exec/operators/collect.js';
import { UnnestOperator } from '../../../src/exec/operators/unnest.js';
import type { UnnestSpec } from '../../../src/planner/plan.js';
import { col } from '../helpers.js';

const wmOf = (...xs: number[]) => new Float64Array(xs);

function run(spec: UnnestSpec, rows: unknown[][], wm: Float64Array | null = null): { rows: unknown[][]; wm: number[] | null; watermarks: number[] } {
  const op = new UnnestOperator('u', spec);
  const sink = new CollectSink();
  op.connect(sink);
  op.processBatch(rowBatch(rows as never, wm), 0);
  op.onWatermark(99);
  const b = sink.batches[0];
  return { rows: sink.batches.flatMap((x) => x.rows), wm: b?.wm ? [...b.wm] : null, watermarks: sink.watermarks };
}

const arraySpec = (extra: Partial<UnnestSpec> = {}): UnnestSpec => ({ collection: col(1, 'ARRAY<INT>'), expand: 'element', width: 1, ordinality: false, outer: false, ...extra });

describe('UnnestOperator', () => {
  it('gives one row per element, copies wm per output row and forwards the watermark', () => {
    const r = run(arraySpec(), [[1, [10, 20]], [2, []], [3, null], [4, [null]]], wmOf(5, 6, 7, 8));
    expect(r.rows).toEqual([[1, [10, 20], 10], [1, [10, 20], 20], [4, [null], null]]);
    expect(r.wm).toEqual([5, 5, 8]);
    expect(r.watermarks).toEqual([99]);
  });

  it('WITH ORDINALITY appends the 1-based position; outer keeps empty and NULL collections', () => {
    const r = run(arraySpec({ ordinality: true, outer: true }), [[1, [7, 8]], [2, []], [3, null]]);
    expect(r.rows).toEqual([[1, [7, 8], 7, 1], [1, [7, 8], 8, 2], [2, [], null, null], [3, null, null, null]]);
  });

  it('expands a MAP into key and value, and ARRAY<ROW> into the row fields (a NULL row: NULL fields)', () => {
    const m = run({ collection: col(0, 'MAP<VARCHAR, INT>'), expand: 'mapEntries', width: 2, ordinality: false, outer: false }, [[new Map<unknown, unknown>([['a', 1], ['b', 2]])]]);
    expect(m.rows.map((x) => x.slice(1))).toEqual([['a', 1], ['b', 2]]);
    const rows = run({ collection: col(0, 'ARRAY<ROW<sku VARCHAR, qty INT>>'), expand: 'rowFields', width: 2, ordinality: false, outer: false }, [[[['p1', 2], null]]]);
    expect(rows.rows.map((x) => x.slice(1))).toEqual([['p1', 2], [null, null]]);
  });

  it('over an updating input every change expands to as many changes of the same kind', () => {
    const spec = arraySpec({ collection: col(2, 'ARRAY<INT>') });
    const r = run(spec, [['+I', 'k', [1, 2]], ['-U', 'k', [1, 2]], ['+U', 'k', [3]], ['-D', 'k', [3]]]);
    expect(r.rows.map((x) => [x[0], x[3]])).toEqual([['+I', 1], ['+I', 2], ['-U', 1], ['-U', 2], ['+U', 3], ['-D', 3]]);
  });
});
