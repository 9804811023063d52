/**
 * Batch baselines computing the same tumbling result over the materialized bids: arquero
 * (columnar, in process) and SQLite (in-memory database, through the sqlite3 binding). Each
 * reports its load time apart from the computation it is compared on.
 */
import * as aq from 'arquero';
import sqlite3 from 'sqlite3';
import { WINDOW_MS, type Bid, type ResultTuple } from './data.js';

export interface Timed<T> {
  readonly value: T;
  readonly ms: number;
}

export async function timed<T>(fn: () => T | Promise<T>): Promise<Timed<T>> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

/** Builds the arquero table column by column (the load step). */
export function arqueroLoad(bids: readonly Bid[]): aq.ColumnTable {
  const n = bids.length;
  const auction = new Float64Array(n);
  const bidder = new Float64Array(n);
  const price = new Float64Array(n);
  const ts = new Float64Array(n);
  const channel: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const b = bids[i]!;
    auction[i] = b.auction;
    bidder[i] = b.bidder;
    price[i] = b.price;
    ts[i] = b.ts;
    channel[i] = b.channel;
  }
  return aq.table({ auction, bidder, price, channel, ts });
}

/** The query as an arquero pipeline: filter, derive the window start, group, roll up. */
export function arqueroQuery(table: aq.ColumnTable): ResultTuple[] {
  const result = table
    .params({ size: WINDOW_MS })
    .filter((d: { price: number }) => d.price > 1)
    .derive({ windowStart: (d: { ts: number }, $: { size: number }) => aq.op.floor(d.ts / $.size) * $.size })
    .groupby('auction', 'windowStart')
    .rollup({
      n: aq.op.count(),
      top: (d: { price: number }) => aq.op.max(d.price),
      total: (d: { price: number }) => aq.op.sum(d.price),
    });
  return result.objects() as unknown as ResultTuple[];
}

function run(db: sqlite3.Database, sql: string, params: unknown[] = []): Promise<void> {
  return new Promise((res, rej) => db.run(sql, params, (err) => (err ? rej(err) : res())));
}

/** An in-memory SQLite database holding the bids, loaded in one transaction with multi-row INSERTs. */
export async function sqliteLoad(bids: readonly Bid[]): Promise<sqlite3.Database> {
  const db = await new Promise<sqlite3.Database>((res, rej) => {
    const d = new sqlite3.Database(':memory:', (err) => (err ? rej(err) : res(d)));
  });
  await run(db, 'CREATE TABLE bids (auction INTEGER, bidder INTEGER, price REAL, channel TEXT, ts INTEGER)');
  await run(db, 'BEGIN');
  const PER = 500;
  const full = `INSERT INTO bids VALUES ${Array.from({ length: PER }, () => '(?,?,?,?,?)').join(',')}`;
  const stmt = db.prepare(full);
  const pending: Promise<void>[] = [];
  let i = 0;
  for (; i + PER <= bids.length; i += PER) {
    const params: unknown[] = new Array(PER * 5);
    for (let j = 0; j < PER; j++) {
      const b = bids[i + j]!;
      params[j * 5] = b.auction;
      params[j * 5 + 1] = b.bidder;
      params[j * 5 + 2] = b.price;
      params[j * 5 + 3] = b.channel;
      params[j * 5 + 4] = b.ts;
    }
    pending.push(new Promise((res, rej) => stmt.run(params, (err: Error | null) => (err ? rej(err) : res()))));
  }
  await Promise.all(pending);
  await new Promise<void>((res, rej) => stmt.finalize((err) => (err ? rej(err) : res())));
  for (; i < bids.length; i++) {
    const b = bids[i]!;
    await run(db, 'INSERT INTO bids VALUES (?,?,?,?,?)', [b.auction, b.bidder, b.price, b.channel, b.ts]);
  }
  await run(db, 'COMMIT');
  return db;
}

export const SQLITE_QUERY =
  `SELECT auction, (ts / ${WINDOW_MS}) * ${WINDOW_MS} AS windowStart, COUNT(*) AS n, MAX(price) AS top, SUM(price) AS total ` +
  'FROM bids WHERE price > 1 GROUP BY auction, windowStart';

/** The query in SQLite (integer division: every ts is positive). */
export function sqliteQuery(db: sqlite3.Database): Promise<ResultTuple[]> {
  return new Promise((res, rej) => db.all(SQLITE_QUERY, (err, rows) => (err ? rej(err) : res(rows as ResultTuple[]))));
}

export function sqliteClose(db: sqlite3.Database): Promise<void> {
  return new Promise((res, rej) => db.close((err) => (err ? rej(err) : res())));
}
