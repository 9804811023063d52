import type { Row } from '../../common/types.js';
import type { Batch, Collector } from '../batch.js';

/** A terminal Collector that keeps everything it receives (tests, and the engine's result buffers). */
export class CollectSink implements Collector {
  readonly rows: Row[] = [];
  readonly batches: Batch[] = [];
  readonly watermarks: number[] = [];
  readonly barriers: number[] = [];
  ended = false;

  data(batch: Batch): void {
    this.batches.push(batch);
    for (const r of batch.rows) this.rows.push(r);
  }

  watermark(value: number): void {
    this.watermarks.push(value);
  }

  barrier(checkpointId: number): void {
    this.barriers.push(checkpointId);
  }

  end(): void {
    this.ended = true;
  }
}
