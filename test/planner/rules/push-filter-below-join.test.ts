/** push-filter-below-join: which WHERE conjuncts go below which join side (EXPLAIN), and the same changelog with the rule as without it. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Eddy } from '../../../src/index.js';
import { pushFilterBelowJoin } from '../../../src/planner/rules/push-filter-below-join.js';

// The session plans with optimize's default rules; `rule.on = false` plans without this one.
const rule = vi.hoisted(() => ({ on: true }));
vi.mock('../../../src/planner/optimize.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../../src/planner/optimize.js')>();
  return {
    ...m,
    optimize: (plan: Parameters<typeof m.optimize>[0], rules = m.DEFAULT_RULES) => m.optimize(plan, rule.on ? rules : rules.filter((r) => r.name !== 'push-filter-below-join')),
  };
});

const A = [
  { k: 1, x: 1, s: 'p' },
  { k: 1, x: 5, s: 'q' },
  { k: 2, x: 3, s: 'p' },
  { k: 3, x: null, s: 'r' },
  { k: null, x: 7, s: 'p' },
  { k: 4, x: 9, s: 'q' },
  { k: 2, x: 2, s: null },
];
const B = [
  { k: 1, y: 2, t: 'u' },
  { k: 2, y: 8, t: 'v' },
  { k: 2, y: 3, t: 'u' },
  { k: 3, y: null, t: 'v' },
  { k: 5, y: 1, t: 'u' },
  { k: null, y: 4, t: 'w' },
];

let eddy: Eddy;
beforeEach(async () => {
  rule.on = true;
  eddy = await Eddy.open();
  await eddy.execute("CREATE STREAM a (k INT, x INT, s VARCHAR) WITH ('connector' = 'memory')");
  await eddy.execute("CREATE STREAM b (k INT, y INT, t VARCHAR) WITH ('connector' = 'memory')");
});
afterEach(async () => {
  await eddy.close();
});

async function explain(sql: string): Promise<string[]> {
  const [r] = await eddy.execute(`EXPLAIN ${sql}`);
  return (r as { text: string }).text.split('\n').map((l) => l.replace(/ changelog=.*$/, '').trimEnd());
}

/** The query's changelog over A and B (all of a, then all of b, each stream then ended), in order. */
async function changelog(sql: string, on: boolean): Promise<unknown[]> {
  rule.on = on;
  const e = await Eddy.open();
  try {
    await e.execute("CREATE STREAM a (k INT, x INT, s VARCHAR) WITH ('connector' = 'memory')");
    await e.execute("CREATE STREAM b (k INT, y INT, t VARCHAR) WITH ('connector' = 'memory')");
    const q = e.query(sql);
    await e.insert('a', A.map((r) => ({ ...r })));
    await e.insert('b', B.map((r) => ({ ...r })));
    e.end('a');
    e.end('b');
    return await q.toArray();
  } finally {
    await e.close();
    rule.on = true;
  }
}

async function sameWithAndWithout(sql: string): Promise<unknown[]> {
  const with_ = await changelog(sql, true);
  const without = await changelog(sql, false);
  expect(with_).toEqual(without);
  return with_;
}

