/**
 * An operator with non-keyed state (e.g. a LIMIT's count, metric counters): saved in a
 * checkpoint's `operatorMeta` under the operator's uid.
 */
export interface HasMeta {
  readonly uid: string;
  snapshotMeta(): unknown;
  restoreMeta(x: unknown): void;
}

export function hasMeta(op: object): op is HasMeta {
  return typeof (op as Partial<HasMeta>).snapshotMeta === 'function' && typeof (op as Partial<HasMeta>).restoreMeta === 'function';
}
