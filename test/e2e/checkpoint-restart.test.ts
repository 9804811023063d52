/**
 * Restart strategy (DESIGN.md §4): a query whose sink cannot be opened (a regular file sits where
 * its directory should be; root ignores permissions, so this is the dependable way to fail) is
 * restarted after 'restart.delay' up to 'restart.attempts' times; once the obstacle is gone it
 * recovers and finishes with the right output; when attempts run out it is FAILED with the error
 * shown by SHOW QUERIES, and the session stays usable.
 */
import { persistentQueryId } from '../../src/runtime/sink-ownership.js';
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PersistentQuery } from '../../src/runtime/persistent-query.js';
import { openSession, runCli, sql, tempDir, until, type SessionHarness } from './checkpoint-helpers.js';

const DDL = `
CREATE STREAM ev (k BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory');
CREATE STREAM out (k BIGINT, w TIMESTAMP(3), n BIGINT) WITH ('connector' = 'file', 'path' = 'blocked/out.jsonl', 'format' = 'json');
INSERT INTO ev VALUES (1, TIMESTAMP '2024-01-01 10:00:01'), (2, TIMESTAMP '2024-01-01 10:00:02'), (1, TIMESTAMP '2024-01-01 10:00:03'),
  (1, TIMESTAMP '2024-01-01 10:01:05');`;
const QUERY = `INSERT INTO out SELECT k, TUMBLE_START(ts, INTERVAL '1' MINUTE) AS w, COUNT(*) AS n FROM ev GROUP BY k, TUMBLE(ts, INTERVAL '1' MINUTE)`;
const EXPECTED =
  '{"k":1,"w":"2024-01-01 10:00:00.000","n":2}\n{"k":2,"w":"2024-01-01 10:00:00.000","n":1}\n{"k":1,"w":"2024-01-01 10:01:00.000","n":1}\n';

let open: SessionHarness[] = [];
afterEach(async () => {
  for (const h of open) await h.close();
  open = [];
});

/** Records every distinct status the query shows (polled far faster than the restart delay). */
function watchStatus(q: PersistentQuery): { seen: string[]; stop: () => void } {
  const seen: string[] = [];
  const tick = () => {
    const s = q.describeStatus();
    if (seen.at(-1) !== s) seen.push(s);
  };
  tick();
  const timer = setInterval(tick, 2);
  return { seen, stop: () => (tick(), clearInterval(timer)) };
}

async function setUp(attempts: number, delay: string): Promise<{ h: SessionHarness; dir: string; q: PersistentQuery }> {
  const dir = tempDir('restart');
  writeFileSync(join(dir, 'blocked'), 'a regular file where the sink directory should be\n');
  const h = await openSession(join(dir, 'state.db'), dir);
  open.push(h);
  await h.run(DDL);
  await h.run(`SET 'restart.attempts' = '${attempts}'; SET 'restart.delay' = '${delay}'`);
  const r = await h.run(QUERY);
  if (r.kind !== 'persistent') throw new Error(`expected a persistent query, got ${r.kind}`);
  return { h, dir, q: r.query };
}

const persistedStatus = async (dir: string) =>
  (await sql<{ status: string; error: string | null }>(join(dir, 'state.db'), 'SELECT status, error FROM eddy_queries WHERE query_id = ?', [persistentQueryId('insert_into_out', QUERY)]))[0];

const showQueries = async (h: SessionHarness) => (await h.table('SHOW QUERIES')).map((r) => [r['query'], r['status']]);

