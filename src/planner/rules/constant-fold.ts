import { assertNever } from '../../common/errors.js';
import { planJson } from '../../common/exact.js';
import type { AggCall, BoundExpr } from '../bound.js';
import { foldExpr } from '../fold.js';
import type { LogicalPlan } from '../plan.js';
import type { Rule } from './rule.js';

/** A node's own fields: folding never changes its inputs, and serializing them at every node made a pass quadratic in the plan's depth. */
const own = (n: LogicalPlan): unknown => ({ ...n, input: null, left: null, right: null, inputs: null });
const same = (a: LogicalPlan, b: LogicalPlan): boolean => planJson(own(a)) === planJson(own(b));

function foldAgg(a: AggCall): AggCall {
  return { ...a, ...(a.arg ? { arg: foldExpr(a.arg) } : {}), ...(a.filter ? { filter: foldExpr(a.filter) } : {}) };
}

function foldNode(node: LogicalPlan): LogicalPlan {
  switch (node.kind) {
    case 'scan':
      return node.watermark ? { ...node, watermark: { ...node.watermark, expr: foldExpr(node.watermark.expr) } } : node;
    case 'filter':
      return { ...node, predicate: foldExpr(node.predicate) };
    case 'project':
      return { ...node, exprs: node.exprs.map(foldExpr) };
    case 'expand':
      return { ...node, keys: node.keys.map((k) => foldExpr(k)) };
    case 'windowAggregate':
    case 'groupAggregate':
      return { ...node, keys: node.keys.map((k: BoundExpr) => foldExpr(k)), aggs: node.aggs.map(foldAgg) };
    case 'join':
    case 'lookupJoin':
      return node.residual ? { ...node, residual: foldExpr(node.residual) } : node;
    case 'rank':
      return { ...node, partitionKeys: node.partitionKeys.map((k) => foldExpr(k)), orderKeys: node.orderKeys.map((k) => ({ ...k, expr: foldExpr(k.expr) })) };
    case 'overAggregate':
      return { ...node, partitionKeys: node.partitionKeys.map((k) => foldExpr(k)), aggs: node.aggs.map(foldAgg) };
    case 'unnest':
      return { ...node, collection: foldExpr(node.collection) };
    case 'limit':
    case 'replicate':
    case 'union':
    case 'windowAssign':
      return node;
    default:
      return assertNever(node, 'logical plan');
  }
}

/** Folds literal-only subexpressions in every expression of a node (1 + 2 → 3, x > 1 + 1 → x > 2), keeping NULL semantics. */
export const constantFold: Rule = {
  name: 'constant-fold',
  apply(node) {
    const folded = foldNode(node);
    return same(folded, node) ? undefined : folded;
  },
};
