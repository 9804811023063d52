/**
 * SIGSTOP / SIGCONT of a running `eddy -f` (issue 13 item 6). While it is stopped, a second
 * `eddy -f` of the same script on the same state database must be refused with a message naming
 * the stopped process (DESIGN.md §4: one live process per query), and must change nothing in the
 * state database; continued, the first must finish with exactly the output of an uninterrupted
 * run. Twice: stopped between checkpoints (the second process finds the query's lock), and
 * stopped inside a checkpoint's commit (EDDY_FAULT=...:SIGSTOP), holding SQLite's write lock, so
 * the second process cannot even open the database: it must say which process holds it, and that
 * that process is stopped.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliProcess, sleep, sql, tempDir, until } from './checkpoint-helpers.js';
import { holdsLock, procState, runEddy } from './fault-helpers.js';

const script = (out: string) => `
CREATE STREAM bids (auction BIGINT, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND)
WITH ('connector' = 'datagen', 'rows-per-second' = '20000', 'number-of-rows' = '100000', 'fields.auction.min' = '1', 'fields.auction.max' = '20',
      'fields.ts.start' = '2024-01-01 00:00:00');
CREATE STREAM out (auction BIGINT, w TIMESTAMP(3), n BIGINT, total DOUBLE) WITH ('connector' = 'file', 'path' = '${out}', 'format' = 'json');
SET 'pipeline.name' = 'per_window';
INSERT INTO out SELECT auction, TUMBLE_START(ts, INTERVAL '100' MILLISECOND) AS w, COUNT(*) AS n, SUM(price) AS total
FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '100' MILLISECOND);
`;
const args = (file: string, state: string) => ['-f', file, '--state', state, '--checkpoint-interval', '100ms', '--verbose'];

let dir: string;
let reference: Buffer;

beforeAll(() => {
  dir = tempDir('stop');
  writeFileSync(join(dir, 'ref.sql'), script('ref.jsonl'));
  const r = runEddy(dir, args('ref.sql', 'ref-state.db'));
  expect(r.status, r.stderr).toBe(0);
  reference = readFileSync(join(dir, 'ref.jsonl'));
  expect(reference.length).toBeGreaterThan(5_000);
}, 120_000);

/** What the state database says of the query and its checkpoints (the second process must not change it). */
const recorded = async (state: string) => ({
  queries: await sql(join(dir, state), 'SELECT query_id, status, error, updated_at FROM eddy_queries'),
  locks: await sql(join(dir, state), 'SELECT query_id, pid FROM eddy_locks'),
});

describe.skipIf(process.platform !== 'linux')('SIGSTOP and SIGCONT', () => {
  it('stopped between checkpoints: a second process is refused by the query lock; continued, the output equals an uninterrupted run', async () => {
    writeFileSync(join(dir, 'a.sql'), script('a.jsonl'));
    const first = new CliProcess(dir, args('a.sql', 'a.db'));
    await first.waitForCheckpoints(2, 60_000);
    // Stopped between two uses of the state database (the other test stops it inside one).
    for (;;) {
      first.child.kill('SIGSTOP');
      await until('the process is stopped', () => procState(first.pid) === 'T', 10_000);
      if (!holdsLock(first.pid, join(dir, 'a.db'))) break;
      first.child.kill('SIGCONT');
      await sleep(20);
    }
    const before = await recorded('a.db');

    const second = runEddy(dir, args('a.sql', 'a.db'));
    expect(second.status, second.stderr).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`query 'per_window' is already running in process ${first.pid}`));
    expect(second.stderr).toMatch(/hint: stop that process first, or use another --state database/);
    expect(second.stderr).not.toMatch(/checkpoint \d+ of query/);
    expect(await recorded('a.db')).toEqual(before);
    expect(procState(first.pid)).toBe('T');

    first.child.kill('SIGCONT');
    const r = await first.exited;
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/warning|error/i);
    expect(readFileSync(join(dir, 'a.jsonl')).equals(reference)).toBe(true);
  }, 180_000);

  it('stopped inside a checkpoint commit: a second process says which process holds the state database and that it is stopped; continued, the output equals an uninterrupted run', async () => {
    writeFileSync(join(dir, 'b.sql'), script('b.jsonl'));
    const first = new CliProcess(dir, args('b.sql', 'b.db'), { EDDY_FAULT: 'checkpoint-before-commit@3:SIGSTOP' });
    await until('the process stops itself inside its third checkpoint', () => procState(first.pid) === 'T', 60_000);
    expect(first.stderr).toMatch(/checkpoint 2 of query 'per_window' complete/);

    const second = runEddy(dir, args('b.sql', 'b.db'));
    expect(second.status, second.stderr).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`state database 'b\\.db' is locked by process ${first.pid} \\(stopped: it was sent SIGSTOP or is being debugged\\)`));
    expect(second.stderr).toMatch(new RegExp(`hint: continue that process \\(kill -CONT ${first.pid}\\) or end it, then run again`));
    expect(procState(first.pid)).toBe('T');

    first.child.kill('SIGCONT');
    const r = await first.exited;
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/checkpoint 3 of query 'per_window' complete/);
    expect(r.stderr).not.toMatch(/warning|error/i);
    expect(readFileSync(join(dir, 'b.jsonl')).equals(reference)).toBe(true);
  }, 180_000);
});