describe('restart strategy', () => {
  it('restarts (attempt 1, attempt 2), then recovers once the sink can be opened, and finishes with the right output', async () => {
    const { h, dir, q } = await setUp(3, '200ms');
    const status = watchStatus(q);
    expect(q.describeStatus()).toBe('RESTARTING (attempt 1 of 3)');
    expect(await showQueries(h)).toEqual([[persistentQueryId('insert_into_out', QUERY), 'RESTARTING (attempt 1 of 3)']]);
    await until('attempt 2', () => q.describeStatus() === 'RESTARTING (attempt 2 of 3)');
    // The state database records it too (so a REPL restarted now would resume it).
    await until('RESTARTING persisted', async () => (await persistedStatus(dir))?.status === 'RESTARTING');
    rmSync(join(dir, 'blocked'));

    await until('running', () => q.status === 'RUNNING', 2_000);
    expect(await showQueries(h)).toEqual([[persistentQueryId('insert_into_out', QUERY), 'RUNNING']]);
    h.session.memory.end('ev');
    await q.done;
    status.stop();
    expect(status.seen).toEqual(['RESTARTING (attempt 1 of 3)', 'RESTARTING (attempt 2 of 3)', 'RUNNING', 'FINISHED']);
    expect(readFileSync(join(dir, 'blocked', 'out.jsonl'), 'utf8')).toBe(EXPECTED);
    expect(String(q.error)).toMatch(/cannot open 'blocked\/out.jsonl' for writing/); // the last error is kept for inspection
  });

  it('attempts exhausted: FAILED with the error in SHOW QUERIES and the state db; the session stays usable', async () => {
    const { h, dir, q } = await setUp(2, '50ms');
    const status = watchStatus(q);
    await q.done;
    status.stop();
    expect(status.seen).toEqual(['RESTARTING (attempt 1 of 2)', 'RESTARTING (attempt 2 of 2)', expect.stringMatching(/^FAILED: /)]);
    expect(q.status).toBe('FAILED');
    const [[id, shown]] = (await showQueries(h)) as [[string, string]];
    expect(id).toBe(persistentQueryId('insert_into_out', QUERY));
    expect(shown).toMatch(/^FAILED: cannot open 'blocked\/out.jsonl' for writing: (ENOTDIR|EEXIST)/);
    await until('FAILED persisted', async () => (await persistedStatus(dir))?.status === 'FAILED');
    expect((await persistedStatus(dir))!.error).toMatch(/cannot open 'blocked\/out.jsonl'/);

    // The session still works: statements run, and the same query runs fine once the obstacle is gone.
    expect((await h.table('SHOW STREAMS')).map((r) => r['name'])).toEqual(['ev', 'out']);
    rmSync(join(dir, 'blocked'));
    const again = await h.run(QUERY);
    if (again.kind !== 'persistent') throw new Error('expected a persistent query');
    expect(again.query.id).toBe(persistentQueryId('insert_into_out', QUERY));
    expect(again.query.status).toBe('RUNNING');
    h.session.memory.end('ev');
    await again.query.done;
    expect(again.query.status).toBe('FINISHED');
    expect(readFileSync(join(dir, 'blocked', 'out.jsonl'), 'utf8')).toBe(EXPECTED);
  });

  it("with 'restart.attempts' = '0' a sink that cannot be opened fails the statement at once", async () => {
    const dir = tempDir('restart0');
    writeFileSync(join(dir, 'blocked'), 'x');
    const h = await openSession(join(dir, 'state.db'), dir);
    open.push(h);
    await h.run(DDL);
    await h.run(`SET 'restart.attempts' = '0'`);
    await expect(h.run(QUERY)).rejects.toThrow(/cannot open 'blocked\/out.jsonl' for writing/);
    expect(await showQueries(h)).toEqual([[persistentQueryId('insert_into_out', QUERY), expect.stringMatching(/^FAILED: cannot open/)]]);
  });

  it('eddy -f: a query that exhausts its attempts makes the run exit 1 naming the query and the error', () => {
    const dir = tempDir('restart-cli');
    writeFileSync(join(dir, 'blocked'), 'x');
    writeFileSync(join(dir, 'in.jsonl'), '{"k":1,"ts":"2024-01-01 10:00:01"}\n');
    writeFileSync(
      join(dir, 'q.sql'),
      `CREATE STREAM ev (k BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'file', 'path' = 'in.jsonl', 'format' = 'json');
       CREATE STREAM out (k BIGINT, n BIGINT) WITH ('connector' = 'file', 'path' = 'blocked/out.jsonl', 'format' = 'json');
       SET 'restart.attempts' = '2'; SET 'restart.delay' = '20ms';
       INSERT INTO out SELECT k, COUNT(*) AS n FROM ev GROUP BY k, TUMBLE(ts, INTERVAL '1' MINUTE);`,
    );
    const r = runCli(dir, ['-f', 'q.sql', '--state', 'state.db']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/q\.sql: query 'insert_into_out_[0-9a-f]{8}' failed: cannot open 'blocked\/out.jsonl' for writing/);
  });
});
