import { describe, expect, it } from 'vitest';
import type { LogicalPlan } from '../../../src/planner/plan.js';
import { explain } from '../../../src/planner/explain.js';
import { optimize } from '../../../src/planner/optimize.js';
import { toPhysical } from '../../../src/planner/physical.js';
import { removeIdentityProject } from '../../../src/planner/rules/remove-identity-project.js';
import { bind } from '../helpers.js';

const show = (p: LogicalPlan): string => explain(toPhysical(p));

describe('remove-identity-project', () => {
  it('drops SELECT * over the stream', () => {
    const before = bind('SELECT * FROM bids WHERE price > 1');
    expect(show(before)).toBe(
      [
        'ProjectExec [auction, bidder, price, channel, ts]',
        '  FilterExec (price > 1)',
        "    SourceExec bids connector=file watermark=(ts - INTERVAL '5' SECOND)",
      ].join('\n'),
    );
    expect(show(optimize(before, [removeIdentityProject]))).toBe(
      ['FilterExec (price > 1)', "  SourceExec bids connector=file watermark=(ts - INTERVAL '5' SECOND)"].join('\n'),
    );
  });

  it('drops a project that selects the aggregate output as it is', () => {
    const before = bind(
      "SELECT auction, window_start, window_end, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, auction",
    );
    expect(optimize(before, [removeIdentityProject]).kind).toBe('windowAggregate');
  });

  it('keeps projects that reorder, rename, compute or drop columns', () => {
    for (const sql of [
      'SELECT bidder, auction, price, channel, ts FROM bids',
      'SELECT auction AS a, bidder, price, channel, ts FROM bids',
      'SELECT auction, bidder, price * 1, channel, ts FROM bids',
      'SELECT auction, bidder FROM bids',
    ]) {
      const p = bind(sql);
      expect(removeIdentityProject.apply(p), sql).toBeUndefined();
    }
  });
});
