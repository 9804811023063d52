/**
 * Crash recovery of a lookup join and of a processing-time window: `eddy -f` SIGKILLed mid-run and
 * re-run with the same --state.
 * - The lookup join (a real SQLite file made here through sqlite3, unchanged during the runs) holds
 *   no state: the file sink must equal an uninterrupted run byte for byte.
 * - A processing-time window's output depends on the wall clock, so it is checked by what cannot
 *   change: every bid is counted exactly once over the whole output (windows emitted before a kill
 *   and not covered by a checkpoint are truncated; restored windows fire with the rows they held),
 *   and each (auction, window) appears once.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import sqlite3 from 'sqlite3';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIDS_DDL, bidsJsonl, tempDir } from './checkpoint-helpers.js';
import { expectRealRecovery, expectSameOutputAfterKills, runAndKill, runToEnd, type Attempt } from './crash-helpers.js';

// Enough that each killed run is still reading when its kill lands (120,000 was done within 33 ms of a checkpoint once reading sped up).
const ROWS = 300_000;
let dir: string;

const LOOKUP_SCRIPT = `
${BIDS_DDL}
CREATE TABLE auctions (id BIGINT, seller VARCHAR, reserve DOUBLE) WITH ('connector' = 'sqlite', 'url' = 'jdbc:sqlite:dim.db', 'table-name' = 'auctions');
SET 'execution.batch-size' = '128';
CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json') AS
SELECT b.auction, b.bidder, b.price, a.seller, a.reserve
FROM (SELECT *, PROCTIME() AS pt FROM bids) b LEFT JOIN auctions FOR SYSTEM_TIME AS OF b.pt AS a ON b.auction = a.id;
`;

const WINDOW_SCRIPT = `
${BIDS_DDL}
CREATE VIEW v AS SELECT auction, price, PROCTIME() AS pt FROM bids;
SET 'execution.batch-size' = '256';
CREATE STREAM counts WITH ('connector' = 'file', 'path' = 'counts.jsonl', 'format' = 'json') AS
SELECT auction, window_start, window_end, COUNT(*) AS n
FROM TABLE(TUMBLE(TABLE v, DESCRIPTOR(pt), INTERVAL '200' MILLISECOND)) GROUP BY auction, window_start, window_end;
`;

beforeAll(async () => {
  dir = tempDir('crash-lookup');
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(ROWS));
  writeFileSync(join(dir, 'lookup.sql'), LOOKUP_SCRIPT);
  writeFileSync(join(dir, 'window.sql'), WINDOW_SCRIPT);
  const db = new sqlite3.Database(join(dir, 'dim.db'));
  const run = (sql: string) => new Promise<void>((res, rej) => db.run(sql, (e) => (e ? rej(e) : res())));
  await run('CREATE TABLE auctions (id INTEGER, seller TEXT, reserve REAL)');
  // Auctions 0..399 of the bids' 0..499: the rest stay unmatched (NULLs).
  await run(`INSERT INTO auctions WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 399) SELECT i, 'seller-' || (i % 37), i * 1.5 FROM n`);
  await new Promise<void>((res) => db.close(() => res()));
});

describe('crash recovery', () => {
  it('a lookup join into a file: output after repeated SIGKILLs equals an uninterrupted run', async () => {
    expect(runToEnd(dir, 'lookup.sql', 'ref.db', 30)).toBe(0);
    const reference = readFileSync(join(dir, 'out.jsonl'));
    const lines = reference.toString().trimEnd().split('\n');
    expect(lines).toHaveLength(ROWS);
    expect(lines.some((l) => l.includes('"seller":null'))).toBe(true);
    expect(lines.some((l) => l.includes('"seller":"seller-'))).toBe(true);
    rmSync(join(dir, 'out.jsonl'));
    await expectSameOutputAfterKills(dir, 'lookup.sql', 'crash.db', 3, 'out.jsonl', reference);
  }, 120_000);

  it('a processing-time window: after repeated SIGKILLs every bid is counted exactly once, each window once', async () => {
    const attempts: Attempt[] = [];
    for (let i = 0; i < 3; i++) attempts.push(await runAndKill(dir, 'window.sql', 'window.db', 10 + i * 23, 30));
    const final = runToEnd(dir, 'window.sql', 'window.db', 30);
    expectRealRecovery(attempts, final, 3);
    const rows = readFileSync(join(dir, 'counts.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { auction: number; window_start: string; window_end: string; n: number });
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(ROWS);
    const perAuction = new Map<number, number>();
    for (let i = 0; i < ROWS; i++) perAuction.set((i * 31) % 500, (perAuction.get((i * 31) % 500) ?? 0) + 1);
    const counted = new Map<number, number>();
    for (const r of rows) counted.set(r.auction, (counted.get(r.auction) ?? 0) + r.n);
    expect(counted).toEqual(perAuction);
    expect(new Set(rows.map((r) => `${r.auction}/${r.window_start}`)).size).toBe(rows.length);
  }, 120_000);
});
