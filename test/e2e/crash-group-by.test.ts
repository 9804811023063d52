/**
 * Crash recovery of a non-windowed GROUP BY (an updating changelog into a file sink, with HAVING
 * and an event-time 'state.ttl'): `eddy -f` SIGKILLed at random moments and re-run with the same
 * --state must leave the file sink byte for byte equal to an uninterrupted run. The sink writes
 * the op column as data: an append-only changelog file.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bidsJsonl, tempDir } from './checkpoint-helpers.js';
import { expectSameOutputAfterKills, runToEnd as runToEndIn } from './crash-helpers.js';

const ROWS = 300_000;
const KILLS = 4;
let dir: string;

const SCRIPT = `
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'bids.jsonl', 'format' = 'json');
SET 'execution.batch-size' = '128';
SET 'state.ttl' = '3s';
CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json') AS
SELECT bidder, COUNT(*) AS n, MAX(price) AS top, SUM(price) AS total
FROM bids WHERE price > 1
GROUP BY bidder
HAVING COUNT(*) < 3 OR MAX(price) > 95;
`;

const runToEnd = (state: string): number => runToEndIn(dir, 'q.sql', state, 30);

beforeAll(() => {
  dir = tempDir('crash-group-by');
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(ROWS));
  writeFileSync(join(dir, 'q.sql'), SCRIPT);
});

describe('non-windowed GROUP BY persistent query', () => {
  it('changelog file after repeated SIGKILLs equals an uninterrupted run', async () => {
    expect(runToEnd('ref.db')).toBe(0);
    const reference = readFileSync(join(dir, 'out.jsonl'));
    const lines = reference.toString().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\{"op":"\+I","bidder":/);
    const ops = new Set(lines.map((l) => (JSON.parse(l) as { op: string }).op));
    // Inserts, updates, HAVING's deletes; ttl-dropped keys come back as +I.
    expect([...ops].sort()).toEqual(['+I', '+U', '-D', '-U']);
    rmSync(join(dir, 'out.jsonl'));
    await expectSameOutputAfterKills(dir, 'q.sql', 'crash.db', KILLS, 'out.jsonl', reference);
  }, 60_000);
});
