import type { Rule } from './rule.js';

/** Drops WHERE TRUE (what constant folding leaves of e.g. WHERE 1 < 2). */
export const removeTrueFilter: Rule = {
  name: 'remove-true-filter',
  apply(node) {
    if (node.kind !== 'filter') return undefined;
    const p = node.predicate;
    return p.kind === 'literal' && p.value === true ? node.input : undefined;
  },
};
