import type { PhysicalPlan } from './plan.js';

/** The input nodes of a physical node, in input order. */
export const inputsOf = (p: PhysicalPlan): readonly PhysicalPlan[] => p.inputs.map((e) => e.node);

/**
 * Every node of a physical DAG once, inputs before the nodes that read them (depth first, inputs
 * left to right): the one walk for explain, fingerprints, the graph builder and the session.
 */
export function walkPlan(root: PhysicalPlan): PhysicalPlan[] {
  const seen = new Set<PhysicalPlan>();
  const out: PhysicalPlan[] = [];
  const visit = (p: PhysicalPlan): void => {
    if (seen.has(p)) return;
    seen.add(p);
    for (const e of p.inputs) visit(e.node);
    out.push(p);
  };
  visit(root);
  return out;
}

/** The source nodes of a plan, in input order. */
export function planSources(root: PhysicalPlan): Extract<PhysicalPlan, { kind: 'SourceExec' }>[] {
  return walkPlan(root).filter((p): p is Extract<PhysicalPlan, { kind: 'SourceExec' }> => p.kind === 'SourceExec');
}
