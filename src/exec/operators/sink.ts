import type { Row } from '../../common/types.js';
import type { SinkWriter } from '../../common/connector.js';
import { asRowBatch, type Batch } from '../batch.js';
import { Operator, type CommitHooks } from '../operator.js';

/**
 * A persistent query's output written into a stream's connector (file, SQLite table, memory log
 * ...), exactly once where the connector can: at each barrier it cuts the writer (the position its
 * output reached, and when that is durable) and its position is the checkpointed state; a restored
 * run rewinds the writer to it, a fresh one starts it empty.
 */
export class StreamSinkOperator extends Operator {
  private written = 0;
  private hooks: CommitHooks | null = null;

  constructor(
    uid: string,
    readonly writer: SinkWriter,
  ) {
    super(uid);
  }

  /** Rows written so far. */
  get rows(): number {
    return this.written;
  }

  processBatch(batch: Batch): void {
    const { rows } = asRowBatch(batch);
    if (rows.length === 0) return;
    this.written += rows.length;
    this.writer.write(rows);
  }

  override onWatermark(value: number): void {
    this.writer.watermark?.(value);
  }
  override onIdle(): void {}
  override onBarrier(): void {}
  /** The end of the input is the watermark at +infinity for the sink too (a partitioned file sink commits every partition). */
  override onEnd(): void {
    this.writer.watermark?.(Infinity);
  }

  override snapshotState(): unknown {
    const { position, durable } = this.writer.cut();
    const commit = this.writer.commitInto?.bind(this.writer);
    const committed = this.writer.checkpointCommitted?.bind(this.writer);
    // A two-phase-commit sink (Kafka exactly-once) commits what the cut pre-committed once the checkpoint has committed.
    this.hooks = { durable, ...(commit ? { inTransaction: commit } : {}), ...(committed ? { afterCommit: () => committed(position) } : {}) };
    return position;
  }

  override commitHooks(): CommitHooks | null {
    const h = this.hooks;
    this.hooks = null;
    return h;
  }

  /** Rewinds the writer to a checkpointed position, or (fresh start: undefined) starts it empty. */
  override restoreState(state: unknown): Promise<void> {
    return this.writer.restore(state === undefined ? null : state);
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}

/** Where a transient query's rows go (the terminal, the API's iterator). */
export interface ResultTarget {
  rows(rows: Row[]): void;
  /** The input has ended and every window fired. */
  end(): void;
}

/** A transient SELECT's output handed to its caller; not checkpointed (DESIGN.md §4: at-least-once). */
export class ResultSinkOperator extends Operator {
  private delivered = 0;

  constructor(
    uid: string,
    private readonly target: ResultTarget,
  ) {
    super(uid);
  }

  get rows(): number {
    return this.delivered;
  }

  processBatch(batch: Batch): void {
    const { rows } = asRowBatch(batch);
    if (rows.length === 0) return;
    this.delivered += rows.length;
    this.target.rows(rows);
  }

  override onWatermark(): void {}
  override onIdle(): void {}
  override onBarrier(): void {}
  override onEnd(): void {
    this.target.end();
  }
}
