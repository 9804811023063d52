/**
 * Crash recovery of the unbounded OVER aggregate (per-partition accumulators and waiting rows) and
 * of window Top-N (each open window's ranked rows): `eddy -f` SIGKILLed after observed checkpoints
 * and re-run with the same --state must leave the file sink byte for byte equal to an
 * uninterrupted run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bidsJsonl, tempDir } from './checkpoint-helpers.js';
import { expectSameOutputAfterKills, runToEnd } from './crash-helpers.js';

const ROWS = 120_000;
const KILLS = 4;
let dir: string;

const DDL = `CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'bids.jsonl', 'format' = 'json');
SET 'execution.batch-size' = '128';`;

const QUERIES: readonly [string, string][] = [
  [
    'unbounded OVER',
    `CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json') AS
     SELECT auction, price, ts, SUM(price) OVER (PARTITION BY auction ORDER BY ts) AS running, MAX(price) OVER (PARTITION BY auction ORDER BY ts) AS top
     FROM bids;`,
  ],
  [
    'window Top-N',
    `CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json') AS
     SELECT * FROM (
       SELECT window_start, auction, bidder, price, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, channel ORDER BY price DESC, bidder) AS rn
       FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' SECOND))
     ) WHERE rn <= 3;`,
  ],
];

beforeAll(() => {
  dir = tempDir('crash-over-rank');
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(ROWS));
});

describe.each(QUERIES)('%s persistent query', (name, query) => {
  it('output after repeated SIGKILLs equals an uninterrupted run', async () => {
    const file = `${name.replace(/\W+/g, '-')}.sql`;
    writeFileSync(join(dir, file), `${DDL}\n${query}\n`);
    rmSync(join(dir, 'out.jsonl'), { force: true });
    expect(runToEnd(dir, file, `${file}-ref.db`, 30)).toBe(0);
    const reference = readFileSync(join(dir, 'out.jsonl'));
    expect(reference.toString().split('\n').length).toBeGreaterThan(1000);
    rmSync(join(dir, 'out.jsonl'));
    await expectSameOutputAfterKills(dir, file, `${file}-crash.db`, KILLS, 'out.jsonl', reference);
  }, 120_000);
});
