/**
 * Never lose a byte (issue 13): a sink has one writer, every persistent statement has its own id,
 * INSERT INTO appends, INSERT OVERWRITE replaces, and a fresh start truncates only what the query
 * wrote itself. Real `eddy` processes on real files; crash runs are SIGKILLed and compared byte
 * for byte with an uninterrupted run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIDS_DDL, CliProcess, bidsJsonl, runCli, sql, tempDir } from './checkpoint-helpers.js';
import { expectSameOutputAfterKills } from './crash-helpers.js';
import { persistentQueryId } from '../../src/runtime/sink-ownership.js';

const PER_MIN = `CREATE STREAM per_min (auction BIGINT, w TIMESTAMP(3), n BIGINT) WITH ('connector' = 'file', 'path' = 'per_min.jsonl', 'format' = 'json');`;
const ALL = `INSERT INTO per_min SELECT auction, TUMBLE_START(ts, INTERVAL '1' MINUTE) AS w, COUNT(*) AS n FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '1' MINUTE);`;
const ONE = `INSERT INTO per_min SELECT auction, TUMBLE_START(ts, INTERVAL '1' MINUTE) AS w, COUNT(*) AS n FROM bids WHERE auction = 3 GROUP BY auction, TUMBLE(ts, INTERVAL '1' MINUTE);`;
const OVERWRITE = ONE.replace('INSERT INTO', 'INSERT OVERWRITE');
const script = (stmt: string) => `${BIDS_DDL}\nSET 'execution.batch-size' = '64';\n${PER_MIN}\n${stmt}\n`;
/** An unbounded generator, so a query over it is still running when the next statement comes. */
const GEN = `CREATE STREAM gen (auction BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'rows-per-second' = '2000', 'fields.auction.min' = '1', 'fields.auction.max' = '5');`;
const COPY = `CREATE STREAM copy (auction BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'file', 'path' = 'copy.jsonl', 'format' = 'json');`;

let bids: string;
beforeAll(() => {
  bids = join(tempDir('own-data'), 'bids.jsonl');
  writeFileSync(bids, bidsJsonl(60_000));
});

/** A directory with the bids file and the scripts `all.sql`, `one.sql`, `overwrite.sql`. */
function setUp(name: string, data = bids): string {
  const dir = tempDir(name);
  copyFileSync(data, join(dir, 'bids.jsonl'));
  writeFileSync(join(dir, 'all.sql'), script(ALL));
  writeFileSync(join(dir, 'one.sql'), script(ONE));
  writeFileSync(join(dir, 'overwrite.sql'), script(OVERWRITE));
  return dir;
}

const run = (dir: string, file: string, state = 'state.db', interval = '30ms') => {
  const r = runCli(dir, ['-f', file, '--state', state, '--checkpoint-interval', interval], 30_000);
  expect(r.status, r.stderr).toBe(0);
  return r;
};
const out = (dir: string) => readFileSync(join(dir, 'per_min.jsonl'));
const lines = (b: Buffer) => b.toString('utf8').split('\n').filter(Boolean);

