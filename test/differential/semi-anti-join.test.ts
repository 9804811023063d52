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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import sqlite3 from 'sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../../src/index.js';
import { foldChangelog } from '../exec/changelog.js';
import type { Value } from '../../src/common/types.js';

const SEED = 20241203;
const RUNS = 50;

interface Rec {
  readonly k: number | null;
  readonly x: number | null;
}

const arbRecs = fc.array(fc.record({ k: fc.option(fc.integer({ min: 0, max: 4 }), { freq: 6 }), x: fc.option(fc.integer({ min: 0, max: 9 }), { freq: 6 }) }), { maxLength: 25 });

/** One query in both dialects; `cols` are the output columns compared. */
interface JoinCase {
  readonly name: string;
  readonly sql: string;
  readonly sqlite?: string;
  readonly cols: readonly string[];
  readonly append?: boolean;
  /** The folded result must retract now and then (an anti join or an updating side). */
  readonly retracts?: boolean;
}

const CASES: readonly JoinCase[] = [
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

let dir = '';
let db: sqlite3.Database;
const run = (sql: string, params: unknown[] = []): Promise<void> => new Promise((res, rej) => db.run(sql, params, (e: Error | null) => (e ? rej(e) : res())));
const all = (sql: string): Promise<Record<string, Value>[]> => new Promise((res, rej) => db.all(sql, (e: Error | null, rows: Record<string, Value>[]) => (e ? rej(e) : res(rows))));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-semi-diff-'));
  db = new sqlite3.Database(':memory:');
  await run('CREATE TABLE l (k INTEGER, x INTEGER)');
  await run('CREATE TABLE r (k INTEGER, x INTEGER)');
});
afterAll(async () => {
  await new Promise<void>((res) => db.close(() => res()));
  rmSync(dir, { recursive: true, force: true });
});

async function sqliteRows(left: readonly Rec[], right: readonly Rec[], c: JoinCase): Promise<string[]> {
  await run('DELETE FROM l');
  await run('DELETE FROM r');
  for (const x of left) await run('INSERT INTO l VALUES (?, ?)', [x.k, x.x]);
  for (const x of right) await run('INSERT INTO r VALUES (?, ?)', [x.k, x.x]);
  const rows = await all(c.sqlite ?? c.sql);
  return rows.map((r) => JSON.stringify(c.cols.map((n) => r[n]))).sort();
}

let seq = 0;
async function eddyRows(left: readonly Rec[], right: readonly Rec[], c: JoinCase, batchSize: number): Promise<Record<string, unknown>[]> {
  const file = (name: string, recs: readonly Rec[]): string => {
    const path = join(dir, `${name}-${++seq}.jsonl`);
    writeFileSync(path, recs.map((r) => JSON.stringify(r) + '\n').join(''));
    return path;
  };
  const eddy = await Eddy.open();
  try {
    await eddy.execute(`CREATE STREAM l (k INT, x INT) WITH ('connector' = 'file', 'path' = '${file('l', left)}', 'format' = 'json')`);
    await eddy.execute(`CREATE STREAM r (k INT, x INT) WITH ('connector' = 'file', 'path' = '${file('r', right)}', 'format' = 'json')`);
    await eddy.execute(`SET 'execution.batch-size' = '${batchSize}'`);
    return await eddy.query(c.sql).toArray();
  } finally {
    await eddy.close();
  }
}

/** Eddy's result as the folded multiset of `cols` (checking the changelog kind on the way). */
function folded(rows: readonly Record<string, unknown>[], c: JoinCase): { rows: string[]; retractions: number } {
  if (c.append) {
    for (const r of rows) expect(r).not.toHaveProperty('op');
    return { rows: rows.map((r) => JSON.stringify(c.cols.map((n) => r[n]))).sort(), retractions: 0 };
  }
  const log = rows.map((r) => {
    expect(Object.keys(r)[0]).toBe('op');
    return [r['op'], ...c.cols.map((n) => r[n])] as Value[];
  });
  return { rows: foldChangelog(log), retractions: log.filter((r) => r[0] === '-D' || r[0] === '-U').length };
}

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
    it(`${c.name}: matches SQLite for random inputs and batch sizes`, async () => {
      let compared = 0;
      let retractions = 0;
      await fc.assert(
        fc.asyncProperty(arbRecs, arbRecs, fc.constantFrom(1, 2, 5, 1000), async (left, right, batch) => {
          const got = folded(await eddyRows(left, right, c, batch), c);
          const want = await sqliteRows(left, right, c);
          expect(got.rows).toEqual(want);
          compared += want.length;
          retractions += got.retractions;
        }),
        { seed: SEED, numRuns: RUNS },
      );
      expect(compared).toBeGreaterThan(15);
      if (c.retracts) expect(retractions).toBeGreaterThan(5);
    });
  }
});
