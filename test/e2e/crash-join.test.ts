/**
 * Crash recovery of a regular join (a FULL join with a residual condition and an event-time
 * 'state.ttl', so both sides' keyed state, the association counts of the outer sides and the TTL
 * write queue all cross checkpoints): `eddy -f` SIGKILLed at random moments and re-run with the
 * same --state must leave the file sink byte for byte equal to an uninterrupted run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIDS_DDL, bidsJsonl, tempDir } from './checkpoint-helpers.js';
import { expectSameOutputAfterKills, runToEnd as runToEndIn } from './crash-helpers.js';

const ROWS = 100_000;
const KILLS = 4;
let dir: string;

/** Auctions arriving over the whole run (one per 50 bids), ids 0..599 so some match no bid. */
function auctionsJsonl(rows: number): string {
  const lines: string[] = [];
  let t = Date.UTC(2024, 0, 1);
  for (let j = 0; j < rows; j++) {
    t += 100;
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

const runToEnd = (state: string): number => runToEndIn(dir, 'q.sql', state, 30);

beforeAll(() => {
  dir = tempDir('crash-join');
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(ROWS));
  writeFileSync(join(dir, 'auctions.jsonl'), auctionsJsonl(ROWS / 50));
  writeFileSync(join(dir, 'q.sql'), SCRIPT);
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
});
