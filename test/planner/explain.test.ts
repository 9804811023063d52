import { describe, expect, it } from 'vitest';
import { describePlanDifference, explain, planFingerprint } from '../../src/planner/explain.js';
import { optimize } from '../../src/planner/optimize.js';
import { toPhysical } from '../../src/planner/physical.js';
import type { PhysicalPlan } from '../../src/planner/plan.js';
import { bind, explainSql } from './helpers.js';

const physical = (sql: string): PhysicalPlan => toPhysical(optimize(bind(sql)));
const fp = (sql: string): string => planFingerprint(physical(sql));

const GROUP_WINDOW = `SELECT auction, TUMBLE_START(ts, INTERVAL '10' SECOND) AS window_start,
       COUNT(*) AS n, MAX(price) AS top
FROM bids WHERE price > 1
GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND)`;

describe('explain', () => {
  it('group-window query (the DESIGN.md example)', () => {
    expect(explainSql(GROUP_WINDOW)).toBe(
      [
        'ProjectExec [auction, window_start, n, top]',
        '  WindowAggregateExec keys=[auction] window=TUMBLE(ts, 10 s) aggs=[COUNT(*) AS n, MAX(price) AS top]',
        '    FilterExec (price > 1)',
        "      SourceExec bids connector=file watermark=(ts - INTERVAL '5' SECOND)",
      ].join('\n'),
    );
  });

  it('TVF query with HAVING, computed projections and LIMIT', () => {
    const sql = `SELECT window_end, auction, SUM(price) * 2 AS twice, COUNT(DISTINCT bidder)
      FROM TABLE(HOP(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '1' MINUTE))
      WHERE channel LIKE 'w%' AND price IS NOT NULL
      GROUP BY window_start, window_end, auction HAVING COUNT(*) > 1 LIMIT 10`;
    expect(explainSql(sql)).toBe(
      [
        'LimitExec 10',
        '  ProjectExec [window_end, auction, agg$0 * 2 AS twice, EXPR$3]',
        '    FilterExec (agg$2 > 1)',
        '      WindowAggregateExec keys=[auction] window=HOP(ts, 5 s, 1 min) aggs=[SUM(price) AS agg$0, COUNT(DISTINCT bidder) AS EXPR$3, COUNT(*) AS agg$2]',
        "        FilterExec ((channel LIKE 'w%') AND (price IS NOT NULL))",
        "          SourceExec bids connector=file watermark=(ts - INTERVAL '5' SECOND)",
      ].join('\n'),
    );
  });

  it('session, cumulate and offset windows; a source without watermark', () => {
    expect(explainSql("SELECT COUNT(*) AS n FROM bids GROUP BY SESSION(ts, INTERVAL '90' SECOND)")).toContain('window=SESSION(ts, 90 s)');
    expect(explainSql("SELECT COUNT(*) AS n FROM bids GROUP BY CUMULATE(ts, INTERVAL '1' MINUTE, INTERVAL '1' HOUR)")).toContain('window=CUMULATE(ts, 1 min, 1 h)');
    expect(explainSql("SELECT COUNT(*) AS n FROM bids GROUP BY TUMBLE(ts, INTERVAL '1' DAY, INTERVAL '500' MILLISECOND)")).toContain('window=TUMBLE(ts, 1 d, offset=500 ms)');
    expect(explainSql('SELECT url FROM clicks')).toBe(['ProjectExec [url]', '  SourceExec clicks connector=memory'].join('\n'));
  });

  it('a window over SESSION windows attached to its rows (GROUP BY the sessions\' key): keyed by its start per end; the plan fingerprint says attached', () => {
    const inner = `SELECT bidder, window_start AS ws, window_end AS we, COUNT(*) AS n
      FROM TABLE(SESSION(TABLE bids PARTITION BY bidder, DESCRIPTOR(ts), INTERVAL '30' SECOND)) GROUP BY bidder, window_start, window_end`;
    const sql = `SELECT ws, we, bidder, COUNT(*) AS sessions, MAX(n) AS top FROM (${inner}) s GROUP BY bidder, ws, we`;
    expect(explainSql(sql)).toBe(
      [
        'ProjectExec [window_start AS ws, window_end AS we, bidder, sessions, top]',
        "  WindowAggregateExec keys=[bidder] window=attached(SESSION(we, 30 s), each row's window is [ws, we)) aggs=[COUNT(*) AS sessions, MAX(n) AS top]",
        '    ProjectExec [bidder, window_start AS ws, window_end AS we, n]',
        '      WindowAggregateExec keys=[bidder] window=SESSION(ts, 30 s) aggs=[COUNT(*) AS n]',
        "        SourceExec bids connector=file watermark=(ts - INTERVAL '5' SECOND)",
      ].join('\n'),
    );
    const agg = physical(sql).inputs[0]!.node;
    expect(agg.kind === 'WindowAggregateExec' && agg.attached).toEqual({ startIndex: 1 });
    // The state is keyed by the session's start: the input is hashed on it (not one partition).
    expect(agg.inputs[0]!.partitioning).toEqual({
      kind: 'hash',
      keys: [
        { kind: 'inputRef', index: 0, name: 'bidder', type: 'BIGINT' },
        { kind: 'inputRef', index: 1, name: 'ws', type: 'TIMESTAMP' },
      ],
    });
    expect(fp(sql)).toContain('attached SESSION');
    // As Flink: over keys other than the sessions' own (here none), a plain updating GROUP BY.
    expect(explainSql(`SELECT ws, we, COUNT(*) AS bidders FROM (${inner}) s GROUP BY ws, we`)).toMatch(/^GroupAggregateExec keys=\[ws, we\] .*changelog=updating\n/);
  });

  it('renders CASE, CAST, IN, BETWEEN, functions and timestamps as SQL', () => {
    const sql = "SELECT CASE WHEN price > 10 THEN 'hi' ELSE UPPER(channel) END AS c, CAST(bidder AS VARCHAR) AS b FROM bids WHERE auction IN (1, 2) AND ts BETWEEN '2024-01-01 00:00:00' AND '2024-01-02 00:00:00'";
    expect(explainSql(sql)).toBe(
      [
        "ProjectExec [CASE WHEN price > 10 THEN 'hi' ELSE UPPER(channel) END AS c, CAST(bidder AS VARCHAR) AS b]",
        "  FilterExec ((auction IN (1, 2)) AND (ts BETWEEN TIMESTAMP '2024-01-01 00:00:00.000' AND TIMESTAMP '2024-01-02 00:00:00.000'))",
        "    SourceExec bids connector=file watermark=(ts - INTERVAL '5' SECOND)",
      ].join('\n'),
    );
  });
});

