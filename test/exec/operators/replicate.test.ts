import { describe, expect, it } from 'vitest';
import { rowBatch } from '../../../src/exec/batch.js';
import { CollectSink } from '../../../src/exec/operators/collect.js';
import { ReplicateOperator } from '../../../src/exec/operators/replicate.js';

describe('ReplicateOperator', () => {
  it('repeats +I / -D k times without the count, an update pair as its net change, other changes as they are', () => {
    const op = new ReplicateOperator('r', 1);
    const sink = new CollectSink();
    op.connect(sink);
    op.processBatch(
      rowBatch([
        ['+I', 2, 'a', null],
        ['+I', 0, 'z', 1],
        // 2 -> 3 copies: one more.
        ['-U', 2, 'a', null],
        ['+U', 3, 'a', null],
        // 3 -> 1: two go.
        ['-U', 3, 'a', null],
        ['+U', 1, 'a', null],
        // An update of another row (not this plan's shape, but kept whole): both halves repeated.
        ['-U', 1, 'b', 1],
        ['+U', 2, 'c', 1],
        ['-D', 1, 'a', null],
      ]),
      0,
    );
    expect(sink.rows).toEqual([
      ['+I', 'a', null],
      ['+I', 'a', null],
      ['+I', 'a', null],
      ['-D', 'a', null],
      ['-D', 'a', null],
      ['-U', 'b', 1],
      ['+U', 'c', 1],
      ['+U', 'c', 1],
      ['-D', 'a', null],
    ]);
    // Copies are separate arrays.
    expect(sink.rows[0]).not.toBe(sink.rows[1]);
  });
});
