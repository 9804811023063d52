import { internalError } from '../../common/errors.js';
import type { Batch } from '../batch.js';
import { Operator } from '../operator.js';
import type { HasMeta } from './meta.js';

/** LIMIT n: passes the first n rows, then drops the rest; `done` tells the driver to stop the query. */
export class LimitOperator extends Operator implements HasMeta {
  private passed = 0;

  constructor(
    readonly uid: string,
    readonly count: number,
  ) {
    super();
  }

  override get done(): boolean {
    return this.passed >= this.count;
  }

  processBatch(batch: Batch): void {
    const left = this.count - this.passed;
    if (left <= 0 || batch.rows.length === 0) return;
    if (batch.rows.length <= left) {
      this.passed += batch.rows.length;
      this.out.data(batch);
      return;
    }
    this.passed += left;
    this.out.data({ rows: batch.rows.slice(0, left), wm: batch.wm === null ? null : batch.wm.subarray(0, left) });
  }

  snapshotMeta(): unknown {
    return { passed: this.passed };
  }

  restoreMeta(x: unknown): void {
    const passed = (x as { passed?: unknown } | null)?.passed;
    if (typeof passed !== 'number') throw internalError(`bad LIMIT state for ${this.uid}: ${JSON.stringify(x)}`);
    this.passed = passed;
  }
}
