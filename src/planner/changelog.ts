import { assertNever } from '../common/errors.js';
import type { Column } from '../common/types.js';
import type { LogicalPlan, PhysicalPlan } from './plan.js';

/**
 * The changelog convention (see src/exec/operators/group-aggregate.ts): a plan whose result is an
 * updating changelog has, as its FIRST output column, `op` VARCHAR holding one of Flink's RowKind
 * short strings. Append-only plans have no `op` column.
 */
export const OP_COLUMN: Column = { name: 'op', type: 'VARCHAR' };

/** Flink's RowKind short strings: insert, update-before (retract), update-after, delete. */
export type ChangeOp = '+I' | '-U' | '+U' | '-D';

/** Whether a logical plan's result is an updating changelog (it has a groupAggregate not hidden by anything). */
export function isUpdatingLogical(plan: LogicalPlan): boolean {
  switch (plan.kind) {
    case 'scan':
    case 'union':
      // Union inputs are stateless selections of append-only streams.
      return false;
    case 'groupAggregate':
      return true;
    case 'windowAggregate':
      return isWindowChangelog(plan);
    case 'filter':
    case 'project':
    case 'limit':
      return isUpdatingLogical(plan.input);
    default:
      return assertNever(plan, 'logical plan');
  }
}

/** Whether a physical plan's result is an updating changelog: op first, rows are changes. */
export function isUpdating(plan: PhysicalPlan): boolean {
  switch (plan.kind) {
    case 'SourceExec':
    case 'UnionExec':
      return false;
    case 'GroupAggregateExec':
      return true;
    case 'WindowAggregateExec':
      return isWindowChangelog(plan);
    case 'FilterExec':
    case 'ProjectExec':
    case 'LimitExec':
      return isUpdating(plan.input);
    default:
      return assertNever(plan, 'physical plan');
  }
}

/** A window aggregate is updating (allowed lateness, early fire; see bind-window.ts asWindowChangelog) when op precedes [...keys, window_start, window_end, ...aggs]. */
function isWindowChangelog(p: { readonly schema: { readonly columns: readonly Column[] }; readonly keys: readonly unknown[]; readonly aggs: readonly unknown[] }): boolean {
  return p.schema.columns.length === p.keys.length + 3 + p.aggs.length && p.schema.columns[0]?.name === OP_COLUMN.name;
}
