/**
 * The disk fills up under a running `eddy -f` (issue 13 item 6), for real: the sink's file or the
 * state database lives on a small tmpfs that the test fills with a filler file once the query has
 * committed checkpoints. The run must stop with an error naming the cause, the sink and the
 * committed position; what the state database committed must describe bytes that really are in
 * the file; and once the filler is removed, a re-run must produce exactly the output of an
 * uninterrupted run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliProcess, lastCheckpointId, resumedFrom, tempDir } from './checkpoint-helpers.js';
import { fillDisk, latestCheckpoint, mountTmpfs, runEddy, sqliteRows, tmpfsSkip, unmount } from './fault-helpers.js';

const skip = tmpfsSkip();
if (skip !== null) console.warn(`faults-disk-full: skipped (${skip})`);

/** A paced datagen query (10 s of event time at 20k rows/s): still running when the disk fills. */
const script = (out: string, sink = `'connector' = 'file', 'path' = '${out}', 'format' = 'json'`) => `
CREATE STREAM bids (auction BIGINT, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND)
WITH ('connector' = 'datagen', 'rows-per-second' = '20000', 'number-of-rows' = '200000', 'fields.auction.min' = '1', 'fields.auction.max' = '20',
      'fields.ts.start' = '2024-01-01 00:00:00');
CREATE STREAM out (auction BIGINT, w TIMESTAMP(3), n BIGINT, total DOUBLE) WITH (${sink});
SET 'pipeline.name' = 'per_window';
INSERT INTO out SELECT auction, TUMBLE_START(ts, INTERVAL '100' MILLISECOND) AS w, COUNT(*) AS n, SUM(price) AS total
FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '100' MILLISECOND);
`;
const args = (file: string, state: string) => ['-f', file, '--state', state, '--checkpoint-interval', '100ms', '--verbose'];

let dir: string;
let reference: Buffer;
let referenceRows: unknown[];
const mounts: string[] = [];

beforeAll(async () => {
  if (skip !== null) return;
  dir = tempDir('disk-full');
  writeFileSync(join(dir, 'ref.sql'), script('ref.jsonl'));
  const r = runEddy(dir, args('ref.sql', 'ref-state.db'));
  expect(r.status, r.stderr).toBe(0);
  reference = readFileSync(join(dir, 'ref.jsonl'));
  expect(reference.length).toBeGreaterThan(10_000);
  writeFileSync(join(dir, 'ref-sqlite.sql'), script('', `'connector' = 'sqlite', 'path' = 'ref-sink.db', 'table' = 'results'`));
  const s = runEddy(dir, args('ref-sqlite.sql', 'ref-sqlite-state.db'));
  expect(s.status, s.stderr).toBe(0);
  referenceRows = await sqliteRows(join(dir, 'ref-sink.db'), 'results', 'rowid');
  expect(referenceRows.length).toBeGreaterThan(1000);
}, 180_000);

afterAll(() => {
  for (const m of mounts) unmount(m);
});

/** Runs the script until `n` checkpoints have committed, fills the disk at `disk`, and returns the failed run. */
async function fillDuringRun(file: string, state: string, disk: string) {
  const p = new CliProcess(dir, args(file, state));
  await p.waitForCheckpoints(2, 60_000);
  fillDisk(join(disk, 'filler'));
  const r = await p.exited;
  return r;
}

