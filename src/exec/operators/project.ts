import type { Row } from '../../common/types.js';
import type { BoundExpr } from '../../planner/bound.js';
import { perLayout } from '../../common/object-layout.js';
import { rowBatch, type Batch } from '../batch.js';
import { compileRowBuilder } from '../expr-compiler.js';
import { Operator } from '../operator.js';

/**
 * SELECT list: one compiled function builds each output row (seeing the row's watermark, for
 * CURRENT_WATERMARK); `wm` passes through unchanged. Rows are built straight from inserted objects
 * (no intermediate row array).
 */
export class ProjectOperator extends Operator {
  private readonly build: (row: Row, wm: number) => Row;
  /** The row builder compiled for each layout of inserted objects. */
  private readonly objectBuild = perLayout((layout) => compileRowBuilder(this.exprs, layout) as (row: object, wm: number) => Row);

  constructor(
    uid: string,
    private readonly exprs: readonly BoundExpr[],
  ) {
    super(uid);
    this.build = compileRowBuilder(exprs);
  }

  override get readsObjects(): boolean {
    return true;
  }

  processBatch(batch: Batch): void {
    const wm = batch.wm;
    if (batch.kind === 'objects') {
      const { objects } = batch;
      if (objects.length === 0) return;
      const build = this.objectBuild(batch.layout);
      const out: Row[] = new Array(objects.length);
      for (let i = 0; i < objects.length; i++) out[i] = build(objects[i]!, wm === null ? -Infinity : wm[i]!);
      this.out.data(rowBatch(out, wm));
      return;
    }
    const { rows } = batch;
    if (rows.length === 0) return;
    const build = this.build;
    const out: Row[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = build(rows[i]!, wm === null ? -Infinity : wm[i]!);
    this.out.data(rowBatch(out, wm));
  }
}
