/**
 * Differential tests of materialized views: random rows inserted in random chunks; after each
 * chunk (once the view has caught up) the view's contents, read with a point-in-time SELECT, equal
 * what SQLite computes in batch over the rows inserted so far: a GROUP BY (updated in place), a
 * LEFT JOIN (an updating result without a unique key: a multiset) and point-in-time queries with
 * WHERE / GROUP BY / expressions over the view, against the same query over SQLite's subquery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import sqlite3 from 'sqlite3';
import { Eddy } from '../../src/index.js';
import type { Value } from '../../src/common/types.js';

const SEED = 20261202;
const RUNS = 25;

let db: sqlite3.Database;
const run = (sql: string, params: unknown[] = []): Promise<void> => new Promise((res, rej) => db.run(sql, params, (e: Error | null) => (e ? rej(e) : res())));
const all = (sql: string): Promise<Record<string, Value>[]> => new Promise((res, rej) => db.all(sql, (e: Error | null, rows: Record<string, Value>[]) => (e ? rej(e) : res(rows))));

beforeAll(async () => {
  db = new sqlite3.Database(':memory:');
  await run('CREATE TABLE l (k INTEGER, x INTEGER)');
  await run('CREATE TABLE r (k INTEGER, x INTEGER)');
});
afterAll(() => new Promise<void>((res) => db.close(() => res())));

const sorted = (rows: readonly Record<string, unknown>[], cols: readonly string[]): string[] => rows.map((r) => JSON.stringify(cols.map((c) => r[c] ?? null))).sort();

const arbRow = fc.record({ side: fc.constantFrom('l', 'r'), k: fc.option(fc.integer({ min: 0, max: 4 }), { freq: 6 }), x: fc.option(fc.integer({ min: -5, max: 9 }), { freq: 6 }) });
const arbChunks = fc.array(fc.array(arbRow, { maxLength: 12 }), { minLength: 1, maxLength: 6 });

/** Point-in-time queries over view `agg` (k, n, s, mn, mx) and their SQLite form over the same contents. */
const OVER_AGG: readonly { readonly sql: string; readonly cols: readonly string[] }[] = [
  { sql: 'SELECT k, n, s, mn, mx FROM agg', cols: ['k', 'n', 's', 'mn', 'mx'] },
  { sql: 'SELECT k, s FROM agg WHERE n > 1 AND s IS NOT NULL', cols: ['k', 's'] },
  { sql: 'SELECT n, COUNT(*) AS c, SUM(s) AS ss, MIN(k) AS mk, MAX(mx) AS m FROM agg GROUP BY n', cols: ['n', 'c', 'ss', 'mk', 'm'] },
  { sql: 'SELECT COUNT(*) AS c, SUM(n) AS total, COUNT(s) AS cs FROM agg', cols: ['c', 'total', 'cs'] },
  { sql: 'SELECT k, n * 10 + COALESCE(s, 0) AS score FROM agg WHERE k IS NOT NULL', cols: ['k', 'score'] },
];

describe('materialized views equal SQLite', () => {
  it('a GROUP BY view and a LEFT JOIN view after every chunk of random inserts', async () => {
    await fc.assert(
      fc.asyncProperty(arbChunks, async (chunks) => {
        await run('DELETE FROM l');
        await run('DELETE FROM r');
        const eddy = await Eddy.open();
        try {
          await eddy.execute(`CREATE STREAM l (k INT, x INT) WITH ('connector' = 'memory'); CREATE STREAM r (k INT, x INT) WITH ('connector' = 'memory')`);
          await eddy.execute('CREATE MATERIALIZED VIEW agg AS SELECT k, COUNT(*) AS n, SUM(x) AS s, MIN(x) AS mn, MAX(x) AS mx FROM l GROUP BY k');
          await eddy.execute('CREATE MATERIALIZED VIEW lj AS SELECT l.k, l.x, r.x AS y FROM l LEFT JOIN r ON l.k = r.k');
          for (const chunk of chunks) {
            for (const row of chunk) {
              await eddy.insert(row.side, [{ k: row.k, x: row.x }]);
              await run(`INSERT INTO ${row.side} VALUES (?, ?)`, [row.k, row.x]);
            }
            await eddy.caughtUp('agg');
            await eddy.caughtUp('lj');
            const want = await all('SELECT k, COUNT(*) AS n, SUM(x) AS s, MIN(x) AS mn, MAX(x) AS mx FROM l GROUP BY k');
            const aggSql = '(SELECT k, COUNT(*) AS n, SUM(x) AS s, MIN(x) AS mn, MAX(x) AS mx FROM l GROUP BY k) agg';
            for (const q of OVER_AGG) {
              const got = eddy.snapshot(q.sql).objects();
              const expected = q.sql.startsWith('SELECT k, n, s') ? want : await all(q.sql.replace('FROM agg', `FROM ${aggSql}`));
              expect(sorted(got, q.cols), q.sql).toEqual(sorted(expected, q.cols));
            }
            const join = await all('SELECT l.k, l.x, r.x AS y FROM l LEFT JOIN r ON l.k = r.k');
            expect(sorted(eddy.snapshot('SELECT * FROM lj').objects(), ['k', 'x', 'y'])).toEqual(sorted(join, ['k', 'x', 'y']));
          }
        } finally {
          await eddy.close();
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 60_000);
});
