import type { Rule } from './rule.js';

/** filter(filter(x, p), q) → filter(x, p AND q): one predicate evaluation per row instead of two passes. */
export const mergeFilters: Rule = {
  name: 'merge-filters',
  apply(node) {
    if (node.kind !== 'filter' || node.input.kind !== 'filter') return undefined;
    const inner = node.input;
    return {
      kind: 'filter',
      input: inner.input,
      predicate: { kind: 'binary', op: 'AND', left: inner.predicate, right: node.predicate, type: 'BOOLEAN' },
      schema: node.schema,
    };
  },
};
