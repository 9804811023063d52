/**
 * Shared machinery of the window differential tests (test/differential/*):
 * random event files run through Eddy (random batch sizes, WHERE filters with NULLs, all six
 * aggregates) must give the same multiset of rows as the real SQLite computing the same windows
 * in batch. Prices are multiples of 0.25, so float sums are exact and AVG = SUM / COUNT exactly.
 * Disorder stays below the watermark delay, so no row is late (late rows are covered against a
 * row-by-row reference in test/exec/*-window.test.ts).
 */
import { expect } from 'vitest';
import fc from 'fast-check';
import sqlite3 from 'sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../../src/index.js';

export interface Event {
  readonly k: string | null;
  readonly v: number | null;
  readonly price: number | null;
  readonly ts: number;
}

export type Cell = string | number | null;

export const BASE = Date.UTC(2024, 4, 1, 10, 0, 0);

/** Filters valid in both dialects; several are unknown (NULL) on some rows. */
export const FILTERS = [
  '',
  'WHERE price > 0',
  'WHERE price IS NULL',
  'WHERE price IS NOT NULL OR v > 2',
  'WHERE NOT (v < 3)',
  "WHERE k = 'a' OR price <= 1.5",
  'WHERE v <> 2 AND price >= -2',
  "WHERE k IS NULL OR NOT (k = 'b')",
] as const;

export const AGGS = 'COUNT(*) AS n, COUNT(price) AS np, SUM(price) AS s, AVG(price) AS a, MIN(price) AS mn, MAX(price) AS mx, SUM(v) AS sv, MIN(k) AS mk';
const AGG_NAMES = ['n', 'np', 's', 'a', 'mn', 'mx', 'sv', 'mk'];

export const KEY_SETS: readonly (readonly string[])[] = [[], ['k'], ['k', 'v']];

/** Common query knobs; each test adds its window's own. */
export interface BaseQuery {
  readonly filter: string;
  readonly keys: readonly string[];
  readonly tvf: boolean;
  readonly batchSize: number;
}

export const baseQuery: fc.Arbitrary<BaseQuery> = fc.record({
  filter: fc.constantFrom(...FILTERS),
  keys: fc.constantFrom(...KEY_SETS),
  tvf: fc.boolean(),
  batchSize: fc.constantFrom(1, 3, 7, 1000),
});

/** Rows moving forward with disorder below `maxDisorder` ms, on a 250 ms grid, some 1 ms early (edges, W = end - 1). */
export function arbEvents(maxDisorder: number, minLength = 0, maxAdvance = 6): fc.Arbitrary<Event[]> {
  const step = fc.record({
    k: fc.option(fc.constantFrom('a', 'b', 'c'), { freq: 5 }),
    v: fc.option(fc.integer({ min: 0, max: 5 }), { freq: 5 }),
    price: fc.option(fc.integer({ min: -20, max: 40 }).map((q) => q / 4), { freq: 4 }),
    advance: fc.integer({ min: 0, max: maxAdvance }).map((n) => n * 250),
    disorder: fc.integer({ min: 0, max: Math.floor((maxDisorder - 2) / 250) }).map((n) => n * 250),
    early: fc.constantFrom(0, 0, 1),
  });
  return fc.array(step, { minLength, maxLength: 80, size: 'medium' }).map((steps) => {
    let t = BASE + maxDisorder;
    return steps.map((s) => {
      t += s.advance;
      return { k: s.k, v: s.v, price: s.price, ts: t - s.disorder - s.early };
    });
  });
}

/** One SQLite database and a temp directory for a test file. */
export class Differential {
  private dir = '';
  private seq = 0;
  private db!: sqlite3.Database;

