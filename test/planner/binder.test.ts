import { describe, expect, it } from 'vitest';
import type { LogicalPlan } from '../../src/planner/plan.js';
import { bind, columnsOf } from './helpers.js';

/** The node kinds from the root down to the scan. */
function shape(p: LogicalPlan): string[] {
  const out: string[] = [];
  for (let n: LogicalPlan | undefined = p; n; n = n.kind === 'scan' ? undefined : n.input) out.push(n.kind);
  return out;
}

function aggNode(p: LogicalPlan): Extract<LogicalPlan, { kind: 'windowAggregate' }> {
  for (let n: LogicalPlan | undefined = p; n; n = n.kind === 'scan' ? undefined : n.input) if (n.kind === 'windowAggregate') return n;
  throw new Error('no windowAggregate');
}

describe('bindQuery: plain queries', () => {
  it('SELECT * expands to the stream columns: scan → project', () => {
    const p = bind('SELECT * FROM bids');
    expect(shape(p)).toEqual(['project', 'scan']);
    expect(columnsOf(p)).toEqual(['auction BIGINT', 'bidder BIGINT', 'price DOUBLE', 'channel VARCHAR', 'ts TIMESTAMP']);
  });

  it('WHERE and LIMIT: scan → filter → project → limit', () => {
    const p = bind('SELECT b.price AS p, channel FROM bids AS b WHERE b.price > 1 LIMIT 5');
    expect(shape(p)).toEqual(['limit', 'project', 'filter', 'scan']);
    expect(p.kind === 'limit' && p.count).toBe(5);
    expect(columnsOf(p)).toEqual(['p DOUBLE', 'channel VARCHAR']);
  });

  it('the scan carries the bound watermark', () => {
    const p = bind('SELECT ts FROM bids');
    const scan = p.kind === 'project' ? p.input : undefined;
    expect(scan?.kind === 'scan' && scan.watermark).toEqual({
      timeIndex: 4,
      expr: {
        kind: 'binary',
        op: '-',
        left: { kind: 'inputRef', index: 4, name: 'ts', type: 'TIMESTAMP' },
        right: { kind: 'literal', value: 5000, type: 'INTERVAL' },
        type: 'TIMESTAMP',
      },
    });
  });

  it('unnamed expressions are EXPR$<position>; bare columns keep their name', () => {
    const p = bind('SELECT auction, price * 2, UPPER(channel) AS ch, bidder + 1 FROM bids');
    expect(columnsOf(p)).toEqual(['auction BIGINT', 'EXPR$1 DOUBLE', 'ch VARCHAR', 'EXPR$3 BIGINT']);
  });

  it('quoted identifiers keep their case', () => {
    const p = bind('SELECT price AS "Price" FROM bids');
    expect(columnsOf(p)).toEqual(['Price DOUBLE']);
  });
});

describe('bindQuery: type promotion', () => {
  const typeOf = (expr: string, from = 'clicks'): string => columnsOf(bind(`SELECT ${expr} AS x FROM ${from}`))[0]!;
  it.each([
    ['user_id + 1', 'x INT'],
    ['user_id + auction', 'x BIGINT'],
    ['user_id * score', 'x DOUBLE'],
    ['score + 1', 'x DOUBLE'],
    ['user_id / 2', 'x INT'],
    ['user_id % 3', 'x INT'],
    ['-user_id', 'x INT'],
    ['3000000000 + user_id', 'x BIGINT'],
    ['1.5 * 2', 'x DOUBLE'],
    ["ts + INTERVAL '1' MINUTE", 'x TIMESTAMP'],
    ["ts - INTERVAL '1' MINUTE", 'x TIMESTAMP'],
    ['NULL', 'x NULL'],
    ['CASE WHEN user_id > 1 THEN user_id ELSE NULL END', 'x INT'],
    ['CASE WHEN user_id > 1 THEN user_id ELSE score END', 'x DOUBLE'],
    ['COALESCE(NULL, user_id, 2)', 'x INT'],
    ['CAST(user_id AS VARCHAR)', 'x VARCHAR'],
    ["url || 'x'", 'x VARCHAR'],
    ['user_id BETWEEN 1 AND 2.5', 'x BOOLEAN'],
    ["url LIKE 'a%'", 'x BOOLEAN'],
    ['user_id IN (1, 2, 3)', 'x BOOLEAN'],
    ['score IS NULL', 'x BOOLEAN'],
    ['CHAR_LENGTH(url)', 'x INT'],
    ['ROUND(score, 1)', 'x FLOAT'],
    ['POWER(user_id, 2)', 'x DOUBLE'],
    ['MOD(user_id, 2)', 'x INT'],
  ])('%s → %s', (expr, want) => {
    expect(typeOf(expr.replace('auction', 'CAST(user_id AS BIGINT)'))).toBe(want);
  });

  it('a timestamp string compared with a TIMESTAMP becomes a TIMESTAMP literal at plan time', () => {
    const p = bind("SELECT * FROM bids WHERE ts >= '2024-01-02 03:04:05.006'");
    const filter = p.kind === 'project' ? p.input : undefined;
    expect(filter?.kind === 'filter' && filter.predicate).toMatchObject({
      kind: 'binary',
      op: '>=',
      right: { kind: 'literal', value: Date.UTC(2024, 0, 2, 3, 4, 5, 6), type: 'TIMESTAMP' },
    });
  });

  it('NULL unifies in comparisons', () => {
    expect(columnsOf(bind('SELECT price = NULL AS x FROM bids'))).toEqual(['x BOOLEAN']);
  });
});

