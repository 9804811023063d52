import type { StateChunk } from '../common/state-chunk.js';

export type { StateChunk };

/** The checkpoint format this version writes and reads; a checkpoint of another format is refused. */
export const CHECKPOINT_FORMAT = 2;

/** Everything but keyed state: JSON-serializable (±Infinity and NaN kept, see codec.ts) and small. */
export interface CheckpointMeta {
  readonly format: typeof CHECKPOINT_FORMAT;
  /**
   * The non-keyed state of every operator of the query, by operator uid, each as the operator
   * saved it when the barrier reached it: a source's offset and watermark, a sink's committed
   * position, a window operator's counters, a multi-input operator's per-input watermarks ...
   */
  readonly operators: Readonly<Record<string, unknown>>;
}

export interface CheckpointInfo {
  readonly queryId: string;
  readonly checkpointId: number;
  readonly createdAt: number;
  readonly bytes: number;
  readonly durationMs: number;
  readonly keyGroupsWritten: number;
}
