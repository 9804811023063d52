import type { Row } from '../../common/types.js';
import { asRowBatch, rowBatch, type Batch } from '../batch.js';
import { Operator } from '../operator.js';

/**
 * The processing-time clock of a window over a PROCTIME() attribute (Flink's processing-time
 * windows): each batch is stamped with the wall clock t (column `timeIndex` of every row, a copy of
 * the row, set to t) after a watermark of t - 1 is sent, so the window aggregate above assigns the
 * rows by t and fires every window with end - 1 < t first: a row is never late, and windows fire as
 * the clock passes their end (Flink's processing-time timers at window end - 1), also while no rows
 * arrive (onTick). The input's own event-time watermarks and idleness are not forwarded: the clock
 * is the only time here. At the end of input the window aggregate fires every open window (as it
 * does for event time: Eddy's rule 5, where Flink would drop pending processing-time timers).
 *
 * State: `clock`, the highest time sent, so a restored run never sends a lower one (the windows'
 * contents are the aggregate's keyed state; windows whose end passed while the query was down fire
 * at the first batch or tick after the restore, as Flink's restored processing-time timers do).
 */
export class ProcessingTimeOperator extends Operator {
  private clock = -Infinity;

  constructor(
    uid: string,
    private readonly timeIndex: number,
    private readonly now: () => number,
  ) {
    super(uid);
    this.declareGlobal({ clock: 'time' });
  }

  /** Raises the clock to the wall clock; sends its watermark (t - 1) when it rose. */
  private tick(): number {
    const t = this.now();
    if (t > this.clock) {
      this.clock = t;
      this.out.watermark(t - 1);
    }
    return this.clock;
  }

  processBatch(batch: Batch): void {
    const t = this.tick();
    const rows = asRowBatch(batch).rows;
    const i = this.timeIndex;
    const out: Row[] = new Array<Row>(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!.slice();
      row[i] = t;
      out[r] = row;
    }
    this.out.data(rowBatch(out));
  }

  override onWatermark(): void {
    this.tick();
  }

  override onIdle(): void {}

  override onTick(): void {
    this.tick();
  }
}
