/**
 * Differential tests of interval joins: two random JSON Lines inputs with disorder below their
 * watermark delay (so no row is late), NULL and duplicate keys, joined by Eddy with time bounds
 * (BETWEEN, strict and non-strict comparisons, bounds on either side) and random batch sizes. The
 * result is append-only and must be exactly the multiset of rows SQLite computes in batch, outer
 * joins' unmatched rows included (Eddy emits those when the watermark frees them; at the end of
 * input the watermark is +infinity, so every one is emitted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import sqlite3 from 'sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../../src/index.js';
import type { Value } from '../../src/common/types.js';

const SEED = 20241203;
const RUNS = 50;
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
  /** The time condition in Eddy's SQL and in SQLite's (times as epoch ms). */
  readonly eddy: string;
  readonly sqlite: string;
}

const CASES: readonly Case[] = [
  { name: 'inner BETWEEN', type: 'JOIN', eddy: "r.ts BETWEEN l.ts AND l.ts + INTERVAL '3' SECOND", sqlite: 'r.ts BETWEEN l.ts AND l.ts + 3000' },
  { name: 'left, strict', type: 'LEFT JOIN', eddy: "l.ts >= r.ts - INTERVAL '2' SECOND AND l.ts < r.ts", sqlite: 'l.ts >= r.ts - 2000 AND l.ts < r.ts' },
  { name: 'right, both ways', type: 'RIGHT JOIN', eddy: "r.ts > l.ts - INTERVAL '1' SECOND AND r.ts <= l.ts + INTERVAL '4' SECOND AND l.x <> r.x", sqlite: 'r.ts > l.ts - 1000 AND r.ts <= l.ts + 4000 AND l.x <> r.x' },
  { name: 'full, shifted window', type: 'FULL JOIN', eddy: "l.ts BETWEEN r.ts + INTERVAL '1' SECOND AND r.ts + INTERVAL '5' SECOND", sqlite: 'l.ts BETWEEN r.ts + 1000 AND r.ts + 5000' },
];

let dir = '';
let db: sqlite3.Database;
const run = (sql: string, params: unknown[] = []): Promise<void> => new Promise((res, rej) => db.run(sql, params, (e: Error | null) => (e ? rej(e) : res())));
const all = (sql: string): Promise<Record<string, Value>[]> => new Promise((res, rej) => db.all(sql, (e: Error | null, rows: Record<string, Value>[]) => (e ? rej(e) : res(rows))));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-interval-diff-'));
  db = new sqlite3.Database(':memory:');
  await run('CREATE TABLE l (k INTEGER, x INTEGER, ts INTEGER)');
  await run('CREATE TABLE r (k INTEGER, x INTEGER, ts INTEGER)');
});
afterAll(async () => {
  await new Promise<void>((res) => db.close(() => res()));
  rmSync(dir, { recursive: true, force: true });
});

const COLS = ['lk', 'lx', 'lts', 'rk', 'rx', 'rts'];
const select = (c: Case, cond: string): string => `SELECT l.k AS lk, l.x AS lx, l.ts AS lts, r.k AS rk, r.x AS rx, r.ts AS rts FROM l ${c.type} r ON l.k = r.k AND ${cond}`;
const canonical = (rows: readonly Record<string, unknown>[]): string[] => rows.map((r) => JSON.stringify(COLS.map((n) => (r[n] instanceof Date ? (r[n] as Date).getTime() : r[n])))).sort();

async function sqliteRows(left: readonly Rec[], right: readonly Rec[], c: Case): Promise<string[]> {
  await run('DELETE FROM l');
  await run('DELETE FROM r');
  for (const x of left) await run('INSERT INTO l VALUES (?, ?, ?)', [x.k, x.x, x.ts]);
  for (const x of right) await run('INSERT INTO r VALUES (?, ?, ?)', [x.k, x.x, x.ts]);
  return canonical(await all(select(c, c.sqlite)));
}

let seq = 0;
async function eddyRows(left: readonly Rec[], right: readonly Rec[], c: Case, batchSize: number): Promise<{ rows: Record<string, unknown>[]; late: number }> {
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
    const q = eddy.query(select(c, c.eddy));
    const rows = await q.toArray();
    return { rows, late: 0 };
  } finally {
    await eddy.close();
  }
}

describe('interval joins: exact rows vs SQLite', () => {
  it('EXPLAIN says it is an interval join with its bounds and what frees its state', async () => {
    const eddy = await Eddy.open();
    try {
      await eddy.execute("CREATE STREAM l (k INT, x INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory')");
      await eddy.execute("CREATE STREAM r (k INT, x INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory')");
      const text = JSON.stringify(await eddy.execute(`EXPLAIN ${select(CASES[1]!, CASES[1]!.eddy)}`));
      expect(text).toContain('IntervalJoinExec LEFT keys=[k = k] time=(left.ts - right.ts BETWEEN -2000 ms AND -1 ms)');
      expect(text).toContain('changelog=append state=bounded by watermarks');
    } finally {
      await eddy.close();
    }
  });

  for (const c of CASES) {
    it(`${c.name}: matches SQLite for random inputs and batch sizes`, async () => {
      let compared = 0;
      let padded = 0;
      await fc.assert(
        fc.asyncProperty(arbRecs, arbRecs, fc.constantFrom(1, 3, 1000), async (left, right, batch) => {
          const got = await eddyRows(left, right, c, batch);
          for (const r of got.rows) expect(r).not.toHaveProperty('op');
          const want = await sqliteRows(left, right, c);
          expect(canonical(got.rows)).toEqual(want);
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
