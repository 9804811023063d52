/**
 * Stopping with a final checkpoint (DESIGN.md §4): SIGTERM / SIGINT to `eddy -f` over an unbounded
 * generator exit 143 / 130 after a last checkpoint, and the next run resumes from exactly there
 * (nothing replayed, nothing lost); TERMINATE and Eddy.close() stop with a final checkpoint too;
 * SHOW CHECKPOINTS lists them.
 */
import { persistentQueryId } from '../../src/runtime/sink-ownership.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Eddy } from '../../src/engine.js';
import { CliProcess, datagenScript, lastCheckpointId, openSession, parseStatement, runCli, sql, tempDir, until, type SessionHarness } from './checkpoint-helpers.js';

const Q = 'insert_into_out';

interface CheckpointRow {
  readonly id: number;
  readonly meta: string;
}
const newestCheckpoint = async (db: string): Promise<{ id: number; sinkBytes: number; offset: unknown }> => {
  const [row] = await sql<CheckpointRow>(db, 'SELECT checkpoint_id AS id, meta FROM eddy_checkpoints WHERE query_id = ? AND complete = 1 ORDER BY checkpoint_id DESC LIMIT 1', [Q]);
  const meta = JSON.parse(row!.meta) as { operators: { 'sink-0': { state: { bytes: number } }; 'source-0': { state: { offset: unknown } } } };
  return { id: row!.id, sinkBytes: meta.operators['sink-0'].state.bytes, offset: meta.operators['source-0'].state.offset };
};

describe('eddy -f stopped by a signal', () => {
  let dir: string;
  let reference: string;
  beforeAll(() => {
    dir = tempDir('stop');
    writeFileSync(join(dir, 'ref.sql'), datagenScript({ rows: 30_000, out: 'ref.jsonl' }));
    const r = runCli(dir, ['-f', 'ref.sql', '--state', 'ref.db']);
    expect(r.status, r.stderr).toBe(0);
    reference = readFileSync(join(dir, 'ref.jsonl'), 'utf8');
    writeFileSync(join(dir, 'q.sql'), datagenScript());
  });

  it('SIGTERM (143) then SIGINT (130): each takes a final checkpoint, the next run resumes from it with no replay', async () => {
    const args = ['-f', 'q.sql', '--state', 'state.db', '--checkpoint-interval', '50ms', '--verbose'];
    const state = join(dir, 'state.db');
    const out = join(dir, 'out.jsonl');
    let resumeFrom = 0;
    for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGTERM', 143]] as const) {
      const p = new CliProcess(dir, args);
      if (resumeFrom > 0) {
        // Resumes from the stop's final checkpoint, and the sink still has exactly the stopped run's bytes.
        const m = await p.waitForStderr(new RegExp(`query '${Q}' resumed from checkpoint (\\d+) \\(source 'bids' at (\\{[^)]*\\})\\)`));
        expect(Number(m[1])).toBe(resumeFrom);
      } else expect(p.stderr).not.toMatch(/resumed/);
      const base = lastCheckpointId(p.stderr);
      await p.waitForStderr(new RegExp(`checkpoint ${Math.max(base, resumeFrom) + 3} of query '${Q}' complete`));
      const r = await p.kill(signal);
      expect(r.status, r.stderr).toBe(code);
      expect(r.stderr).not.toMatch(/error|warning/i);

      const last = await newestCheckpoint(state);
      expect(last.id).toBe(lastCheckpointId(r.stderr)); // the final checkpoint was reported ...
      const size = statSync(out).size;
      expect(last.sinkBytes).toBe(size); // ... and covers every byte the sink wrote: nothing to replay
      const persisted = await sql<{ status: string }>(state, 'SELECT status FROM eddy_queries WHERE query_id = ?', [Q]);
      expect(persisted[0]!.status).toBe('RUNNING'); // stopped by its process, not by TERMINATE: it resumes with the next one
      expect(await sql(state, 'SELECT * FROM eddy_locks')).toEqual([]);
      resumeFrom = last.id;
    }
    // Three stopped runs together wrote an exact prefix of the uninterrupted output: no row lost or doubled.
    const got = readFileSync(out, 'utf8');
    expect(got.length).toBeGreaterThan(2000);
    expect(reference.startsWith(got)).toBe(true);
  });

});

