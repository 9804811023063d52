/**
 * Crash recovery of query shapes only the dataflow graph runs: a window over a view's windowed
 * result (two window operators in a chain, the second driven by the first one's window_time; a
 * window over SESSION windows attached to its rows), and
 * a GROUP BY over a GROUP BY (a retracting aggregate over a changelog). `eddy -f` SIGKILLed after
 * observed checkpoints and re-run with the same --state must leave the file sink byte for byte
 * equal to an uninterrupted run: both operators' state, and the barrier between them, must be
 * checkpointed consistently.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIDS_DDL, bidsJsonl, CLI, tempDir } from './checkpoint-helpers.js';
import { expectSameOutputAfterKills, runToEnd } from './crash-helpers.js';

const BIDS = 150_000;
let dir: string;

const CASCADED = `${BIDS_DDL}
SET 'execution.batch-size' = '128';
CREATE VIEW per_auction AS
SELECT auction, window_start AS second_start, window_time AS rowtime, COUNT(*) AS n, SUM(price) AS total
FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' SECOND))
GROUP BY auction, window_start, window_end, window_time;
CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json') AS
SELECT window_start, window_end, COUNT(*) AS auctions, MAX(n) AS busiest, SUM(total) AS total
FROM TABLE(TUMBLE(TABLE per_auction, DESCRIPTOR(rowtime), INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
`;

/** A window aggregate over SESSION windows attached to its rows: its state is keyed by (window_start, key) per window end. */
const SESSIONS_ATTACHED = `${BIDS_DDL}
SET 'execution.batch-size' = '128';
CREATE VIEW sessions AS
SELECT bidder, window_start, window_end, COUNT(*) AS n, SUM(price) AS total
FROM TABLE(SESSION(TABLE bids PARTITION BY bidder, DESCRIPTOR(ts), INTERVAL '1500' MILLISECOND))
GROUP BY bidder, window_start, window_end;
CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json') AS
SELECT bidder, window_start, window_end, COUNT(*) AS sessions, SUM(n) AS bids, MAX(total) AS top
FROM sessions GROUP BY bidder, window_start, window_end;
`;

const NESTED_GROUP_BY = `${BIDS_DDL}
SET 'execution.batch-size' = '128';
CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json') AS
SELECT channel, COUNT(*) AS auctions, SUM(n) AS bids, MAX(n) AS busiest, MIN(total) AS smallest
FROM (SELECT auction, channel, COUNT(*) AS n, SUM(price) AS total FROM bids GROUP BY auction, channel HAVING COUNT(*) > 20) t
GROUP BY channel;
`;

/** A join whose small input (the auctions) has ended long before the first checkpoint: an ended source must be in every checkpoint, at its end. */
const JOIN_ENDED_INPUT = `${BIDS_DDL}
SET 'execution.batch-size' = '128';
CREATE STREAM auctions (id BIGINT, seller BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'file', 'path' = 'auctions.jsonl', 'format' = 'json');
CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json') AS
SELECT b.auction, b.price, a.seller FROM bids b JOIN auctions a ON b.auction = a.id WHERE b.price > 50;
`;

beforeAll(() => {
  dir = tempDir('crash-graph');
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(BIDS));
  writeFileSync(join(dir, 'auctions.jsonl'), Array.from({ length: 500 }, (_, i) => JSON.stringify({ id: i, seller: i % 37, ts: Date.UTC(2024, 0, 1) + i }) + '\n').join(''));
  expect(existsSync(CLI)).toBe(true);
});

describe.each([
  ['cascaded windows over a view', 'cascaded', CASCADED, '"busiest"'],
  ['a window over SESSION windows attached to its rows', 'sessions', SESSIONS_ATTACHED, '"sessions"'],
  ['GROUP BY over a GROUP BY', 'nested', NESTED_GROUP_BY, '"-U"'],
  ['a join whose other input ended before the first checkpoint', 'join-ended', JOIN_ENDED_INPUT, '"seller"'],
])('%s', (_title, name, script, mustContain) => {
  it('output after repeated SIGKILLs equals an uninterrupted run', async () => {
    const file = `${name}.sql`;
    writeFileSync(join(dir, file), script);
    rmSync(join(dir, 'out.jsonl'), { force: true });
    expect(runToEnd(dir, file, `${name}-ref.db`, 30)).toBe(0);
    const reference = readFileSync(join(dir, 'out.jsonl'));
    expect(reference.length).toBeGreaterThan(1000);
    expect(reference.toString()).toContain(mustContain);
    rmSync(join(dir, 'out.jsonl'));
    await expectSameOutputAfterKills(dir, file, `${name}-crash.db`, 4, 'out.jsonl', reference);
    rmSync(join(dir, 'out.jsonl'));
  }, 90_000);
});
