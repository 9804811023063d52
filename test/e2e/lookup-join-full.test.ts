/**
 * Lookup joins with a full cache ('lookup.cache' = 'FULL': the whole SQLite table read at the
 * first batch and again on its schedule, no point reads) and lookup joins over an updating input
 * (each change joins with its op kept, as Flink's LookupJoinRunner), against a real SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sqlite3 from 'sqlite3';
import { join } from 'node:path';
import { Session } from '../../src/runtime/session.js';
import { LookupDb, exec, started, wait } from './lookup-helpers.js';

let lk: LookupDb;
let dbPath: string;
const session = (now?: () => number) => lk.session(now);
const run = (sql: string) => lk.run(sql);

const ORDERS = "CREATE TABLE orders (k BIGINT, v INT) WITH ('connector' = 'memory');";
const dimDdl = (options = '') => `CREATE TABLE dim (id BIGINT, name VARCHAR) WITH ('connector' = 'sqlite', 'path' = '${dbPath}', 'table' = 'dim'${options});`;
const FULL_HOURLY = ", 'lookup.cache' = 'FULL', 'lookup.full-cache.periodic-reload.interval' = '1 h'";

beforeAll(async () => {
  lk = new LookupDb('eddy-lookup-full-');
  dbPath = lk.path;
  await run('CREATE TABLE dim (id INTEGER, name TEXT)');
  await run("INSERT INTO dim VALUES (1, 'apple'), (2, 'pear')");
});

afterAll(() => lk.close());

describe("lookup join with 'lookup.cache' = 'FULL'", () => {
  it('joins from the table as read at the first batch, also for keys never seen, until the reload interval passes', async () => {
    const clock = { now: 5_000_000 };
    const s = session(() => clock.now);
    await exec(s, `${ORDERS} ${dimDdl(FULL_HOURLY)}`);
    const q = await started(s, 'SELECT o.k, d.name FROM (SELECT *, PROCTIME() AS pt FROM orders) o LEFT JOIN dim FOR SYSTEM_TIME AS OF o.pt AS d ON o.k = d.id');
    s.memory.append('orders', [[2, 1]]);
    await wait('the first row', () => q.out.length >= 1);
    await run("UPDATE dim SET name = 'pear (ripe)' WHERE id = 2");
    await run("INSERT INTO dim VALUES (8, 'kiwi')");
    clock.now += 59 * 60_000;
    // Key 8 was never looked up: a partial cache would read it now; the full cache holds the table as read.
    s.memory.append('orders', [[2, 2], [8, 2]]);
    await wait('the rows from the cached table', () => q.out.length >= 3);
    clock.now += 60_000; // an hour after the read ended: reloaded before this batch
    s.memory.append('orders', [[2, 3], [8, 3], [null, 3]]);
    await wait('the rows after the reload', () => q.out.length >= 6);
    expect(q.out).toEqual([
      [2, 'pear'],
      [2, 'pear'],
      [8, null],
      [2, 'pear (ripe)'],
      [8, 'kiwi'],
      [null, null],
    ]);
    s.memory.end('orders');
    await q.done;
    await run("UPDATE dim SET name = 'pear' WHERE id = 2");
    await run('DELETE FROM dim WHERE id = 8');
    await s.close();
  });

  it('EXPLAIN shows the full cache and its schedule; an option it does not know is refused', async () => {
    const s = session();
    await exec(s, `${ORDERS} ${dimDdl(", 'lookup.cache' = 'FULL', 'lookup.full-cache.reload-strategy' = 'TIMED', 'lookup.full-cache.timed-reload.iso-time' = '02:30Z', 'lookup.full-cache.timed-reload.interval-in-days' = '7'")}`);
    const e = await exec(s, 'EXPLAIN SELECT o.k, d.name FROM (SELECT *, PROCTIME() AS pt FROM orders) o JOIN dim FOR SYSTEM_TIME AS OF o.pt AS d ON o.k = d.id');
    if (e.kind !== 'explain') throw new Error('expected EXPLAIN');
    expect(e.text).toContain('cache=full(reload at 02:30:00.000 UTC+00:00 every 7 days) changelog=append');
    const err = await exec(s, `CREATE TABLE dim2 (id BIGINT) WITH ('connector' = 'sqlite', 'path' = '${dbPath}', 'table' = 'dim', 'lookup.full-cache.reload-every' = '1h')`).then(
      () => null,
      (x: unknown) => x,
    );
    expect(String(err)).toMatch(/unknown option 'lookup.full-cache.reload-every'/);
    await s.close();
  });
});

describe('lookup join over an updating input', () => {
  const UPDATING = (kind: string, extra = '') =>
    `SELECT o.k, o.c, d.name FROM (SELECT k, COUNT(*) AS c, PROCTIME() AS pt FROM orders GROUP BY k) o ${kind} JOIN dim FOR SYSTEM_TIME AS OF o.pt AS d ON o.k = d.id${extra}`;

  it('LEFT: each change joins with its op kept; a change without a match is padded with NULLs', async () => {
    const s = session();
    await exec(s, `${ORDERS} ${dimDdl()}`);
    const q = await started(s, UPDATING('LEFT'));
    s.memory.append('orders', [[1, 0]]);
    await wait('the insert', () => q.out.length >= 1);
    s.memory.append('orders', [[1, 0]]);
    await wait('the update', () => q.out.length >= 3);
    s.memory.append('orders', [[9, 0]]);
    await wait('the unmatched insert', () => q.out.length >= 4);
    expect(q.out).toEqual([
      ['+I', 1, 1, 'apple'],
      ['-U', 1, 1, 'apple'],
      ['+U', 1, 2, 'apple'],
      ['+I', 9, 1, null],
    ]);
    s.memory.end('orders');
    await q.done;
    await s.close();
  });

  it("INNER: a change whose key the table lacks is dropped, retraction and all; EXPLAIN says the ops are kept", async () => {
    const s = session();
    await exec(s, `${ORDERS} ${dimDdl()}`);
    const e = await exec(s, `EXPLAIN ${UPDATING('')}`);
    if (e.kind !== 'explain') throw new Error('expected EXPLAIN');
    expect(e.text).toContain('changelog=updating (ops kept)');
    const q = await started(s, UPDATING(''));
    s.memory.append('orders', [[9, 0]]);
    s.memory.append('orders', [[2, 0]]);
    await wait('the first match', () => q.out.length >= 1);
    s.memory.append('orders', [[9, 0]]);
    s.memory.append('orders', [[2, 0]]);
    await wait('the update', () => q.out.length >= 3);
    s.memory.end('orders');
    await q.done;
    expect(q.out).toEqual([
      ['+I', 2, 1, 'pear'],
      ['-U', 2, 1, 'pear'],
      ['+U', 2, 2, 'pear'],
    ]);
    await s.close();
  });

  it('the updating result goes into an upsert sink by the left key, and an insert-only sink refuses it', async () => {
    const s = new Session({ store: null, endMemoryWhenDrained: true, baseDir: lk.dir, fresh: false, onWarning: () => {} });
    const out = join(lk.dir, 'counts.db');
    await exec(s, `${ORDERS} ${dimDdl()}
      CREATE TABLE counts (k BIGINT, c BIGINT, name VARCHAR, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'sqlite', 'path' = '${out}', 'table' = 'counts');
      CREATE TABLE log (k BIGINT, c BIGINT, name VARCHAR) WITH ('connector' = 'filesystem', 'path' = '${join(lk.dir, 'log.jsonl')}', 'format' = 'json');`);
    const refused = await exec(s, `INSERT INTO log ${UPDATING('LEFT')}`).then(
      () => null,
      (x: unknown) => x,
    );
    expect(String(refused)).toMatch(/update/i);
    s.memory.append('orders', [[1, 0], [2, 0], [1, 0], [7, 0]]);
    await exec(s, `INSERT INTO counts ${UPDATING('LEFT')}`);
    await wait('the upserted table', async () => {
      const rows = await new Promise<unknown[]>((res) => {
        const d = new sqlite3.Database(out);
        d.all('SELECT k, c, name FROM counts ORDER BY k', (err, r: unknown[]) => d.close(() => res(err ? [] : r)));
      });
      return JSON.stringify(rows) === JSON.stringify([{ k: 1, c: 2, name: 'apple' }, { k: 2, c: 1, name: 'pear' }, { k: 7, c: 1, name: null }]);
    });
    await s.close();
  });
});
