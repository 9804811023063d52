import { describe, expect, it } from 'vitest';
import type { LogicalPlan } from '../../../src/planner/plan.js';
import { explain } from '../../../src/planner/explain.js';
import { optimize } from '../../../src/planner/optimize.js';
import { toPhysical } from '../../../src/planner/physical.js';
import { mergeFilters } from '../../../src/planner/rules/merge-filters.js';
import { bind } from '../helpers.js';

const show = (p: LogicalPlan): string => explain(toPhysical(p));

/** WHERE plus a second filter stacked on top (as a view or another rewrite would leave them). */
function stacked(): LogicalPlan {
  const p = bind("SELECT * FROM bids WHERE price > 1 AND channel <> 'x'");
  const q = bind('SELECT * FROM bids WHERE bidder = 7');
  if (p.kind !== 'project' || p.input.kind !== 'filter' || q.kind !== 'project' || q.input.kind !== 'filter') throw new Error('unexpected plan');
  return { ...p, input: { kind: 'filter', input: p.input, predicate: q.input.predicate, schema: p.input.schema } };
}

describe('merge-filters', () => {
  it('ANDs adjacent filters into one, inner predicate first', () => {
    const before = stacked();
    expect(show(before)).toBe(
      [
        'ProjectExec [auction, bidder, price, channel, ts]',
        '  FilterExec (bidder = 7)',
        "    FilterExec ((price > 1) AND (channel <> 'x'))",
        "      SourceExec bids connector=file watermark=(ts - INTERVAL '5' SECOND)",
      ].join('\n'),
    );
    expect(show(optimize(before, [mergeFilters]))).toBe(
      [
        'ProjectExec [auction, bidder, price, channel, ts]',
        "  FilterExec (((price > 1) AND (channel <> 'x')) AND (bidder = 7))",
        "    SourceExec bids connector=file watermark=(ts - INTERVAL '5' SECOND)",
      ].join('\n'),
    );
  });

  it('does not apply to a single filter', () => {
    const p = bind('SELECT * FROM bids WHERE price > 1');
    expect(p.kind === 'project' && mergeFilters.apply(p.input)).toBeUndefined();
  });
});
