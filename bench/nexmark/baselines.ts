/**
 * Batch baselines over the same bids: SQLite (in-memory database through the sqlite3 binding,
 * loaded once, each query a batch SELECT) and arquero (columnar, in process) where the query fits
 * its verbs. Each returns value arrays in the query's output column order (timestamps epoch ms).
 */
import * as aq from 'arquero';
import sqlite3 from 'sqlite3';
import type { Bid } from './generator.js';
import type { QueryId } from './queries.js';

type Rows = unknown[][];

function run(db: sqlite3.Database, sql: string, params: unknown[] = []): Promise<void> {
  return new Promise((res, rej) => db.run(sql, params, (err) => (err ? rej(err) : res())));
}

/** An in-memory SQLite database holding the bids (one transaction, 200-row INSERTs). */
export async function sqliteLoad(bids: readonly Bid[]): Promise<sqlite3.Database> {
  const db = await new Promise<sqlite3.Database>((res, rej) => {
    const d = new sqlite3.Database(':memory:', (err) => (err ? rej(err) : res(d)));
  });
  await run(db, 'CREATE TABLE bid (auction INTEGER, bidder INTEGER, price INTEGER, channel TEXT, url TEXT, dateTime INTEGER, extra TEXT)');
  await run(db, 'BEGIN');
  const PER = 200;
  const stmt = db.prepare(`INSERT INTO bid VALUES ${Array.from({ length: PER }, () => '(?,?,?,?,?,?,?)').join(',')}`);
  const pending: Promise<void>[] = [];
  let i = 0;
  for (; i + PER <= bids.length; i += PER) {
    const params: unknown[] = new Array(PER * 7);
    for (let j = 0; j < PER; j++) {
      const b = bids[i + j]!;
      const o = j * 7;
      params[o] = b.auction;
      params[o + 1] = b.bidder;
      params[o + 2] = b.price;
      params[o + 3] = b.channel;
      params[o + 4] = b.url;
      params[o + 5] = b.dateTime;
      params[o + 6] = b.extra;
    }
    pending.push(new Promise((res, rej) => stmt.run(params, (err: Error | null) => (err ? rej(err) : res()))));
  }
  await Promise.all(pending);
  await new Promise<void>((res, rej) => stmt.finalize((err) => (err ? rej(err) : res())));
  for (; i < bids.length; i++) {
    const b = bids[i]!;
    await run(db, 'INSERT INTO bid VALUES (?,?,?,?,?,?,?)', [b.auction, b.bidder, b.price, b.channel, b.url, b.dateTime, b.extra]);
  }
  await run(db, 'COMMIT');
  return db;
}

/**
 * The queries in SQLite (integer division: every dateTime is positive). HOP joins each bid with
 * its five window offsets; SESSION numbers sessions per bidder with LAG and a running SUM of
 * "gap >= 10 s" flags.
 */
export const SQLITE_QUERIES: Record<QueryId, string> = {
  q0: 'SELECT auction, bidder, price, channel, url, dateTime, extra FROM bid',
  q1: 'SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid',
  q2: 'SELECT auction, price FROM bid WHERE auction % 123 = 0',
  q5:
    'WITH o(k) AS (VALUES (0), (1), (2), (3), (4)) ' +
    'SELECT auction, (dateTime / 2000 - k) * 2000 AS ws, (dateTime / 2000 - k) * 2000 + 10000 AS we, COUNT(*) AS num ' +
    'FROM bid, o GROUP BY auction, ws',
  q7: 'SELECT (dateTime / 10000) * 10000 AS ws, (dateTime / 10000) * 10000 + 10000 AS we, MAX(price) AS maxprice FROM bid GROUP BY ws',
  q11:
    'WITH f AS (SELECT bidder, dateTime, CASE WHEN dateTime - LAG(dateTime) OVER (PARTITION BY bidder ORDER BY dateTime) < 10000 THEN 0 ELSE 1 END AS fresh FROM bid), ' +
    's AS (SELECT bidder, dateTime, SUM(fresh) OVER (PARTITION BY bidder ORDER BY dateTime ROWS UNBOUNDED PRECEDING) AS sid FROM f) ' +
    'SELECT bidder, MIN(dateTime) AS ws, MAX(dateTime) + 10000 AS we, COUNT(*) AS n FROM s GROUP BY bidder, sid',
  q12: 'SELECT bidder, (dateTime / 10000) * 10000 AS ws, (dateTime / 10000) * 10000 + 10000 AS we, COUNT(*) AS n FROM bid GROUP BY bidder, ws',
};

