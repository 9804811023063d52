/**
 * Crash recovery of a materialized view: `eddy -f` maintaining a GROUP BY view over a file,
 * SIGKILLed at random moments after checkpoints and re-run with the same --state, must end with
 * point-in-time SELECTs over the view that print exactly what an uninterrupted run prints: the
 * view's contents (the sink operator's keyed state) are restored with the source offsets, not
 * rebuilt by reading the file again (each kill is after a checkpoint, and the final run must
 * resume from one). Both views catch lost view state: the GROUP BY's keys (seconds of event time)
 * are not updated again once their second has passed, and the append-only view keeps every row
 * (a view whose keys all update again after the restore would heal, each '+U' carrying the full aggregate).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EDDY, bidsJsonl, tempDir } from './checkpoint-helpers.js';
import { expectRealRecovery, runAndKill, type Attempt } from './crash-helpers.js';

const ROWS = 150_000;
const KILLS = 4;
let dir: string;

const SCRIPT = `
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'bids.jsonl', 'format' = 'json');
SET 'execution.batch-size' = '128';
CREATE MATERIALIZED VIEW per_second AS
SELECT DATE_FORMAT(ts, 'HH:mm:ss') AS second, channel, COUNT(*) AS n, MAX(price) AS top, SUM(price) AS total
FROM bids WHERE price > 1
GROUP BY DATE_FORMAT(ts, 'HH:mm:ss'), channel;
CREATE MATERIALIZED VIEW top_bids AS SELECT bidder, price, ts FROM bids WHERE price > 99;
SELECT second, channel, n, top, total FROM per_second;
SELECT COUNT(*) AS top_bids, SUM(price) AS top_total, MIN(ts) AS first_ts, MAX(ts) AS last_ts FROM top_bids;
SELECT channel, COUNT(*) AS seconds, SUM(n) AS bids, MAX(top) AS top FROM per_second GROUP BY channel;
`;

/** Runs the script to the end; its stdout lines sorted (a view has no order) and the checkpoint it resumed from. */
function runToEnd(state: string): { lines: string[]; resumedFrom: number } {
  const r = spawnSync(EDDY, ['-f', 'q.sql', '--state', state, '--checkpoint-interval', '30ms', '--format', 'json'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(r.stderr).not.toMatch(/error|warning/i);
  expect(r.status).toBe(0);
  return { lines: r.stdout.trimEnd().split('\n').sort(), resumedFrom: Number(/resumed from checkpoint (\d+)/.exec(r.stderr)?.[1] ?? 0) };
}

beforeAll(() => {
  dir = tempDir('crash-mview');
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(ROWS));
  writeFileSync(join(dir, 'q.sql'), SCRIPT);
});

describe('materialized view', () => {
  it('point-in-time SELECTs after repeated SIGKILLs equal an uninterrupted run', async () => {
    const reference = runToEnd('ref.db');
    expect(reference.resumedFrom).toBe(0);
    expect(reference.lines.length).toBeGreaterThan(800);
    const summary = reference.lines.filter((l) => l.includes('"seconds"')).map((l) => JSON.parse(l) as { bids: number });
    expect(summary.length).toBe(3);
    expect(reference.lines.filter((l) => l.includes('"top_bids"')).length).toBe(1);
    const attempts: Attempt[] = [];
    for (let i = 0; i < KILLS; i++) attempts.push(await runAndKill(dir, 'q.sql', 'crash.db', 10 + ((i * 37) % 60), 30));
    const final = runToEnd('crash.db');
    expectRealRecovery(attempts, final.resumedFrom, 3);
    expect(final.lines).toEqual(reference.lines);
  }, 90_000);
});