describe('stopping in process', () => {
  const DDL = `
CREATE STREAM ev (k BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory');
CREATE STREAM out (k BIGINT, w TIMESTAMP(3), n BIGINT) WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json');`;
  const QUERY = `INSERT INTO out SELECT k, TUMBLE_START(ts, INTERVAL '1' MINUTE) AS w, COUNT(*) AS n FROM ev GROUP BY k, TUMBLE(ts, INTERVAL '1' MINUTE)`;
  const Q = persistentQueryId('insert_into_out', QUERY);
  let open: SessionHarness[] = [];
  afterEach(async () => {
    for (const h of open) await h.close();
    open = [];
  });

  it('TERMINATE: status STOPPED, a final checkpoint covering every row, listed by SHOW CHECKPOINTS; a new session resumes it', async () => {
    const dir = tempDir('terminate');
    const state = join(dir, 'state.db');
    const h = await openSession(state, dir, { intervalMs: 3_600_000 }); // no periodic checkpoints
    open.push(h);
    await h.run(DDL);
    await h.run(QUERY);
    await h.run(`INSERT INTO ev VALUES (1, TIMESTAMP '2024-01-01 10:00:01'), (2, TIMESTAMP '2024-01-01 10:00:02'), (1, TIMESTAMP '2024-01-01 10:00:03')`);
    await until('rows processed', () => h.session.persistent.get(Q)!.metrics()?.rowsIn === 3);
    expect(h.checkpoints).toEqual([]);

    const r = await h.run(`TERMINATE ${Q}`);
    expect(r).toEqual({ kind: 'message', text: `Query '${Q}' stopped with a final checkpoint.` });
    expect(h.session.persistent.get(Q)!.status).toBe('STOPPED');
    expect(h.checkpoints.map((c) => c.checkpointId)).toEqual([1]);
    expect(h.checkpoints[0]!.keyGroupsWritten).toBeGreaterThanOrEqual(1);

    const shown = await h.table('SHOW CHECKPOINTS');
    expect(shown).toEqual([
      { query: Q, id: 1, time: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/), bytes: h.checkpoints[0]!.bytes, duration_ms: expect.any(Number), key_groups: h.checkpoints[0]!.keyGroupsWritten },
    ]);
    expect(shown[0]!['bytes']).toBeGreaterThan(0);
    expect(Math.abs(Date.parse(String(shown[0]!['time']).replace(' ', 'T') + 'Z') - Date.now())).toBeLessThan(60_000);
    expect((await h.table('SHOW QUERIES'))[0]!['status']).toBe('STOPPED');
    await until('STOPPED persisted', async () => (await sql<{ status: string }>(state, 'SELECT status FROM eddy_queries'))[0]?.status === 'STOPPED');
    await h.close();

    // A new session (another process in real life): the window state of the three rows is restored.
    const h2 = await openSession(state, dir, { intervalMs: 3_600_000 });
    open.push(h2);
    await h2.session.loadCatalog(parseStatement);
    await h2.run(`INSERT INTO ev VALUES (0, TIMESTAMP '2000-01-01 00:00:00'), (0, TIMESTAMP '2000-01-01 00:00:00'), (0, TIMESTAMP '2000-01-01 00:00:00')`); // stands in for the log's first 3 rows
    await h2.run(QUERY);
    expect(h2.infos).toEqual([expect.stringMatching(new RegExp(`^query '${Q}' resumed from checkpoint 1 `))]);
    await h2.run(`INSERT INTO ev VALUES (2, TIMESTAMP '2024-01-01 10:00:30')`);
    h2.session.memory.end('ev');
    await h2.session.persistent.get(Q)!.done;
    expect(readFileSync(join(dir, 'out.jsonl'), 'utf8')).toBe('{"k":1,"w":"2024-01-01 10:00:00.000","n":2}\n{"k":2,"w":"2024-01-01 10:00:00.000","n":2}\n');
  });

  it("a checkpoint's duration_ms covers its pause and the encoding of 100k keys, which runs after the cut", async () => {
    const dir = tempDir('duration');
    const h = await openSession(join(dir, 'state.db'), dir, { intervalMs: 3_600_000 });
    open.push(h);
    await h.run(DDL);
    await h.run(QUERY);
    const keys = 100_000;
    h.session.memory.append('ev', Array.from({ length: keys }, (_, k) => [k, Date.UTC(2024, 0, 1, 10)]));
    await until('rows processed', () => h.session.persistent.get(Q)!.metrics()?.rowsIn === keys);
    await h.run(`TERMINATE ${Q}`);
    expect(h.checkpoints.length).toBe(1);
    // The cut only freezes the changed key groups; encoding 100k keys happens in the async phase,
    // which duration_ms covers (from the start of the cut to the commit).
    expect(h.pauses[0]).toBeLessThan(20);
    expect(h.checkpoints[0]!.durationMs).toBeGreaterThan(5);
    expect(h.checkpoints[0]!.durationMs).toBeGreaterThanOrEqual(Math.floor(h.pauses[0]!));
    const [shown] = await h.table('SHOW CHECKPOINTS');
    expect(shown!['duration_ms']).toBe(h.checkpoints[0]!.durationMs);
    expect(shown!['key_groups']).toBe(128);
  });

  it('Eddy.close() stops persistent queries with a final checkpoint, and they resume on the next open', async () => {
    const dir = tempDir('close');
    const state = join(dir, 'state.db');
    const eddy = await Eddy.open({ state, checkpointInterval: '1h', baseDir: dir });
    await eddy.execute(DDL + QUERY);
    await eddy.insert('ev', [{ k: 5, ts: '2024-01-01 10:00:01' }, { k: 5, ts: '2024-01-01 10:00:02' }]);
    const q = eddy.persistentQuery(Q)!;
    await until('rows processed', () => q.metrics()?.rowsIn === 2);
    await eddy.close();
    expect(q.status).toBe('STOPPED');
    const cps = await sql<{ id: number; kg: number }>(state, 'SELECT checkpoint_id AS id, key_groups_written AS kg FROM eddy_checkpoints WHERE complete = 1');
    expect(cps).toEqual([{ id: 1, kg: 1 }]);
    // Closing is not TERMINATE: the query stays RUNNING in the state database, to resume on the next open.
    expect((await sql<{ status: string }>(state, 'SELECT status FROM eddy_queries'))[0]!.status).toBe('RUNNING');

    const again = await Eddy.open({ state, checkpointInterval: '1h', baseDir: dir });
    await again.execute(DDL);
    await again.insert('ev', [{ k: 0, ts: '2000-01-01 00:00:00' }, { k: 0, ts: '2000-01-01 00:00:00' }]); // stands in for the first 2 rows
    await again.execute(QUERY);
    await again.insert('ev', [{ k: 5, ts: '2024-01-01 10:00:03' }]);
    again.end('ev');
    await again.persistentQuery(Q)!.done;
    await again.close();
    expect(readFileSync(join(dir, 'out.jsonl'), 'utf8')).toBe('{"k":5,"w":"2024-01-01 10:00:00.000","n":3}\n');
  });
});
