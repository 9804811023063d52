import { internalError } from '../../common/errors.js';
import type { Row } from '../../common/types.js';
import type { BoundExpr } from '../../planner/bound.js';
import { rowBatch, type Batch } from '../batch.js';
import { compilePredicate } from '../expr-compiler.js';
import { Operator } from '../operator.js';

/**
 * HAVING (or any filter) over an updating changelog (op in column 0, see group-aggregate.ts).
 * Stateless: it relies on the convention that a '-U' is immediately followed by its key's '+U',
 * and judges the pair together, so that downstream sees the group's membership change:
 *   old passes, new passes  → '-U' old, '+U' new
 *   old passes, new fails   → '-D' old            (the group stopped satisfying HAVING)
 *   old fails,  new passes  → '+I' new            (the group started satisfying HAVING)
 *   old fails,  new fails   → nothing
 * '+I' and '-D' rows pass or not on their own. A join over an updating input emits a -U for each
 * row it matched and only then their +Us (Flink's StreamingJoinOperator does the same): a -U not
 * followed by a +U is judged alone and, kept, becomes a '-D' (in retract terms the same change).
 * Kept rows are new arrays (the op changes), so upstream rows are never mutated.
 */
export class ChangelogFilterOperator extends Operator {
  private readonly pred: (row: Row, wm: number) => boolean;

  constructor(uid: string, predicate: BoundExpr) {
    super(uid);
    this.pred = compilePredicate(predicate);
  }

  processBatch(batch: Batch): void {
    if (batch.kind !== 'rows') throw internalError(`changelog filter ${this.uid}: an updating input is never inserted objects`);
    const { rows } = batch;
    const pred = this.pred;
    const kept: Row[] = [];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if (row[0] !== '-U') {
        if (pred(row, -Infinity)) kept.push(row);
        continue;
      }
      const next = rows[i + 1];
      if (next === undefined || next[0] !== '+U') {
        if (pred(row, -Infinity)) kept.push(withOp(row, '-D'));
        continue;
      }
      i++;
      const oldPasses = pred(row, -Infinity);
      const newPasses = pred(next, -Infinity);
      if (oldPasses && newPasses) kept.push(row, next);
      else if (oldPasses) kept.push(withOp(row, '-D'));
      else if (newPasses) kept.push(withOp(next, '+I'));
    }
    if (kept.length > 0) this.out.data(rowBatch(kept));
  }
}

function withOp(row: Row, op: string): Row {
  const r = row.slice();
  r[0] = op;
  return r;
}
