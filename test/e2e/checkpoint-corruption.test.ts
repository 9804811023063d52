/**
 * Integrity (DESIGN.md §4): a damaged newest checkpoint is detected by its checksum, named in a
 * warning, and recovery falls back to the previous one with output still exactly-once; when every
 * retained checkpoint is damaged the run stops with a clear error instead of resuming silently.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIDS_DDL, CliProcess, bidsJsonl, resumedFrom, runCli, sql, tempDir } from './checkpoint-helpers.js';

const Q = 'csas_out';
const SCRIPT = `${BIDS_DDL}
SET 'execution.batch-size' = '64';
SET 'pipeline.name' = 'csas_out';
CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json') AS
SELECT auction, TUMBLE_START(ts, INTERVAL '10' SECOND) AS window_start, COUNT(*) AS n, MAX(price) AS top
FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND);`;

let dir: string;
let reference: Buffer;

beforeAll(() => {
  dir = tempDir('corrupt');
  // The killed runs read at most 200,000 rows/s (killAfterCheckpoints): their 4th checkpoint lands well before the end.
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(400_000));
  writeFileSync(join(dir, 'q.sql'), SCRIPT);
  const r = runCli(dir, ['-f', 'q.sql', '--state', 'ref.db']);
  expect(r.stderr).not.toMatch(/error|warning/i);
  expect(r.status).toBe(0);
  reference = readFileSync(join(dir, 'out.jsonl'));
  expect(reference.length).toBeGreaterThan(10_000);
  rmSync(join(dir, 'out.jsonl'));
});

/**
 * Runs the script with --verbose and SIGKILLs it once `n` checkpoints have committed. Paced
 * ('execution.source.rate-limit'), so that rows arrive steadily between checkpoints and each
 * writes chunks of its own (unpaced, a fresh-clone run once found the 4th with none of its own).
 */
async function killAfterCheckpoints(state: string, n: number): Promise<void> {
  const p = new CliProcess(dir, ['-f', 'q.sql', '--state', state, '--checkpoint-interval', '30ms', '--verbose', '-D', 'execution.source.rate-limit=200000']);
  await p.waitForCheckpoints(n);
  const r = await p.kill('SIGKILL');
  expect(r.signal).toBe('SIGKILL');
}

const checkpointIds = async (state: string): Promise<number[]> =>
  (await sql<{ id: number }>(join(dir, state), 'SELECT checkpoint_id AS id FROM eddy_checkpoints WHERE query_id = ? AND complete = 1 ORDER BY checkpoint_id', [Q])).map((r) => r.id);

/** Overwrites one chunk written by checkpoint `id` with zeros of the same length (so only the checksum can tell). */
async function damageOneChunk(state: string, id: number): Promise<void> {
  const chunks = await sql<{ op: string; kg: number; len: number }>(
    join(dir, state),
    'SELECT operator_uid AS op, key_group AS kg, length(bytes) AS len FROM eddy_chunks WHERE query_id = ? AND checkpoint_id = ? AND length(bytes) > 0 ORDER BY key_group LIMIT 1',
    [Q, id],
  );
  expect(chunks.length, `checkpoint ${id} wrote no non-empty chunk`).toBe(1);
  const { op, kg } = chunks[0]!;
  await sql(join(dir, state), 'UPDATE eddy_chunks SET bytes = zeroblob(length(bytes)) WHERE query_id = ? AND operator_uid = ? AND key_group = ? AND checkpoint_id = ?', [Q, op, kg, id]);
}

describe('damaged checkpoints', () => {
  it('falls back to the previous checkpoint, names the damaged one, and the output is still exactly-once', async () => {
    await killAfterCheckpoints('one.db', 4);
    const ids = await checkpointIds('one.db');
    expect(ids.length).toBe(3); // 'checkpoint.retained' defaults to 3
    const newest = ids.at(-1)!;
    await damageOneChunk('one.db', newest);

    const r = runCli(dir, ['-f', 'q.sql', '--state', 'one.db']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`warning: checkpoint ${newest} of query '${Q}' is damaged \\(chunk \\S+ checksum mismatch\\); falling back to checkpoint ${ids.at(-2)}`));
    expect(resumedFrom(r.stderr)).toBe(ids.at(-2));
    const out = readFileSync(join(dir, 'out.jsonl'));
    expect(out.length).toBe(reference.length);
    expect(out.equals(reference)).toBe(true);
  });

  it('a damaged meta row is caught as well', async () => {
    rmSync(join(dir, 'out.jsonl'), { force: true });
    await killAfterCheckpoints('meta.db', 3);
    const ids = await checkpointIds('meta.db');
    const newest = ids.at(-1)!;
    await sql(join(dir, 'meta.db'), "UPDATE eddy_checkpoints SET meta = replace(meta, '\"sink-0\"', '\"sinc-0\"') WHERE query_id = ? AND checkpoint_id = ?", [Q, newest]);
    const r = runCli(dir, ['-f', 'q.sql', '--state', 'meta.db']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`checkpoint ${newest} of query '${Q}' is damaged \\(meta checksum mismatch\\)`));
    expect(resumedFrom(r.stderr)).toBe(ids.at(-2));
    expect(readFileSync(join(dir, 'out.jsonl')).equals(reference)).toBe(true);
  });

  it('every retained checkpoint damaged: a clear error with a --fresh hint, exit 1, nothing resumed or truncated', async () => {
    rmSync(join(dir, 'out.jsonl'), { force: true });
    await killAfterCheckpoints('all.db', 4);
    const ids = await checkpointIds('all.db');
    expect(ids.length).toBe(3);
    for (const id of ids) await damageOneChunk('all.db', id);
    copyFileSync(join(dir, 'out.jsonl'), join(dir, 'partial.jsonl'));
    const sizeBefore = statSync(join(dir, 'out.jsonl')).size;

    const r = runCli(dir, ['-f', 'q.sql', '--state', 'all.db']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`checkpoint ${ids.at(-1)} of query '${Q}' is damaged .* no earlier complete checkpoint is usable`));
    expect(r.stderr).toMatch(/hint: .*--fresh/);
    expect(r.stderr).not.toMatch(/resumed/);
    // The partial output stays as it was (it is not truncated or appended to), and so does the state.
    expect(statSync(join(dir, 'out.jsonl')).size).toBe(sizeBefore);
    expect(readFileSync(join(dir, 'out.jsonl')).equals(readFileSync(join(dir, 'partial.jsonl')))).toBe(true);
    expect(await checkpointIds('all.db')).toEqual(ids);
    // Refused again on a second try: the damaged state was not silently discarded.
    expect(runCli(dir, ['-f', 'q.sql', '--state', 'all.db']).status).toBe(1);

    const fresh = runCli(dir, ['-f', 'q.sql', '--state', 'all.db', '--fresh']);
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(fresh.stderr).not.toMatch(/resumed/);
    expect(readFileSync(join(dir, 'out.jsonl')).equals(reference)).toBe(true);
  });
});
