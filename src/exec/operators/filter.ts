import type { Row } from '../../common/types.js';
import type { BoundExpr } from '../../planner/bound.js';
import type { Batch } from '../batch.js';
import { compilePredicate } from '../expr-compiler.js';
import { Operator } from '../operator.js';

/** WHERE: passes rows whose predicate is TRUE, keeping `wm` aligned with the kept rows; the predicate sees each row's watermark (CURRENT_WATERMARK). */
export class FilterOperator extends Operator {
  private readonly pred: (row: Row, wm: number) => boolean;

  constructor(
    readonly uid: string,
    predicate: BoundExpr,
  ) {
    super();
    this.pred = compilePredicate(predicate);
  }

  processBatch(batch: Batch): void {
    const { rows, wm } = batch;
    const pred = this.pred;
    const kept: Row[] = [];
    const keptWm = wm === null ? null : new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (pred(row, wm === null ? -Infinity : wm[i]!)) {
        if (keptWm !== null) keptWm[kept.length] = wm![i]!;
        kept.push(row);
      }
    }
    if (kept.length === rows.length) {
      if (rows.length > 0) this.out.data(batch);
    } else if (kept.length > 0) {
      this.out.data({ rows: kept, wm: keptWm === null ? null : keptWm.subarray(0, kept.length) });
    }
  }
}
