/**
 * Lookup joins against a real SQLite file (created here through sqlite3) and a real CSV file:
 * `JOIN dim FOR SYSTEM_TIME AS OF o.pt AS d ON o.k = d.id`, INNER and LEFT, read when each row is
 * processed: an update of the table between rows shows with the cache off, and stays hidden while
 * a cached read is fresh (an injected clock moves past the TTL). EXPLAIN shows the join, its keys
 * and its cache; the refusals name the rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sqlite3 from 'sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from '../../src/common/types.js';
import { EddyError } from '../../src/common/errors.js';
import { Session } from '../../src/runtime/session.js';
import { LookupDb, exec, started, wait } from './lookup-helpers.js';

let lk: LookupDb;
let dir: string;
let dbPath: string;
const session = (now?: () => number) => lk.session(now);
const run = (sql: string) => lk.run(sql);

const ORDERS = "CREATE TABLE orders (k BIGINT, v INT) WITH ('connector' = 'memory');";
const dimDdl = (options = '') => `CREATE TABLE dim (id BIGINT, name VARCHAR, price DOUBLE) WITH ('connector' = 'sqlite', 'path' = '${dbPath}', 'table' = 'dim'${options});`;
const JOIN = (kind: string, extra = '') =>
  `SELECT o.k, o.v, d.name, d.price FROM (SELECT *, PROCTIME() AS pt FROM orders) o ${kind} JOIN dim FOR SYSTEM_TIME AS OF o.pt AS d ON o.k = d.id${extra}`;

beforeAll(async () => {
  lk = new LookupDb('eddy-lookup-');
  dir = lk.dir;
  dbPath = lk.path;
  await run('CREATE TABLE dim (id INTEGER, name TEXT, price REAL)');
  await run("INSERT INTO dim VALUES (1, 'apple', 1.5), (2, 'pear', 20), (3, 'plum', 30), (3, 'plum2', 31)");
});

afterAll(() => lk.close());

describe('lookup join against a SQLite table', () => {
  it('INNER: each row joins every table row of its key; a key without rows and a NULL key are dropped', async () => {
    const s = session();
    await exec(s, `${ORDERS} ${dimDdl()}`);
    const q = await started(s, JOIN(''));
    s.memory.append('orders', [[1, 10], [3, 11], [9, 12], [null, 13], [2, 14]]);
    s.memory.end('orders');
    await q.done;
    expect(q.out).toEqual([
      [1, 10, 'apple', 1.5],
      [3, 11, 'plum', 30],
      [3, 11, 'plum2', 31],
      [2, 14, 'pear', 20],
    ]);
    await s.close();
  });

  it('LEFT: a row without a match (missing key, NULL key, or a residual that fails) is padded with NULLs', async () => {
    const s = session();
    await exec(s, `${ORDERS} ${dimDdl()}`);
    const q = await started(s, JOIN('LEFT', ' AND d.price > 10'));
    s.memory.append('orders', [[1, 10], [9, 11], [null, 12], [3, 13]]);
    s.memory.end('orders');
    await q.done;
    expect(q.out).toEqual([
      [1, 10, null, null], // apple's price fails the residual
      [9, 11, null, null],
      [null, 12, null, null],
      [3, 13, 'plum', 30],
      [3, 13, 'plum2', 31],
    ]);
    await s.close();
  });

  it('without a cache, an update of the table between rows shows in the rows after it', async () => {
    const s = session();
    await exec(s, `${ORDERS} ${dimDdl()}`);
    const q = await started(s, JOIN(''));
    s.memory.append('orders', [[2, 1]]);
    await wait('the first row', () => q.out.length >= 1);
    await run("UPDATE dim SET name = 'pear (ripe)' WHERE id = 2");
    await run("INSERT INTO dim VALUES (7, 'fig', 7)");
    s.memory.append('orders', [[2, 2], [7, 3]]);
    await wait('the rows after the update', () => q.out.length >= 3);
    expect(q.out).toEqual([
      [2, 1, 'pear', 20],
      [2, 2, 'pear (ripe)', 20],
      [7, 3, 'fig', 7],
    ]);
    s.memory.end('orders');
    await q.done;
    await run("UPDATE dim SET name = 'pear' WHERE id = 2");
    await run('DELETE FROM dim WHERE id = 7');
    await s.close();
  });

  for (const [label, options] of [
    ['lookup.cache.max-rows / lookup.cache.ttl', ", 'lookup.cache.max-rows' = '100', 'lookup.cache.ttl' = '1 h'"],
    ["'lookup.cache' = 'PARTIAL'", ", 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '100', 'lookup.partial-cache.expire-after-write' = '1h'"],
  ] as const) {
    it(`with a cache (${label}), an update stays hidden until the cached read expires; a missing key is cached too`, async () => {
      const clock = { now: 1_000_000 };
      const s = session(() => clock.now);
      await exec(s, `${ORDERS} ${dimDdl(options)}`);
      const q = await started(s, JOIN('LEFT'));
      s.memory.append('orders', [[2, 1], [8, 1]]);
      await wait('the first rows', () => q.out.length >= 2);
      await run("UPDATE dim SET name = 'pear (ripe)' WHERE id = 2");
      await run("INSERT INTO dim VALUES (8, 'kiwi', 8)");
      clock.now += 59 * 60_000;
      s.memory.append('orders', [[2, 2], [8, 2]]);
      await wait('the cached rows', () => q.out.length >= 4);
      clock.now += 60_000; // one hour after the read
      s.memory.append('orders', [[2, 3], [8, 3]]);
      await wait('the rows read again', () => q.out.length >= 6);
      expect(q.out).toEqual([
        [2, 1, 'pear', 20],
        [8, 1, null, null],
        [2, 2, 'pear', 20], // cached
        [8, 2, null, null], // the missing key, cached
        [2, 3, 'pear (ripe)', 20],
        [8, 3, 'kiwi', 8],
      ]);
      s.memory.end('orders');
      await q.done;
      await run("UPDATE dim SET name = 'pear' WHERE id = 2");
      await run('DELETE FROM dim WHERE id = 8');
      await s.close();
    });
  }

  it("EXPLAIN shows the lookup join, its keys and cache; Flink JDBC's 'url' and 'table-name' name the file and table", async () => {
    const s = session();
    await exec(s, `${ORDERS} CREATE TABLE dim (id BIGINT, name VARCHAR, price DOUBLE) WITH ('connector' = 'sqlite', 'url' = 'jdbc:sqlite:${dbPath}', 'table-name' = 'dim', 'lookup.cache.max-rows' = '500', 'lookup.cache.ttl' = '10s');`);
    const e = await exec(s, `EXPLAIN ${JOIN('LEFT')}`);
    if (e.kind !== 'explain') throw new Error('expected EXPLAIN');
    expect(e.text).toContain('LookupJoinExec LEFT table=dim connector=sqlite keys=[k = dim.id] as-of=pt (proctime) cache=partial(max-rows=500, expire-after-write=10000 ms) changelog=append state=none');
    const q = await started(s, JOIN(''));
    s.memory.append('orders', [[1, 1]]);
    s.memory.end('orders');
    await q.done;
    expect(q.out).toEqual([[1, 1, 'apple', 1.5]]);
    await s.close();
  });

  it('a sqlite table written by one query is read by a lookup join in the next', async () => {
    const s = new Session({ store: null, endMemoryWhenDrained: true, baseDir: dir, fresh: false, onWarning: () => {} });
    await exec(s, `CREATE TABLE prices (id BIGINT, label VARCHAR) WITH ('connector' = 'sqlite', 'url' = 'sqlite:${join(dir, 'written.db')}', 'table-name' = 'labels');
      CREATE TABLE src (id BIGINT, label VARCHAR) WITH ('connector' = 'memory');`);
    s.memory.append('src', [[1, 'one'], [2, 'two']]);
    await exec(s, 'INSERT INTO prices SELECT * FROM src');
    await wait('the sink rows', async () => {
      const n = await new Promise<number>((res) => {
        const d = new sqlite3.Database(join(dir, 'written.db'));
        d.get('SELECT COUNT(*) AS n FROM labels', (err, r: { n: number } | undefined) => d.close(() => res(err ? 0 : (r?.n ?? 0))));
      });
      return n === 2;
    });
    await exec(s, ORDERS);
    const r = await exec(s, 'SELECT o.k, p.label FROM (SELECT *, PROCTIME() AS t FROM orders) o JOIN prices FOR SYSTEM_TIME AS OF o.t AS p ON o.k = p.id');
    if (r.kind !== 'select') throw new Error('expected a SELECT');
    s.memory.append('orders', [[2, 0], [1, 0], [3, 0]]);
    const out: Row[] = [];
    await r.query.start((b) => out.push(...b));
    expect(out).toEqual([[2, 'two'], [1, 'one']]);
    await s.close();
  });

  it('refuses what Flink refuses, naming the rule', async () => {
    const s = session();
    await exec(s, `${ORDERS} ${dimDdl()} CREATE TABLE mem (id BIGINT, name VARCHAR) WITH ('connector' = 'memory');`);
    const refused = async (sql: string, message: RegExp) => {
      const err = await exec(s, sql).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(EddyError);
      expect((err as EddyError).message).toMatch(message);
    };
    await refused(JOIN('RIGHT'), /a lookup join is INNER or LEFT, not RIGHT/);
    await refused('SELECT * FROM (SELECT *, PROCTIME() AS pt FROM orders) o JOIN mem FOR SYSTEM_TIME AS OF o.pt AS d ON o.k = d.id', /cannot be looked up: processing-time temporal joins are lookup joins/);
    await refused('SELECT * FROM (SELECT *, PROCTIME() AS pt FROM orders) o JOIN dim FOR SYSTEM_TIME AS OF o.pt AS d ON o.k = d.name', /cannot compare BIGINT with VARCHAR/);
    await refused('SELECT * FROM (SELECT *, PROCTIME() AS pt FROM orders) o JOIN dim FOR SYSTEM_TIME AS OF o.pt AS d ON o.v > d.id', /needs an equality/);
    await refused('SELECT * FROM orders o JOIN dim FOR SYSTEM_TIME AS OF PROCTIME() AS d ON o.k = d.id', /must name a time attribute of the left table, not PROCTIME\(\)/);
    await s.close();
  });
});

describe('lookup join against a bounded CSV file', () => {
  it("reads the file into memory once and joins by key ('filesystem' and Flink's legacy 'connector.type' keys)", async () => {
    const csv = join(dir, 'side.csv');
    writeFileSync(csv, '0,zero\n1,one\n2,two\n');
    const s = session();
    await exec(s, `${ORDERS} CREATE TABLE side (\`key\` BIGINT, \`value\` VARCHAR) WITH ('connector.type' = 'filesystem', 'connector.path' = 'file://${csv}', 'format.type' = 'csv');`);
    const q = await started(s, 'SELECT o.k, S.`value` FROM (SELECT *, PROCTIME() AS pt FROM orders) o JOIN side FOR SYSTEM_TIME AS OF o.pt AS S ON MOD(o.k, 3) = S.`key`');
    s.memory.append('orders', [[4, 0], [3, 0], [5, 0]]);
    s.memory.end('orders');
    await q.done;
    expect(q.out).toEqual([[4, 'one'], [3, 'zero'], [5, 'two']]);
    await s.close();
  });
});
