/**
 * Differential tests of scalar subqueries in WHERE (src/planner/bind-scalar-subquery.ts): a LEFT
 * join with the subquery's aggregate (grouped by its correlation), then the condition. Two random
 * JSON Lines inputs (NULL keys and values, duplicates, keys on one side only), random batch sizes;
 * Eddy's changelog folded must equal what SQLite computes for the same query in batch. Covers
 * uncorrelated and correlated subqueries, COUNT of a group with no rows (0, not NULL), two
 * subqueries in one condition, a local filter inside the subquery, and an updating outer side.
 * One deliberate Flink rule: an uncorrelated aggregate over no rows is no row in streaming (Flink
 * emits nothing for a global aggregate that saw no input), so the subquery is NULL, not COUNT 0;
 * the SQLite side states that with a CASE.
 */
import { describe, expect, it } from 'vitest';
import { Eddy } from '../../src/index.js';
import { compareWithSqlite, folded, useTwoInputs, type TwoInputCase } from './two-inputs.js';

const SEED = 20261202;
const RUNS = 40;

const CASES: readonly TwoInputCase[] = [
  { name: 'above the average', sql: 'SELECT k, x FROM l WHERE x > (SELECT AVG(CAST(x AS DOUBLE)) FROM r)', cols: ['k', 'x'], retracts: true },
  { name: 'equal to the maximum', sql: 'SELECT k, x FROM l WHERE x = (SELECT MAX(x) FROM r)', cols: ['k', 'x'], minRows: 5 },
  {
    name: 'at least the count (no rows: NULL in streaming)',
    sql: 'SELECT k, x FROM l WHERE x >= (SELECT COUNT(*) FROM r WHERE k > 1)',
    sqlite: 'SELECT k, x FROM l WHERE x >= (SELECT CASE WHEN COUNT(*) = 0 THEN NULL ELSE COUNT(*) END FROM r WHERE k > 1)',
    cols: ['k', 'x'],
  },
  { name: 'correlated maximum', sql: 'SELECT l.k, l.x FROM l WHERE l.x = (SELECT MAX(r.x) FROM r WHERE r.k = l.k)', cols: ['k', 'x'], minRows: 5 },
  { name: 'correlated count (no rows: 0)', sql: 'SELECT k, x FROM l WHERE x > (SELECT COUNT(*) FROM r WHERE r.k = l.k)', cols: ['k', 'x'], retracts: true },
  { name: 'correlated sum with a local filter', sql: 'SELECT k, x FROM l WHERE x * 3 < (SELECT SUM(r.x) FROM r WHERE r.x > 1 AND l.k = r.k) AND x > 0', cols: ['k', 'x'], minRows: 5 },
  {
    name: 'two subqueries in one condition',
    sql: 'SELECT k, x FROM l WHERE x BETWEEN (SELECT MIN(x) FROM r) AND (SELECT MAX(r.x) FROM r WHERE r.k = l.k)',
    cols: ['k', 'x'],
  },
  {
    name: 'updating outer side',
    sql: 'SELECT g.k, g.n FROM (SELECT k, COUNT(*) AS n FROM l GROUP BY k) g WHERE g.n > (SELECT COUNT(*) FROM r WHERE r.k = g.k)',
    cols: ['k', 'n'],
    retracts: true,
  },
  { name: 'with IN', sql: 'SELECT k, x FROM l WHERE k IN (SELECT k FROM r) AND x < (SELECT MAX(x) FROM r)', cols: ['k', 'x'] },
];

const t = useTwoInputs('eddy-scalar-diff-');
const { eddyRows, sqliteRows } = t;

describe('scalar subqueries in WHERE: the folded changelog vs SQLite', () => {
  it('sanity: a row above the average is taken back when the average rises past it', async () => {
    const c = CASES.find((x) => x.name === 'above the average')!;
    const rows = await eddyRows([{ k: 1, x: 5 }], [{ k: 1, x: 2 }, { k: 1, x: 9 }], c, 1);
    const log = rows.map((r) => JSON.stringify([r['op'], r['k'], r['x']]));
    // avg 2 → 5 passes; avg 5.5 → taken back (the inputs interleave batch by batch)
    expect(log).toContain(JSON.stringify(['+I', 1, 5]));
    expect(log.at(-1)).toBe(JSON.stringify(['-D', 1, 5]));
    expect(folded(rows, c).rows).toEqual([]);
  });

  it('sanity: a row equal to its key\'s maximum is taken back when a larger one arrives for that key only', async () => {
    const c = CASES.find((x) => x.name === 'correlated maximum')!;
    const rows = await eddyRows([{ k: 1, x: 5 }, { k: 2, x: 3 }], [{ k: 1, x: 5 }, { k: 2, x: 3 }, { k: 1, x: 9 }], c, 1);
    const log = rows.map((r) => JSON.stringify([r['op'], r['k'], r['x']]));
    expect(log).toEqual([JSON.stringify(['+I', 1, 5]), JSON.stringify(['+I', 2, 3]), JSON.stringify(['-D', 1, 5])]);
  });

  it('sanity: a correlated COUNT of a key with no rows is 0', async () => {
    const c = CASES.find((x) => x.name === 'correlated count (no rows: 0)')!;
    const rows = await eddyRows([{ k: 7, x: 1 }, { k: null, x: 1 }, { k: 1, x: 1 }], [{ k: 1, x: 0 }], c, 2);
    expect(folded(rows, c).rows).toEqual([JSON.stringify([7, 1]), JSON.stringify([null, 1])].sort());
  });

  for (const c of CASES) {
    it(`${c.name}: matches SQLite for random inputs and batch sizes`, compareWithSqlite(t, c, SEED, RUNS));
  }

  it('refuses what it cannot bind, with a hint', async () => {
    const eddy = await Eddy.open();
    try {
      await eddy.execute(`CREATE STREAM l (k INT, x INT) WITH ('connector' = 'memory')`);
      await eddy.execute(`CREATE STREAM r (k INT, x INT) WITH ('connector' = 'memory')`);
      const refusal = (sql: string): string => {
        try {
          eddy.query(sql);
        } catch (e) {
          return `${(e as Error).message} | ${(e as { hint?: string }).hint ?? ''}`;
        }
        return 'accepted';
      };
      expect(refusal('SELECT k FROM l WHERE x > (SELECT x FROM r)')).toMatch(/aggregates into one value/);
      expect(refusal('SELECT k FROM l WHERE x > (SELECT MAX(x), MIN(x) FROM r)')).toMatch(/exactly one value/);
      expect(refusal('SELECT k FROM l WHERE x > (SELECT MAX(r.x) FROM r WHERE r.x > l.x)')).toMatch(/only in equalities/);
      expect(refusal('SELECT k, (SELECT MAX(x) FROM r) FROM l')).toMatch(/only inside a condition of WHERE/);
    } finally {
      await eddy.close();
    }
  });
});
