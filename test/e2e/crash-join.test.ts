/**
 * Crash recovery of joins: `eddy -f` SIGKILLed at random moments and re-run with the same --state
 * must leave the file sink byte for byte equal to an uninterrupted run, for
 *  - a regular FULL join with a residual condition and an event-time 'state.ttl' (both sides'
 *    keyed state, the outer sides' association counts and the TTL write queue cross checkpoints);
 *  - an interval LEFT join (rows waiting for their bound, unmatched rows emitted when freed);
 *  - a window FULL join of two TUMBLE windows (rows waiting for their window to complete).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIDS_DDL, bidsJsonl, tempDir } from './checkpoint-helpers.js';
import { expectSameOutputAfterKills, runToEnd as runToEndIn } from './crash-helpers.js';

/** Enough rows that every one of the kills lands mid-run (a run that finishes makes the next one start over). */
const ROWS = 150_000;
const KILLS = 4;
let dir: string;

/** Auctions arriving over the whole run (one per 10 bids, over the same event time), ids 0..599 so some match no bid. */
function auctionsJsonl(rows: number): string {
  const lines: string[] = [];
  let t = Date.UTC(2024, 0, 1);
  for (let j = 0; j < rows; j++) {
    t += 20;
    lines.push(JSON.stringify({ id: (j * 7) % 600, seller: j % 13, reserve: (j * 11) % 60, ts: t }));
  }
  return lines.join('\n') + '\n';
}

const SCRIPT = `
${BIDS_DDL}
CREATE STREAM auctions (id BIGINT, seller INT, reserve DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'file', 'path' = 'auctions.jsonl', 'format' = 'json');
SET 'execution.batch-size' = '128';
SET 'state.ttl' = '20s';
CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json') AS
SELECT b.auction, b.bidder, b.price, a.id, a.seller
FROM bids b FULL JOIN auctions a ON b.auction = a.id AND b.price >= a.reserve;
`;

const INTERVAL_SCRIPT = `
${BIDS_DDL}
CREATE STREAM auctions (id BIGINT, seller INT, reserve DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'file', 'path' = 'auctions.jsonl', 'format' = 'json');
SET 'execution.batch-size' = '128';
CREATE STREAM out_interval WITH ('connector' = 'file', 'path' = 'out-interval.jsonl', 'format' = 'json') AS
SELECT a.id, a.seller, a.ts, b.bidder, b.price, b.ts AS bid_ts
FROM auctions a LEFT JOIN bids b ON a.id = b.auction AND b.ts BETWEEN a.ts AND a.ts + INTERVAL '3' SECOND;
`;

const WINDOW_SCRIPT = `
${BIDS_DDL}
CREATE STREAM auctions (id BIGINT, seller INT, reserve DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'file', 'path' = 'auctions.jsonl', 'format' = 'json');
SET 'execution.batch-size' = '128';
CREATE STREAM out_window WITH ('connector' = 'file', 'path' = 'out-window.jsonl', 'format' = 'json') AS
SELECT B.auction, B.bidder, B.price, A.id, A.seller, COALESCE(B.window_start, A.window_start) AS ws
FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '2' SECOND)) B
FULL JOIN TABLE(TUMBLE(TABLE auctions, DESCRIPTOR(ts), INTERVAL '2' SECOND)) A
ON B.window_start = A.window_start AND B.window_end = A.window_end AND B.auction = A.id;
`;

const runToEnd = (state: string, file = 'q.sql'): number => runToEndIn(dir, file, state, 30);

beforeAll(() => {
  dir = tempDir('crash-join');
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(ROWS));
  // Auctions last the whole run (test/e2e/crash-graph.test.ts covers an input that ends before the first checkpoint).
  writeFileSync(join(dir, 'auctions.jsonl'), auctionsJsonl(ROWS / 10));
  writeFileSync(join(dir, 'q.sql'), SCRIPT);
  writeFileSync(join(dir, 'interval.sql'), INTERVAL_SCRIPT);
  writeFileSync(join(dir, 'window.sql'), WINDOW_SCRIPT);
});

describe('regular join persistent query', () => {
  it('changelog file after repeated SIGKILLs equals an uninterrupted run', async () => {
    expect(runToEnd('ref.db')).toBe(0);
    const reference = readFileSync(join(dir, 'out.jsonl'));
    const lines = reference.toString().trimEnd().split('\n');
    const ops = new Set(lines.map((l) => (JSON.parse(l) as { op: string }).op));
    // Padded rows inserted, then retracted when their match arrives.
    expect([...ops].sort()).toEqual(['+I', '-D']);
    expect(lines.some((l) => l.includes('"id":null'))).toBe(true);
    expect(lines.some((l) => l.includes('"auction":null'))).toBe(true);
    rmSync(join(dir, 'out.jsonl'));
    await expectSameOutputAfterKills(dir, 'q.sql', 'crash.db', KILLS, 'out.jsonl', reference);
  }, 90_000);

  it('interval join: output after repeated SIGKILLs equals an uninterrupted run', async () => {
    expect(runToEnd('ref-interval.db', 'interval.sql')).toBe(0);
    const reference = readFileSync(join(dir, 'out-interval.jsonl'));
    const lines = reference.toString().trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(1000);
    expect(lines.some((l) => l.includes('"bidder":null'))).toBe(true);
    expect(lines.some((l) => !l.includes('"bidder":null'))).toBe(true);
    rmSync(join(dir, 'out-interval.jsonl'));
    await expectSameOutputAfterKills(dir, 'interval.sql', 'crash-interval.db', 3, 'out-interval.jsonl', reference);
  }, 90_000);

  it('window join: output after repeated SIGKILLs equals an uninterrupted run', async () => {
    expect(runToEnd('ref-window.db', 'window.sql')).toBe(0);
    const reference = readFileSync(join(dir, 'out-window.jsonl'));
    const lines = reference.toString().trimEnd().split('\n');
    expect(lines.some((l) => l.includes('"id":null'))).toBe(true);
    expect(lines.some((l) => !l.includes('"id":null') && !l.includes('"auction":null'))).toBe(true);
    rmSync(join(dir, 'out-window.jsonl'));
    await expectSameOutputAfterKills(dir, 'window.sql', 'crash-window.db', 3, 'out-window.jsonl', reference);
  }, 90_000);
});
