import { describe, expect, it } from 'vitest';
import { objectLayout } from '../../../src/common/object-layout.js';
import { objectBatch, rowBatch } from '../../../src/exec/batch.js';
import { CollectSink } from '../../../src/exec/operators/collect.js';
import { ExpandOperator } from '../../../src/exec/operators/expand.js';
import { bin, col, lit } from '../helpers.js';

const wmOf = (...xs: number[]) => new Float64Array(xs);

describe('ExpandOperator', () => {
  it('emits each row once per set, row by row, with the ungrouped keys NULL, $e last, wm per copy', () => {
    // keys: a (col 0), b + 1 (col 1); sets ((a, b + 1), (a), ())
    const op = new ExpandOperator('e', [col(0, 'VARCHAR'), bin('+', col(1, 'INT'), lit(1))], [[0, 1], [0], []]);
    const sink = new CollectSink();
    op.connect(sink);
    op.processBatch(rowBatch([['x', 1], [null, 5]], wmOf(10, 20)), 0);
    expect(sink.rows).toEqual([
      ['x', 1, 'x', 2, 0],
      ['x', 1, 'x', null, 1],
      ['x', 1, null, null, 2],
      [null, 5, null, 6, 0],
      [null, 5, null, null, 1],
      [null, 5, null, null, 2],
    ]);
    expect([...sink.batches[0]!.wm!]).toEqual([10, 10, 10, 20, 20, 20]);
    op.onWatermark(15);
    expect(sink.watermarks).toEqual([15]);
  });

  it("keeps an updating row's op first in every copy; duplicate sets make duplicate copies", () => {
    const op = new ExpandOperator('e', [col(1, 'VARCHAR')], [[0], [0]]);
    const sink = new CollectSink();
    op.connect(sink);
    op.processBatch(rowBatch([['-U', 'k', 3]], null), 0);
    expect(sink.rows).toEqual([
      ['-U', 'k', 3, 'k', 0],
      ['-U', 'k', 3, 'k', 1],
    ]);
    expect(sink.batches[0]!.wm).toBeNull();
  });

  it('reads inserted objects as rows; an empty batch sends nothing', () => {
    const op = new ExpandOperator('e', [col(0, 'BIGINT')], [[0], []]);
    const sink = new CollectSink();
    op.connect(sink);
    op.processBatch(rowBatch([], null), 0);
    expect(sink.batches).toHaveLength(0);
    const layout = objectLayout({ columns: [{ name: 'id', type: 'BIGINT' }, { name: 'name', type: 'VARCHAR' }] }, ['id', 'name']);
    op.processBatch(objectBatch([{ id: 7, name: 'n' }], layout, null), 0);
    expect(sink.rows).toEqual([
      [7, 'n', 7, 0],
      [7, 'n', null, 1],
    ]);
  });
});
