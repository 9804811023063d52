/**
 * The contents of one key group of one operator's keyed state, serialized. A checkpoint carries the
 * chunks of the key groups that changed since the previous checkpoint (incremental); restoring takes,
 * for every (operatorUid, keyGroup), the newest chunk at or before the target checkpoint.
 * An empty `bytes` means the key group is now empty.
 */
export interface StateChunk {
  readonly operatorUid: string;
  readonly keyGroup: number;
  readonly bytes: Buffer;
}

/** Everything but keyed state: JSON-serializable and small. */
export interface CheckpointMeta {
  /** Per source (by stream name): its offset, opaque to the coordinator (e.g. {byte, line} or {seq}). */
  readonly sourceOffsets: Readonly<Record<string, unknown>>;
  /** Per source: the watermark at the cut (may be -Infinity, stored as null). */
  readonly watermarks: Readonly<Record<string, number | null>>;
  /** Per sink: its committed position (file byte length, rows written ...). */
  readonly sinkPositions: Readonly<Record<string, unknown>>;
  /** Non-keyed operator values (e.g. a LIMIT's count), by operator uid. */
  readonly operatorMeta: Readonly<Record<string, unknown>>;
}

export interface CheckpointInfo {
  readonly queryId: string;
  readonly checkpointId: number;
  readonly createdAt: number;
  readonly bytes: number;
  readonly durationMs: number;
  readonly keyGroupsWritten: number;
}
