import { assertNever } from '../common/errors.js';
import type { LogicalPlan, PhysicalPlan } from './plan.js';

const UID_PREFIX: Readonly<Record<LogicalPlan['kind'], string>> = {
  scan: 'source',
  filter: 'filter',
  project: 'project',
  windowAggregate: 'window-aggregate',
  groupAggregate: 'group-aggregate',
  limit: 'limit',
  union: 'union',
};

/**
 * Maps each logical node to its Exec node. uids are `<kind>-<n>`, n counting nodes of that kind from the source up,
 * so the same query text always gets the same uids, and adding a stateless node of another kind (a WHERE, a HAVING)
 * leaves the uids of the stateful ones, and so their checkpointed state, unchanged.
 */
export function toPhysical(plan: LogicalPlan): PhysicalPlan {
  const seen = new Map<string, number>();
  const uid = (kind: LogicalPlan['kind']): string => {
    const n = seen.get(kind) ?? 0;
    seen.set(kind, n + 1);
    return `${UID_PREFIX[kind]}-${n}`;
  };
  const go = (node: LogicalPlan): PhysicalPlan => {
    switch (node.kind) {
      case 'scan':
        return { kind: 'SourceExec', uid: uid('scan'), stream: node.stream, schema: node.schema, ...(node.watermark ? { watermark: node.watermark } : {}) };
      case 'filter': {
        const input = go(node.input);
        return { kind: 'FilterExec', uid: uid('filter'), input, predicate: node.predicate, schema: node.schema };
      }
      case 'project': {
        const input = go(node.input);
        return { kind: 'ProjectExec', uid: uid('project'), input, exprs: node.exprs, schema: node.schema };
      }
      case 'windowAggregate': {
        const input = go(node.input);
        return { kind: 'WindowAggregateExec', uid: uid('windowAggregate'), input, window: node.window, timeIndex: node.timeIndex, keys: node.keys, aggs: node.aggs, schema: node.schema };
      }
      case 'groupAggregate': {
        const input = go(node.input);
        return { kind: 'GroupAggregateExec', uid: uid('groupAggregate'), input, keys: node.keys, aggs: node.aggs, schema: node.schema };
      }
      case 'limit': {
        const input = go(node.input);
        return { kind: 'LimitExec', uid: uid('limit'), input, count: node.count, schema: node.schema };
      }
      case 'union': {
        // Inputs in order, so the first branch's source is source-0, the second's source-1 ...
        const inputs = node.inputs.map(go);
        const time = node.timeIndex !== undefined ? { timeIndex: node.timeIndex } : {};
        return { kind: 'UnionExec', uid: uid('union'), inputs, watermarked: node.watermarked, ...time, schema: node.schema };
      }
      default:
        return assertNever(node, 'logical plan');
    }
  };
  return go(plan);
}
