/**
 * Crash recovery of HOP and SESSION persistent queries (their state: slices shared by several
 * windows, sessions and the fired-up-to watermark): `eddy -f` SIGKILLed at random moments and
 * re-run with the same --state must leave the file sink byte for byte equal to an uninterrupted run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bidsJsonl, CLI, tempDir } from './checkpoint-helpers.js';
import { expectSameOutputAfterKills, runToEnd as runToEndIn } from './crash-helpers.js';

const ROWS = 300_000;
const KILLS = 4;
let dir: string;

const script = (window: string, start: string) => `
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'bids.jsonl', 'format' = 'json');
SET 'execution.batch-size' = '128';
CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json') AS
SELECT auction, ${start} AS window_start, COUNT(*) AS n, MAX(price) AS top, SUM(price) AS total
FROM bids WHERE price > 1
GROUP BY auction, ${window};
`;

const runToEnd = (file: string, state: string): number => runToEndIn(dir, file, state, 30);

beforeAll(() => {
  dir = tempDir('crash-windows');
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(ROWS));
  expect(existsSync(CLI)).toBe(true);
});

describe.each([
  ['hop', "HOP(ts, INTERVAL '2' SECOND, INTERVAL '10' SECOND)", "HOP_START(ts, INTERVAL '2' SECOND, INTERVAL '10' SECOND)"],
  ['session', "SESSION(ts, INTERVAL '1500' MILLISECOND)", "SESSION_START(ts, INTERVAL '1500' MILLISECOND)"],
])('%s persistent query', (name, window, start) => {
  it('output after repeated SIGKILLs equals an uninterrupted run', async () => {
    const file = `${name}.sql`;
    writeFileSync(join(dir, file), script(window, start));
    expect(runToEnd(file, `${name}-ref.db`)).toBe(0);
    const reference = readFileSync(join(dir, 'out.jsonl'));
    expect(reference.length).toBeGreaterThan(1000);
    rmSync(join(dir, 'out.jsonl'));
    await expectSameOutputAfterKills(dir, file, `${name}-crash.db`, KILLS, 'out.jsonl', reference);
    rmSync(join(dir, 'out.jsonl'));
  }, 60_000);
});
