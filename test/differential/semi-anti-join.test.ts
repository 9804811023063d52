/**
 * Differential tests of IN / EXISTS subqueries as semi and anti joins (src/planner/bind-subquery.ts,
 * src/exec/operators/semi-anti-join.ts): two random JSON Lines inputs (NULL keys, duplicate keys,
 * keys on one side only) filtered by Eddy with random batch sizes; the changelog, folded (+I/+U add
 * a row, -U/-D remove one, which must be there), must equal the multiset SQLite computes for the
 * same query in batch (SQLite applies SQL's NULL rule for NOT IN). A semi join of append-only
 * inputs must be append-only; an anti join is updating (a later inner row takes back an outer row).
 * Covers IN, NOT IN (NULLs on either side), EXISTS and NOT EXISTS with a correlation and a residual,
 * an updating subquery (GROUP BY ... HAVING) on the inner side and an updating outer side.
 */
import { describe, expect, it } from 'vitest';
import { compareWithSqlite, folded, useTwoInputs, type TwoInputCase } from './two-inputs.js';

const SEED = 20241203;
const RUNS = 50;

const CASES: readonly TwoInputCase[] = [
  { name: 'IN', sql: 'SELECT l.k, l.x FROM l WHERE l.k IN (SELECT r.k FROM r)', cols: ['k', 'x'], append: true },
  { name: 'IN with a filter', sql: 'SELECT k, x FROM l WHERE x > 2 AND x IN (SELECT x + 1 FROM r WHERE k <> 2)', cols: ['k', 'x'], append: true },
  { name: 'NOT IN', sql: 'SELECT l.k, l.x FROM l WHERE l.k NOT IN (SELECT r.k FROM r)', cols: ['k', 'x'], retracts: true },
  { name: 'NOT NOT IN', sql: 'SELECT k, x FROM l WHERE NOT (x NOT IN (SELECT x FROM r WHERE k > 1))', sqlite: 'SELECT k, x FROM l WHERE x IN (SELECT x FROM r WHERE k > 1)', cols: ['k', 'x'], append: true },
  { name: 'NOT IN over x', sql: 'SELECT k, x FROM l WHERE x NOT IN (SELECT x FROM r WHERE k > 1)', cols: ['k', 'x'], retracts: true },
  { name: 'EXISTS', sql: 'SELECT k, x FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.k = l.k AND r.x > l.x)', cols: ['k', 'x'], append: true },
  { name: 'NOT EXISTS', sql: 'SELECT k, x FROM l WHERE NOT EXISTS (SELECT * FROM r WHERE l.k = r.k)', cols: ['k', 'x'], retracts: true },
  { name: 'NOT EXISTS residual', sql: 'SELECT l.k, l.x FROM l WHERE l.x < 8 AND NOT EXISTS (SELECT r.x FROM r WHERE l.k = r.k AND r.x >= l.x)', cols: ['k', 'x'], retracts: true },
  {
    name: 'IN updating subquery',
    sql: 'SELECT k, x FROM l WHERE k IN (SELECT k FROM r GROUP BY k HAVING COUNT(*) > 1)',
    cols: ['k', 'x'],
  },
  {
    name: 'NOT IN updating subquery',
    sql: 'SELECT k, x FROM l WHERE k NOT IN (SELECT k FROM r GROUP BY k HAVING COUNT(*) > 1)',
    cols: ['k', 'x'],
    retracts: true,
  },
  {
    name: 'NOT EXISTS updating outer',
    sql: 'SELECT g.k, g.n FROM (SELECT k, COUNT(*) AS n FROM l GROUP BY k) g WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.k = g.k)',
    cols: ['k', 'n'],
    retracts: true,
  },
  {
    name: 'IN and EXISTS',
    sql: 'SELECT k, x FROM l WHERE k IN (SELECT x FROM r) AND EXISTS (SELECT 1 FROM r WHERE r.k = l.x)',
    cols: ['k', 'x'],
    append: true,
  },
];

const t = useTwoInputs('eddy-semi-diff-');
const { eddyRows, sqliteRows } = t;

describe('IN / EXISTS subqueries as semi/anti joins: the folded changelog vs SQLite', () => {
  it('sanity: NOT EXISTS emits an outer row and takes it back when a match arrives', async () => {
    const c = CASES.find((x) => x.name === 'NOT EXISTS')!;
    const left = [{ k: 1, x: 1 }, { k: null, x: 2 }];
    const right = [{ k: 1, x: 5 }];
    const rows = await eddyRows(left, right, c, 1);
    // The inputs interleave as their batches arrive; k = 1 is emitted and then taken back, the NULL key never matches.
    const log = rows.map((r) => JSON.stringify([r['op'], r['k'], r['x']]));
    expect([...log].sort()).toEqual([JSON.stringify(['+I', 1, 1]), JSON.stringify(['+I', null, 2]), JSON.stringify(['-D', 1, 1])].sort());
    expect(log.indexOf(JSON.stringify(['+I', 1, 1]))).toBeLessThan(log.indexOf(JSON.stringify(['-D', 1, 1])));
    expect(folded(rows, c).rows).toEqual(await sqliteRows(left, right, c));
    expect(folded(rows, c).rows).not.toEqual(await sqliteRows(left, [], c));
  });

  it('sanity: NOT IN with a NULL in the subquery keeps nothing, and over an empty one keeps everything', async () => {
    const c = CASES.find((x) => x.name === 'NOT IN')!;
    const left = [{ k: 1, x: 1 }, { k: null, x: 2 }, { k: 3, x: 3 }];
    expect(folded(await eddyRows(left, [{ k: 1, x: 0 }], c, 1), c).rows).toEqual([JSON.stringify([3, 3])]);
    expect(folded(await eddyRows(left, [{ k: 1, x: 0 }, { k: null, x: 0 }], c, 2), c).rows).toEqual([]);
    expect(folded(await eddyRows(left, [], c, 1), c).rows).toHaveLength(3);
  });

  for (const c of CASES) {
    it(`${c.name}: matches SQLite for random inputs and batch sizes`, compareWithSqlite(t, c, SEED, RUNS));
  }
});
