import type { Row, Value } from '../../common/types.js';
import type { WindowSpec } from '../../planner/bound.js';
import { asRowBatch, rowBatch, type Batch } from '../batch.js';
import { Operator } from '../operator.js';
import { windowsOf } from '../windows/windows-of.js';

/**
 * A windowing table function without aggregation (FROM TABLE(TUMBLE(...)) with no GROUP BY, as
 * Flink's window TVF): each row once per window containing its event time (windows-of.ts), with
 * window_start, window_end and window_time (end - 1 ms) appended; emitted at once, stateless.
 * Rows whose time is NULL belong to no window and are dropped.
 */
export class WindowAssignOperator extends Operator {
  private readonly windows: number[] = [];

  constructor(
    uid: string,
    private readonly window: WindowSpec,
    private readonly timeIndex: number,
  ) {
    super(uid);
  }

  processBatch(batch: Batch): void {
    const { rows, wm } = asRowBatch(batch);
    const out: Row[] = [];
    const outWm: number[] = [];
    const ws = this.windows;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const ts = row[this.timeIndex];
      if (typeof ts !== 'number') continue;
      ws.length = 0;
      windowsOf(this.window, ts, ws);
      for (let w = 0; w < ws.length; w += 2) {
        const r: Value[] = row.slice();
        r.push(ws[w]!, ws[w + 1]!, ws[w + 1]! - 1);
        out.push(r);
        if (wm !== null) outWm.push(wm[i]!);
      }
    }
    if (out.length > 0) this.out.data(rowBatch(out, wm === null ? null : Float64Array.from(outWm)));
  }
}