describe.skipIf(skip !== null)('a full disk', () => {
  it('under the file sink: the run fails naming the sink and its committed byte; after space is freed the re-run output equals an uninterrupted run', async () => {
    const disk = join(dir, 'sink-disk');
    mountTmpfs(disk, '4m');
    mounts.push(disk);
    writeFileSync(join(dir, 'sink.sql'), script('sink-disk/out.jsonl'));

    const failed = await fillDuringRun('sink.sql', 'sink-state.db', disk);
    expect(failed.status, failed.stderr).toBe(1);
    const final = /^[^ ]+\.sql: query 'per_window' failed: (.*)$/m.exec(failed.stderr)?.[1] ?? '';
    expect(final).toMatch(/sink 'out' \(file 'sink-disk\/out\.jsonl'\) cannot be written: the disk is full \(ENOSPC/);
    expect(failed.stderr).toMatch(/hint: free space on its disk and run again/);
    const committedAt = Number(/committed output ends at byte (\d+)/.exec(final)?.[1]);
    const lastComplete = Number(/its last complete checkpoint is (\d+)/.exec(final)?.[1]);

    // The named position is what the state database committed, and those bytes are really in the file, as an uninterrupted run wrote them.
    const cp = await latestCheckpoint(join(dir, 'sink-state.db'));
    expect(cp.id).toBe(lastComplete);
    expect((cp.meta['sink-0']!.state as { bytes: number }).bytes).toBe(committedAt);
    expect(committedAt).toBeGreaterThan(0);
    expect(reference[committedAt - 1]).toBe(0x0a);
    // Never a torn sink: the failed run left whole rows, exactly those of an uninterrupted run, at least up to the committed byte.
    const partial = readFileSync(join(disk, 'out.jsonl'));
    expect(partial.length).toBeGreaterThanOrEqual(committedAt);
    expect(partial[partial.length - 1]).toBe(0x0a);
    expect(partial.equals(reference.subarray(0, partial.length))).toBe(true);

    rmSync(join(disk, 'filler'));
    const rerun = runEddy(dir, args('sink.sql', 'sink-state.db'));
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(resumedFrom(rerun.stderr)).toBe(lastComplete);
    expect(readFileSync(join(disk, 'out.jsonl')).equals(reference)).toBe(true);
  }, 180_000);

  it('under the state database: the run fails naming it, the failed checkpoint is not kept, and the re-run resumes from the last complete one', async () => {
    const disk = join(dir, 'state-disk');
    mountTmpfs(disk, '4m');
    mounts.push(disk);
    writeFileSync(join(dir, 'state.sql'), script('state-out.jsonl'));

    const failed = await fillDuringRun('state.sql', 'state-disk/state.db', disk);
    expect(failed.status, failed.stderr).toBe(1);
    expect(failed.stderr).toMatch(/query 'per_window' failed: .*the disk of state database 'state-disk\/state\.db' is full \(SQLITE_FULL/);
    expect(failed.stderr).toMatch(/hint: free space there; the failed checkpoint was rolled back/);
    const reported = lastCheckpointId(failed.stderr);
    expect(reported).toBeGreaterThanOrEqual(2);
    // Every checkpoint reported complete is there; the one that failed is not.
    expect((await latestCheckpoint(join(disk, 'state.db'))).id).toBe(reported);

    rmSync(join(disk, 'filler'));
    const rerun = runEddy(dir, args('state.sql', 'state-disk/state.db'));
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(resumedFrom(rerun.stderr)).toBe(reported);
    expect(readFileSync(join(dir, 'state-out.jsonl')).equals(reference)).toBe(true);
  }, 180_000);

  it('under the SQLite sink: the run fails naming the sink file, its table keeps only committed rows, and the re-run ends row for row as an uninterrupted run', async () => {
    const disk = join(dir, 'sqlite-disk');
    mountTmpfs(disk, '4m');
    mounts.push(disk);
    writeFileSync(join(dir, 'sqlite.sql'), script('', `'connector' = 'sqlite', 'path' = 'sqlite-disk/sink.db', 'table' = 'results'`));

    const failed = await fillDuringRun('sqlite.sql', 'sqlite-state.db', disk);
    expect(failed.status, failed.stderr).toBe(1);
    expect(failed.stderr).toMatch(/query 'per_window' failed: .*the disk of SQLite sink '[^']*sqlite-disk\/sink\.db' \(attached to state database 'sqlite-state\.db'\) is full/);
    // The rows commit with the checkpoints: what the table holds is an exact prefix of the uninterrupted run's rows.
    const kept = await sqliteRows(join(disk, 'sink.db'), 'results', 'rowid');
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toEqual(referenceRows.slice(0, kept.length));

    rmSync(join(disk, 'filler'));
    const rerun = runEddy(dir, args('sqlite.sql', 'sqlite-state.db'));
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(resumedFrom(rerun.stderr)).toBeGreaterThan(0);
    expect(await sqliteRows(join(disk, 'sink.db'), 'results', 'rowid')).toEqual(referenceRows);
  }, 180_000);
});
