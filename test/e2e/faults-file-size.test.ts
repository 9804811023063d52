/**
 * The file sink reaches the process's file size limit (issue 13): `eddy -f` runs under
 * `ulimit -f` with SIGXFSZ ignored (Node ignores it too), so the write that would pass the limit
 * fails with EFBIG instead of killing the process. The run must stop with an error naming the
 * cause, the sink and its committed byte, leave no torn line, and once the limit is lifted a re-run
 * must produce exactly the output of an uninterrupted run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EDDY, resumedFrom, tempDir } from './checkpoint-helpers.js';
import { latestCheckpoint, runEddy } from './fault-helpers.js';

const skip = process.platform !== 'linux' ? 'ulimit -f and bash are Linux-only here' : spawnSync('bash', ['-c', 'ulimit -f 1024']).status !== 0 ? 'bash cannot set ulimit -f' : null;
if (skip !== null) console.warn(`faults-file-size: skipped (${skip})`);

/** A paced datagen query whose file output (~3.8 MB) outgrows the limit long before its state database does. */
const script = `
CREATE STREAM bids (auction BIGINT, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' MILLISECOND)
WITH ('connector' = 'datagen', 'rows-per-second' = '40000', 'number-of-rows' = '200000', 'fields.auction.min' = '1', 'fields.auction.max' = '100',
      'fields.ts.start' = '2024-01-01 00:00:00');
CREATE STREAM out (auction BIGINT, w TIMESTAMP(3), n BIGINT, total DOUBLE) WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json');
SET 'pipeline.name' = 'per_window';
INSERT INTO out SELECT auction, TUMBLE_START(ts, INTERVAL '10' MILLISECOND) AS w, COUNT(*) AS n, SUM(price) AS total
FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '10' MILLISECOND);
`;
const args = (state: string) => ['-f', 'q.sql', '--state', state, '--checkpoint-interval', '100ms', '--verbose'];
const LIMIT_KIB = 1024;

let dir: string;
let reference: Buffer;

beforeAll(() => {
  if (skip !== null) return;
  dir = tempDir('file-size');
  writeFileSync(join(dir, 'q.sql'), script);
  const r = runEddy(dir, args('ref-state.db'));
  expect(r.status, r.stderr).toBe(0);
  reference = readFileSync(join(dir, 'out.jsonl'));
  expect(reference.length).toBeGreaterThan(3 * LIMIT_KIB * 1024);
  rmSync(join(dir, 'out.jsonl'));
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(skip !== null)('the file size limit (EFBIG)', () => {
  it('stops the run naming the sink and its committed byte, with no torn line; without the limit the re-run output equals an uninterrupted run', async () => {
    // `trap '' XFSZ`: the signal stays ignored across exec, so the write returns EFBIG whatever Node does with it.
    const limited = spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f ${LIMIT_KIB}; exec "$0" "$@"`, EDDY, ...args('state.db')], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(limited.signal, limited.stderr).toBeNull();
    expect(limited.status, limited.stderr).toBe(1);
    const final = /^[^ ]+\.sql: query 'per_window' failed: (.*)$/m.exec(limited.stderr)?.[1] ?? '';
    expect(final).toMatch(/sink 'out' \(file 'out\.jsonl'\) cannot be written: the file is larger than the file size limit \(EFBIG/);
    expect(limited.stderr).toMatch(/hint: raise the limit \(ulimit -f\) and run again/);
    const committedAt = Number(/committed output ends at byte (\d+)/.exec(final)?.[1]);
    const lastComplete = Number(/its last complete checkpoint is (\d+)/.exec(final)?.[1]);

    // The named byte is the one the state database committed, and it ends a line of the uninterrupted run.
    const cp = await latestCheckpoint(join(dir, 'state.db'));
    expect(cp.id).toBe(lastComplete);
    expect((cp.meta['sink-0']!.state as { bytes: number }).bytes).toBe(committedAt);
    expect(committedAt).toBeGreaterThan(0);
    expect(reference[committedAt - 1]).toBe(0x0a);
    // No torn line: the file holds whole rows, those of the uninterrupted run, at most the limit.
    const partial = readFileSync(join(dir, 'out.jsonl'));
    expect(partial.length).toBeGreaterThanOrEqual(committedAt);
    expect(partial.length).toBeLessThanOrEqual(LIMIT_KIB * 1024);
    expect(partial[partial.length - 1]).toBe(0x0a);
    expect(partial.equals(reference.subarray(0, partial.length))).toBe(true);
    // The state database stayed below the limit: it is the sink that hit it.
    expect(statSync(join(dir, 'state.db')).size).toBeLessThan(LIMIT_KIB * 1024);

    const rerun = runEddy(dir, args('state.db'));
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(resumedFrom(rerun.stderr)).toBe(lastComplete);
    expect(readFileSync(join(dir, 'out.jsonl')).equals(reference)).toBe(true);
  }, 180_000);

  it('under the state database: named with the limit (SQLite reports only a bare IOERR), and a re-run without it completes', () => {
    // The state database's 64 KiB pages need about 900 KiB before the first checkpoint: 512 KiB stops it there.
    const limited = spawnSync('bash', ['-c', `trap '' XFSZ; ulimit -f 512; exec "$0" "$@"`, EDDY, ...args('small-state.db')], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(limited.signal, limited.stderr).toBeNull();
    expect(limited.status, limited.stderr).toBe(1);
    expect(limited.stderr).toMatch(/cannot write state database 'small-state\.db', most likely past the file size limit of 524288 bytes \(ulimit -f\) \(SQLITE_IOERR/);
    expect(limited.stderr).toMatch(/hint: raise the limit \(ulimit -f\)/);
    rmSync(join(dir, 'out.jsonl'), { force: true });
    const rerun = runEddy(dir, args('small-state.db'));
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(readFileSync(join(dir, 'out.jsonl')).equals(reference)).toBe(true);
  }, 180_000);
});
