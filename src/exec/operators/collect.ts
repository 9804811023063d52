import type { Row } from '../../common/types.js';
import { asRowBatch, type Batch, type Output } from '../batch.js';

/** A terminal Output that keeps everything it receives (tests). */
export class CollectSink implements Output {
  readonly rows: Row[] = [];
  readonly batches: Batch[] = [];
  readonly watermarks: number[] = [];
  readonly barriers: number[] = [];
  readonly idleChanges: boolean[] = [];
  ended = false;

  data(batch: Batch): void {
    this.batches.push(batch);
    for (const r of asRowBatch(batch).rows) this.rows.push(r);
  }

  watermark(value: number): void {
    this.watermarks.push(value);
  }

  idle(idle: boolean): void {
    this.idleChanges.push(idle);
  }

  barrier(checkpointId: number): void {
    this.barriers.push(checkpointId);
  }

  end(): void {
    this.ended = true;
  }
}
