import { perLayout } from '../../common/object-layout.js';
import type { Row } from '../../common/types.js';
import type { BoundExpr } from '../../planner/bound.js';
import { objectBatch, rowBatch, type Batch } from '../batch.js';
import { compilePredicate } from '../expr-compiler.js';
import { Operator } from '../operator.js';

/** The rows whose predicate is TRUE (given each row's watermark), with their watermarks; null when all pass. */
function kept<R>(rows: readonly R[], wm: Float64Array | null, pred: (row: R, wm: number) => boolean): { rows: R[]; wm: Float64Array | null } | null {
  const out: R[] = [];
  const outWm = wm === null ? null : new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (pred(row, wm === null ? -Infinity : wm[i]!)) {
      if (outWm !== null) outWm[out.length] = wm![i]!;
      out.push(row);
    }
  }
  if (out.length === rows.length) return null;
  return { rows: out, wm: outWm === null ? null : outWm.subarray(0, out.length) };
}

/**
 * WHERE over append-only rows: passes rows whose predicate is TRUE, keeping `wm` aligned with the
 * kept rows; the predicate sees each row's watermark (CURRENT_WATERMARK). Inserted objects are
 * filtered as they are and passed on uncopied.
 */
export class FilterOperator extends Operator {
  private readonly pred: (row: Row, wm: number) => boolean;
  /** The predicate compiled for each layout of inserted objects. */
  private readonly objectPred = perLayout((layout) => compilePredicate(this.predicate, layout) as (row: object, wm: number) => boolean);

  constructor(
    uid: string,
    private readonly predicate: BoundExpr,
  ) {
    super(uid);
    this.pred = compilePredicate(predicate);
  }

  override get readsObjects(): boolean {
    return true;
  }

  processBatch(batch: Batch): void {
    if (batch.kind === 'rows') {
      const k = kept(batch.rows, batch.wm, this.pred);
      if (k === null) {
        if (batch.rows.length > 0) this.out.data(batch);
      } else if (k.rows.length > 0) this.out.data(rowBatch(k.rows, k.wm));
      return;
    }
    const k = kept(batch.objects, batch.wm, this.objectPred(batch.layout));
    if (k === null) {
      if (batch.objects.length > 0) this.out.data(batch);
    } else if (k.rows.length > 0) this.out.data(objectBatch(k.rows, batch.layout, k.wm));
  }
}
