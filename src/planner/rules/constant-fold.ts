import { assertNever } from '../../common/errors.js';
import { planJson } from '../../common/exact.js';
import type { AggCall, BoundExpr } from '../bound.js';
import { foldExpr } from '../fold.js';
import type { LogicalPlan } from '../plan.js';
import type { Rule } from './rule.js';

/** The expressions of a node that folding rewrites (serializing whole nodes, with their inputs and stream definitions, made planning slow). */
function foldable(node: LogicalPlan): unknown {
  switch (node.kind) {
    case 'scan':
      return node.watermark?.expr ?? null;
    case 'filter':
      return node.predicate;
    case 'project':
      return node.exprs;
    case 'expand':
      return node.keys;
    case 'windowAggregate':
    case 'groupAggregate':
    case 'overAggregate':
      return [node.kind === 'overAggregate' ? node.partitionKeys : node.keys, node.aggs];
    case 'join':
    case 'lookupJoin':
      return node.residual ?? null;
    case 'rank':
      return [node.partitionKeys, node.orderKeys];
    case 'unnest':
      return node.collection;
    case 'limit':
    case 'replicate':
    case 'union':
    case 'windowAssign':
      return null;
    default:
      return assertNever(node, 'logical plan');
  }
}

const same = (a: LogicalPlan, b: LogicalPlan): boolean => planJson(foldable(a)) === planJson(foldable(b));

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
