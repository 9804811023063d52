/**
 * The contents of one key group of one operator's keyed state, serialized. A checkpoint carries the
 * chunks of the key groups that changed since the previous checkpoint (incremental); restoring takes,
 * for every (operatorUid, keyGroup), the newest chunk at or before the target checkpoint.
 * An empty `bytes` means the key group is now empty. `operatorUid` is the state table's id,
 * `<operator uid>/<state name>`.
 */
export interface StateChunk {
  readonly operatorUid: string;
  readonly keyGroup: number;
  readonly bytes: Buffer;
}
