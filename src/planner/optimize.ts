import { assertNever, internalError } from '../common/errors.js';
import type { LogicalPlan } from './plan.js';
import { constantFold } from './rules/constant-fold.js';
import { mergeFilters } from './rules/merge-filters.js';
import { removeIdentityProject } from './rules/remove-identity-project.js';
import { removeTrueFilter } from './rules/remove-true-filter.js';
import type { Rule } from './rules/rule.js';

export const DEFAULT_RULES: readonly Rule[] = [constantFold, removeTrueFilter, mergeFilters, removeIdentityProject];
const MAX_PASSES = 100;

function withInput(node: LogicalPlan, input: LogicalPlan): LogicalPlan {
  switch (node.kind) {
    case 'scan':
      return node;
    case 'filter':
    case 'project':
    case 'windowAggregate':
    case 'groupAggregate':
    case 'limit':
      return node.input === input ? node : { ...node, input };
    case 'union':
      throw internalError('a union has several inputs; rewrite() handles it');
    default:
      return assertNever(node, 'logical plan');
  }
}

/** One bottom-up pass; `changed` is set when any rule fired. */
function rewrite(node: LogicalPlan, rules: readonly Rule[], changed: { value: boolean }): LogicalPlan {
  let n: LogicalPlan;
  if (node.kind === 'scan') n = node;
  else if (node.kind === 'union') {
    const inputs = node.inputs.map((i) => rewrite(i, rules, changed));
    n = inputs.every((x, i) => x === node.inputs[i]) ? node : { ...node, inputs };
  } else n = withInput(node, rewrite(node.input, rules, changed));
  for (const rule of rules) {
    const r = rule.apply(n);
    if (r) {
      changed.value = true;
      n = r;
    }
  }
  return n;
}

/** Applies the rules bottom-up until none fires; the result computes the same rows with the same output schema. */
export function optimize(plan: LogicalPlan, rules: readonly Rule[] = DEFAULT_RULES): LogicalPlan {
  let p = plan;
  for (let i = 0; i < MAX_PASSES; i++) {
    const changed = { value: false };
    p = rewrite(p, rules, changed);
    if (!changed.value) return p;
  }
  throw internalError(`optimizer rules did not reach a fixpoint in ${MAX_PASSES} passes`);
}
