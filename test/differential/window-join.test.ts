/**
 * Differential tests of window joins: two random JSON Lines inputs with disorder below their
 * watermark delay (no row is late), NULL and duplicate keys, both windowed by the same TUMBLE or
 * HOP table function and joined on window_start, window_end and the key (INNER, LEFT, RIGHT, FULL,
 * with and without a residual), random batch sizes. The append-only result must be exactly the
 * multiset SQLite computes in batch over the rows' windows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import sqlite3 from 'sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../../src/index.js';
import type { Value } from '../../src/common/types.js';

const SEED = 20241204;
const RUNS = 40;
const BASE = Date.UTC(2024, 4, 1);
const DELAY = 2000;

interface Rec {
  readonly k: number | null;
  readonly x: number;
  readonly ts: number;
}

const arbRecs: fc.Arbitrary<Rec[]> = fc
  .array(fc.record({ k: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 8 }), x: fc.integer({ min: 0, max: 9 }), advance: fc.integer({ min: 0, max: 1500 }), disorder: fc.integer({ min: 0, max: DELAY - 1 }) }), { maxLength: 30 })
  .map((steps) => {
    let t = BASE + DELAY;
    return steps.map((s) => ({ k: s.k, x: s.x, ts: (t += s.advance) - s.disorder }));
  });

interface Case {
  readonly name: string;
  readonly type: 'JOIN' | 'LEFT JOIN' | 'RIGHT JOIN' | 'FULL JOIN';
  readonly tvf: (table: string) => string;
  /** SQLite: the window starts of a row (ts in ms), as a SELECT over `src` giving k, x, ts, ws. */
  readonly windows: (src: string) => string;
  readonly size: number;
  readonly residual?: string;
}

const tumble = (t: string): string => `TABLE(TUMBLE(TABLE ${t}, DESCRIPTOR(ts), INTERVAL '5' SECOND))`;
const hop = (t: string): string => `TABLE(HOP(TABLE ${t}, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '4' SECOND))`;
const tumbleWindows = (s: string): string => `SELECT k, x, ts, ts - ts % 5000 AS ws FROM ${s}`;
const hopWindows = (s: string): string => `SELECT k, x, ts, ts - ts % 2000 AS ws FROM ${s} UNION ALL SELECT k, x, ts, ts - ts % 2000 - 2000 FROM ${s}`;

const CASES: readonly Case[] = [
  { name: 'TUMBLE inner', type: 'JOIN', tvf: tumble, windows: tumbleWindows, size: 5000 },
  { name: 'TUMBLE left', type: 'LEFT JOIN', tvf: tumble, windows: tumbleWindows, size: 5000 },
  { name: 'TUMBLE right, residual', type: 'RIGHT JOIN', tvf: tumble, windows: tumbleWindows, size: 5000, residual: 'L.x < R.x' },
  { name: 'TUMBLE full', type: 'FULL JOIN', tvf: tumble, windows: tumbleWindows, size: 5000 },
  { name: 'HOP full, residual', type: 'FULL JOIN', tvf: hop, windows: hopWindows, size: 4000, residual: 'L.x + R.x > 8' },
];

let dir = '';
let db: sqlite3.Database;
const run = (sql: string, params: unknown[] = []): Promise<void> => new Promise((res, rej) => db.run(sql, params, (e: Error | null) => (e ? rej(e) : res())));
const all = (sql: string): Promise<Record<string, Value>[]> => new Promise((res, rej) => db.all(sql, (e: Error | null, rows: Record<string, Value>[]) => (e ? rej(e) : res(rows))));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-window-join-diff-'));
  db = new sqlite3.Database(':memory:');
  await run('CREATE TABLE l (k INTEGER, x INTEGER, ts INTEGER)');
  await run('CREATE TABLE r (k INTEGER, x INTEGER, ts INTEGER)');
});
afterAll(async () => {
  await new Promise<void>((res) => db.close(() => res()));
  rmSync(dir, { recursive: true, force: true });
});

