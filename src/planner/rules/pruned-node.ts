import { internalError } from '../../common/errors.js';
import type { LogicalPlan } from '../plan.js';

/**
 * A node after column pruning (prune-columns.ts): its plan and, ascending, the old output columns
 * it still produces (its new column i is old column `kept[i]`); `kept` holds at least every
 * column its consumers read.
 */
export interface Pruned {
  readonly plan: LogicalPlan;
  readonly kept: readonly number[];
}

/** Old index → new index of a pruned node's columns (`width` old columns); reading a dropped column is a broken invariant. */
export function positions(p: Pruned, width: number): (i: number) => number {
  const at = new Int32Array(width).fill(-1);
  p.kept.forEach((old, i) => (at[old] = i));
  return (i) => {
    const j = at[i] ?? -1;
    if (j < 0) throw internalError(`prune-columns: column ${i} is read but was dropped`);
    return j;
  };
}