describe('toPhysical uids', () => {
  it('are <kind>-<n> counted from the source, and the same for the same text', () => {
    const uids = (p: PhysicalPlan): string[] => {
      const out: string[] = [];
      for (let n: PhysicalPlan | undefined = p; n; n = n.inputs[0]?.node) out.push(n.uid);
      return out;
    };
    const sql = `${GROUP_WINDOW} HAVING COUNT(*) > 1 LIMIT 3`;
    expect(uids(physical(sql))).toEqual(['limit-0', 'project-0', 'filter-1', 'window-aggregate-0', 'filter-0', 'source-0']);
    expect(uids(physical(sql))).toEqual(uids(physical(sql)));
  });
});

describe('planFingerprint', () => {
  it('is stable for the same text, and ignores stateless changes (WHERE, aliases, projections)', () => {
    expect(fp(GROUP_WINDOW)).toBe(fp(GROUP_WINDOW));
    expect(fp(GROUP_WINDOW)).toBe(fp(GROUP_WINDOW.replace('price > 1', 'price > 2').replace('AS top', 'AS best')));
  });

  it('looks like this', () => {
    expect(fp(GROUP_WINDOW).split('\n')).toEqual([
      '{"uid":"project-0","operator":"ProjectExec"}',
      '{"uid":"window-aggregate-0","operator":"WindowAggregateExec","keys":["auction: BIGINT"],"window":"TUMBLE(ts, 10 s)","aggregates":["COUNT(*): BIGINT","MAX(price): DOUBLE"]}',
      '{"uid":"filter-0","operator":"FilterExec"}',
      '{"uid":"source-0","operator":"SourceExec","stream":"bids","connector":"file","watermark":"ts"}',
    ]);
  });

  it('changes, and the difference is named, when a key, the window or an aggregate changes', () => {
    const base = fp(GROUP_WINDOW);
    const key = fp(GROUP_WINDOW.replace(/auction/g, 'bidder'));
    const win = fp(GROUP_WINDOW.replace(/'10' SECOND/g, "'20' SECOND"));
    const agg = fp(GROUP_WINDOW.replace('MAX(price)', 'MIN(price)'));
    for (const other of [key, win, agg]) expect(other).not.toBe(base);
    expect(describePlanDifference(base, key)).toBe('the GROUP BY keys of window-aggregate-0 changed from [auction: BIGINT] to [bidder: BIGINT]');
    expect(describePlanDifference(base, win)).toBe('the window of window-aggregate-0 changed from TUMBLE(ts, 10 s) to TUMBLE(ts, 20 s)');
    expect(describePlanDifference(base, agg)).toBe('the aggregates of window-aggregate-0 changed from [COUNT(*): BIGINT, MAX(price): DOUBLE] to [COUNT(*): BIGINT, MIN(price): DOUBLE]');
    expect(describePlanDifference(base, base)).toBe('the plans are identical');
  });

  it('names added, removed and replaced operators', () => {
    const withFilter = fp("SELECT * FROM bids WHERE price > 1");
    const without = fp('SELECT * FROM bids');
    expect(describePlanDifference(without, withFilter)).toBe('operator SourceExec (source-0) was replaced by FilterExec (filter-0)');
    expect(describePlanDifference(withFilter, without)).toBe('operator FilterExec (filter-0) was replaced by SourceExec (source-0)');
    expect(describePlanDifference(fp('SELECT auction FROM bids'), fp('SELECT auction FROM bids LIMIT 1'))).toBe('operator ProjectExec (project-0) was replaced by LimitExec (limit-0)');
    expect(describePlanDifference('{"uid":"a","operator":"X"}', '{"uid":"a","operator":"X"}\n{"uid":"b","operator":"Y"}')).toBe('the new plan has an extra operator Y (b)');
    expect(describePlanDifference('garbage', 'other')).toBe('the plan fingerprint changed');
  });
});
