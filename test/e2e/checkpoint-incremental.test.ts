/**
 * Incremental checkpoints (DESIGN.md §4): after a checkpoint of a query holding many keys, changing
 * one key makes the next checkpoint write exactly that key's group, and restoring assembles the
 * full state from the base checkpoint plus the delta.
 */
import { persistentQueryId } from '../../src/runtime/sink-ownership.js';
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSession, parseStatement, sql, tempDir, until, type SessionHarness } from './checkpoint-helpers.js';

const KEYS = 500;
const DDL = `
CREATE STREAM ev (k BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector' = 'memory');
CREATE STREAM out (k BIGINT, w TIMESTAMP(3), n BIGINT) WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json');`;
const QUERY = `INSERT INTO out SELECT k, TUMBLE_START(ts, INTERVAL '1' MINUTE) AS w, COUNT(*) AS n FROM ev GROUP BY k, TUMBLE(ts, INTERVAL '1' MINUTE)`;
const Q = persistentQueryId('insert_into_out', QUERY);

const values = (rows: readonly (readonly [number, string])[]) =>
  `INSERT INTO ev VALUES ${rows.map(([k, ts]) => `(${k}, TIMESTAMP '${ts}')`).join(', ')}`;

let open: SessionHarness[] = [];
afterEach(async () => {
  for (const h of open) await h.close();
  open = [];
});

describe('incremental checkpoints', () => {
  it('after a full first checkpoint, touching one key writes exactly one key group', async () => {
    const dir = tempDir('incr');
    const state = join(dir, 'state.db');
    const h = await openSession(state, dir);
    open.push(h);
    await h.run(DDL);
    await h.run(QUERY);
    await h.run(values(Array.from({ length: KEYS }, (_, k) => [k, '2024-01-01 10:00:01'] as const)));

    // The first checkpoint that has seen all the rows writes (nearly) every key group.
    await until('all rows processed', () => (h.session.persistent.get(Q)!.metrics()?.rowsIn ?? 0) === KEYS);
    // One checkpoint may already be in flight from before the batch: wait for the one after it.
    const base = await h.nextCheckpoint(Q, (h.checkpoints.at(-1)?.checkpointId ?? 0) + 1);
    const beforeBase = h.checkpoints.filter((c) => c.checkpointId <= base.checkpointId);
    const groupsSoFar = beforeBase.reduce((s, c) => s + c.keyGroupsWritten, 0);
    expect(groupsSoFar).toBeGreaterThan(100); // 500 keys over 128 groups: all or almost all of them

    // Idle checkpoints write nothing.
    const idle = await h.nextCheckpoint(Q, base.checkpointId);
    expect(idle.keyGroupsWritten).toBe(0);

    // One more row for one existing key, in the same window (no window fires).
    const mark = h.checkpoints.at(-1)!.checkpointId;
    await h.run(values([[7, '2024-01-01 10:00:02']]));
    await until('the row processed', () => h.session.persistent.get(Q)!.metrics()?.rowsIn === KEYS + 1);
    const after = await h.nextCheckpoint(Q, h.checkpoints.at(-1)!.checkpointId + 1);
    const delta = h.checkpoints.filter((c) => c.checkpointId > mark && c.checkpointId <= after.checkpointId);
    expect(delta.map((c) => c.keyGroupsWritten).reduce((a, b) => a + b, 0)).toBe(1);

    // The same figure is in SHOW CHECKPOINTS and in the state database.
    const shown = await h.table('SHOW CHECKPOINTS');
    expect(Object.keys(shown[0]!)).toEqual(['query', 'id', 'time', 'bytes', 'duration_ms', 'key_groups']);
    const touching = delta.find((c) => c.keyGroupsWritten === 1)!;
    expect(shown.find((r) => r['id'] === touching.checkpointId)?.['key_groups']).toBe(1);
    const rows = await sql<{ n: number }>(state, 'SELECT COUNT(*) AS n FROM eddy_chunks WHERE query_id = ? AND checkpoint_id = ?', [Q, touching.checkpointId]);
    expect(rows[0]!.n).toBe(1);
  });

  it('a restore assembles base + delta: the resumed query counts the touched key correctly', async () => {
    const dir = tempDir('incr-restore');
    const state = join(dir, 'state.db');
    const first = await openSession(state, dir);
    open.push(first);
    await first.run(DDL);
    await first.run(QUERY);
    await first.run(values(Array.from({ length: KEYS }, (_, k) => [k, '2024-01-01 10:00:01'] as const)));
    await until('rows processed', () => first.session.persistent.get(Q)!.metrics()?.rowsIn === KEYS);
    await first.nextCheckpoint(Q, first.checkpoints.at(-1)?.checkpointId ?? 0);
    await first.run(values([[7, '2024-01-01 10:00:02'], [7, '2024-01-01 10:00:03']]));
    await until('delta processed', () => first.session.persistent.get(Q)!.metrics()?.rowsIn === KEYS + 2);
    const last = await first.nextCheckpoint(Q, first.checkpoints.at(-1)!.checkpointId + 1);
    await first.close(); // final checkpoint on close

    // The memory stream's rows do not survive the process, but the window state does: a new
    // session resumes, receives one row that closes the window, and emits counts from restored state.
    const second = await openSession(state, dir);
    open.push(second);
    await second.session.loadCatalog(parseStatement);
    // The memory log is empty in the new process: pad it up to the checkpointed offset first.
    const padding = Array.from({ length: KEYS + 2 }, () => [999_999, '2024-01-01 09:00:00'] as const);
    await second.run(values(padding));
    await second.run(QUERY);
    expect(second.infos.join('\n')).toMatch(new RegExp(`query '${Q}' resumed from checkpoint (\\d+)`));
    expect(Number(/resumed from checkpoint (\d+)/.exec(second.infos.join('\n'))![1])).toBeGreaterThanOrEqual(last.checkpointId);
    await second.run(values([[1, '2024-01-01 10:05:00']]));
    second.session.memory.end('ev');
    await second.session.persistent.get(Q)!.done;
    const out = readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { k: number; w: string; n: number });
    const first10 = out.filter((r) => r.w.startsWith('2024-01-01 10:00'));
    expect(first10.length).toBe(KEYS);
    expect(new Set(first10.map((r) => r.k)).size).toBe(KEYS);
    for (const r of first10) expect(r.n, `key ${r.k}`).toBe(r.k === 7 ? 3 : 1);
    expect(out.filter((r) => !r.w.startsWith('2024-01-01 10:00'))).toEqual([{ k: 1, w: '2024-01-01 10:05:00.000', n: 1 }]);
  });
});