describe('push-filter-below-join', () => {
  it('moves each one-sided conjunct of an INNER join below its side, and keeps the two-sided one above', async () => {
    const sql = 'SELECT a.k, a.x, b.y FROM a JOIN b ON a.k = b.k WHERE a.x > 1 AND b.y < 5 AND a.x <> b.y';
    expect(await explain(sql)).toEqual([
      'ProjectExec [k, x, y]',
      '  FilterExec (x <> y)',
      '    JoinExec INNER keys=[k = k]',
      '      ProjectExec [k, x]',
      '        FilterExec (x > 1)',
      '          SourceExec a connector=memory',
      '      ProjectExec [k, y]',
      '        FilterExec (y < 5)',
      '          SourceExec b connector=memory',
    ]);
    expect(await sameWithAndWithout(sql)).toEqual([{ k: 1, x: 5, y: 2 }, { k: 2, x: 2, y: 3 }]);
  });

  it('below a LEFT join only into the left (preserved) side: a conjunct on the right side also rejects null-padded rows', async () => {
    const sql = 'SELECT a.k, a.x, b.y FROM a LEFT JOIN b ON a.k = b.k WHERE a.x >= 2 AND b.y IS NULL';
    const plan = await explain(sql);
    expect(plan.slice(0, 3)).toEqual(['ProjectExec [op, k, x, y]', '  FilterExec (y IS NULL)', '    JoinExec LEFT keys=[k = k]']);
    expect(plan).toContain('        FilterExec (x >= 2)');
    const rows = await sameWithAndWithout(sql);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('below a RIGHT join only into the right side; a FULL join keeps the whole WHERE above', async () => {
    const right = 'SELECT a.x, b.k, b.y FROM a RIGHT JOIN b ON a.k = b.k WHERE b.y BETWEEN 1 AND 4 AND a.x IS NULL';
    const plan = await explain(right);
    expect(plan.slice(0, 3)).toEqual(['ProjectExec [op, x, k, y]', '  FilterExec (x IS NULL)', '    JoinExec RIGHT keys=[k = k]']);
    expect(plan).toContain('        FilterExec (y BETWEEN 1 AND 4)');
    expect((await sameWithAndWithout(right)).length).toBeGreaterThan(0);
    const full = "SELECT a.x, b.y FROM a FULL JOIN b ON a.k = b.k WHERE a.s = 'p' AND b.t IN ('u', 'v')";
    expect((await explain(full)).slice(0, 3)).toEqual(['ProjectExec [op, x, y]', "  FilterExec ((s = 'p') AND (t IN ('u', 'v')))", '    JoinExec FULL keys=[k = k]']);
    expect((await sameWithAndWithout(full)).length).toBeGreaterThan(0);
  });

  it('keeps above the join a conjunct that could fail or depend on where it runs (arithmetic, casts, calls, LIKE)', async () => {
    const sql = "SELECT a.x, b.y FROM a JOIN b ON a.k = b.k WHERE a.x / 2 >= 1 AND UPPER(b.t) = 'U' AND a.s LIKE 'p%' AND b.y > 1";
    const plan = await explain(sql);
    expect(plan[1]).toBe("  FilterExec ((((x / 2) >= 1) AND (UPPER(t) = 'U')) AND (s LIKE 'p%'))");
    expect(plan).toContain('      FilterExec (y > 1)');
    expect((await sameWithAndWithout(sql)).length).toBeGreaterThan(0);
  });

  it('pushes a WHERE over a semi / anti join (an IN / NOT EXISTS in a derived table) into its left side', async () => {
    const sql = 'SELECT k, x FROM (SELECT k, x FROM a WHERE k IN (SELECT k FROM b WHERE y > 2)) WHERE x > 2';
    expect((await explain(sql)).slice(0, 3)).toEqual(['JoinExec SEMI keys=[k = k] output=left columns', '  FilterExec (x > 2)', '    ProjectExec [k, x]']);
    rule.on = false;
    expect((await explain(sql))[0]).toBe('FilterExec (x > 2)');
    rule.on = true;
    expect((await sameWithAndWithout(sql)).length).toBeGreaterThan(0);
    const anti = 'SELECT k, x FROM (SELECT k, x FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.k = a.k)) WHERE x > 2';
    expect((await explain(anti)).slice(0, 2)).toEqual(['JoinExec ANTI keys=[k = k] output=left columns', '  FilterExec (x > 2)']);
    expect((await sameWithAndWithout(anti)).length).toBeGreaterThan(0);
  });

  it('leaves interval joins alone (their late rows are counted and routed as they arrive)', async () => {
    await eddy.execute("CREATE STREAM l (k INT, x INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')");
    await eddy.execute("CREATE STREAM r (k INT, y INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')");
    const plan = await explain("SELECT l.x, r.y FROM l, r WHERE l.k = r.k AND r.ts BETWEEN l.ts - INTERVAL '1' SECOND AND l.ts AND l.x > 1");
    expect(plan.findIndex((line) => line.includes('FilterExec (x > 1)'))).toBeLessThan(plan.findIndex((line) => line.includes('IntervalJoinExec')));
  });

  it('is a node rule of the default set', async () => {
    const { DEFAULT_RULES } = await import('../../../src/planner/optimize.js');
    expect(DEFAULT_RULES).toContain(pushFilterBelowJoin);
  });
});
