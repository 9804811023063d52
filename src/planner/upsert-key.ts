import { assertNever } from '../common/errors.js';
import type { PhysicalPlan } from './plan.js';

/**
 * The columns an updating plan's rows are unique by at every moment of its changelog (Flink's
 * upsert key), as indices into its output row (op at 0); `[]` when it has one row at most (a
 * global aggregate); null when not known (a join, a union, an expression over the key). An
 * upsert sink checks its PRIMARY KEY against it (src/runtime/sink-changes.ts).
 */
export function upsertKeyOf(plan: PhysicalPlan): readonly number[] | null {
  switch (plan.kind) {
    case 'GroupAggregateExec':
      return plan.keys.map((_, i) => 1 + i);
    case 'FilterExec':
    case 'LimitExec':
      return upsertKeyOf(plan.inputs[0]!.node);
    case 'UnnestExec':
      // One input row becomes many: its key no longer identifies an output row.
      return null;
    case 'ProjectExec': {
      const inner = upsertKeyOf(plan.inputs[0]!.node);
      if (inner === null) return null;
      const out: number[] = [];
      for (const k of inner) {
        const j = plan.exprs.findIndex((e) => e.kind === 'inputRef' && e.index === k);
        if (j < 0) return null;
        out.push(j);
      }
      return out;
    }
    case 'RankExec': {
      const input = plan.inputs[0]!.node;
      // Output [op, ...input columns without their op, rank]: input column i lands at i (updating input) or i + 1.
      const shift = input.changelog === 'updating' ? 0 : 1;
      const keys: number[] = [];
      for (const k of plan.partitionKeys) {
        if (k.kind !== 'inputRef') return null;
        keys.push(k.index + shift);
      }
      if (plan.start === 1 && plan.end === 1) return keys;
      return plan.rankNumber ? [...keys, plan.schema.columns.length - 1] : null;
    }
    case 'SourceExec':
    case 'ExpandExec':
    case 'WindowAssignExec':
    case 'WindowAggregateExec':
    case 'UnionExec':
    case 'ReplicateExec':
    case 'JoinExec':
    case 'OverAggregateExec':
    case 'SinkExec':
    case 'ProcessingTimeExec':
    case 'LookupJoinExec':
      return null;
    default:
      return assertNever(plan, 'physical plan');
  }
}
