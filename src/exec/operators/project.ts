import type { Row } from '../../common/types.js';
import type { BoundExpr } from '../../planner/bound.js';
import type { Batch } from '../batch.js';
import { compileRowBuilder } from '../expr-compiler.js';
import { Operator } from '../operator.js';

/** SELECT list: one compiled function builds each output row (seeing the row's watermark, for CURRENT_WATERMARK); `wm` passes through unchanged. */
export class ProjectOperator extends Operator {
  private readonly build: (row: Row, wm: number) => Row;

  constructor(
    readonly uid: string,
    exprs: readonly BoundExpr[],
  ) {
    super();
    this.build = compileRowBuilder(exprs);
  }

  processBatch(batch: Batch): void {
    const { rows, wm } = batch;
    if (rows.length === 0) return;
    const build = this.build;
    const out: Row[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = build(rows[i]!, wm === null ? -Infinity : wm[i]!);
    this.out.data({ rows: out, wm: batch.wm });
  }
}
