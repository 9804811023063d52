/**
 * One catalog per state database (issue 13): two shells, and scripts on stdin, opened on one
 * `--state` see the same streams and queries. The second shell does not take over (or list as
 * FAILED) the query the first one runs, and cannot drop a stream that query uses (which would come
 * back when the query is resumed); what it may drop stays dropped.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { persistentQueryId } from '../../src/runtime/sink-ownership.js';
import { EDDY, sql, tempDir, until } from './checkpoint-helpers.js';
import { Shell, hasScript } from './shell-helpers.js';

const GEN = `CREATE STREAM gen (auction BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND) WITH ('connector' = 'datagen', 'rows-per-second' = '2000', 'fields.auction.min' = '1', 'fields.auction.max' = '5', 'fields.ts.start' = '2024-01-01 00:00:00');`;
const OUT = `CREATE STREAM out (auction BIGINT, w TIMESTAMP(3), n BIGINT) WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json');`;
const INSERT = `INSERT INTO out SELECT auction, TUMBLE_START(ts, INTERVAL '100' MILLISECOND) AS w, COUNT(*) AS n FROM gen GROUP BY auction, TUMBLE(ts, INTERVAL '100' MILLISECOND);`;
const Q = persistentQueryId('insert_into_out', INSERT);

describe.skipIf(!hasScript)('two shells on one state database', () => {
  it('the second sees the first one\'s streams and running query, does not list it FAILED, refuses to drop what it uses; stdin scripts see the catalog', async () => {
    const dir = tempDir('two-shells');
    const state = join(dir, 'state.db');
    const first = new Shell(dir);
    await first.waitFor(/A demo stream 'bids' is ready/);
    await first.type(GEN, /Stream 'gen' created\./);
    await first.type(OUT, /Stream 'out' created\./);
    await first.type(INSERT, new RegExp(`Query '${Q}' started \\(running\\)\\.`));
    await until('a checkpoint', async () => (await sql(state, 'SELECT 1 FROM eddy_checkpoints WHERE query_id = ?', [Q])).length >= 1);

    // A script on stdin sees the shell's streams (it used to know none of them).
    const piped = spawnSync(EDDY, ['--state', 'state.db', '--format', 'csv', '--quiet'], { cwd: dir, input: 'SELECT auction FROM gen LIMIT 3;\n', encoding: 'utf8', timeout: 10_000 });
    expect(piped.stderr).toBe('');
    expect(piped.stdout.trim().split('\n')).toHaveLength(4); // header and 3 rows

    const second = new Shell(dir);
    await second.waitFor(new RegExp(`Query '${Q}' is running in process (\\d+); not resumed here\\.`));
    await second.waitFor(/A demo stream 'bids' is ready/);
    const pid = new RegExp(`Query '${Q}' is running in process (\\d+)`).exec(second.screen)![1];
    await second.type('SHOW QUERIES;', new RegExp(`\\n${Q},,RUNNING \\(process ${pid}\\),,,,,,,"INSERT INTO out`));
    expect(second.screen).not.toMatch(/FAILED/);
    await second.type('DROP STREAM out;', new RegExp(`stream 'out' is used by query '${Q}' \\(running in process ${pid}\\)`));
    await second.type('DROP STREAM gen;', new RegExp(`stream 'gen' is used by query '${Q}' \\(running in process ${pid}\\)`));
    await second.type(INSERT, new RegExp(`query '${Q}' is already running in process ${pid}`));
    await second.type("CREATE STREAM extra (x INT) WITH ('connector' = 'memory');", /Stream 'extra' created\./);
    await second.type('DROP STREAM extra;', /Stream 'extra' dropped\./);
    expect(await second.quit()).toBe(0);
    // The second shell changed nothing of the first one's query.
    expect(await sql(state, 'SELECT status FROM eddy_queries WHERE query_id = ?', [Q])).toEqual([{ status: 'RUNNING' }]);
    expect(await sql(state, 'SELECT pid FROM eddy_locks WHERE query_id = ?', [Q])).toEqual([{ pid: Number(pid) }]);
    expect(await first.quit()).toBe(0);

    const third = new Shell(dir);
    await third.waitFor(new RegExp(`Resumed query '${Q}' from its last checkpoint\\.`));
    await third.type('SHOW STREAMS;', /\nbids,datagen,[^]*\ngen,datagen,[^]*\nout,file,/);
    expect(third.screen).not.toMatch(/\nextra,/); // a drop stays dropped
    await third.type(`TERMINATE ${Q};`, /stopped with a final checkpoint/);
    expect(await third.quit()).toBe(0);
  }, 60_000);
});
