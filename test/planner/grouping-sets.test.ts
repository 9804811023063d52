import { describe, expect, it } from 'vitest';
import { planFingerprint } from '../../src/planner/explain.js';
import { optimize } from '../../src/planner/optimize.js';
import type { LogicalPlan } from '../../src/planner/plan.js';
import { toPhysical } from '../../src/planner/physical.js';
import { bind, bindError, columnsOf, explainSql } from './helpers.js';

const TVF = "TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))";

/** The nodes of a plan, top first, along input 0. */
function chain(p: LogicalPlan): LogicalPlan[] {
  const out = [p];
  while ('input' in out[out.length - 1]!) out.push((out[out.length - 1] as { input: LogicalPlan }).input);
  return out;
}

describe('GROUPING SETS bind to an Expand below one aggregate keyed by the keys and $e', () => {
  it('non-windowed: [op, ...keys, $e, ...aggs] over [...input, ...keys, $e]; the SELECT list drops $e', () => {
    const plan = bind('SELECT channel, auction, COUNT(*) AS n FROM bids GROUP BY GROUPING SETS ((channel, auction), (channel), ())');
    expect(columnsOf(plan)).toEqual(['op VARCHAR', 'channel VARCHAR', 'auction BIGINT', 'n BIGINT']);
    const [, agg, expand] = chain(plan);
    expect(agg!.kind).toBe('groupAggregate');
    expect(columnsOf(agg!)).toEqual(['op VARCHAR', 'channel VARCHAR', 'auction BIGINT', '$e BIGINT', 'n BIGINT']);
    expect(expand!.kind === 'expand' && expand.sets).toEqual([[0, 1], [0], []]);
    expect(columnsOf(expand!).slice(-3)).toEqual(['channel VARCHAR', 'auction BIGINT', '$e BIGINT']);
  });

  it('windowed (TVF): the window columns are in every set, not keys; EXPLAIN shows the Expand', () => {
    const text = explainSql(`SELECT window_start, channel, SUM(price) AS s FROM ${TVF} GROUP BY window_start, window_end, ROLLUP (channel)`);
    expect(text.split('\n').map((l) => l.trim().split(' ').slice(0, 2).join(' '))).toEqual([
      'ProjectExec [window_start,',
      'WindowAggregateExec keys=[channel,',
      'ExpandExec sets=[(channel),',
      'SourceExec bids',
    ]);
    expect(text).toContain('WindowAggregateExec keys=[channel, $e] window=TUMBLE(ts, 10 s)');
    expect(text).toContain('ExpandExec sets=[(channel), ()] appends=[channel, $e]');
  });

  it('GROUPING / GROUPING_ID are BIGINT per set (a CASE over $e), 0 without grouping sets', () => {
    const plan = bind('SELECT GROUPING(channel) AS g, GROUPING_ID(channel, auction) AS gid FROM bids GROUP BY CUBE (channel, auction)');
    expect(columnsOf(plan)).toEqual(['op VARCHAR', 'g BIGINT', 'gid BIGINT']);
    const project = plan.kind === 'project' ? plan : undefined;
    const gid = project!.exprs[2]!;
    expect(gid.kind).toBe('case');
    // CUBE (channel, auction): sets (c, a), (c), (a), () → ids 0, 1, 2, 3.
    if (gid.kind === 'case') expect([...gid.whens.map((w) => w.then), gid.else].map((e) => (e.kind === 'literal' ? e.value : '?'))).toEqual([0, 1, 2, 3]);
    const plain = bind('SELECT GROUPING(channel) AS g FROM bids GROUP BY channel');
    expect(plain.kind === 'project' && plain.exprs[1]).toEqual({ kind: 'literal', value: 0, type: 'BIGINT' });
    const windowCol = bind(`SELECT GROUPING(window_start) AS g FROM ${TVF} GROUP BY window_start, window_end, ROLLUP (channel)`);
    expect(windowCol.kind === 'project' && windowCol.exprs[0]).toEqual({ kind: 'literal', value: 0, type: 'BIGINT' });
  });

  it('the sets are part of the fingerprint: other sets, other state', () => {
    const fp = (sql: string) => planFingerprint(toPhysical(optimize(bind(sql))));
    expect(fp('SELECT channel, COUNT(*) AS n FROM bids GROUP BY ROLLUP (channel)')).not.toEqual(fp('SELECT channel, COUNT(*) AS n FROM bids GROUP BY GROUPING SETS ((), (channel))'));
    expect(fp('SELECT channel, COUNT(*) AS n FROM bids GROUP BY ROLLUP (channel)')).toEqual(fp('SELECT channel, COUNT(*) AS total FROM bids GROUP BY GROUPING SETS ((channel), ())'));
  });
});

describe('GROUPING SETS errors', () => {
  it('a window TVF set without window_start / window_end points at the set', () => {
    const e = bindError(`SELECT window_start, channel, COUNT(*) AS n FROM ${TVF} GROUP BY GROUPING SETS ((window_start, window_end, channel), (window_start, channel))`);
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toBe('every grouping set of a window aggregation must include window_start and window_end; this one has no window_end');
    expect(e.text).toBe('(window_start, channel)');
  });

  it('GROUPING of a column not in GROUP BY, and grouping sets with a group window, are refused', () => {
    const e = bindError('SELECT channel, GROUPING(bidder) AS g FROM bids GROUP BY ROLLUP (channel, auction)');
    expect(e).toMatchObject({ code: 'NOT_GROUPED', text: 'bidder' });
    const w = bindError("SELECT channel, COUNT(*) AS n FROM bids GROUP BY TUMBLE(ts, INTERVAL '1' SECOND), ROLLUP (channel)");
    expect(w).toMatchObject({ code: 'UNSUPPORTED', text: "TUMBLE(ts, INTERVAL '1' SECOND)" });
    expect(bindError('SELECT channel, bidder, COUNT(*) AS n FROM bids GROUP BY ROLLUP (channel)')).toMatchObject({ code: 'NOT_GROUPED', text: 'bidder' });
  });
});
