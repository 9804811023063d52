import type { LogicalPlan } from '../plan.js';

/** A rewrite of one plan node: returns the replacement, or undefined when the rule does not apply. */
export interface Rule {
  readonly name: string;
  apply(node: LogicalPlan): LogicalPlan | undefined;
}

/**
 * A rewrite of a whole plan, for what one node cannot see alone (which of its columns the nodes
 * above it read): returns the rewritten plan, the same rows with the same output schema.
 */
export interface PlanRule {
  readonly name: string;
  applyToPlan(root: LogicalPlan): LogicalPlan;
}

/** Whether a rule rewrites whole plans. */
export const isPlanRule = (r: Rule | PlanRule): r is PlanRule => 'applyToPlan' in r;
