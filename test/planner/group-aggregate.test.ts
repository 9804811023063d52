import { describe, expect, it } from 'vitest';
import { isUpdatingLogical } from '../../src/planner/changelog.js';
import type { PhysicalPlan } from '../../src/planner/plan.js';

const isUpdating = (p: PhysicalPlan): boolean => p.changelog === 'updating';
import { describePlanDifference, planFingerprint } from '../../src/planner/explain.js';
import { optimize } from '../../src/planner/optimize.js';
import { toPhysical } from '../../src/planner/physical.js';
import { bind, columnsOf, explainSql } from './helpers.js';

const physical = (sql: string) => toPhysical(optimize(bind(sql)));

describe('non-windowed GROUP BY binds to an updating groupAggregate', () => {
  it('outputs op first, then the SELECT list; the aggregate outputs [op, ...keys, ...aggs]', () => {
    const plan = bind('SELECT auction, COUNT(*) AS n, MAX(price) AS top FROM bids GROUP BY auction');
    expect(columnsOf(plan)).toEqual(['op VARCHAR', 'auction BIGINT', 'n BIGINT', 'top DOUBLE']);
    expect(plan.kind).toBe('project');
    const agg = plan.kind === 'project' ? plan.input : plan;
    expect(agg.kind).toBe('groupAggregate');
    expect(columnsOf(agg)).toEqual(['op VARCHAR', 'auction BIGINT', 'n BIGINT', 'top DOUBLE']);
    expect(isUpdatingLogical(plan)).toBe(true);
    expect(isUpdating(physical('SELECT auction, COUNT(*) AS n FROM bids GROUP BY auction'))).toBe(true);
    expect(isUpdating(physical("SELECT auction, COUNT(*) AS n FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '1' SECOND)"))).toBe(false);
  });

  it('aggregates without GROUP BY are one global group', () => {
    const plan = bind('SELECT COUNT(*) AS n, SUM(price) + 1 AS s1 FROM bids');
    expect(columnsOf(plan)).toEqual(['op VARCHAR', 'n BIGINT', 's1 DOUBLE']);
    expect(explainSql('SELECT COUNT(*) AS n FROM bids')).toBe(
      ['GroupAggregateExec keys=[] aggs=[COUNT(*) AS n] changelog=updating', "  SourceExec bids connector=file watermark=(ts - INTERVAL '5' SECOND)"].join('\n'),
    );
  });

  it('HAVING is a filter over the aggregate; the projection keeps op first', () => {
    expect(explainSql('SELECT auction, COUNT(*) AS n FROM bids WHERE price > 1 GROUP BY auction HAVING SUM(price) > 10')).toBe(
      [
        'ProjectExec [op, auction, n]',
        '  FilterExec (agg$1 > 10)',
        '    GroupAggregateExec keys=[auction] aggs=[COUNT(*) AS n, SUM(price) AS agg$1] changelog=updating',
        '      FilterExec (price > 1)',
        "        SourceExec bids connector=file watermark=(ts - INTERVAL '5' SECOND)",
      ].join('\n'),
    );
  });

  it('a GROUP BY over a stream without a watermark binds (state.ttl then runs on processing time)', () => {
    expect(columnsOf(bind('SELECT url, COUNT(*) AS n FROM clicks GROUP BY url'))).toEqual(['op VARCHAR', 'url VARCHAR', 'n BIGINT']);
  });

  it('the fingerprint names keys and aggregates, so a changed GROUP BY is described', () => {
    const a = planFingerprint(physical('SELECT auction, COUNT(*) AS n FROM bids GROUP BY auction'));
    const b = planFingerprint(physical('SELECT auction, SUM(price) AS n FROM bids GROUP BY auction'));
    expect(a).toContain('"uid":"group-aggregate-0"');
    expect(describePlanDifference(a, b)).toBe('the aggregates of group-aggregate-0 changed from [COUNT(*): BIGINT] to [SUM(price): DOUBLE]');
  });
});
