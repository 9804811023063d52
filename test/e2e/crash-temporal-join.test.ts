/**
 * Crash recovery of an event-time temporal join: `eddy -f` SIGKILLed at random moments and re-run
 * with the same --state must leave the file sink byte for byte equal to an uninterrupted run (the
 * waiting left rows, each key's kept versions and the clock cross checkpoints).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIDS_DDL, bidsJsonl, tempDir } from './checkpoint-helpers.js';
import { expectSameOutputAfterKills, runToEnd as runToEndIn } from './crash-helpers.js';

const ROWS = 120_000;
let dir: string;

/** Versions of each auction's reserve over the whole run, ids 0..599 (bids name 0..499), in time order. */
function reservesJsonl(rows: number): string {
  const lines: string[] = [];
  let t = Date.UTC(2024, 0, 1) - 5000;
  for (let j = 0; j < rows; j++) {
    t += 25;
    lines.push(JSON.stringify({ id: (j * 7) % 600, reserve: (j * 11) % 100, ts: t }));
  }
  return lines.join('\n') + '\n';
}

const SCRIPT = `
${BIDS_DDL}
CREATE STREAM reserves (id BIGINT, reserve DOUBLE, ts TIMESTAMP(3), PRIMARY KEY (id) NOT ENFORCED, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'file', 'path' = 'reserves.jsonl', 'format' = 'json');
SET 'execution.batch-size' = '128';
CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json') AS
SELECT b.auction, b.bidder, b.price, r.reserve, b.ts
FROM bids b LEFT JOIN reserves FOR SYSTEM_TIME AS OF b.ts AS r ON b.auction = r.id;
`;

beforeAll(() => {
  dir = tempDir('crash-temporal-join');
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(ROWS));
  writeFileSync(join(dir, 'reserves.jsonl'), reservesJsonl(ROWS / 10));
  writeFileSync(join(dir, 'q.sql'), SCRIPT);
});

describe('temporal join persistent query', () => {
  it('output after repeated SIGKILLs equals an uninterrupted run', async () => {
    expect(runToEndIn(dir, 'q.sql', 'ref.db', 30)).toBe(0);
    const reference = readFileSync(join(dir, 'out.jsonl'));
    const lines = reference.toString().trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(100_000);
    expect(lines.some((l) => l.includes('"reserve":null'))).toBe(true);
    expect(lines.some((l) => !l.includes('"reserve":null'))).toBe(true);
    rmSync(join(dir, 'out.jsonl'));
    await expectSameOutputAfterKills(dir, 'q.sql', 'crash.db', 3, 'out.jsonl', reference);
  }, 90_000);
});