describe('a sink has one writer', () => {
  it('CREATE STREAM AS plus an INSERT INTO the same stream: the second is refused naming the first, and no line is torn', () => {
    const dir = setUp('own-csas');
    const csas = `CREATE STREAM copy WITH ('connector' = 'file', 'path' = 'copy.jsonl', 'format' = 'json') AS SELECT auction, ts FROM gen;`;
    writeFileSync(join(dir, 'q.sql'), `${GEN}\n${csas}\nINSERT INTO copy SELECT auction, ts FROM gen WHERE auction = 1;\n`);
    const r = runCli(dir, ['-f', 'q.sql', '--state', 'state.db']);
    expect(r.status).toBe(1);
    const first = persistentQueryId('csas_copy', csas);
    expect(r.stderr).toContain(`q.sql:3:13: sink 'copy' is already written by running query '${first}'`);
    expect(r.stderr).toContain(`hint: a sink has one writer: TERMINATE ${first}; first, or write into another stream`);
    for (const l of lines(readFileSync(join(dir, 'copy.jsonl')))) expect(() => JSON.parse(l)).not.toThrow();
  });

  it('two INSERT INTO one file in one script: the second is refused', () => {
    const dir = setUp('own-two');
    const a = 'INSERT INTO copy SELECT auction, ts FROM gen;';
    writeFileSync(join(dir, 'q.sql'), `${GEN}\n${COPY}\n${a}\nINSERT INTO copy SELECT auction, ts FROM gen WHERE auction = 2;\n`);
    const r = runCli(dir, ['-f', 'q.sql', '--state', ':memory:']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`sink 'copy' is already written by running query '${persistentQueryId('insert_into_copy', a)}'`);
  });

  it('two streams over one file are one sink', () => {
    const dir = setUp('own-alias');
    const a = 'INSERT INTO copy SELECT auction, ts FROM gen;';
    const alias = COPY.replace('copy (', 'copy2 (');
    writeFileSync(join(dir, 'q.sql'), `${GEN}\n${COPY}\n${alias}\n${a}\nINSERT INTO copy2 SELECT auction, ts FROM gen;\n`);
    const r = runCli(dir, ['-f', 'q.sql', '--state', ':memory:']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`sink 'copy2' is already written by running query '${persistentQueryId('insert_into_copy', a)}'`);
  });

  it('another process: refused while the owner runs, naming it and its pid; after TERMINATE of the killed owner the sink is free and its bytes stay', async () => {
    const dir = setUp('own-procs');
    const a = 'INSERT INTO copy SELECT auction, ts FROM gen;';
    writeFileSync(join(dir, 'a.sql'), `${GEN}\n${COPY}\n${a}\n`);
    // Another stream name: the catalog is shared, and 'gen' is declared there already.
    const b = `${GEN.replace('gen (', 'gen500 (').replace("'datagen', ", "'datagen', 'number-of-rows' = '500', ")}\n${COPY}\nINSERT INTO copy SELECT auction, ts FROM gen500 WHERE auction = 4;\n`;
    writeFileSync(join(dir, 'b.sql'), b);
    const idA = persistentQueryId('insert_into_copy', a);
    const owner = new CliProcess(dir, ['-f', 'a.sql', '--state', 'state.db', '--checkpoint-interval', '30ms', '--verbose']);
    await owner.waitForCheckpoints(2);
    const second = runCli(dir, ['-f', 'b.sql', '--state', 'state.db']);
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`sink 'copy' is already written by query '${idA}' (running in process ${owner.pid}): ${a.slice(0, -1)}`);
    expect((await owner.kill('SIGKILL')).signal).toBe('SIGKILL');

    // Killed, the owner is still to be resumed: the sink stays its own.
    const stillOwned = runCli(dir, ['-f', 'b.sql', '--state', 'state.db']);
    expect(stillOwned.status).toBe(1);
    expect(stillOwned.stderr).toContain(`sink 'copy' is already written by query '${idA}' (RUNNING in the state database, to be resumed)`);
    const stop = runCli(dir, ['-e', `TERMINATE ${idA};`, '--state', 'state.db']);
    expect(stop.status, stop.stderr).toBe(0);
    expect(stop.stdout + stop.stderr).toContain(`Query '${idA}' stopped`);

    const before = readFileSync(join(dir, 'copy.jsonl'));
    expect(before.length).toBeGreaterThan(0);
    const r = runCli(dir, ['-f', 'b.sql', '--state', 'state.db'], 30_000);
    expect(r.status, r.stderr).toBe(0);
    const after = readFileSync(join(dir, 'copy.jsonl'));
    expect(after.subarray(0, before.length).equals(before)).toBe(true); // appended, not truncated
    expect(lines(after.subarray(before.length)).every((l) => JSON.parse(l).auction === 4)).toBe(true);
    // The stopped owner lost its claim: re-run, it starts fresh and appends too (its old checkpoint would truncate b's rows).
    expect(await sql(join(dir, 'state.db'), 'SELECT COUNT(*) AS n FROM eddy_checkpoints WHERE query_id = ?', [idA])).toEqual([{ n: 0 }]);
  });
});

