import type { BoundExpr } from '../../planner/bound.js';
import { perLayout } from '../../common/object-layout.js';
import { rowBatch, type Batch } from '../batch.js';
import { compileProjectLoop } from '../expr-compiler.js';
import { Operator } from '../operator.js';

/**
 * SELECT list: one generated loop per operator builds the batch's output rows (each seeing its
 * row's watermark, for CURRENT_WATERMARK); `wm` passes through unchanged. Rows are built straight
 * from inserted objects (no intermediate row array).
 */
export class ProjectOperator extends Operator {
  private readonly loop: ReturnType<typeof compileProjectLoop>;
  /** The loop compiled for each layout of inserted objects. */
  private readonly objectLoop = perLayout((layout) => compileProjectLoop(this.exprs, layout));

  constructor(
    uid: string,
    private readonly exprs: readonly BoundExpr[],
  ) {
    super(uid);
    this.loop = compileProjectLoop(exprs);
  }

  override get readsObjects(): boolean {
    return true;
  }

  processBatch(batch: Batch): void {
    if (batch.kind === 'objects') {
      if (batch.objects.length > 0) this.out.data(rowBatch(this.objectLoop(batch.layout)(batch.objects, batch.wm), batch.wm));
      return;
    }
    if (batch.rows.length > 0) this.out.data(rowBatch(this.loop(batch.rows, batch.wm), batch.wm));
  }
}
