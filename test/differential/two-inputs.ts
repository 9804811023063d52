/**
 * Shared machinery of the two-input differential tests (joins, semi/anti joins, scalar
 * subqueries): two random JSON Lines inputs `l` and `r` of (k INT, x INT) with NULL keys and
 * values, duplicate keys and keys on one side only; Eddy runs a query over them with a given batch
 * size, and its changelog, folded (+I/+U add a row, -U/-D remove one, which must be there), is
 * compared with the multiset the real SQLite computes for the same query in batch.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import fc from 'fast-check';
import sqlite3 from 'sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../../src/index.js';
import { foldChangelog } from '../exec/changelog.js';
import type { Value } from '../../src/common/types.js';

export interface Rec {
  readonly k: number | null;
  readonly x: number | null;
}

export const arbRecs = fc.array(fc.record({ k: fc.option(fc.integer({ min: 0, max: 4 }), { freq: 6 }), x: fc.option(fc.integer({ min: 0, max: 9 }), { freq: 6 }) }), { maxLength: 25 });

/** One query in both dialects; `cols` are the output columns compared. */
export interface TwoInputCase {
  readonly name: string;
  readonly sql: string;
  /** The query as SQLite should run it, when it differs. */
  readonly sqlite?: string;
  readonly cols: readonly string[];
  /** The result must be append-only (no op column). */
  readonly append?: boolean;
  /** The folded result must retract now and then. */
  readonly retracts?: boolean;
  /** Fewest result rows over all runs (default 15). */
  readonly minRows?: number;
}

export interface TwoInputs {
  sqliteRows(left: readonly Rec[], right: readonly Rec[], c: TwoInputCase): Promise<string[]>;
  eddyRows(left: readonly Rec[], right: readonly Rec[], c: TwoInputCase, batchSize: number): Promise<Record<string, unknown>[]>;
}

/** Registers the file's hooks (a temp directory, an in-memory SQLite with tables l and r) and returns the two runners. */
export function useTwoInputs(prefix: string): TwoInputs {
  let dir = '';
  let db: sqlite3.Database;
  const run = (sql: string, params: unknown[] = []): Promise<void> => new Promise((res, rej) => db.run(sql, params, (e: Error | null) => (e ? rej(e) : res())));
  const all = (sql: string): Promise<Record<string, Value>[]> => new Promise((res, rej) => db.all(sql, (e: Error | null, rows: Record<string, Value>[]) => (e ? rej(e) : res(rows))));
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    db = new sqlite3.Database(':memory:');
    await run('CREATE TABLE l (k INTEGER, x INTEGER)');
    await run('CREATE TABLE r (k INTEGER, x INTEGER)');
  });
  afterAll(async () => {
    await new Promise<void>((res) => db.close(() => res()));
    rmSync(dir, { recursive: true, force: true });
  });
  let seq = 0;
  return {
    async sqliteRows(left, right, c) {
      await run('DELETE FROM l');
      await run('DELETE FROM r');
      for (const x of left) await run('INSERT INTO l VALUES (?, ?)', [x.k, x.x]);
      for (const x of right) await run('INSERT INTO r VALUES (?, ?)', [x.k, x.x]);
      const rows = await all(c.sqlite ?? c.sql);
      return rows.map((r) => JSON.stringify(c.cols.map((n) => r[n]))).sort();
    },
    async eddyRows(left, right, c, batchSize) {
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
    },
  };
}

/** Eddy's result as the folded multiset of `cols` (checking the changelog kind on the way). */
export function folded(rows: readonly Record<string, unknown>[], c: TwoInputCase): { rows: string[]; retractions: number } {
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

/** Each case against SQLite over `runs` random input pairs and batch sizes, with the case's minimum result size and retraction count. */
export function compareWithSqlite(t: TwoInputs, c: TwoInputCase, seed: number, runs: number): () => Promise<void> {
  return async () => {
    let compared = 0;
    let retractions = 0;
    await fc.assert(
      fc.asyncProperty(arbRecs, arbRecs, fc.constantFrom(1, 2, 5, 1000), async (left, right, batch) => {
        const got = folded(await t.eddyRows(left, right, c, batch), c);
        const want = await t.sqliteRows(left, right, c);
        expect(got.rows).toEqual(want);
        compared += want.length;
        retractions += got.retractions;
      }),
      { seed, numRuns: runs },
    );
    expect(compared).toBeGreaterThan(c.minRows ?? 15);
    if (c.retracts) expect(retractions).toBeGreaterThan(5);
  };
}
