/**
 * Differential tests of regular joins: two random JSON Lines inputs (NULL keys, duplicate keys,
 * keys on one side only) joined by Eddy with random batch sizes; the changelog, folded (+I/+U add
 * a row, -U/-D remove one, which must be there), must equal the multiset SQLite computes with the
 * same join in batch. INNER joins of two append-only inputs must be append-only (no op column).
 * Covers INNER, LEFT, RIGHT, FULL, residual conditions, comma joins, a join of an updating
 * derived table (a GROUP BY), a three-way join, and joins whose sides column pruning narrows.
 */
import { describe, expect, it } from 'vitest';
import { compareWithSqlite, folded, useTwoInputs, type TwoInputCase } from './two-inputs.js';

const SEED = 20241202;
const RUNS = 60;

const CASES: readonly TwoInputCase[] = ([
  { name: 'inner', sql: 'SELECT l.k, l.x, r.x AS y FROM l JOIN r ON l.k = r.k', cols: ['k', 'x', 'y'], append: true },
  { name: 'left', sql: 'SELECT l.k, l.x, r.x AS y FROM l LEFT JOIN r ON l.k = r.k', cols: ['k', 'x', 'y'] },
  { name: 'right', sql: 'SELECT l.x, r.k, r.x AS y FROM l RIGHT JOIN r ON l.k = r.k', cols: ['x', 'k', 'y'] },
  { name: 'full', sql: 'SELECT l.k AS lk, l.x, r.k AS rk, r.x AS y FROM l FULL OUTER JOIN r ON l.k = r.k', cols: ['lk', 'x', 'rk', 'y'] },
  { name: 'left residual', sql: 'SELECT l.k, l.x, r.x AS y FROM l LEFT JOIN r ON l.k = r.k AND l.x < r.x', cols: ['k', 'x', 'y'] },
  { name: 'full residual', sql: 'SELECT l.k AS lk, l.x, r.k AS rk, r.x AS y FROM l FULL JOIN r ON r.k = l.k AND r.x + l.x > 6', cols: ['lk', 'x', 'rk', 'y'] },
  { name: 'comma', sql: 'SELECT l.k, l.x, r.x AS y FROM l, r WHERE l.k = r.k AND r.x > 2', cols: ['k', 'x', 'y'], append: true },
  {
    name: 'updating input',
    sql: 'SELECT g.k, g.n, r.x AS y FROM (SELECT k, COUNT(*) AS n FROM l GROUP BY k) g LEFT JOIN r ON g.k = r.k',
    cols: ['k', 'n', 'y'],
  },
  {
    name: 'three-way',
    sql: 'SELECT a.k, a.x, b.x AS y, c.x AS z FROM l a JOIN r b ON a.k = b.k LEFT JOIN l c ON c.k = b.x',
    cols: ['k', 'x', 'y', 'z'],
  },
  // Column pruning narrows each side to what is read above the join or in ON (src/planner/rules/prune-columns.ts).
  { name: 'pruned: a column read only in ON', sql: 'SELECT l.k, r.k AS rk FROM l LEFT JOIN r ON l.k = r.k AND r.x > 3', cols: ['k', 'rk'] },
  { name: 'pruned: a column read only in a later WHERE', sql: 'SELECT l.k AS lk, r.k AS rk FROM l FULL JOIN r ON l.k = r.k WHERE l.x IS NULL OR l.x < 5', cols: ['lk', 'rk'] },
  { name: 'pruned: a column read only by the result', sql: 'SELECT r.x AS y FROM l JOIN r ON l.k = r.k', cols: ['y'], append: true },
  // WHERE conjuncts over one side run below it (src/planner/rules/push-filter-below-join.ts): never below a null-producing side.
  { name: 'where below inner sides', sql: 'SELECT l.k, l.x, r.x AS y FROM l JOIN r ON l.k = r.k WHERE l.x <> 2 AND r.x <> 5 AND l.x <> r.x', cols: ['k', 'x', 'y'], append: true },
  { name: 'where below the left of a LEFT join', sql: 'SELECT l.k, l.x, r.x AS y FROM l LEFT JOIN r ON l.k = r.k WHERE l.x > 2 AND (r.x IS NULL OR r.x < 6)', cols: ['k', 'x', 'y'] },
  { name: 'where below the right of a RIGHT join', sql: 'SELECT l.x, r.k, r.x AS y FROM l RIGHT JOIN r ON l.k = r.k WHERE r.x BETWEEN 2 AND 7 AND l.x IS NULL', cols: ['x', 'k', 'y'] },
  {
    name: 'pruned: updating rows equal but for a dropped column',
    sql: 'SELECT g.k, r.x AS y FROM (SELECT k, x, COUNT(*) AS n FROM l GROUP BY k, x) g LEFT JOIN r ON g.k = r.k',
    cols: ['k', 'y'],
  },
] as const satisfies readonly TwoInputCase[]).map((c): TwoInputCase => ({ ...c, minRows: 100, retracts: !('append' in c && c.append) && c.name !== 'three-way' }));

const t = useTwoInputs('eddy-join-diff-');
const { eddyRows, sqliteRows } = t;

describe('regular joins: the folded changelog vs SQLite', () => {
  it('sanity: a LEFT join retracts its padded row and differs when the inputs differ', async () => {
    const c = CASES[1]!;
    const left = [{ k: 1, x: 1 }, { k: null, x: 2 }];
    const right = [{ k: 1, x: 5 }, { k: 1, x: 6 }];
    const rows = await eddyRows(left, right, c, 1);
    expect(rows.map((r) => [r['op'], r['k'], r['y']])).toEqual([
      ['+I', 1, null],
      ['-D', 1, null],
      ['+I', 1, 5],
      ['+I', null, null],
      ['+I', 1, 6],
    ]);
    expect(folded(rows, c).rows).toEqual(await sqliteRows(left, right, c));
    expect(folded(rows, c).rows).not.toEqual(await sqliteRows(left, right.slice(1), c));
  });

  for (const c of CASES) {
    it(`${c.name}: matches SQLite for random inputs and batch sizes`, compareWithSqlite(t, c, SEED, RUNS));
  }
});
