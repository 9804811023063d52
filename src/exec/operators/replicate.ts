import type { Row } from '../../common/types.js';
import { asRowBatch, rowBatch, type Batch } from '../batch.js';
import { Operator } from '../operator.js';

/**
 * INTERSECT ALL / EXCEPT ALL's last step (Flink's REPLICATE_ROWS table function): each input row
 * carries in column `countIndex` how many copies of it the result holds; it goes out that many
 * times without that column, its op kept ('+I' k copies, '-D' takes k back). An update pair of one
 * row, '-U' (row, k) then '+U' (row, k'), goes out as its net change: k' - k copies '+I', or k - k'
 * '-D' (Flink repeats both sides, k '-U' then k' '+U': the same folded result, more rows, and
 * '-U's without their '+U'). Stateless: the counts live in the group aggregate below.
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
    const out: Row[] = [];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const next = rows[i + 1];
      if (row[0] === '-U' && next !== undefined && next[0] === '+U' && this.sameRow(row, next)) {
        const delta = this.copies(next) - this.copies(row);
        this.emit(out, next, delta > 0 ? '+I' : '-D', Math.abs(delta));
        i++;
        continue;
      }
      this.emit(out, row, row[0] as string, this.copies(row));
    }
    if (out.length > 0) this.out.data(rowBatch(out));
  }

  private copies(row: Row): number {
    const n = row[this.countIndex] as number | null;
    return n === null || n < 0 ? 0 : n;
  }

  /** Whether two changes are of the same row (every column but op and the count equal). */
  private sameRow(a: Row, b: Row): boolean {
    for (let c = 1; c < a.length; c++) if (c !== this.countIndex && a[c] !== b[c] && !(a[c] !== a[c] && b[c] !== b[c])) return false;
    return true;
  }

  /** `copies` copies of `row` with `op`, without the count column; each its own array (a consumer may keep or change a row). */
  private emit(out: Row[], row: Row, op: string, copies: number): void {
    const at = this.countIndex;
    for (let c = 0; c < copies; c++) {
      const value = row.slice(0, at).concat(row.slice(at + 1));
      value[0] = op;
      out.push(value);
    }
  }
}
