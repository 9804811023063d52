/**
 * Differential tests of event-time temporal joins (FOR SYSTEM_TIME AS OF): random orders and
 * versioned rates (PRIMARY KEY cur, NULL keys, keys with no version yet, disorder within the
 * watermark delay) joined by Eddy with random batch sizes must equal SQLite picking, per order,
 * the rate version with the latest ts <= the order's ts. INNER and LEFT; append-only output.
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
const BASE = Date.UTC(2024, 0, 1);

interface Order {
  readonly id: number;
  readonly cur: number | null;
  readonly ts: number;
}
interface Rate {
  readonly cur: number;
  readonly rate: number;
  readonly ts: number;
}

/** Times advance 0-3 s per row, each row displaced by up to 1.5 s (the watermark delay is 2 s); rate times unique. */
const arbTimes = (n: number): fc.Arbitrary<number[]> =>
  fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 1500 })), { minLength: n, maxLength: n }).map((xs) => {
    let t = BASE;
    return xs.map(([step, back], i) => {
      t += step;
      return t - back + i; // + i keeps times distinct
    });
  });
const arbOrders = fc.integer({ min: 0, max: 25 }).chain((n) =>
  fc.tuple(arbTimes(n), fc.array(fc.option(fc.integer({ min: 0, max: 3 }), { freq: 6 }), { minLength: n, maxLength: n })).map(([ts, curs]) => ts.map((t, i): Order => ({ id: i, cur: curs[i]!, ts: t }))),
);
const arbRates = fc.integer({ min: 0, max: 20 }).chain((n) =>
  fc.tuple(arbTimes(n), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: n, maxLength: n })).map(([ts, curs]) => ts.map((t, i): Rate => ({ cur: curs[i]!, rate: i * 10 + 1, ts: t * 2 - BASE + 1 }))),
);

const CASES = [
  { name: 'inner', eddy: 'JOIN', sqlite: 'JOIN' },
  { name: 'left', eddy: 'LEFT JOIN', sqlite: 'LEFT JOIN' },
] as const;

let dir = '';
let db: sqlite3.Database;
const run = (sql: string, params: unknown[] = []): Promise<void> => new Promise((res, rej) => db.run(sql, params, (e: Error | null) => (e ? rej(e) : res())));
const all = (sql: string): Promise<Record<string, Value>[]> => new Promise((res, rej) => db.all(sql, (e: Error | null, rows: Record<string, Value>[]) => (e ? rej(e) : res(rows))));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-temporal-diff-'));
  db = new sqlite3.Database(':memory:');
  await run('CREATE TABLE orders (id INTEGER, cur INTEGER, ts INTEGER)');
  await run('CREATE TABLE rates (cur INTEGER, rate INTEGER, ts INTEGER)');
});
afterAll(async () => {
  await new Promise<void>((res) => db.close(() => res()));
  rmSync(dir, { recursive: true, force: true });
});

async function sqliteRows(orders: readonly Order[], rates: readonly Rate[], joinKw: string): Promise<string[]> {
  await run('DELETE FROM orders');
  await run('DELETE FROM rates');
  for (const o of orders) await run('INSERT INTO orders VALUES (?, ?, ?)', [o.id, o.cur, o.ts]);
  for (const r of rates) await run('INSERT INTO rates VALUES (?, ?, ?)', [r.cur, r.rate, r.ts]);
  const rows = await all(
    `SELECT o.id, o.cur, r.rate FROM orders o ${joinKw} rates r ON r.cur = o.cur
       AND r.ts = (SELECT MAX(ts) FROM rates x WHERE x.cur = o.cur AND x.ts <= o.ts)`,
  );
  return rows.map((r) => JSON.stringify([r['id'], r['cur'], r['rate']])).sort();
}

let seq = 0;
async function eddyRows(orders: readonly Order[], rates: readonly Rate[], joinKw: string, batch: number): Promise<Record<string, unknown>[]> {
  const file = (name: string, recs: readonly object[]): string => {
    const path = join(dir, `${name}-${++seq}.jsonl`);
    writeFileSync(path, recs.map((r) => JSON.stringify(r) + '\n').join(''));
    return path;
  };
  const eddy = await Eddy.open();
  try {
    await eddy.execute(
      `CREATE STREAM orders (id INT, cur INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND) WITH ('connector' = 'file', 'path' = '${file('o', orders)}', 'format' = 'json')`,
    );
    await eddy.execute(
      `CREATE STREAM rates (cur INT, rate INT, ts TIMESTAMP(3), PRIMARY KEY (cur) NOT ENFORCED, WATERMARK FOR ts AS ts - INTERVAL '2' SECOND) WITH ('connector' = 'file', 'path' = '${file('r', rates)}', 'format' = 'json')`,
    );
    await eddy.execute(`SET 'execution.batch-size' = '${batch}'`);
    return await eddy.query(`SELECT o.id, o.cur, r.rate FROM orders o ${joinKw} rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.cur = r.cur`).toArray();
  } finally {
    await eddy.close();
  }
}

describe('temporal joins (FOR SYSTEM_TIME AS OF): Eddy vs SQLite picking the latest version <= the row time', () => {
  it('sanity: each order gets the version valid at its time, not the newest', async () => {
    const orders: Order[] = [{ id: 1, cur: 0, ts: BASE + 5000 }, { id: 2, cur: 0, ts: BASE + 15000 }, { id: 3, cur: 1, ts: BASE + 15000 }];
    const rates: Rate[] = [{ cur: 0, rate: 100, ts: BASE }, { cur: 0, rate: 200, ts: BASE + 10000 }, { cur: 1, rate: 7, ts: BASE + 20000 }];
    const got = await eddyRows(orders, rates, 'LEFT JOIN', 1);
    expect(got.map((r) => [r['id'], r['rate']]).sort()).toEqual([[1, 100], [2, 200], [3, null]]);
    for (const r of got) expect(r).not.toHaveProperty('op');
    expect(got.map((r) => JSON.stringify([r['id'], r['cur'], r['rate']])).sort()).toEqual(await sqliteRows(orders, rates, 'LEFT JOIN'));
  });

  for (const c of CASES) {
    it(`${c.name}: matches SQLite for random inputs and batch sizes`, async () => {
      let compared = 0;
      await fc.assert(
        fc.asyncProperty(arbOrders, arbRates, fc.constantFrom(1, 3, 1000), async (orders, rates, batch) => {
          const got = (await eddyRows(orders, rates, c.eddy, batch)).map((r) => JSON.stringify([r['id'], r['cur'], r['rate']])).sort();
          const want = await sqliteRows(orders, rates, c.sqlite);
          expect(got).toEqual(want);
          compared += want.length;
        }),
        { seed: SEED, numRuns: RUNS },
      );
      expect(compared).toBeGreaterThan(50);
    });
  }
});
