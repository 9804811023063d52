/**
 * Views (CREATE [TEMPORARY] VIEW, DROP VIEW, SHOW VIEWS, DESCRIBE): a view is a named query read
 * like a stream (a derived table bound where it is read), saved in the state database unless
 * TEMPORARY, sharing one namespace with streams. Reading a view gives exactly what the same query
 * written inline gives, also for a windowed view windowed again and a GROUP BY over a GROUP BY view.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openSession, parseStatement, tempDir } from './checkpoint-helpers.js';
import { exec, newSession, select } from './session-helpers.js';

const DDL = `CREATE STREAM bids (auction INT, price INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory');
INSERT INTO bids VALUES (1, 10, TIMESTAMP '2024-01-01 00:00:01'), (1, 20, TIMESTAMP '2024-01-01 00:00:02'), (2, 5, TIMESTAMP '2024-01-01 00:00:03'),
  (2, 7, TIMESTAMP '2024-01-01 00:00:13'), (1, 1, TIMESTAMP '2024-01-01 00:00:25'), (3, 4, TIMESTAMP '2024-01-01 00:00:31');`;

const PER_WINDOW = `SELECT auction, window_start AS ws, window_time AS wt, COUNT(*) AS n, SUM(price) AS total FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end, window_time`;

describe('views', () => {
  it('reading a view equals the same query inline: plain, windowed again, aggregated again', async () => {
    const s = newSession({ drained: true });
    await exec(s, `${DDL} CREATE VIEW per_window AS ${PER_WINDOW}; CREATE VIEW totals (a, t) AS SELECT auction, SUM(price) FROM bids GROUP BY auction;`);
    const viaView = await select(s, 'SELECT auction, n, total FROM per_window WHERE n > 1');
    expect(viaView).toEqual(await select(s, `SELECT auction, n, total FROM (${PER_WINDOW}) w WHERE n > 1`));
    expect(viaView).toEqual([[1, 2, 30]]);
    // The cascaded window: 20 s windows over the 10 s windows' rows.
    const cascaded = `SELECT window_start, COUNT(*) AS auctions, MAX(total) AS top FROM TABLE(TUMBLE(TABLE per_window, DESCRIPTOR(wt), INTERVAL '20' SECOND)) GROUP BY window_start, window_end`;
    expect(await select(s, cascaded)).toEqual([
      [Date.UTC(2024, 0, 1, 0, 0, 0), 3, 30],
      [Date.UTC(2024, 0, 1, 0, 0, 20), 2, 4],
    ]);
    // A changelog view read by a GROUP BY: the outer aggregate takes back what the view retracts.
    await exec(s, `SET 'execution.batch-size' = '1';`);
    const changes = await select(s, `SELECT COUNT(*) AS groups, SUM(t) AS total FROM totals`);
    expect(changes.filter((r) => r[0] !== '-U')).toEqual([
      ['+I', 1, 10],
      ['+U', 1, 30],
      ['+U', 2, 35],
      ['+U', 2, 42],
      ['+U', 2, 43],
      ['+U', 3, 47],
    ]);
    await s.close();
  });

  it('SHOW VIEWS and DESCRIBE show the columns (renamed by the column list) and whether it is a changelog', async () => {
    const s = newSession({ drained: true });
    await exec(s, `${DDL} CREATE VIEW totals (a, t) AS SELECT auction, SUM(price) FROM bids GROUP BY auction; CREATE TEMPORARY VIEW cheap AS SELECT * FROM bids WHERE price < 6;`);
    const views = await exec(s, 'SHOW VIEWS;');
    expect(views).toMatchObject({ kind: 'table', columns: ['name', 'columns', 'updating', 'temporary', 'query'] });
    expect(views.kind === 'table' && views.rows.map((r) => r.slice(0, 4))).toEqual([
      ['totals', 'a, t', true, false],
      ['cheap', 'auction, price, ts', false, true],
    ]);
    const desc = await exec(s, 'DESCRIBE totals;');
    expect(desc.kind === 'table' && desc.rows.slice(0, 2)).toEqual([
      ['a', 'INT', ''],
      ['t', 'BIGINT', ''],
    ]);
    // Streams and views share one namespace; SHOW STREAMS lists streams only.
    const streams = await exec(s, 'SHOW STREAMS;');
    expect(streams.kind === 'table' && streams.rows.map((r) => r[0])).toEqual(['bids']);
    await s.close();
  });

  it('refuses what cannot work, pointing at it', async () => {
    const s = newSession({ drained: true });
    await exec(s, `${DDL} CREATE VIEW v AS SELECT auction FROM bids;`);
    await expect(exec(s, 'CREATE VIEW v AS SELECT price FROM bids;')).rejects.toThrow(/view 'v' already exists/);
    await expect(exec(s, 'CREATE VIEW IF NOT EXISTS v AS SELECT price FROM bids;')).resolves.toMatchObject({ text: "View 'v' already exists." });
    await expect(exec(s, 'CREATE VIEW bids AS SELECT 1 AS one FROM bids;')).rejects.toThrow(/stream 'bids' already exists/);
    await expect(exec(s, 'CREATE VIEW w (a, b) AS SELECT auction FROM bids;')).rejects.toThrow(/names 2 columns, but its query produces 1/);
    await expect(exec(s, 'CREATE VIEW w AS SELECT nope FROM bids;')).rejects.toThrow(/nope/);
    await expect(exec(s, 'INSERT INTO v SELECT auction FROM bids;')).rejects.toThrow(/'v' is a view, not a stream/);
    await expect(exec(s, 'DROP VIEW bids;')).rejects.toThrow(/unknown view 'bids'/);
    await expect(exec(s, 'DROP VIEW IF EXISTS nothing;')).resolves.toMatchObject({ text: "View 'nothing' does not exist." });
    await expect(exec(s, 'SELECT * FROM TABLE(TUMBLE(TABLE w2, DESCRIPTOR(ts), INTERVAL \'1\' SECOND))')).rejects.toThrow(/w2/);
    await exec(s, `CREATE VIEW windowed AS ${PER_WINDOW.replace('window_start AS ws', 'window_start')};`);
    await expect(select(s, `SELECT * FROM TABLE(TUMBLE(TABLE windowed, DESCRIPTOR(wt), INTERVAL '1' MINUTE))`)).rejects.toThrow(/'windowed' already has a column 'window_start', which TUMBLE adds/);
    await s.close();
  });

  it('a view is saved in the state database and comes back on the next start; a TEMPORARY one and a dropped one do not', async () => {
    const dir = tempDir('views');
    const state = join(dir, 'state.db');
    const first = await openSession(state, dir);
    await first.run(`CREATE STREAM t (k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory');
      CREATE VIEW kept AS SELECT k, COUNT(*) AS n FROM t GROUP BY k;
      CREATE VIEW dropped AS SELECT k FROM t;
      CREATE TEMPORARY VIEW scratch AS SELECT k FROM t;
      DROP VIEW dropped;`);
    await first.close();
    const second = await openSession(state, dir);
    await second.session.loadCatalog(parseStatement);
    expect((await second.table('SHOW VIEWS')).map((r) => r['name'])).toEqual(['kept']);
    expect(second.session.catalog.hasView('scratch')).toBe(false);
    await second.run(`CREATE TEMPORARY VIEW scratch AS SELECT k FROM kept;`);
    await second.close();
  });
});
