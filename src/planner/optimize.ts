import { assertNever, internalError } from '../common/errors.js';
import { logicalInputs, type LogicalPlan } from './plan.js';
import { constantFold } from './rules/constant-fold.js';
import { mergeFilters } from './rules/merge-filters.js';
import { pruneColumns } from './rules/prune-columns.js';
import { pushFilterBelowJoin } from './rules/push-filter-below-join.js';
import { removeIdentityProject } from './rules/remove-identity-project.js';
import { removeTrueFilter } from './rules/remove-true-filter.js';
import { isPlanRule, type PlanRule, type Rule } from './rules/rule.js';

/** Node rules run to a fixpoint, then each plan rule once, then the node rules again (a pruned projection may become an identity). */
export const DEFAULT_RULES: readonly (Rule | PlanRule)[] = [constantFold, removeTrueFilter, mergeFilters, pushFilterBelowJoin, removeIdentityProject, pruneColumns];
const MAX_PASSES = 100;

/** `node` reading `inputs` instead of its own (itself when they are the same). */
function withInputs(node: LogicalPlan, inputs: readonly LogicalPlan[]): LogicalPlan {
  switch (node.kind) {
    case 'scan':
      return node;
    case 'union':
      return inputs.every((x, i) => x === node.inputs[i]) ? node : { ...node, inputs };
    case 'join':
      return node.left === inputs[0] && node.right === inputs[1] ? node : { ...node, left: inputs[0]!, right: inputs[1]! };
    case 'filter':
    case 'project':
    case 'windowAssign':
    case 'windowAggregate':
    case 'groupAggregate':
    case 'limit':
    case 'unnest':
    case 'replicate':
    case 'expand':
    case 'rank':
    case 'overAggregate':
    case 'lookupJoin':
      return node.input === inputs[0] ? node : { ...node, input: inputs[0]! };
    default:
      return assertNever(node, 'logical plan');
  }
}

/** One bottom-up pass; `changed` is set when any rule fired. A node reached twice is rewritten once. */
function rewrite(node: LogicalPlan, rules: readonly Rule[], changed: { value: boolean }, done: Map<LogicalPlan, LogicalPlan>): LogicalPlan {
  const known = done.get(node);
  if (known) return known;
  let n = withInputs(node, logicalInputs(node).map((i) => rewrite(i, rules, changed, done)));
  for (const rule of rules) {
    const r = rule.apply(n);
    if (r) {
      changed.value = true;
      n = r;
    }
  }
  done.set(node, n);
  return n;
}

/**
 * Applies the node rules bottom-up until none fires, then each plan rule, then the node rules
 * again; the result computes the same rows with the same output schema.
 */
export function optimize(plan: LogicalPlan, rules: readonly (Rule | PlanRule)[] = DEFAULT_RULES): LogicalPlan {
  const nodeRules = rules.filter((r): r is Rule => !isPlanRule(r));
  const planRules = rules.filter(isPlanRule);
  let p = toFixpoint(plan, nodeRules);
  if (planRules.length === 0) return p;
  for (const r of planRules) p = r.applyToPlan(p);
  return toFixpoint(p, nodeRules);
}

function toFixpoint(plan: LogicalPlan, rules: readonly Rule[]): LogicalPlan {
  let p = plan;
  for (let i = 0; i < MAX_PASSES; i++) {
    const changed = { value: false };
    p = rewrite(p, rules, changed, new Map());
    if (!changed.value) return p;
  }
  throw internalError(`optimizer rules did not reach a fixpoint in ${MAX_PASSES} passes`);
}