  async open(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'eddy-diff-'));
    this.db = new sqlite3.Database(':memory:');
    await this.run('CREATE TABLE events (k TEXT, v INTEGER, price REAL, ts INTEGER)');
  }

  async close(): Promise<void> {
    await new Promise<void>((res, rej) => this.db.close((e) => (e ? rej(e) : res())));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(sql: string, params: unknown[] = []): Promise<void> {
    return new Promise((res, rej) => this.db.run(sql, params, (e: Error | null) => (e ? rej(e) : res())));
  }

  /** SQLite's answer to `sql` over exactly `events`. */
  async sqlite(events: readonly Event[], sql: string): Promise<Record<string, Cell>[]> {
    await this.run('DELETE FROM events');
    await this.run('BEGIN');
    for (const e of events) await this.run('INSERT INTO events VALUES (?, ?, ?, ?)', [e.k, e.v, e.price, e.ts]);
    await this.run('COMMIT');
    return new Promise((res, rej) => this.db.all(sql, (e: Error | null, rows: Record<string, Cell>[]) => (e ? rej(e) : res(rows))));
  }

  /** Eddy's answer to `sql` over `events` read from a JSON Lines file (timestamps alternately epoch ms and ISO-8601). */
  async eddy(events: readonly Event[], sql: string, delayMs: number, batchSize: number, prelude: readonly string[] = []): Promise<Record<string, unknown>[]> {
    const path = join(this.dir, `events-${++this.seq}.jsonl`);
    writeFileSync(path, events.map((e, i) => JSON.stringify({ ...e, ts: i % 2 === 0 ? e.ts : new Date(e.ts).toISOString() }) + '\n').join(''));
    const eddy = await Eddy.open({ onWarning: (m) => expect.fail(`unexpected warning: ${m}`) });
    try {
      await eddy.execute(`CREATE STREAM events (k VARCHAR, v INT, price DOUBLE, ts TIMESTAMP(3),
        WATERMARK FOR ts AS ts - INTERVAL '${delayMs}' MILLISECOND)
        WITH ('connector' = 'file', 'path' = '${path}', 'format' = 'json')`);
      await eddy.execute(`SET 'execution.batch-size' = '${batchSize}'`);
      for (const statement of prelude) await eddy.execute(statement);
      return await eddy.query(sql).toArray();
    } finally {
      await eddy.close();
    }
  }

  /**
   * The window property every window kind checks: over random events with disorder below the
   * watermark delay (so no row is late), Eddy's result equals SQLite's for every random query.
   * Returns how many result rows were compared, for the caller to require a meaningful total.
   */
  async matchesWithoutLateRows<Q extends { readonly keys: readonly string[]; readonly batchSize: number }>(
    events: fc.Arbitrary<Event[]>,
    queries: fc.Arbitrary<Q>,
    sql: { readonly eddy: (q: Q) => string; readonly sqlite: (q: Q) => string },
    delayMs: number,
    params: { readonly seed: number; readonly numRuns: number },
  ): Promise<number> {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(events, queries, async (evs, q) => {
        const got = canonical(await this.eddy(evs, sql.eddy(q), delayMs, q.batchSize), q.keys);
        const want = canonical(await this.sqlite(evs, sql.sqlite(q)), q.keys);
        expect(got).toEqual(want);
        compared += want.length;
      }),
      params,
    );
    return compared;
  }
}

/** Rows as sorted JSON strings of [...windowCols, ...keys, ...aggregates], with Dates as epoch ms. */
export function canonical(rows: readonly Record<string, unknown>[], keys: readonly string[], windowCols: readonly string[] = ['ws', 'we']): string[] {
  const cols = [...windowCols, ...keys, ...AGG_NAMES];
  return rows
    .map((r) =>
      JSON.stringify(
        cols.map((c) => {
          const v = r[c];
          if (v === undefined) throw new Error(`result row lacks column ${c}: ${JSON.stringify(r)}`);
          return v instanceof Date ? v.getTime() : v;
        }),
      ),
    )
    .sort();
}

/** `k, v, ` for the keys of a query (or ''). */
export const keyList = (keys: readonly string[]): string => keys.map((k) => `${k}, `).join('');