const COLS = ['lk', 'lx', 'lts', 'lws', 'lwe', 'rk', 'rx', 'rts', 'rws', 'rwe'];
const canonical = (rows: readonly Record<string, unknown>[]): string[] => rows.map((r) => JSON.stringify(COLS.map((n) => (r[n] instanceof Date ? (r[n] as Date).getTime() : r[n])))).sort();
const residual = (c: Case): string => (c.residual ? ` AND ${c.residual}` : '');

function eddySql(c: Case): string {
  return `SELECT L.k AS lk, L.x AS lx, L.ts AS lts, L.window_start AS lws, L.window_end AS lwe, R.k AS rk, R.x AS rx, R.ts AS rts, R.window_start AS rws, R.window_end AS rwe
    FROM ${c.tvf('l')} L ${c.type} ${c.tvf('r')} R ON L.window_start = R.window_start AND L.window_end = R.window_end AND L.k = R.k${residual(c)}`;
}

async function sqliteRows(left: readonly Rec[], right: readonly Rec[], c: Case): Promise<string[]> {
  await run('DELETE FROM l');
  await run('DELETE FROM r');
  for (const x of left) await run('INSERT INTO l VALUES (?, ?, ?)', [x.k, x.x, x.ts]);
  for (const x of right) await run('INSERT INTO r VALUES (?, ?, ?)', [x.k, x.x, x.ts]);
  const sql = `WITH lw AS (${c.windows('l')}), rw AS (${c.windows('r')})
    SELECT L.k AS lk, L.x AS lx, L.ts AS lts, L.ws AS lws, L.ws + ${c.size} AS lwe, R.k AS rk, R.x AS rx, R.ts AS rts, R.ws AS rws, R.ws + ${c.size} AS rwe
    FROM lw L ${c.type} rw R ON L.ws = R.ws AND L.k = R.k${residual(c)}`;
  return canonical(await all(sql));
}

let seq = 0;
async function eddyRows(left: readonly Rec[], right: readonly Rec[], c: Case, batchSize: number): Promise<Record<string, unknown>[]> {
  const file = (name: string, recs: readonly Rec[]): string => {
    const path = join(dir, `${name}-${++seq}.jsonl`);
    writeFileSync(path, recs.map((r) => JSON.stringify(r) + '\n').join(''));
    return path;
  };
  const eddy = await Eddy.open({ onWarning: (m) => expect.fail(`unexpected warning: ${m}`) });
  try {
    for (const [name, recs] of [['l', left], ['r', right]] as const) {
      await eddy.execute(`CREATE STREAM ${name} (k INT, x INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '${DELAY}' MILLISECOND)
        WITH ('connector' = 'file', 'path' = '${file(name, recs)}', 'format' = 'json')`);
    }
    await eddy.execute(`SET 'execution.batch-size' = '${batchSize}'`);
    return await eddy.query(eddySql(c)).toArray();
  } finally {
    await eddy.close();
  }
}

describe('window joins: exact rows vs SQLite', () => {
  for (const c of CASES) {
    it(`${c.name}: matches SQLite for random inputs and batch sizes`, async () => {
      let compared = 0;
      let padded = 0;
      await fc.assert(
        fc.asyncProperty(arbRecs, arbRecs, fc.constantFrom(1, 3, 1000), async (left, right, batch) => {
          const got = await eddyRows(left, right, c, batch);
          for (const r of got) expect(r).not.toHaveProperty('op');
          const want = await sqliteRows(left, right, c);
          expect(canonical(got)).toEqual(want);
          compared += want.length;
          padded += want.filter((w) => w.includes('null')).length;
        }),
        { seed: SEED, numRuns: RUNS },
      );
      expect(compared).toBeGreaterThan(100);
      if (c.type !== 'JOIN') expect(padded).toBeGreaterThan(20);
    });
  }
});