describe('INSERT INTO appends, INSERT OVERWRITE replaces, a fresh start keeps bytes it did not write', () => {
  it('the issue: a different INSERT INTO per_min in a later run gets its own id and appends (it used to truncate 189 lines to 21)', async () => {
    const dir = setUp('own-append');
    run(dir, 'all.sql');
    const first = out(dir);
    expect(lines(first).length).toBeGreaterThan(50);
    run(dir, 'one.sql');
    const both = out(dir);
    expect(both.subarray(0, first.length).equals(first)).toBe(true);
    const added = lines(both.subarray(first.length));
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((l) => JSON.parse(l).auction === 3)).toBe(true);
    expect(added).toEqual(lines(first).filter((l) => JSON.parse(l).auction === 3));
    const ids = (await sql<{ query_id: string; status: string }>(join(dir, 'state.db'), 'SELECT query_id, status FROM eddy_queries ORDER BY seq')).map((r) => [r.query_id, r.status]);
    expect(ids).toEqual([
      [persistentQueryId('insert_into_per_min', ALL), 'FINISHED'],
      [persistentQueryId('insert_into_per_min', ONE), 'FINISHED'],
    ]);

    // The same script again replaces only its own output: the file is as it was, not longer.
    run(dir, 'one.sql');
    expect(out(dir).equals(both)).toBe(true);
    // The first script again cannot rewrite bytes in the middle of the file: it appends.
    run(dir, 'all.sql');
    expect(out(dir).equals(Buffer.concat([both, first]))).toBe(true);
  });

  it('INSERT OVERWRITE empties the sink when it starts fresh', () => {
    const dir = setUp('own-overwrite');
    run(dir, 'all.sql');
    run(dir, 'overwrite.sql');
    const only = lines(out(dir));
    expect(only.length).toBeGreaterThan(0);
    expect(only.every((l) => JSON.parse(l).auction === 3)).toBe(true);
  });

  it('the SQLite sink too: INSERT INTO appends rows, a re-run replaces its own, INSERT OVERWRITE empties the table', async () => {
    const dir = setUp('own-sqlite');
    const table = PER_MIN.replace("'connector' = 'file', 'path' = 'per_min.jsonl', 'format' = 'json'", "'connector' = 'sqlite', 'path' = 'out.db', 'table' = 'per_min'");
    for (const [name, stmt] of [['all', ALL], ['one', ONE], ['overwrite', OVERWRITE]] as const) writeFileSync(join(dir, `${name}.sql`), script(stmt).replace(PER_MIN, table));
    const count = async () => (await sql<{ n: number; three: number }>(join(dir, 'out.db'), 'SELECT COUNT(*) AS n, TOTAL(auction = 3) AS three FROM per_min'))[0]!;
    run(dir, 'all.sql', 'state.db', '10s');
    const all = await count();
    expect(all.n).toBeGreaterThan(50);
    run(dir, 'one.sql', 'state.db', '10s');
    expect(await count()).toEqual({ n: all.n + all.three, three: 2 * all.three });
    run(dir, 'one.sql', 'state.db', '10s');
    expect(await count()).toEqual({ n: all.n + all.three, three: 2 * all.three });
    run(dir, 'overwrite.sql', 'state.db', '10s');
    expect(await count()).toEqual({ n: all.three, three: all.three });
  });

  it('without a state database INSERT INTO appends on every run', () => {
    const dir = setUp('own-memory');
    run(dir, 'one.sql', ':memory:');
    const once = out(dir);
    run(dir, 'one.sql', ':memory:');
    expect(out(dir).equals(Buffer.concat([once, once]))).toBe(true);
  });

  it('crash: the appending query SIGKILLed at random moments and resumed leaves the earlier bytes and its own output exact', async () => {
    // More rows than the other cases: every kill must land before the query finishes (a kill after
    // the end leaves it FINISHED, and the next run starts over instead of resuming).
    const big = join(tempDir('own-crash-data'), 'bids.jsonl');
    writeFileSync(big, bidsJsonl(250_000));
    const ref = setUp('own-crash-ref', big);
    run(ref, 'all.sql');
    run(ref, 'one.sql');
    const reference = out(ref);
    const dir = setUp('own-crash', big);
    run(dir, 'all.sql');
    const prefix = out(dir);
    await expectSameOutputAfterKills(dir, 'one.sql', 'state.db', 4, 'per_min.jsonl', reference);
    expect(out(dir).subarray(0, prefix.length).equals(prefix)).toBe(true);
  }, 60_000);
});

describe('query ids and names', () => {
  it("SET 'pipeline.name' names the next query; SHOW QUERIES shows the name and the statement", () => {
    const dir = setUp('own-names');
    const a = 'INSERT INTO copy SELECT auction, ts FROM gen';
    const b = 'INSERT INTO per_min SELECT auction, TUMBLE_START(ts, INTERVAL \'1\' MINUTE) AS w, COUNT(*) AS n FROM gen GROUP BY auction, TUMBLE(ts, INTERVAL \'1\' MINUTE)';
    const r = runCli(dir, ['-e', `${GEN} ${COPY} ${PER_MIN} SET 'pipeline.name' = 'copy_all'; ${a}; ${b}; SHOW QUERIES; TERMINATE copy_all; TERMINATE ${persistentQueryId('insert_into_per_min', b)};`, '--state', ':memory:', '--format', 'json']);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('{"query"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((q) => [q['query'], q['name'], q['sql']])).toEqual([
      ['copy_all', 'copy_all', a],
      [persistentQueryId('insert_into_per_min', b), '', b],
    ]);
    expect(r.stderr + r.stdout).toContain("Query 'copy_all' stopped");
  });

  it('refuses a pipeline name that cannot be a query id', () => {
    const r = runCli(tempDir('own-badname'), ['-e', "SET 'pipeline.name' = 'my job';", '--state', ':memory:']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("'pipeline.name' must be a name of letters, digits and '_'");
  });
});
