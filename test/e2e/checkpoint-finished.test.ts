/**
 * A persistent query that ran to the end of bounded input is finished: its state is dropped, and
 * running the same script again starts over (the sink is truncated and rewritten, not appended to,
 * and nothing is "resumed"). A later interrupted run still resumes normally.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIDS_DDL, CliProcess, bidsJsonl, resumedFrom, runCli, sql, tempDir } from './checkpoint-helpers.js';

const Q = 'csas_out';
const SCRIPT = `${BIDS_DDL}
SET 'execution.batch-size' = '64';
SET 'pipeline.name' = 'csas_out';
CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.csv', 'format' = 'csv') AS
SELECT channel, TUMBLE_START(ts, INTERVAL '1' MINUTE) AS window_start, COUNT(*) AS n, MAX(price) AS top
FROM bids GROUP BY channel, TUMBLE(ts, INTERVAL '1' MINUTE);`;

let dir: string;
const out = () => readFileSync(join(dir, 'out.csv'), 'utf8');

beforeAll(() => {
  dir = tempDir('finished');
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(300_000));
  writeFileSync(join(dir, 'q.sql'), SCRIPT);
});

describe('finished queries start fresh', () => {
  it('a second run of a finished script rewrites the same output and does not resume', async () => {
    const first = runCli(dir, ['-f', 'q.sql', '--state', 'state.db', '--checkpoint-interval', '20ms']);
    expect(first.status, first.stderr).toBe(0);
    const reference = out();
    expect(reference.split('\n')[0]).toBe('channel,window_start,n,top'); // one header ...
    expect(reference.split('\n').length).toBeGreaterThan(20);
    const state = join(dir, 'state.db');
    expect(await sql(state, 'SELECT status FROM eddy_queries WHERE query_id = ?', [Q])).toEqual([{ status: 'FINISHED' }]);
    expect(await sql(state, 'SELECT COUNT(*) AS n FROM eddy_checkpoints')).toEqual([{ n: 0 }]);
    expect(await sql(state, 'SELECT COUNT(*) AS n FROM eddy_chunks')).toEqual([{ n: 0 }]);

    const second = runCli(dir, ['-f', 'q.sql', '--state', 'state.db', '--checkpoint-interval', '20ms']);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).not.toMatch(/resumed/);
    expect(out()).toBe(reference); // ... and not the output twice
    expect(out().match(/^channel,/gm)).toHaveLength(1);

    // Interrupted after a finished run: the next run resumes from the new run's checkpoints, not from scratch.
    const p = new CliProcess(dir, ['-f', 'q.sql', '--state', 'state.db', '--checkpoint-interval', '20ms', '--verbose']);
    await p.waitForCheckpoints(3);
    expect((await p.kill('SIGKILL')).signal).toBe('SIGKILL');
    expect(out().length).toBeLessThan(reference.length);
    const third = runCli(dir, ['-f', 'q.sql', '--state', 'state.db']);
    expect(third.status, third.stderr).toBe(0);
    expect(resumedFrom(third.stderr)).toBeGreaterThanOrEqual(3);
    expect(out()).toBe(reference);
  });
});
