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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import sqlite3 from 'sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../../src/index.js';
import { foldChangelog } from '../exec/changelog.js';
import type { Value } from '../../src/common/types.js';

const SEED = 20261202;
const RUNS = 40;

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
  /** Fewest result rows over all runs (an equality with a maximum keeps few). */
  readonly minRows?: number;
}

const CASES: readonly JoinCase[] = [
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

let dir = '';
let db: sqlite3.Database;
const run = (sql: string, params: unknown[] = []): Promise<void> => new Promise((res, rej) => db.run(sql, params, (e: Error | null) => (e ? rej(e) : res())));
const all = (sql: string): Promise<Record<string, Value>[]> => new Promise((res, rej) => db.all(sql, (e: Error | null, rows: Record<string, Value>[]) => (e ? rej(e) : res(rows))));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-scalar-diff-'));
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
      expect(compared).toBeGreaterThan(c.minRows ?? 15);
      if (c.retracts) expect(retractions).toBeGreaterThan(5);
    });
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