/** Runs query `id` in SQLite; rows as value arrays. */
export async function sqliteQuery(db: sqlite3.Database, id: QueryId): Promise<Rows> {
  const rows = await new Promise<Record<string, unknown>[]>((res, rej) => db.all(SQLITE_QUERIES[id], (err, r) => (err ? rej(err) : res(r as Record<string, unknown>[]))));
  return rows.map((r) => Object.values(r));
}

export function sqliteClose(db: sqlite3.Database): Promise<void> {
  return new Promise((res, rej) => db.close((err) => (err ? rej(err) : res())));
}

/** The arquero table (the load step, timed apart). */
export function arqueroLoad(bids: readonly Bid[]): aq.ColumnTable {
  const n = bids.length;
  const auction = new Float64Array(n);
  const bidder = new Float64Array(n);
  const price = new Float64Array(n);
  const dateTime = new Float64Array(n);
  const channel: string[] = new Array(n);
  const url: string[] = new Array(n);
  const extra: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const b = bids[i]!;
    auction[i] = b.auction;
    bidder[i] = b.bidder;
    price[i] = b.price;
    dateTime[i] = b.dateTime;
    channel[i] = b.channel;
    url[i] = b.url;
    extra[i] = b.extra;
  }
  return aq.table({ auction, bidder, price, channel, url, dateTime, extra });
}

/** Queries arquero's verbs express; q0 (no computation) is left out. */
export const ARQUERO_QUERIES: readonly QueryId[] = ['q1', 'q2', 'q5', 'q7', 'q11', 'q12'];

type D = Record<string, number>;

const values = (t: aq.ColumnTable): Rows => (t.objects() as Record<string, unknown>[]).map((o) => Object.values(o));

/** Runs query `id` with arquero (materializing the rows, as the other contenders do). */
export function arqueroQuery(t: aq.ColumnTable, id: QueryId): Rows {
  switch (id) {
    case 'q1':
      return values(t.derive({ price: (d: D) => 0.908 * d['price']! }).select('auction', 'bidder', 'price', 'dateTime', 'extra'));
    case 'q2':
      return values(t.filter((d: D) => d['auction']! % 123 === 0).select('auction', 'price'));
    case 'q5': {
      const parts = [0, 1, 2, 3, 4].map((k) =>
        t
          .params({ k })
          .select('auction', 'dateTime')
          .derive({ ws: (d: D, $: D) => d['dateTime']! - (d['dateTime']! % 2000) - $['k']! * 2000 }),
      );
      const all = parts[0]!.concat(...parts.slice(1));
      return values(
        all
          .groupby('auction', 'ws')
          .count({ as: 'num' })
          .derive({ we: (d: D) => d['ws']! + 10000 })
          .select('auction', 'ws', 'we', 'num'),
      );
    }
    case 'q7':
      return values(
        t
          .derive({ ws: (d: D) => d['dateTime']! - (d['dateTime']! % 10000) })
          .groupby('ws')
          .rollup({ maxprice: (d: D) => aq.op.max(d['price']!) })
          .derive({ we: (d: D) => d['ws']! + 10000 })
          .select('ws', 'we', 'maxprice'),
      );
    case 'q11':
      return values(
        t
          .select('bidder', 'dateTime')
          .groupby('bidder')
          .orderby('dateTime')
          .derive({ fresh: (d: D) => (d['dateTime']! - aq.op.lag(d['dateTime']!, 1, -1e15) >= 10000 ? 1 : 0) })
          .derive({ sid: (d: D) => aq.op.sum(d['fresh']!) })
          .groupby('bidder', 'sid')
          .rollup({ ws: (d: D) => aq.op.min(d['dateTime']!), we: (d: D) => aq.op.max(d['dateTime']!) + 10000, n: () => aq.op.count() })
          .select('bidder', 'ws', 'we', 'n'),
      );
    case 'q12':
      return values(
        t
          .derive({ ws: (d: D) => d['dateTime']! - (d['dateTime']! % 10000) })
          .groupby('bidder', 'ws')
          .count({ as: 'n' })
          .derive({ we: (d: D) => d['ws']! + 10000 })
          .select('bidder', 'ws', 'we', 'n'),
      );
    case 'q0':
      throw new Error('arquero: q0 is not benchmarked');
  }
}
