/**
 * Materialized views through the embedding API: CREATE / DROP / SHOW, read-your-writes with
 * caughtUp(), snapshot() as an arquero table, point-in-time WHERE / GROUP BY / LIMIT / ORDER BY, the
 * refusals (a point-in-time SELECT through query(), snapshot() of a stream), and a continuous
 * SELECT over a stream keeping its meaning. QueryResult.toTable() of a bounded query.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { Eddy } from '../../src/index.js';

let eddy: Eddy | null = null;
afterEach(async () => {
  await eddy?.close();
  eddy = null;
});

async function open(): Promise<Eddy> {
  eddy = await Eddy.open();
  await eddy.execute(`CREATE STREAM clicks (user VARCHAR, page VARCHAR, ms BIGINT) WITH ('connector' = 'memory')`);
  return eddy;
}

describe('materialized views in the API', () => {
  it('maintains a GROUP BY, read at any moment with snapshot()', async () => {
    const e = await open();
    const [r] = await e.execute(`CREATE MATERIALIZED VIEW per_user AS SELECT user, COUNT(*) AS n, SUM(ms) AS total FROM clicks GROUP BY user`);
    expect(r!.kind).toBe('query');
    await e.insert('clicks', [
      { user: 'a', page: 'x', ms: 10 },
      { user: 'b', page: 'y', ms: 5 },
      { user: 'a', page: 'z', ms: 7 },
    ]);
    await e.caughtUp('per_user');
    const t = e.snapshot('SELECT user, n, total FROM per_user');
    expect(t.columnNames()).toEqual(['user', 'n', 'total']);
    expect(t.orderby('user').objects()).toEqual([
      { user: 'a', n: 2, total: 17 },
      { user: 'b', n: 1, total: 5 },
    ]);
    // Updated in place: the view holds each user's latest row only.
    await e.insert('clicks', [{ user: 'b', page: 'x', ms: 1 }]);
    await e.caughtUp('per_user');
    expect(e.snapshot('SELECT * FROM per_user WHERE n >= 2').orderby('user').objects()).toEqual([
      { user: 'a', n: 2, total: 17 },
      { user: 'b', n: 2, total: 6 },
    ]);
    expect(e.snapshot('SELECT COUNT(*) AS users, SUM(total) AS t, MAX(n) AS m, AVG(total) AS a FROM per_user').objects()).toEqual([{ users: 2, t: 23, m: 2, a: 11 }]);
    expect(e.snapshot('SELECT n, COUNT(*) AS c FROM per_user GROUP BY n').objects()).toEqual([{ n: 2, c: 2 }]);
    expect(e.snapshot("SELECT UPPER(user) AS u, total * 2 AS t2 FROM per_user WHERE user <> 'a'").objects()).toEqual([{ u: 'B', t2: 12 }]);
    expect(e.snapshot('SELECT * FROM per_user LIMIT 1').numRows()).toBe(1);
  });

  it('an append-only view keeps every row, repeats too', async () => {
    const e = await open();
    await e.execute(`CREATE MATERIALIZED VIEW long_clicks AS SELECT user, ms FROM clicks WHERE ms > 3`);
    await e.insert('clicks', [
      { user: 'a', page: 'x', ms: 10 },
      { user: 'a', page: 'y', ms: 10 },
      { user: 'b', page: 'y', ms: 1 },
    ]);
    await e.caughtUp('long_clicks');
    expect(e.snapshot('SELECT * FROM long_clicks').objects()).toEqual([
      { user: 'a', ms: 10 },
      { user: 'a', ms: 10 },
    ]);
    // Over no rows an ungrouped aggregate still gives one row, as SQL does.
    expect(e.snapshot("SELECT COUNT(*) AS n, SUM(ms) AS s FROM long_clicks WHERE user = 'zz'").objects()).toEqual([{ n: 0, s: null }]);
  });

  it('SHOW and DROP MATERIALIZED VIEW; names are shared with streams and views', async () => {
    const e = await open();
    await e.execute(`CREATE MATERIALIZED VIEW mv AS SELECT page, COUNT(*) AS n FROM clicks GROUP BY page`);
    const [show] = await e.execute('SHOW MATERIALIZED VIEWS');
    expect(show).toMatchObject({ kind: 'table', rows: [['mv', 'page, n', true, 0, expect.stringMatching(/^mv_mv_/), 'RUNNING']] });
    const [views] = await e.execute('SHOW VIEWS');
    expect(views!.kind === 'table' && views!.rows.map((r) => r[0])).toEqual(['mv']);
    await expect(e.execute('CREATE MATERIALIZED VIEW clicks AS SELECT * FROM clicks')).rejects.toThrow(/stream 'clicks' already exists/);
    await expect(e.execute('CREATE VIEW mv AS SELECT * FROM clicks')).rejects.toThrow(/materialized view 'mv' already exists/);
    expect(await e.execute('CREATE MATERIALIZED VIEW IF NOT EXISTS mv AS SELECT * FROM clicks')).toMatchObject([{ kind: 'message' }]);
    expect(await e.execute('DROP MATERIALIZED VIEW mv')).toEqual([{ kind: 'message', text: "Materialized view 'mv' dropped." }]);
    expect(await e.execute('DROP MATERIALIZED VIEW IF EXISTS mv')).toEqual([{ kind: 'message', text: "Materialized view 'mv' does not exist." }]);
    await expect(e.execute('DROP MATERIALIZED VIEW mv')).rejects.toThrow(/unknown materialized view 'mv'/);
    expect(() => e.snapshot('SELECT * FROM mv')).toThrow(/snapshot\(\) takes a SELECT over materialized views and registered tables/);
  });

  it('query() over a view reads its changelog (contents first, then every change); a SELECT over a stream stays continuous', async () => {
    const e = await open();
    await e.execute(`CREATE MATERIALIZED VIEW mv AS SELECT user, COUNT(*) AS n FROM clicks GROUP BY user`);
    await e.execute(`CREATE MATERIALIZED VIEW long_clicks AS SELECT user, ms FROM clicks WHERE ms > 3`);
    await e.insert('clicks', [{ user: 'a', page: 'x', ms: 4 }]);
    await e.caughtUp('mv');
    await e.caughtUp('long_clicks');
    const changes = e.query("SELECT op, user, n FROM mv WHERE user <> 'zz'");
    const appends = e.query('SELECT user, ms * 10 AS t FROM long_clicks');
    const seen: unknown[] = [];
    const seenAppends: unknown[] = [];
    const reading = (async () => {
      for await (const r of changes) {
        seen.push(r);
        if (seen.length === 4) break;
      }
    })();
    const readingAppends = (async () => {
      for await (const r of appends) {
        seenAppends.push(r);
        if (seenAppends.length === 2) break;
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    await e.insert('clicks', [{ user: 'a', page: 'y', ms: 1 }]);
    await e.caughtUp('mv');
    await new Promise((r) => setTimeout(r, 20));
    await e.insert('clicks', [{ user: 'b', page: 'y', ms: 9 }]);
    await Promise.all([reading, readingAppends]);
    expect(seen).toEqual([
      { op: '+I', user: 'a', n: 1 },
      { op: '-U', user: 'a', n: 1 },
      { op: '+U', user: 'a', n: 2 },
      { op: '+I', user: 'b', n: 1 },
    ]);
    expect(seenAppends).toEqual([{ user: 'a', t: 40 }, { user: 'b', t: 90 }]);
    expect(() => e.snapshot('SELECT * FROM clicks')).toThrow(/snapshot\(\) takes a SELECT over materialized views and registered tables/);
    const q = e.query('SELECT user, ms FROM clicks WHERE ms > 1');
    await e.insert('clicks', [{ user: 'a', page: 'x', ms: 2 }]);
    e.end('clicks');
    const t = await q.toTable();
    // The stream's rows inserted earlier are still retained (a small memory stream keeps its rows).
    expect(t.objects()).toEqual([{ user: 'a', ms: 4 }, { user: 'b', ms: 9 }, { user: 'a', ms: 2 }]);
    expect(t).toBeInstanceOf(aq.table({}).constructor);
  });

  it('ORDER BY sorts a point-in-time query (names, aliases, positions, ASC / DESC, then LIMIT); a continuous query refuses it', async () => {
    const e = await open();
    await e.execute(`CREATE MATERIALIZED VIEW mv AS SELECT user, COUNT(*) AS n, SUM(ms) AS total FROM clicks GROUP BY user`);
    await e.insert('clicks', [
      { user: 'a', page: 'x', ms: 10 },
      { user: 'b', page: 'y', ms: 5 },
      { user: 'c', page: 'z', ms: 7 },
      { user: 'c', page: 'z', ms: 1 },
    ]);
    await e.caughtUp('mv');
    expect(e.snapshot('SELECT user, total FROM mv ORDER BY total DESC').objects()).toEqual([
      { user: 'a', total: 10 },
      { user: 'c', total: 8 },
      { user: 'b', total: 5 },
    ]);
    expect(e.snapshot('SELECT user AS u, n FROM mv ORDER BY n DESC, u ASC LIMIT 2').objects()).toEqual([
      { u: 'c', n: 2 },
      { u: 'a', n: 1 },
    ]);
    expect(e.snapshot('SELECT user, n FROM mv ORDER BY 1 DESC LIMIT 1').objects()).toEqual([{ user: 'c', n: 2 }]);
    expect(() => e.snapshot('SELECT user FROM mv ORDER BY 3')).toThrow(/ORDER BY position 3 is not in the select list/);
    expect(() => e.snapshot('SELECT user FROM mv ORDER BY n + 1')).toThrow(/takes output columns/);
    expect(() => e.query('SELECT user FROM clicks ORDER BY user')).toThrow(/ORDER BY is not supported: a continuous query has no final order/);
    await expect(e.execute('CREATE VIEW v AS SELECT user FROM clicks ORDER BY user')).rejects.toThrow(/ORDER BY is not supported/);
    expect(() => e.query('SELECT * FROM (SELECT user FROM clicks ORDER BY user) t')).toThrow(/ORDER BY is not supported/);
  });

  it('point-in-time errors name the column, as a continuous query would', async () => {
    const e = await open();
    await e.execute(`CREATE MATERIALIZED VIEW mv AS SELECT user, COUNT(*) AS n FROM clicks GROUP BY user`);
    expect(() => e.snapshot('SELECT nope FROM mv')).toThrow(/nope/);
    expect(() => e.snapshot('SELECT LISTAGG(user) FROM mv')).toThrow(/not supported in a point-in-time query/);
  });
});
