import { assertNever } from '../common/errors.js';
import type { Column } from '../common/types.js';
import { isUpdatingEmit, type LogicalPlan } from './plan.js';

/**
 * The changelog convention (see src/exec/operators/group-aggregate.ts): a plan whose result is an
 * updating changelog has, as its FIRST output column, `op` VARCHAR holding one of Flink's RowKind
 * short strings. Append-only plans have no `op` column.
 */
export const OP_COLUMN: Column = { name: 'op', type: 'VARCHAR' };

/** Flink's RowKind short strings: insert, update-before (retract), update-after, delete. */
export type ChangeOp = '+I' | '-U' | '+U' | '-D';

/** Whether a logical plan's result is an updating changelog (op first, rows are changes). */
export function isUpdatingLogical(plan: LogicalPlan): boolean {
  switch (plan.kind) {
    case 'scan':
      return false;
    case 'groupAggregate':
      return true;
    case 'rank':
      // A window Top-N and an insert-only (keep-first) deduplication are append-only.
      return plan.window === undefined && plan.firstByTime !== true;
    case 'windowAggregate':
      return isUpdatingEmit(plan.emit);
    case 'overAggregate':
      return false;
    case 'lookupJoin':
      return isUpdatingLogical(plan.input);
    case 'filter':
    case 'project':
    case 'limit':
    case 'unnest':
    case 'replicate':
    case 'expand':
    case 'windowAssign':
      return isUpdatingLogical(plan.input);
    case 'union':
      return plan.inputs.some(isUpdatingLogical);
    case 'join':
      if (plan.interval || plan.window || plan.temporal) return false;
      // An anti join takes back an emitted row when a later right row matches it (Flink's StreamingSemiAntiJoinOperator).
      if (plan.joinType === 'anti') return true;
      return (plan.joinType !== 'inner' && plan.joinType !== 'semi') || isUpdatingLogical(plan.left) || isUpdatingLogical(plan.right);
    default:
      return assertNever(plan, 'logical plan');
  }
}
