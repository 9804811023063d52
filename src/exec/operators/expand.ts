import type { Row } from '../../common/types.js';
import type { BoundExpr } from '../../planner/bound.js';
import { asRowBatch, rowBatch, type Batch } from '../batch.js';
import { compileProjectLoop } from '../expr-compiler.js';
import { Operator } from '../operator.js';

/**
 * GROUPING SETS' Expand (Flink's StreamExecExpand): each input row, once per grouping set in set
 * order, as [...row, ...keys, $e] with the keys the set does not group NULL and $e the set's
 * position. Stateless: an updating input's op stays first in every copy, each copy keeps its row's
 * watermark, and watermarks pass through.
 */
export class ExpandOperator extends Operator {
  private readonly keyLoop: ReturnType<typeof compileProjectLoop>;
  /** Per set, per key: whether the set groups by it. */
  private readonly masks: readonly (readonly boolean[])[];

  constructor(
    uid: string,
    keys: readonly BoundExpr[],
    sets: readonly (readonly number[])[],
  ) {
    super(uid);
    this.keyLoop = compileProjectLoop(keys);
    this.masks = sets.map((s) => keys.map((_, i) => s.includes(i)));
  }

  processBatch(batch: Batch): void {
    const { rows, wm } = asRowBatch(batch);
    if (rows.length === 0) return;
    const keys = this.keyLoop(rows, wm);
    const sets = this.masks.length;
    const out: Row[] = new Array(rows.length * sets);
    const outWm = wm === null ? null : new Float64Array(rows.length * sets);
    let o = 0;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const k = keys[r]!;
      for (let s = 0; s < sets; s++) {
        const mask = this.masks[s]!;
        const copy: unknown[] = row.slice();
        for (let i = 0; i < mask.length; i++) copy.push(mask[i] ? k[i] : null);
        copy.push(s);
        if (outWm !== null) outWm[o] = wm![r]!;
        out[o++] = copy as Row;
      }
    }
    this.out.data(rowBatch(out, outWm));
  }
}
