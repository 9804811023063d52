import sqlite3 from 'sqlite3';

type Cell = string | number | null;

/** Runs `select` in an in-memory SQLite over table t(g, x) holding `rows`; returns its rows as arrays. */
export async function sqliteQuery(rows: readonly (readonly [Cell, Cell])[], xType: string, select: string): Promise<Cell[][]> {
  const db = new sqlite3.Database(':memory:');
  const run = (sql: string, params: Cell[] = []): Promise<void> => new Promise((ok, fail) => db.run(sql, params, (e) => (e ? fail(e) : ok())));
  const all = (sql: string): Promise<Record<string, Cell>[]> => new Promise((ok, fail) => db.all(sql, (e, r) => (e ? fail(e) : ok(r as Record<string, Cell>[]))));
  try {
    await run(`CREATE TABLE t (g INTEGER, x ${xType})`);
    await run('BEGIN');
    for (const r of rows) await run('INSERT INTO t VALUES (?, ?)', [r[0], r[1]]);
    await run('COMMIT');
    return (await all(select)).map((o) => Object.values(o));
  } finally {
    await new Promise<void>((ok) => db.close(() => ok()));
  }
}
