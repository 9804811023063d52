import type { Row } from '../../common/types.js';
import type { BoundExpr } from '../../planner/bound.js';
import type { ObjectLayout } from '../../common/object-layout.js';
import type { Batch, ObjectBatch } from '../batch.js';
import { compilePredicate } from '../expr-compiler.js';
import { Operator } from '../operator.js';

/** WHERE: passes rows whose predicate is TRUE, keeping `wm` aligned with the kept rows; the predicate sees each row's watermark (CURRENT_WATERMARK). */
export class FilterOperator extends Operator {
  private readonly pred: (row: Row, wm: number) => boolean;
  private readonly objectPreds = new Map<ObjectLayout, (row: object, wm: number) => boolean>();

  constructor(
    readonly uid: string,
    private readonly predicate: BoundExpr,
  ) {
    super();
    this.pred = compilePredicate(predicate);
  }

  /** Inserted objects are filtered as they are and passed on uncopied (see forwardObjects). */
  override processObjects(batch: ObjectBatch): void {
    const { objects, wm, layout } = batch;
    let pred = this.objectPreds.get(layout);
    if (pred === undefined) this.objectPreds.set(layout, (pred = compilePredicate(this.predicate, layout) as (row: object, wm: number) => boolean));
    const kept: object[] = [];
    const keptWm = wm === null ? null : new Float64Array(objects.length);
    for (let i = 0; i < objects.length; i++) {
      const o = objects[i]!;
      if (pred(o, wm === null ? -Infinity : wm[i]!)) {
        if (keptWm !== null) keptWm[kept.length] = wm![i]!;
        kept.push(o);
      }
    }
    if (kept.length === objects.length) {
      if (objects.length > 0) this.forwardObjects(batch);
    } else if (kept.length > 0) {
      this.forwardObjects({ objects: kept, layout, wm: keptWm === null ? null : keptWm.subarray(0, kept.length) });
    }
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
