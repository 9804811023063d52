import type { Batch } from '../batch.js';
import { Operator } from '../operator.js';

/**
 * UNION ALL: every row of every input, as its input gate delivers them (re-stamped with the
 * combined watermark, DESIGN.md §3 rules 6 and 7). Inserted objects pass through uncopied.
 */
export class UnionOperator extends Operator {
  override get readsObjects(): boolean {
    return true;
  }

  processBatch(batch: Batch): void {
    if (batch.kind === 'rows' ? batch.rows.length > 0 : batch.objects.length > 0) this.out.data(batch);
  }
}
