/**
 * One owner per query (DESIGN.md §4): while one `eddy -f` process runs a persistent query with a
 * state database, a second process with the same script and state is refused, naming the query and
 * the owner's pid; once the owner is SIGKILLed, the next run takes the lock over and resumes.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliProcess, datagenScript, lastCheckpointId, sql, tempDir } from './checkpoint-helpers.js';

const Q = 'insert_into_out';

describe('one process owns a query', () => {
  it('refuses a second process while the first runs; after SIGKILL of the owner a new run takes over and resumes', async () => {
    const dir = tempDir('lock');
    writeFileSync(join(dir, 'q.sql'), datagenScript());
    const args = ['-f', 'q.sql', '--state', 'state.db', '--checkpoint-interval', '50ms', '--verbose'];
    const locks = () => sql<{ query_id: string; pid: number }>(join(dir, 'state.db'), 'SELECT query_id, pid FROM eddy_locks');

    const owner = new CliProcess(dir, args);
    await owner.waitForCheckpoints(1);
    expect(await locks()).toEqual([{ query_id: Q, pid: owner.pid }]);

    const second = await new CliProcess(dir, args).exited;
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`query '${Q}' is already running in process ${owner.pid}`);
    expect(second.stderr).toMatch(/hint: stop that process first, or use another --state database/);
    expect(second.stderr).not.toMatch(/resumed|checkpoint \d+ of query .* complete/);
    // The refused process changed nothing: the owner still holds the lock and keeps checkpointing.
    expect(await locks()).toEqual([{ query_id: Q, pid: owner.pid }]);
    const before = lastCheckpointId(owner.stderr);
    await owner.waitForStderr(new RegExp(`checkpoint ${before + 1} of query '${Q}' complete`));

    const killed = await owner.kill('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    const lastSeen = lastCheckpointId(killed.stderr);
    // The dead owner's lock row is still there; the next run must take it over.
    expect(await locks()).toEqual([{ query_id: Q, pid: owner.pid }]);

    const next = new CliProcess(dir, args);
    const m = await next.waitForStderr(new RegExp(`query '${Q}' resumed from checkpoint (\\d+)`));
    expect(Number(m[1])).toBeGreaterThanOrEqual(lastSeen);
    await next.waitForStderr(new RegExp(`checkpoint ${Number(m[1]) + 1} of query '${Q}' complete`));
    expect(await locks()).toEqual([{ query_id: Q, pid: next.pid }]);
    const size = statSync(join(dir, 'out.jsonl')).size;
    const r = await next.kill('SIGTERM');
    expect(r.status).toBe(143);
    expect(await locks()).toEqual([]); // released on a clean stop
    expect(statSync(join(dir, 'out.jsonl')).size).toBeGreaterThanOrEqual(size);
    expect(readFileSync(join(dir, 'out.jsonl'), 'utf8')).toMatch(/^\{"auction":/);
  });
});
