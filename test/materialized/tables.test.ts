/**
 * arquero tables in the API: eddy.registerTable (a bounded table as a join side of continuous
 * queries and beside views in point-in-time queries, typed from its values or as given, refused
 * where it could not be resumed), point-in-time joins of two views and of a view with a registered
 * table (inner, left, semi / anti through IN / NOT EXISTS), insert() of arquero tables (an Arrow
 * table read by fromArrow, a filtered and ordered table, Date columns), and the namespace errors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { int64, timestamp, TimeUnit } from '@uwdata/flechette';
import { Eddy } from '../../src/index.js';

let eddy: Eddy | null = null;
afterEach(async () => {
  await eddy?.close();
  eddy = null;
});

const users = () => aq.table({ id: [1, 2, 3], name: ['ann', 'bob', 'cy'], tier: ['gold', 'free', null], since: [new Date(Date.UTC(2020, 0, 1)), new Date(Date.UTC(2021, 5, 1)), null] });

async function open(): Promise<Eddy> {
  eddy = await Eddy.open();
  await eddy.execute(`CREATE STREAM clicks (uid BIGINT, page VARCHAR, ms BIGINT) WITH ('connector' = 'memory')`);
  return eddy;
}

const sortBy = <T extends Record<string, unknown>>(rows: T[], ...keys: string[]): T[] =>
  [...rows].sort((a, b) => {
    for (const k of keys) {
      const x = String(a[k]);
      const y = String(b[k]);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });

describe('eddy.registerTable', () => {
  it('is a bounded join side of continuous queries, read whole by every query', async () => {
    const e = await open();
    expect(e.registerTable('Users', users())).toBe('users');
    const [d] = await e.execute('DESCRIBE users');
    expect(d!.kind === 'table' && d!.rows.slice(0, 4)).toEqual([['id', 'BIGINT', ''], ['name', 'VARCHAR', ''], ['tier', 'VARCHAR', ''], ['since', 'TIMESTAMP(3)', '']]);
    await e.execute(`CREATE STREAM clicks1 (uid BIGINT, page VARCHAR, ms BIGINT) WITH ('connector' = 'memory')`);
    for (let round = 0; round < 2; round++) {
      const q = e.query(`SELECT c.page, u.name, u.tier FROM clicks${round || ''} c JOIN users u ON c.uid = u.id`);
      const rows = (async () => q.toArray())();
      await e.insert(`clicks${round || ''}`, [
        { uid: 1, page: `/a${round}`, ms: 1 },
        { uid: 3, page: `/b${round}`, ms: 2 },
        { uid: 9, page: `/c${round}`, ms: 3 },
      ]);
      await new Promise((r) => setTimeout(r, 50));
      q.cancel();
      expect(sortBy(await rows, 'page')).toEqual([
        { page: `/a${round}`, name: 'ann', tier: 'gold' },
        { page: `/b${round}`, name: 'cy', tier: null },
      ]);
    }
    // A query over the table alone reads its rows and ends.
    expect(await e.query('SELECT name FROM users WHERE id > 1').toArray()).toEqual([{ name: 'bob' }, { name: 'cy' }]);
    expect(e.snapshot("SELECT tier, COUNT(*) AS n FROM users WHERE since IS NOT NULL GROUP BY tier ORDER BY tier").objects()).toEqual([
      { tier: 'free', n: 1 },
      { tier: 'gold', n: 1 },
    ]);
    expect((e.snapshot('SELECT since FROM users WHERE id = 1').objects()[0] as { since: Date }).since).toEqual(new Date(Date.UTC(2020, 0, 1)));
  });

  it('types columns from the values or as given, and explains what it cannot type', async () => {
    const e = await open();
    e.registerTable('prices', aq.table({ k: [1, 2], p: [1, 2.5], flag: [true, null], note: [null, null] }), { types: { note: 'VARCHAR(20)' } });
    const [d] = await e.execute('DESCRIBE prices');
    expect(d!.kind === 'table' && d!.rows.slice(0, 4)).toEqual([['k', 'BIGINT', ''], ['p', 'DOUBLE', ''], ['flag', 'BOOLEAN', ''], ['note', 'VARCHAR', '']]);
    expect(() => e.registerTable('t', aq.table({ a: [null] }))).toThrow(/column 'a' holds only NULLs.*/);
    expect(() => e.registerTable('t', aq.table({ a: [1, 'x'] }))).toThrow(/column 'a' mixes BIGINT and VARCHAR values \(row 2\)/);
    expect(() => e.registerTable('t', aq.table({ a: [[1]] }))).toThrow(/holds an array values/);
    expect(() => e.registerTable('t', aq.table({ a: [1] }), { types: { b: 'INT' } })).toThrow(/'b', which is not a column/);
    expect(() => e.registerTable('clicks', aq.table({ a: [1] }))).toThrow(/stream 'clicks' already exists/);
    await expect(e.insert('prices', [{ k: 3 }])).rejects.toThrow(/'prices' is a registered table/);
    // Registering again replaces the rows.
    e.registerTable('prices', aq.table({ k: [7], p: [0.5], flag: [false], note: ['n'] }));
    expect(e.snapshot('SELECT * FROM prices').objects()).toEqual([{ k: 7, p: 0.5, flag: false, note: 'n' }]);
  });

  it('a persistent query over it is refused with a state database, allowed without', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-tables-'));
    try {
      eddy = await Eddy.open({ state: join(dir, 'state.db') });
      await eddy.execute(`CREATE STREAM clicks (uid BIGINT, page VARCHAR, ms BIGINT) WITH ('connector' = 'memory')`);
      eddy.registerTable('users', users());
      await expect(eddy.execute('CREATE MATERIALIZED VIEW per_name AS SELECT u.name, COUNT(*) AS n FROM clicks c JOIN users u ON c.uid = u.id GROUP BY u.name')).rejects.toThrow(
        /'users' is a registered table, which lives in this process only/,
      );
      await eddy.close();
      const e = await open();
      e.registerTable('users', users());
      await e.execute('CREATE MATERIALIZED VIEW per_name AS SELECT u.name, COUNT(*) AS n FROM clicks c JOIN users u ON c.uid = u.id GROUP BY u.name');
      await e.insert('clicks', [{ uid: 1, page: 'x', ms: 1 }, { uid: 1, page: 'y', ms: 1 }, { uid: 2, page: 'x', ms: 1 }]);
      await new Promise((r) => setTimeout(r, 50));
      await e.caughtUp('per_name');
      expect(e.snapshot('SELECT * FROM per_name ORDER BY name').objects()).toEqual([{ name: 'ann', n: 2 }, { name: 'bob', n: 1 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('point-in-time joins', () => {
  async function twoViews(): Promise<Eddy> {
    const e = await open();
    await e.execute('CREATE MATERIALIZED VIEW per_user AS SELECT uid, COUNT(*) AS n FROM clicks GROUP BY uid');
    await e.execute('CREATE MATERIALIZED VIEW time_per_user AS SELECT uid, SUM(ms) AS total FROM clicks WHERE page <> \'/skip\' GROUP BY uid');
    e.registerTable('users', users());
    await e.insert('clicks', [
      { uid: 1, page: '/a', ms: 10 },
      { uid: 2, page: '/skip', ms: 5 },
      { uid: 1, page: '/b', ms: 7 },
      { uid: 4, page: '/c', ms: 1 },
      { uid: null, page: '/d', ms: 2 },
    ]);
    await e.caughtUp('per_user');
    await e.caughtUp('time_per_user');
    return e;
  }

  it('joins two views (inner and left), and a view with a registered table', async () => {
    const e = await twoViews();
    expect(e.snapshot('SELECT p.uid, p.n, t.total FROM per_user p JOIN time_per_user t ON p.uid = t.uid ORDER BY uid').objects()).toEqual([
      { uid: 1, n: 2, total: 17 },
      { uid: 4, n: 1, total: 1 },
    ]);
    // uid NULL never matches (its n is still counted on the left).
    expect(e.snapshot('SELECT p.uid, p.n, t.total FROM per_user p LEFT JOIN time_per_user t ON p.uid = t.uid ORDER BY uid').objects()).toEqual([
      { uid: null, n: 1, total: null },
      { uid: 1, n: 2, total: 17 },
      { uid: 2, n: 1, total: null },
      { uid: 4, n: 1, total: 1 },
    ]);
    expect(e.snapshot('SELECT u.name, u.tier, p.n FROM per_user p JOIN users u ON p.uid = u.id WHERE u.tier IS NOT NULL ORDER BY name').objects()).toEqual([
      { name: 'ann', tier: 'gold', n: 2 },
      { name: 'bob', tier: 'free', n: 1 },
    ]);
    expect(e.snapshot('SELECT u.tier, SUM(p.n) AS clicks, COUNT(*) AS users FROM users u LEFT JOIN per_user p ON u.id = p.uid GROUP BY u.tier ORDER BY clicks DESC').objects()).toEqual([
      { tier: 'gold', clicks: 2, users: 1 },
      { tier: 'free', clicks: 1, users: 1 },
      { tier: null, clicks: null, users: 1 },
    ]);
    expect(e.snapshot('SELECT name FROM users WHERE id IN (SELECT uid FROM per_user) ORDER BY name').objects()).toEqual([{ name: 'ann' }, { name: 'bob' }]);
    expect(e.snapshot('SELECT name FROM users u WHERE NOT EXISTS (SELECT * FROM per_user p WHERE p.uid = u.id)').objects()).toEqual([{ name: 'cy' }]);
  });

  it('refuses what it cannot do yet, by name', async () => {
    const e = await twoViews();
    expect(() => e.snapshot('SELECT * FROM per_user p LEFT JOIN users u ON p.uid = u.id AND u.tier = \'gold\'')).toThrow(/left join with conditions beyond key equalities/);
    expect(() => e.snapshot('SELECT * FROM per_user p JOIN users u ON p.uid > u.id')).toThrow(/needs an equality/);
    // A query reading a stream as well is not point-in-time.
    expect(() => e.snapshot('SELECT * FROM per_user p JOIN clicks c ON p.uid = c.uid')).toThrow(/snapshot\(\) takes a SELECT over materialized views and registered tables/);
  });
});

describe('insert() of arquero tables', () => {
  it('takes a table read from Arrow (typed columns, epoch-ms timestamps), a filtered and ordered table, and Dates', async () => {
    eddy = await Eddy.open();
    const e = eddy;
    await e.execute(`CREATE STREAM ev (id BIGINT, name VARCHAR, ts TIMESTAMP(3)) WITH ('connector' = 'memory')`);
    await e.execute('CREATE MATERIALIZED VIEW all_ev AS SELECT id, name, ts FROM ev');
    const T = Date.UTC(2024, 0, 1);
    const ipc = aq.toArrowIPC(aq.table({ id: [1, 2], name: ['x', null], ts: [T, T + 1] }), { types: { id: int64(), ts: timestamp(TimeUnit.MILLISECOND) } });
    expect(await e.insert('ev', aq.fromArrow(ipc, { useDate: false } as never))).toBe(2);
    expect(await e.insert('ev', aq.fromArrow(ipc))).toBe(2); // timestamps as Dates (arquero's default)
    const t = aq.table({ id: [5, 3, 4], name: ['a', 'b', 'c'], ts: [new Date(T + 5), new Date(T + 3), new Date(T + 4)] });
    expect(await e.insert('ev', t.filter((d: { id: number }) => d.id > 3).orderby('id'))).toBe(2);
    await expect(e.insert('ev', aq.table({ id: [1], nam: ['x'] }))).rejects.toThrow(/'nam' is not a column of stream 'ev'.*/);
    await e.caughtUp('all_ev');
    expect(e.snapshot('SELECT id, name, ts FROM all_ev ORDER BY id, ts').objects().map((o) => ({ ...o, ts: (o as { ts: Date }).ts.getTime() - T }))).toEqual([
      { id: 1, name: 'x', ts: 0 },
      { id: 1, name: 'x', ts: 0 },
      { id: 2, name: null, ts: 1 },
      { id: 2, name: null, ts: 1 },
      { id: 4, name: 'c', ts: 4 },
      { id: 5, name: 'a', ts: 5 },
    ]);
  });
});

describe('one namespace', () => {
  it('CREATE STREAM (and CREATE STREAM AS) named like a materialized view is refused with a clear error', async () => {
    const e = await open();
    await e.execute('CREATE MATERIALIZED VIEW mv AS SELECT uid, COUNT(*) AS n FROM clicks GROUP BY uid');
    await expect(e.execute("CREATE STREAM mv (a BIGINT) WITH ('connector' = 'memory')")).rejects.toThrow(/'mv' is a materialized view/);
    await expect(e.execute("CREATE STREAM mv WITH ('connector' = 'memory') AS SELECT * FROM clicks")).rejects.toThrow(/'mv' is a materialized view/);
    expect(await e.execute("CREATE STREAM IF NOT EXISTS mv (a BIGINT) WITH ('connector' = 'memory')")).toEqual([{ kind: 'message', text: "'mv' already exists." }]);
    expect(() => e.registerTable('mv', aq.table({ a: [1] }))).toThrow(/'mv' is a materialized view/);
  });
});
