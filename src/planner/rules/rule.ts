import type { LogicalPlan } from '../plan.js';

/** A rewrite of one plan node: returns the replacement, or undefined when the rule does not apply. */
export interface Rule {
  readonly name: string;
  apply(node: LogicalPlan): LogicalPlan | undefined;
}
