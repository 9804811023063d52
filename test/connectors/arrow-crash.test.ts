/**
 * Crash recovery with 'format' = 'arrow' on both ends: `eddy -f` reading an Arrow IPC stream file
 * (1000-row record batches read 128 rows at a time, so checkpoints land mid-batch) into a windowed
 * aggregate and an updating GROUP BY, each written to an Arrow file, SIGKILLed at random moments
 * after checkpoints and re-run with the same --state. Both outputs must decode to exactly the rows
 * of an uninterrupted run, in order. Bytes may differ: the sink ends a record batch at every
 * checkpoint, and checkpoints fall at other rows in another run (see README, Arrow format); the
 * recovered file is still one valid stream, which flechette and Eddy's own reader decode.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { float64, int64, tableFromIPC, timestamp, TimeUnit } from '@uwdata/flechette';
import { bidsJsonl, tempDir } from '../e2e/checkpoint-helpers.js';
import { expectRealRecovery, runAndKill, runToEnd, type Attempt } from '../e2e/crash-helpers.js';

const ROWS = 150_000;
const KILLS = 4;
let dir: string;

const SCRIPT = (out: string) => `
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'bids.arrows', 'format' = 'arrow');
SET 'execution.batch-size' = '128';
CREATE STREAM windows WITH ('connector' = 'file', 'path' = '${out}-windows.arrows', 'format' = 'arrow') AS
SELECT auction, TUMBLE_START(ts, INTERVAL '2' SECOND) AS window_start, COUNT(*) AS n, MAX(price) AS top, SUM(price) AS total
FROM bids WHERE price > 1
GROUP BY auction, TUMBLE(ts, INTERVAL '2' SECOND);
CREATE STREAM per_channel WITH ('connector' = 'filesystem', 'path' = '${out}-channels.arrows', 'format' = 'arrow') AS
SELECT channel, bidder % 3 AS b, COUNT(*) AS n, MAX(ts) AS last_ts FROM bids GROUP BY channel, bidder % 3;
`;

/** The bids of bidsJsonl as an Arrow IPC stream of 1000-row record batches (channel dictionary-encoded, as arquero writes strings). */
function bidsArrow(rows: number): Uint8Array {
  const objects = bidsJsonl(rows).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const types = { auction: int64(), bidder: int64(), price: float64(), ts: timestamp(TimeUnit.MILLISECOND) };
  return aq.toArrowIPC(aq.from(objects), { types, maxBatchRows: 1000, format: 'stream' } as never);
}

const decode = (file: string): unknown[] => tableFromIPC(readFileSync(join(dir, file)), { useDate: false }).toArray().map((r) => ({ ...r }));

beforeAll(() => {
  dir = tempDir('crash-arrow');
  writeFileSync(join(dir, 'bids.arrows'), bidsArrow(ROWS));
  writeFileSync(join(dir, 'ref.sql'), SCRIPT('ref'));
  writeFileSync(join(dir, 'crash.sql'), SCRIPT('crash'));
});

describe("'format' = 'arrow' under SIGKILL", () => {
  it('outputs after repeated SIGKILLs decode to the rows of an uninterrupted run', async () => {
    expect(tableFromIPC(readFileSync(join(dir, 'bids.arrows'))).getChild('ts').data.length).toBe(ROWS / 1000);
    expect(runToEnd(dir, 'ref.sql', 'ref.db', 30)).toBe(0);
    const windows = decode('ref-windows.arrows');
    const channels = decode('ref-channels.arrows');
    expect(windows.length).toBeGreaterThan(10_000);
    expect(channels.length).toBeGreaterThan(1000);
    expect(channels[0]).toMatchObject({ op: '+I', channel: 'web' });
    expect(channels.some((r) => (r as { op: string }).op === '-U')).toBe(true);
    const attempts: Attempt[] = [];
    for (let i = 0; i < KILLS; i++) attempts.push(await runAndKill(dir, 'crash.sql', 'crash.db', 10 + ((i * 37) % 60), 30));
    const final = runToEnd(dir, 'crash.sql', 'crash.db', 30);
    expectRealRecovery(attempts, final, 3);
    expect(decode('crash-windows.arrows')).toEqual(windows);
    expect(decode('crash-channels.arrows')).toEqual(channels);
  }, 120_000);
});