describe('bindQuery: group-window form', () => {
  const sql = `SELECT auction, TUMBLE_START(ts, INTERVAL '10' SECOND) AS window_start,
       TUMBLE_END(ts, INTERVAL '10' SECOND) AS wend, TUMBLE_ROWTIME(ts, INTERVAL '10' SECOND) AS rt,
       COUNT(*) AS n, MAX(price) AS top, SUM(bidder) AS sb, AVG(bidder) AS ab, AVG(price) AS ap, COUNT(channel)
FROM bids WHERE price > 1
GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND)`;

  it('plans scan → filter → windowAggregate → project with exact output schema', () => {
    const p = bind(sql);
    expect(shape(p)).toEqual(['project', 'windowAggregate', 'filter', 'scan']);
    expect(columnsOf(p)).toEqual([
      'auction BIGINT',
      'window_start TIMESTAMP',
      'wend TIMESTAMP',
      'rt TIMESTAMP',
      'n BIGINT',
      'top DOUBLE',
      'sb BIGINT',
      'ab BIGINT',
      'ap DOUBLE',
      'EXPR$9 BIGINT',
    ]);
    const agg = aggNode(p);
    expect(agg.window).toEqual({ kind: 'tumble', size: 10_000, offset: 0 });
    expect(agg.timeIndex).toBe(4);
    expect(agg.keys).toEqual([{ kind: 'inputRef', index: 0, name: 'auction', type: 'BIGINT' }]);
    expect(agg.aggs.map((a) => `${a.fn}:${a.display}:${a.type}`)).toEqual([
      'COUNT_STAR:COUNT(*):BIGINT',
      'MAX:MAX(price):DOUBLE',
      'SUM:SUM(bidder):BIGINT',
      'AVG:AVG(bidder):BIGINT',
      'AVG:AVG(price):DOUBLE',
      'COUNT:COUNT(channel):BIGINT',
    ]);
    expect(columnsOf(agg)).toEqual(['auction BIGINT', 'window_start TIMESTAMP', 'window_end TIMESTAMP', 'n BIGINT', 'top DOUBLE', 'sb BIGINT', 'ab BIGINT', 'ap DOUBLE', 'EXPR$9 BIGINT']);
  });

  it('window start/end/rowtime map to the aggregate output columns', () => {
    const p = bind(sql);
    if (p.kind !== 'project') throw new Error('expected project');
    expect(p.exprs[1]).toEqual({ kind: 'inputRef', index: 1, name: 'window_start', type: 'TIMESTAMP' });
    expect(p.exprs[2]).toEqual({ kind: 'inputRef', index: 2, name: 'window_end', type: 'TIMESTAMP' });
    expect(p.exprs[3]).toEqual({
      kind: 'binary',
      op: '-',
      left: { kind: 'inputRef', index: 2, name: 'window_end', type: 'TIMESTAMP' },
      right: { kind: 'literal', value: 1, type: 'INTERVAL' },
      type: 'TIMESTAMP',
    });
  });

  it('HAVING filters the aggregate output; a repeated aggregate is computed once', () => {
    const p = bind("SELECT COUNT(*) AS n FROM bids GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE) HAVING COUNT(*) > 2 AND MAX(price) < 10");
    expect(shape(p)).toEqual(['project', 'filter', 'windowAggregate', 'scan']);
    expect(aggNode(p).aggs.map((a) => a.display)).toEqual(['COUNT(*)', 'MAX(price)']);
    expect(columnsOf(aggNode(p))).toEqual(['window_start TIMESTAMP', 'window_end TIMESTAMP', 'n BIGINT', 'agg$1 DOUBLE']);
  });

  it('expressions over group keys count as grouped, matched structurally (qualified or not)', () => {
    const p = bind("SELECT b.auction + 1 AS a1, (auction + 1) * 2 AS a2, channel FROM bids AS b GROUP BY auction + 1, b.channel, TUMBLE(b.ts, INTERVAL '10' SECOND)");
    expect(columnsOf(p)).toEqual(['a1 BIGINT', 'a2 BIGINT', 'channel VARCHAR']);
    expect(aggNode(p).keys.length).toBe(2);
    expect(columnsOf(aggNode(p)).slice(0, 2)).toEqual(['key$0 BIGINT', 'channel VARCHAR']);
  });

  it('plans HOP, SESSION and CUMULATE with their specs; offsets are kept', () => {
    const w = (g: string) => aggNode(bind(`SELECT COUNT(*) AS n FROM bids GROUP BY ${g}`)).window;
    expect(w("HOP(ts, INTERVAL '5' SECOND, INTERVAL '1' MINUTE)")).toEqual({ kind: 'hop', slide: 5000, size: 60_000, offset: 0 });
    expect(w("SESSION(ts, INTERVAL '30' SECOND)")).toEqual({ kind: 'session', gap: 30_000 });
    expect(w("CUMULATE(ts, INTERVAL '1' MINUTE, INTERVAL '1' HOUR)")).toEqual({ kind: 'cumulate', step: 60_000, size: 3_600_000, offset: 0 });
    expect(w("TUMBLE(ts, INTERVAL '1' DAY, INTERVAL '8' HOUR)")).toEqual({ kind: 'tumble', size: 86_400_000, offset: 28_800_000 });
  });

  it('HOP_START and SESSION_END match their windows', () => {
    const p = bind("SELECT HOP_START(ts, INTERVAL '5' SECOND, INTERVAL '1' MINUTE) AS s, COUNT(*) AS n FROM bids GROUP BY HOP(ts, INTERVAL '5' SECOND, INTERVAL '1' MINUTE)");
    expect(columnsOf(p)).toEqual(['s TIMESTAMP', 'n BIGINT']);
    const q = bind("SELECT SESSION_END(ts, INTERVAL '30' SECOND) AS e FROM bids GROUP BY SESSION(ts, INTERVAL '30' SECOND)");
    expect(columnsOf(q)).toEqual(['e TIMESTAMP']);
  });

  it('COUNT(DISTINCT x) and FILTER pass through to AggCall', () => {
    const p = bind("SELECT COUNT(DISTINCT bidder) AS d, SUM(price) FILTER (WHERE channel = 'web') AS w FROM bids GROUP BY TUMBLE(ts, INTERVAL '10' SECOND)");
    const [d, w] = aggNode(p).aggs;
    expect(d).toMatchObject({ fn: 'COUNT', distinct: true, display: 'COUNT(DISTINCT bidder)' });
    expect(w).toMatchObject({ fn: 'SUM', distinct: false, display: "SUM(price) FILTER (WHERE channel = 'web')", type: 'DOUBLE' });
    expect(w?.filter?.type).toBe('BOOLEAN');
  });
});

