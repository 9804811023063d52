/**
 * REPL persistence (DESIGN.md §4 "reopening the same state database resumes every unfinished
 * persistent query"): the real `eddy` shell, driven through a pseudo-terminal (`script -qfc`).
 * Streams created in one shell are there in the next, and a persistent query running when the
 * first shell quits resumes from its final checkpoint when the next one starts, exactly once.
 */
import { persistentQueryId } from '../../src/runtime/sink-ownership.js';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql, tempDir, until } from './checkpoint-helpers.js';
import { Shell, hasScript } from './shell-helpers.js';

const lines = (dir: string): number => {
  try {
    return readFileSync(join(dir, 'out.jsonl'), 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
};

const GEN = `CREATE STREAM gen (auction BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND) WITH ('connector' = 'datagen', 'rows-per-second' = '2000', 'fields.auction.min' = '1', 'fields.auction.max' = '5', 'fields.ts.start' = '2024-01-01 00:00:00');`;
const OUT = `CREATE STREAM out (auction BIGINT, w TIMESTAMP(3), n BIGINT) WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json');`;
const INSERT = `INSERT INTO out SELECT auction, TUMBLE_START(ts, INTERVAL '100' MILLISECOND) AS w, COUNT(*) AS n FROM gen GROUP BY auction, TUMBLE(ts, INTERVAL '100' MILLISECOND);`;

const CSAS = `CREATE STREAM agg WITH ('connector' = 'file', 'path' = 'agg.jsonl', 'format' = 'json') AS SELECT auction, COUNT(*) AS n FROM gen GROUP BY auction, TUMBLE(ts, INTERVAL '100' MILLISECOND);`;
const Q = persistentQueryId('insert_into_out', INSERT);
const CSAS_ID = persistentQueryId('csas_agg', CSAS);

describe.skipIf(!hasScript)('the REPL across restarts', () => {
  it('keeps streams, and resumes a query that was running when the previous shell quit', async () => {
    const dir = tempDir('repl');
    const state = join(dir, 'state.db');

    const first = new Shell(dir);
    await first.waitFor(/A demo stream 'bids' is ready/);
    await first.type(GEN, /Stream 'gen' created\./);
    await first.type(OUT, /Stream 'out' created\./);
    await first.type(INSERT, new RegExp(`Query '${Q}' started \\(running\\)\\.`));
    await until('two checkpoints', async () => (await sql(state, 'SELECT 1 FROM eddy_checkpoints WHERE query_id = ?', [Q])).length >= 2);
    await until('two windows of output', () => lines(dir) >= 10);
    expect(await first.quit()).toBe(0);
    expect(first.screen).toMatch(/Stopping queries \(persistent ones take a final checkpoint\)/);
    expect(await sql(state, 'SELECT status FROM eddy_queries WHERE query_id = ?', [Q])).toEqual([{ status: 'RUNNING' }]);
    const [{ id: finalId }] = await sql<{ id: number }>(state, 'SELECT MAX(checkpoint_id) AS id FROM eddy_checkpoints WHERE query_id = ?', [Q]);
    const atQuit = readFileSync(join(dir, 'out.jsonl'), 'utf8');

    const second = new Shell(dir);
    await second.waitFor(new RegExp(`Resumed query '${Q}' from its last checkpoint\\.`));
    expect(second.screen).toMatch(new RegExp(`eddy: query '${Q}' resumed from checkpoint ${finalId} \\(source 'gen' at`));
    await second.waitFor(/A demo stream 'bids' is ready/);
    await second.type('SHOW STREAMS;', /name,connector,columns,watermark\n(.*\n)*out,file,/);
    expect(second.screen).toMatch(/\ngen,datagen,"auction, ts",ts: ts - INTERVAL '0.05' SECOND\n/);
    await second.type('SHOW QUERIES;', new RegExp(`\\n${Q},,RUNNING,`));
    // Let it produce more windows than the first shell did, then quit again.
    await until('more output', () => lines(dir) >= atQuit.split('\n').length + 30);
    expect(await second.quit()).toBe(0);

    // Across both shells every row was counted once: whole 100 ms windows of 200 rows, no window twice, none missing.
    const rows = readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { auction: number; w: string; n: number });
    expect(readFileSync(join(dir, 'out.jsonl'), 'utf8').startsWith(atQuit)).toBe(true);
    const perWindow = new Map<string, number>();
    const seen = new Set<string>();
    for (const r of rows) {
      const k = `${r.auction}@${r.w}`;
      expect(seen.has(k), `window ${k} emitted twice`).toBe(false);
      seen.add(k);
      perWindow.set(r.w, (perWindow.get(r.w) ?? 0) + r.n);
    }
    const windows = [...perWindow.keys()].sort();
    expect(windows.length).toBeGreaterThan(5);
    windows.forEach((w, i) => {
      expect(w).toBe(new Date(Date.UTC(2024, 0, 1) + i * 100).toISOString().replace('T', ' ').replace('Z', ''));
      expect(perWindow.get(w), `rows in window ${w}`).toBe(200);
    });
  });

  it('resumes a CREATE STREAM AS query too (its own output stream is already in the reloaded catalog)', async () => {
    const dir = tempDir('repl-csas');
    const first = new Shell(dir);
    await first.waitFor(/A demo stream 'bids' is ready/);
    await first.type(GEN, /Stream 'gen' created\./);
    await first.type(CSAS, new RegExp(`Query '${CSAS_ID}' started \\(running\\)\\.`));
    await until('a checkpoint', async () => (await sql(join(dir, 'state.db'), 'SELECT 1 FROM eddy_checkpoints')).length >= 1);
    expect(await first.quit()).toBe(0);

    const second = new Shell(dir);
    await second.waitFor(/A demo stream 'bids' is ready/);
    expect(second.screen).not.toMatch(/Could not resume/);
    expect(second.screen).toMatch(new RegExp(`eddy: query '${CSAS_ID}' resumed from checkpoint \\d+`));
    expect(second.screen).toMatch(new RegExp(`Resumed query '${CSAS_ID}' from its last checkpoint\\.`));
    await second.type('SHOW QUERIES;', new RegExp(`\\n${CSAS_ID},,RUNNING,`));
    // Typing the statement again while its query runs is still an error.
    await second.type(CSAS, new RegExp(`sink 'agg' is already written by running query '${CSAS_ID}'`));
    expect(await second.quit()).toBe(0);
  });

  it('a query stopped with TERMINATE stays stopped in the next shell', async () => {
    const dir = tempDir('repl-terminate');
    const first = new Shell(dir);
    await first.waitFor(/A demo stream 'bids' is ready/);
    await first.type(GEN, /Stream 'gen' created\./);
    await first.type(OUT, /Stream 'out' created\./);
    await first.type(INSERT, /started \(running\)/);
    await first.type(`TERMINATE ${Q};`, new RegExp(`Query '${Q}' stopped with a final checkpoint\\.`));
    expect(await first.quit()).toBe(0);
    expect(await sql(join(dir, 'state.db'), 'SELECT status FROM eddy_queries')).toEqual([{ status: 'STOPPED' }]);

    const second = new Shell(dir);
    await second.waitFor(/A demo stream 'bids' is ready/);
    await second.type('SHOW QUERIES;', /query,name,status,rows_in,rows_per_s,rows_out,late_rows,bad_rows,watermark_lag,sql\n/);
    expect(second.screen).not.toMatch(/Resumed query|resumed from checkpoint/);
    expect(await second.quit()).toBe(0);
  });
  it('a query over a memory stream reads every row inserted in the next shell (memory rows do not survive; none are skipped)', async () => {
    const dir = tempDir('repl-memory');
    const out = () => readFileSync(join(dir, 'mout.jsonl'), 'utf8');
    const first = new Shell(dir);
    await first.waitFor(/A demo stream 'bids' is ready/);
    await first.type(`CREATE STREAM m (a BIGINT) WITH ('connector' = 'memory');`, /Stream 'm' created\./);
    await first.type(`CREATE STREAM mout (a BIGINT) WITH ('connector' = 'file', 'path' = 'mout.jsonl');`, /Stream 'mout' created\./);
    await first.type(`INSERT INTO mout SELECT a FROM m;`, /started \(running\)/);
    await first.type(`INSERT INTO m VALUES (1), (2), (3);`, /Inserted 3 rows/);
    await until('3 rows out', () => out().split('\n').length - 1 === 3);
    expect(await first.quit()).toBe(0);

    const second = new Shell(dir);
    await second.waitFor(/Resumed query 'insert_into_mout_[0-9a-f]{8}'/);
    await second.type(`INSERT INTO m VALUES (10), (20), (30), (40);`, /Inserted 4 rows/);
    await until('7 rows out', () => out().split('\n').length - 1 === 7);
    expect(out()).toBe(['{"a":1}', '{"a":2}', '{"a":3}', '{"a":10}', '{"a":20}', '{"a":30}', '{"a":40}', ''].join('\n'));
    expect(await second.quit()).toBe(0);
  });
});
