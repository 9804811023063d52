import { perLayout } from '../../common/object-layout.js';
import type { BoundExpr } from '../../planner/bound.js';
import { objectBatch, rowBatch, type Batch } from '../batch.js';
import { compileFilterLoop } from '../expr-compiler.js';
import { Operator } from '../operator.js';

/**
 * WHERE over append-only rows: passes rows whose predicate is TRUE, keeping `wm` aligned with the
 * kept rows; the predicate sees each row's watermark (CURRENT_WATERMARK). Inserted objects are
 * filtered as they are and passed on uncopied.
 */
export class FilterOperator extends Operator {
  /** The batch loop with the predicate inlined (expr-compiler's compileFilterLoop), for row arrays and for each layout of inserted objects. */
  private readonly loop: ReturnType<typeof compileFilterLoop>;
  private readonly objectLoop = perLayout((layout) => compileFilterLoop(this.predicate, layout));

  constructor(
    uid: string,
    private readonly predicate: BoundExpr,
  ) {
    super(uid);
    this.loop = compileFilterLoop(predicate);
  }

  override get readsObjects(): boolean {
    return true;
  }

  processBatch(batch: Batch): void {
    if (batch.kind === 'rows') {
      const k = this.loop(batch.rows, batch.wm);
      if (k === null) {
        if (batch.rows.length > 0) this.out.data(batch);
      } else if (k.rows.length > 0) this.out.data(rowBatch(k.rows, k.wm));
      return;
    }
    const k = this.objectLoop(batch.layout)(batch.objects, batch.wm);
    if (k === null) {
      if (batch.objects.length > 0) this.out.data(batch);
    } else if (k.rows.length > 0) this.out.data(objectBatch(k.rows, batch.layout, k.wm));
  }
}
