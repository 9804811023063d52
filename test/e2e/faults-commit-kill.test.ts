/**
 * SIGKILL inside a checkpoint's commit (issue 13 item 6): EDDY_FAULT (src/common/fault.ts) kills
 * `eddy -f` at a named point of its third checkpoint: after the sink's pre-commit (the file
 * fsync'd) but before the state transaction, inside that transaction before COMMIT (a SQLite
 * sink's rows written in it), right after COMMIT, and once the checkpoint is complete. For each
 * point the state database must hold exactly the checkpoints committed before the kill, the re-run
 * must resume from the newest of them, and the output must equal an uninterrupted run's, byte for
 * byte (file sink) or row for row (SQLite sink).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIDS_DDL, bidsJsonl, resumedFrom, tempDir } from './checkpoint-helpers.js';
import { THIRD_CHECKPOINT_KILLS, latestCheckpoint, runEddy, sqliteRows } from './fault-helpers.js';
import type { FaultPoint } from '../../src/common/fault.js';

let dir: string;
let reference: Buffer;
let referenceRows: unknown[];

const script = (sink: string) => `${BIDS_DDL}
SET 'execution.batch-size' = '128';
CREATE STREAM out WITH (${sink}) AS
SELECT auction, TUMBLE_START(ts, INTERVAL '10' SECOND) AS window_start, COUNT(*) AS n, MAX(price) AS top, SUM(price) AS total
FROM bids WHERE price > 1
GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND);
`;
const fileSink = (out: string) => `'connector' = 'file', 'path' = '${out}', 'format' = 'json'`;
const sqliteSink = (db: string) => `'connector' = 'sqlite', 'path' = '${db}', 'table' = 'results'`;

// At most 150,000 rows a second ('execution.source.rate-limit'): 2 s a run, so its third checkpoint comes mid-run however fast the engine reads.
const args = (file: string, state: string) => ['-f', file, '--state', state, '--checkpoint-interval', '40ms', '--verbose', '-D', 'execution.source.rate-limit=150000'];

const POINTS = THIRD_CHECKPOINT_KILLS;

beforeAll(async () => {
  dir = tempDir('commit-kill');
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(300_000));
  writeFileSync(join(dir, 'ref.sql'), script(fileSink('ref.jsonl')));
  expect(runEddy(dir, args('ref.sql', 'ref-state.db')).status).toBe(0);
  reference = readFileSync(join(dir, 'ref.jsonl'));
  writeFileSync(join(dir, 'sqlite-ref.sql'), script(sqliteSink('ref-sink.db')));
  expect(runEddy(dir, args('sqlite-ref.sql', 'sqlite-ref-state.db')).status).toBe(0);
  referenceRows = await sqliteRows(join(dir, 'ref-sink.db'), 'results', 'window_start, auction');
  expect(referenceRows.length).toBeGreaterThan(1000);
}, 120_000);

/** Kills a run at `point` of its third checkpoint and checks what the state database kept. */
async function killAt(point: FaultPoint, resumesFrom: number, file: string, state: string): Promise<void> {
  const killed = runEddy(dir, args(file, state), { EDDY_FAULT: `${point}@3` });
  expect(killed.signal, killed.stderr).toBe('SIGKILL');
  // The third checkpoint is never reported complete: the process died before it could say so.
  expect(killed.stderr).toMatch(/checkpoint 2 of query '[^']+' complete/);
  expect(killed.stderr).not.toMatch(/checkpoint 3 of query '[^']+' complete/);
  expect((await latestCheckpoint(join(dir, state))).id).toBe(resumesFrom);
}

describe('SIGKILL inside a checkpoint commit', () => {
  it.each(POINTS)('file sink, killed at $point: exactly-once output', async ({ point, resumesFrom }) => {
    const out = `out-${point}.jsonl`;
    const file = `file-${point}.sql`;
    const state = `file-${point}.db`;
    writeFileSync(join(dir, file), script(fileSink(out)));
    await killAt(point, resumesFrom, file, state);
    // What the killed run left beyond the committed position is truncated by the re-run.
    const sinkBytes = ((await latestCheckpoint(join(dir, state))).meta['sink-0']!.state as { bytes: number }).bytes;
    expect(readFileSync(join(dir, out)).subarray(0, sinkBytes).equals(reference.subarray(0, sinkBytes))).toBe(true);

    const rerun = runEddy(dir, args(file, state));
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(resumedFrom(rerun.stderr)).toBe(resumesFrom);
    const recovered = readFileSync(join(dir, out));
    expect(recovered.length).toBe(reference.length);
    expect(recovered.equals(reference)).toBe(true);
  }, 180_000);

  it.each(POINTS)('SQLite sink, killed at $point: exactly-once rows', async ({ point, resumesFrom }) => {
    const sink = `sink-${point}.db`;
    const file = `sqlite-${point}.sql`;
    const state = `sqlite-${point}-state.db`;
    writeFileSync(join(dir, file), script(sqliteSink(sink)));
    await killAt(point, resumesFrom, file, state);

    const rerun = runEddy(dir, args(file, state));
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(resumedFrom(rerun.stderr)).toBe(resumesFrom);
    expect(await sqliteRows(join(dir, sink), 'results', 'window_start, auction')).toEqual(referenceRows);
  }, 180_000);
});
