/**
 * Differential tests of regular joins: two random JSON Lines inputs (NULL keys, duplicate keys,
 * keys on one side only) joined by Eddy with random batch sizes; the changelog, folded (+I/+U add
 * a row, -U/-D remove one, which must be there), must equal the multiset SQLite computes with the
 * same join in batch. INNER joins of two append-only inputs must be append-only (no op column).
 * Covers INNER, LEFT, RIGHT, FULL, residual conditions, comma joins, a join of an updating
 * derived table (a GROUP BY) and a three-way join.
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

const SEED = 20241202;
const RUNS = 60;

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
}

const CASES: readonly JoinCase[] = [
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
];

let dir = '';
let db: sqlite3.Database;
const run = (sql: string, params: unknown[] = []): Promise<void> => new Promise((res, rej) => db.run(sql, params, (e: Error | null) => (e ? rej(e) : res())));
const all = (sql: string): Promise<Record<string, Value>[]> => new Promise((res, rej) => db.all(sql, (e: Error | null, rows: Record<string, Value>[]) => (e ? rej(e) : res(rows))));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-join-diff-'));
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
      expect(compared).toBeGreaterThan(100);
      if (!c.append && c.name !== 'three-way') expect(retractions).toBeGreaterThan(5);
    });
  }
});