describe('bindQuery: window TVF form', () => {
  it('GROUP BY window_start, window_end, key gives [...keys, window_start, window_end, ...aggs]', () => {
    const p = bind(`SELECT window_start, window_end, window_time, auction, COUNT(*) AS n
      FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECONDS))
      GROUP BY window_start, window_end, auction`);
    expect(shape(p)).toEqual(['project', 'windowAggregate', 'scan']);
    expect(columnsOf(p)).toEqual(['window_start TIMESTAMP', 'window_end TIMESTAMP', 'window_time TIMESTAMP', 'auction BIGINT', 'n BIGINT']);
    const agg = aggNode(p);
    expect(agg.window).toEqual({ kind: 'tumble', size: 10_000, offset: 0 });
    expect(agg.timeIndex).toBe(4);
    expect(columnsOf(agg)).toEqual(['auction BIGINT', 'window_start TIMESTAMP', 'window_end TIMESTAMP', 'n BIGINT']);
  });

  it('HOP and CUMULATE TVFs with an alias and WHERE', () => {
    const p = bind(`SELECT b.window_start, SUM(b.price) AS total
      FROM TABLE(HOP(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) AS b
      WHERE b.price > 0 GROUP BY b.window_start, b.window_end`);
    expect(shape(p)).toEqual(['project', 'windowAggregate', 'filter', 'scan']);
    expect(aggNode(p).window).toEqual({ kind: 'hop', slide: 5000, size: 10_000, offset: 0 });
    expect(columnsOf(p)).toEqual(['window_start TIMESTAMP', 'total DOUBLE']);
    const c = bind(`SELECT window_end, COUNT(*) AS n FROM TABLE(CUMULATE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '1' HOUR)) GROUP BY window_start, window_end`);
    expect(aggNode(c).window).toEqual({ kind: 'cumulate', step: 60_000, size: 3_600_000, offset: 0 });
  });

  it("SESSION's PARTITION BY columns become keys", () => {
    const p = bind(`SELECT auction, window_start, COUNT(*) AS n
      FROM TABLE(SESSION(TABLE bids PARTITION BY auction, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
      GROUP BY auction, window_start, window_end`);
    const agg = aggNode(p);
    expect(agg.window).toEqual({ kind: 'session', gap: 60_000 });
    expect(agg.keys).toEqual([{ kind: 'inputRef', index: 0, name: 'auction', type: 'BIGINT' }]);
    expect(columnsOf(p)).toEqual(['auction BIGINT', 'window_start TIMESTAMP', 'n BIGINT']);
  });
});
