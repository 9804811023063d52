/**
 * Differential tests of UNION (distinct), INTERSECT and EXCEPT [ALL] (src/planner/bind-set-op.ts):
 * two random JSON Lines inputs (NULLs, duplicates, values on one side only) with random batch
 * sizes; Eddy's changelog, folded (+I/+U add a row, -U/-D remove one, which must be there), must
 * equal what the real SQLite computes for the same query (its compound SELECTs treat NULLs as
 * equal, as set operations do). SQLite has no INTERSECT ALL / EXCEPT ALL: their multisets
 * (min(m, n) and max(m - n, 0) copies of each row) are computed here in JS.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arbRecs, compareWithSqlite, folded, useTwoInputs, type Rec, type TwoInputCase } from './two-inputs.js';

const SEED = 20261203;
const RUNS = 40;

const CASES: readonly TwoInputCase[] = [
  { name: 'UNION', sql: 'SELECT k, x FROM l UNION SELECT k, x FROM r', cols: ['k', 'x'] },
  { name: 'UNION of expressions, filtered', sql: 'SELECT k FROM l WHERE x > 3 UNION SELECT x - 5 FROM r', cols: ['k'] },
  { name: 'INTERSECT', sql: 'SELECT k, x FROM l INTERSECT SELECT k, x FROM r', cols: ['k', 'x'], minRows: 5 },
  { name: 'INTERSECT of one column', sql: 'SELECT k FROM l INTERSECT SELECT k FROM r', cols: ['k'] },
  { name: 'EXCEPT', sql: 'SELECT k, x FROM l EXCEPT SELECT k, x FROM r', cols: ['k', 'x'] },
  { name: 'EXCEPT of one column', sql: 'SELECT x FROM l EXCEPT SELECT x FROM r', cols: ['x'], retracts: true, minRows: 5 },
  {
    name: 'EXCEPT of updating inputs',
    sql: 'SELECT k, COUNT(*) AS n FROM l GROUP BY k EXCEPT SELECT k, COUNT(*) FROM r GROUP BY k',
    cols: ['k', 'n'],
    retracts: true,
  },
  {
    name: 'INTERSECT binds tighter than EXCEPT',
    sql: 'SELECT k FROM l EXCEPT SELECT k FROM r INTERSECT SELECT x FROM l',
    // SQLite's compound operators are left-associative without precedence: the INTERSECT goes in a subquery.
    sqlite: 'SELECT k FROM l EXCEPT SELECT * FROM (SELECT k FROM r INTERSECT SELECT x FROM l)',
    cols: ['k'],
    minRows: 5,
  },
];

/** An ALL case: the rows each side contributes, as JSON of the compared columns. */
interface AllCase {
  readonly name: string;
  readonly sql: string;
  readonly cols: readonly string[];
  readonly left: (r: Rec) => readonly unknown[] | null;
  readonly right: (r: Rec) => readonly unknown[] | null;
  readonly op: 'intersect' | 'except';
  /** Fewest result rows over all runs (default 15). */
  readonly minRows?: number;
  /** Fewest retractions over all runs (default 5); -1: none needed (INTERSECT ALL of append-only inputs only grows). */
  readonly minRetractions?: number;
}

const ALL_CASES: readonly AllCase[] = [
  { name: 'INTERSECT ALL', sql: 'SELECT k, x FROM l INTERSECT ALL SELECT k, x FROM r', cols: ['k', 'x'], left: (r) => [r.k, r.x], right: (r) => [r.k, r.x], op: 'intersect', minRows: 5, minRetractions: -1 },
  { name: 'INTERSECT ALL of one column', sql: 'SELECT k FROM l INTERSECT ALL SELECT k FROM r', cols: ['k'], left: (r) => [r.k], right: (r) => [r.k], op: 'intersect', minRetractions: -1 },
  { name: 'EXCEPT ALL', sql: 'SELECT k, x FROM l EXCEPT ALL SELECT k, x FROM r', cols: ['k', 'x'], left: (r) => [r.k, r.x], right: (r) => [r.k, r.x], op: 'except' },
  {
    name: 'EXCEPT ALL of one column, filtered',
    sql: 'SELECT k FROM l EXCEPT ALL SELECT k FROM r WHERE x > 2',
    cols: ['k'],
    left: (r) => [r.k],
    right: (r) => (r.x !== null && r.x > 2 ? [r.k] : null),
    op: 'except',
  },
];

/** The multiset an ALL set operation gives: each row min(m, n) (INTERSECT ALL) or max(m - n, 0) (EXCEPT ALL) times. */
function allExpectation(c: AllCase, left: readonly Rec[], right: readonly Rec[]): string[] {
  const count = (recs: readonly Rec[], f: (r: Rec) => readonly unknown[] | null): Map<string, number> => {
    const m = new Map<string, number>();
    for (const r of recs) {
      const v = f(r);
      if (v === null) continue;
      const key = JSON.stringify(v);
      m.set(key, (m.get(key) ?? 0) + 1);
    }
    return m;
  };
  const l = count(left, c.left);
  const r = count(right, c.right);
  const out: string[] = [];
  for (const [key, m] of l) {
    const n = r.get(key) ?? 0;
    const copies = c.op === 'intersect' ? Math.min(m, n) : Math.max(m - n, 0);
    for (let i = 0; i < copies; i++) out.push(key);
  }
  return out.sort();
}

const t = useTwoInputs('eddy-setop-diff-');

describe('UNION / INTERSECT / EXCEPT: the folded changelog vs SQLite', () => {
  it('sanity: EXCEPT takes a row back when the other side gets it, and NULLs are equal', async () => {
    const c = CASES.find((x) => x.name === 'EXCEPT')!;
    const rows = await t.eddyRows([{ k: 1, x: 1 }, { k: null, x: 2 }, { k: 3, x: null }], [{ k: 1, x: 1 }, { k: null, x: 2 }], c, 1);
    expect(rows.some((r) => r['op'] === '-D')).toBe(true);
    expect(folded(rows, c).rows).toEqual(['[3,null]']);
  });

  for (const c of CASES) it(c.name, compareWithSqlite(t, c, SEED, RUNS), 120_000);

  for (const c of ALL_CASES) {
    it(`${c.name} (multiset computed in JS)`, async () => {
      let compared = 0;
      let retractions = 0;
      const tc: TwoInputCase = { name: c.name, sql: c.sql, cols: c.cols };
      await fc.assert(
        fc.asyncProperty(arbRecs, arbRecs, fc.constantFrom(1, 2, 5, 1000), async (left, right, batch) => {
          const got = folded(await t.eddyRows(left, right, tc, batch), tc);
          const want = allExpectation(c, left, right);
          expect(got.rows).toEqual(want);
          compared += want.length;
          retractions += got.retractions;
        }),
        { seed: SEED, numRuns: RUNS },
      );
      expect(compared).toBeGreaterThan(c.minRows ?? 15);
      expect(retractions).toBeGreaterThan(c.minRetractions ?? 5);
    }, 120_000);
  }
});
