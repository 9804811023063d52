import type { Rule } from './rule.js';

/** Drops a project that passes every input column through, in order and under the same name. */
export const removeIdentityProject: Rule = {
  name: 'remove-identity-project',
  apply(node) {
    if (node.kind !== 'project') return undefined;
    const inCols = node.input.schema.columns;
    const outCols = node.schema.columns;
    if (node.exprs.length !== inCols.length) return undefined;
    const identity = node.exprs.every((e, i) => e.kind === 'inputRef' && e.index === i && outCols[i]!.name === inCols[i]!.name && outCols[i]!.type === inCols[i]!.type);
    return identity ? node.input : undefined;
  },
};
