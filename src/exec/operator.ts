import { assertNever } from '../common/errors.js';
import type { Batch, Collector, ObjectBatch, Signal } from './batch.js';

/**
 * A streaming operator. One required method for data; watermark, barrier and end hooks forward
 * downstream by default (Arroyo's operator trait). Operators keep keyed state only in a
 * KeyedStateBackend table handed to them; they never touch SQLite.
 */
export abstract class Operator {
  protected out!: Collector;

  connect(out: Collector): void {
    this.out = out;
  }

  abstract processBatch(batch: Batch): void;

  /** Optional: processes a batch of inserted objects directly (no row arrays made); without it they arrive as rows. */
  processObjects?(batch: ObjectBatch): void;

  /** Sends object rows on as they are when the next operator reads them, else as row arrays. */
  protected forwardObjects(batch: ObjectBatch): void {
    if (this.out.objects !== undefined) this.out.objects(batch);
    else this.out.data({ rows: batch.layout.toRows(batch.objects, 0, batch.objects.length), wm: batch.wm });
  }

  /** Rows this operator dropped as late (DESIGN.md §3 rule 4); shown as the query's late_rows. */
  get lateRows(): number {
    return 0;
  }

  /** True once the operator will pass no more rows (a satisfied LIMIT): the driver may stop the query. */
  get done(): boolean {
    return false;
  }

  onWatermark(value: number): void {
    this.out.watermark(value);
  }

  onBarrier(checkpointId: number): void {
    this.out.barrier(checkpointId);
  }

  onEnd(): void {
    this.out.end();
  }

  handle(signal: Signal): void {
    switch (signal.kind) {
      case 'data':
        return this.processBatch(signal.batch);
      case 'watermark':
        return this.onWatermark(signal.value);
      case 'barrier':
        return this.onBarrier(signal.checkpointId);
      case 'end':
        return this.onEnd();
      default:
        return assertNever(signal, 'signal');
    }
  }
}

/** Adapts an operator to the Collector interface so operators chain. */
export function collectorFor(op: Operator): Collector {
  const objects = op.processObjects === undefined ? {} : { objects: (b: ObjectBatch) => op.processObjects!(b) };
  return {
    ...objects,
    data: (b) => op.processBatch(b),
    watermark: (w) => op.onWatermark(w),
    barrier: (id) => op.onBarrier(id),
    end: () => op.onEnd(),
  };
}
