import { rowBatch, type Batch } from '../batch.js';
import { Operator } from '../operator.js';

/** LIMIT n: passes the first n rows, then drops the rest; `done` tells the driver nothing more will pass. */
export class LimitOperator extends Operator {
  private passed = 0;

  constructor(
    uid: string,
    readonly count: number,
  ) {
    super(uid);
    this.declareGlobal({ passed: 'count' });
  }

  override get done(): boolean {
    return this.passed >= this.count;
  }

  processBatch(batch: Batch): void {
    if (batch.kind !== 'rows') return this.processBatch(rowBatch(batch.layout.toRows(batch.objects, 0, batch.objects.length), batch.wm));
    const left = this.count - this.passed;
    if (left <= 0 || batch.rows.length === 0) return;
    if (batch.rows.length <= left) {
      this.passed += batch.rows.length;
      this.out.data(batch);
      return;
    }
    this.passed += left;
    this.out.data(rowBatch(batch.rows.slice(0, left), batch.wm === null ? null : batch.wm.subarray(0, left)));
  }
}
