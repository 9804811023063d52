/**
 * The state database changes under a running `eddy -f` (issue 13 item 6): it is deleted, replaced
 * by an older copy of itself, or made read-only (chattr +i: as root, chmod does not stop writes).
 * Each must stop the run with an error that says which (never a run that goes on checkpointing
 * into a file nobody will read), a checkpoint that failed must never be used, and where the state
 * can be used again the re-run must produce exactly the output of an uninterrupted run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliProcess, lastCheckpointId, resumedFrom, tempDir } from './checkpoint-helpers.js';
import { backupStateDb, chattr, chattrSkip, latestCheckpoint, runEddy } from './fault-helpers.js';

/** A paced datagen query (10 s of event time at 20k rows/s): still running when the state database changes. */
const script = (out: string) => `
CREATE STREAM bids (auction BIGINT, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND)
WITH ('connector' = 'datagen', 'rows-per-second' = '20000', 'number-of-rows' = '200000', 'fields.auction.min' = '1', 'fields.auction.max' = '20',
      'fields.ts.start' = '2024-01-01 00:00:00');
CREATE STREAM out (auction BIGINT, w TIMESTAMP(3), n BIGINT, total DOUBLE) WITH ('connector' = 'file', 'path' = '${out}', 'format' = 'json');
SET 'pipeline.name' = 'per_window';
INSERT INTO out SELECT auction, TUMBLE_START(ts, INTERVAL '100' MILLISECOND) AS w, COUNT(*) AS n, SUM(price) AS total
FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '100' MILLISECOND);
`;
const args = (file: string, state: string) => ['-f', file, '--state', state, '--checkpoint-interval', '100ms', '--verbose'];

let dir: string;
let reference: Buffer;
let immutableSkip: string | null = null;

beforeAll(() => {
  dir = tempDir('state-db-faults');
  immutableSkip = chattrSkip(dir);
  if (immutableSkip !== null) console.warn(`faults-state-db: the read-only case is skipped (${immutableSkip})`);
  writeFileSync(join(dir, 'ref.sql'), script('ref.jsonl'));
  const r = runEddy(dir, args('ref.sql', 'ref-state.db'));
  expect(r.status, r.stderr).toBe(0);
  reference = readFileSync(join(dir, 'ref.jsonl'));
  expect(reference.length).toBeGreaterThan(10_000);
}, 120_000);

/** The final error of the run, as `eddy -f` prints it for a failed query. */
const failure = (stderr: string): string => /^[^ ]+\.sql: query 'per_window' failed: (.*)$/m.exec(stderr)?.[1] ?? '';

describe('the state database changes under a running query', () => {
  it('deleted: the run stops at its next checkpoint, saying so, without restarting into the deleted file', async () => {
    writeFileSync(join(dir, 'deleted.sql'), script('deleted.jsonl'));
    const p = new CliProcess(dir, args('deleted.sql', 'deleted.db'));
    await p.waitForCheckpoints(2, 60_000);
    rmSync(join(dir, 'deleted.db'));
    const r = await p.exited;
    expect(r.status, r.stderr).toBe(1);
    expect(failure(r.stderr)).toMatch(/state database 'deleted\.db' was deleted while Eddy had it open, so nothing more can be checkpointed/);
    expect(r.stderr).toMatch(/hint: restore the file to resume from its checkpoints/);
    // No restart: a restart would only checkpoint into the deleted file again.
    expect(r.stderr).not.toMatch(/resumed from checkpoint/);
    expect(existsSync(join(dir, 'deleted.db'))).toBe(false);
  }, 120_000);

  it('replaced by an older copy of itself: the run stops, and the re-run resumes from the copy with exactly-once output', async () => {
    writeFileSync(join(dir, 'replaced.sql'), script('replaced.jsonl'));
    const p = new CliProcess(dir, args('replaced.sql', 'replaced.db'));
    await p.waitForCheckpoints(2, 60_000);
    await backupStateDb(join(dir, 'replaced.db'), join(dir, 'backup.db'));
    const copied = (await latestCheckpoint(join(dir, 'backup.db'))).id;
    expect(copied).toBeGreaterThanOrEqual(2);
    await p.waitForStderr(new RegExp(`checkpoint ${copied + 2} of query 'per_window' complete`), 60_000);
    renameSync(join(dir, 'backup.db'), join(dir, 'replaced.db'));
    const r = await p.exited;
    expect(r.status, r.stderr).toBe(1);
    expect(failure(r.stderr)).toMatch(/state database 'replaced\.db' was replaced by another file while Eddy had it open/);
    expect(r.stderr).not.toMatch(/resumed from checkpoint/);

    // The copy's checkpoint is older than the output: the re-run rewinds the sink to it, consistently.
    const rerun = runEddy(dir, args('replaced.sql', 'replaced.db'));
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(resumedFrom(rerun.stderr)).toBe(copied);
    expect(readFileSync(join(dir, 'replaced.jsonl')).equals(reference)).toBe(true);
  }, 180_000);

  it('made read-only (immutable): the run fails naming it; once writable, the re-run resumes from the last complete checkpoint, not the failed one', async (ctx) => {
    if (immutableSkip !== null) return ctx.skip();
    writeFileSync(join(dir, 'readonly.sql'), script('readonly.jsonl'));
    const p = new CliProcess(dir, args('readonly.sql', 'readonly.db'));
    await p.waitForCheckpoints(2, 60_000);
    chattr('+i', join(dir, 'readonly.db'));
    let r;
    try {
      r = await p.exited;
    } finally {
      chattr('-i', join(dir, 'readonly.db'));
    }
    expect(r.status, r.stderr).toBe(1);
    expect(failure(r.stderr)).toMatch(/state database 'readonly\.db' is read-only \(SQLITE_IOERR/);
    expect(r.stderr).toMatch(/hint: make it writable again \(chmod u\+w, chattr -i\)/);
    expect(r.stderr).toMatch(/warning: checkpoint \d+ of query 'per_window' failed/);
    const reported = lastCheckpointId(r.stderr);
    expect((await latestCheckpoint(join(dir, 'readonly.db'))).id).toBe(reported);

    const rerun = runEddy(dir, args('readonly.sql', 'readonly.db'));
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(resumedFrom(rerun.stderr)).toBe(reported);
    expect(readFileSync(join(dir, 'readonly.jsonl')).equals(reference)).toBe(true);
  }, 180_000);
});
