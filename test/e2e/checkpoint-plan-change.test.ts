/**
 * Changed plans (DESIGN.md §4): a persistent query stopped mid-run and re-run with an incompatible
 * change (window size, GROUP BY key, an aggregate) is refused with a message naming the difference;
 * --fresh starts it over; a compatible change (an alias) resumes from the checkpoint.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliProcess, resumedFrom, runCli, tempDir } from './checkpoint-helpers.js';

const ROWS = 30_000;
const script = (o: { window?: string; key?: string; agg?: string; alias?: string } = {}) => {
  const win = o.window ?? `INTERVAL '100' MILLISECOND`;
  const key = o.key ?? 'auction';
  return `
CREATE STREAM bids (auction BIGINT, bidder BIGINT, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND)
WITH ('connector' = 'datagen', 'rows-per-second' = '50000', 'number-of-rows' = '${ROWS}', 'fields.auction.min' = '1', 'fields.auction.max' = '20',
      'fields.bidder.min' = '1', 'fields.bidder.max' = '20', 'fields.ts.start' = '2024-01-01 00:00:00');
CREATE STREAM out (auction BIGINT, w TIMESTAMP(3), n BIGINT, total DOUBLE) WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json');
SET 'pipeline.name' = 'insert_into_out';
INSERT INTO out SELECT ${key} AS ${o.alias ?? 'k'}, TUMBLE_START(ts, ${win}) AS w, COUNT(*) AS n, ${o.agg ?? 'SUM(price)'} AS total
FROM bids GROUP BY ${key}, TUMBLE(ts, ${win});`;
};
const Q = 'insert_into_out';

let dir: string;
let reference: Buffer;
const out = () => readFileSync(join(dir, 'out.jsonl'));
const rows = () => out().toString().trim().split('\n').map((l) => JSON.parse(l) as { auction: number; w: string; n: number });

beforeAll(() => {
  dir = tempDir('plan');
  writeFileSync(join(dir, 'orig.sql'), script());
  const r = runCli(dir, ['-f', 'orig.sql', '--state', 'ref.db']);
  expect(r.status, r.stderr).toBe(0);
  reference = out();
  expect(rows().reduce((s, r) => s + r.n, 0)).toBe(ROWS);
  rmSync(join(dir, 'out.jsonl'));
});

/** Runs orig.sql on `state` and stops it with SIGTERM once two checkpoints have committed. */
async function stopMidRun(state: string): Promise<Buffer> {
  // Each case starts on a new state database: INSERT INTO would append to an earlier case's output.
  rmSync(join(dir, 'out.jsonl'), { force: true });
  const p = new CliProcess(dir, ['-f', 'orig.sql', '--state', state, '--checkpoint-interval', '30ms', '--verbose']);
  await p.waitForCheckpoints(2);
  const r = await p.kill('SIGTERM');
  expect(r.status, r.stderr).toBe(143);
  const partial = out();
  expect(partial.length).toBeLessThan(reference.length); // it really stopped mid-run
  return partial;
}

describe('resuming a changed query', () => {
  it.each([
    ['the window size', { window: `INTERVAL '200' MILLISECOND` }, /the window of window-aggregate-0 changed from TUMBLE\(ts, 100 ms\) to TUMBLE\(ts, 200 ms\)/],
    ['the GROUP BY key', { key: 'bidder' }, /the GROUP BY keys of window-aggregate-0 changed from \[auction: BIGINT\] to \[bidder: BIGINT\]/],
    ['an aggregate', { agg: 'MAX(price)' }, /the aggregates of window-aggregate-0 changed from \[COUNT\(\*\): BIGINT, SUM\(price\): DOUBLE\] to \[COUNT\(\*\): BIGINT, MAX\(price\): DOUBLE\]/],
  ] as const)('refuses a change of %s, naming it; the sink and the state are left alone', async (_what, change, difference) => {
    const state = `changed-${Object.keys(change)[0]}.db`;
    const partial = await stopMidRun(state);
    writeFileSync(join(dir, 'changed.sql'), script(change));
    const r = runCli(dir, ['-f', 'changed.sql', '--state', state]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`cannot resume query '${Q}' from its checkpoint: the query changed incompatibly \\(`));
    expect(r.stderr).toMatch(difference);
    expect(r.stderr).toMatch(/hint: .*--fresh/);
    expect(r.stderr).not.toMatch(/resumed/);
    expect(out().equals(partial)).toBe(true);

    // The unchanged script still resumes from that state, to the uninterrupted output.
    const again = runCli(dir, ['-f', 'orig.sql', '--state', state]);
    expect(again.status, again.stderr).toBe(0);
    expect(resumedFrom(again.stderr)).toBeGreaterThan(0);
    expect(out().equals(reference)).toBe(true);
  });

  it('--fresh discards the old state: the changed query starts over and completes', async () => {
    await stopMidRun('fresh.db');
    writeFileSync(join(dir, 'changed.sql'), script({ window: `INTERVAL '200' MILLISECOND` }));
    expect(runCli(dir, ['-f', 'changed.sql', '--state', 'fresh.db']).status).toBe(1);
    const r = runCli(dir, ['-f', 'changed.sql', '--state', 'fresh.db', '--fresh']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/resumed|warning|error/i);
    // Every generated row counted exactly once, all in 200 ms windows: nothing left of the old run.
    const got = rows();
    expect(got.reduce((s, x) => s + x.n, 0)).toBe(ROWS);
    expect(got.every((x) => Number(x.w.slice(-3)) % 200 === 0)).toBe(true);
    expect(got.some((x) => x.w.endsWith('.100'))).toBe(false);
  });

  it('a compatible change (a column alias) resumes from the checkpoint with exactly-once output', async () => {
    await stopMidRun('alias.db');
    writeFileSync(join(dir, 'alias.sql'), script({ alias: 'auction_id' }));
    const r = runCli(dir, ['-f', 'alias.sql', '--state', 'alias.db']);
    expect(r.status, r.stderr).toBe(0);
    expect(resumedFrom(r.stderr)).toBeGreaterThanOrEqual(2);
    expect(out().equals(reference)).toBe(true);
  });
});
