import type { Row } from '../../common/types.js';
import { asRowBatch, rowBatch, type Batch } from '../batch.js';
import { Operator } from '../operator.js';

/**
 * INTERSECT ALL / EXCEPT ALL's last step (Flink's REPLICATE_ROWS table function): each input row
 * carries in column `countIndex` how many copies of it the result holds; it goes out that many
 * times without that column, its op kept, so a '-U'/'-D' of (row, k) takes back k copies and a
 * '+U' of (row, k') adds k'. Stateless: the counts live in the group aggregate below.
 */
export class ReplicateOperator extends Operator {
  constructor(
    uid: string,
    private readonly countIndex: number,
  ) {
    super(uid);
  }

  processBatch(batch: Batch): void {
    const { rows } = asRowBatch(batch);
    const at = this.countIndex;
    const out: Row[] = [];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const copies = row[at] as number | null;
      if (copies === null || copies <= 0) continue;
      const value = row.slice(0, at).concat(row.slice(at + 1));
      out.push(value);
      // Each copy its own array: a sink or operator downstream may keep or change a row it gets.
      for (let c = 1; c < copies; c++) out.push(value.slice());
    }
    if (out.length > 0) this.out.data(rowBatch(out));
  }
}
