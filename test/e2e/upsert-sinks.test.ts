/**
 * Updating results into sinks, as Flink: a 'sqlite' table with PRIMARY KEY (...) NOT ENFORCED
 * takes the changelog as upserts and deletes by its key (its final contents equal SQLite's own
 * GROUP BY over the same rows), 'print' shows each change's op, 'blackhole' takes it, and
 * insert-only sinks ('filesystem', memory) or an upsert sink without a key refuse it with the sink,
 * the query and the updating node named. Through the real `eddy -f`, checkpointed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { runCli, tempDir } from './checkpoint-helpers.js';

let dir: string;
const ROWS = 6000;

function all(file: string, sql: string): Promise<Record<string, unknown>[]> {
  return new Promise((res, rej) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY);
    db.all(sql, (e: Error | null, rows: Record<string, unknown>[]) => db.close(() => (e ? rej(e) : res(rows))));
  });
}

/** The input as a SQLite table `ev`, for the reference results. */
async function loadReference(file: string, lines: readonly { k: string; v: number; ts: number }[]): Promise<void> {
  const db = new sqlite3.Database(file);
  const run = (sql: string, p: unknown[] = []) => new Promise<void>((res, rej) => db.run(sql, p, (e) => (e ? rej(e) : res())));
  await run('CREATE TABLE ev (seq INTEGER, k TEXT, v INTEGER, ts INTEGER)');
  await run('BEGIN');
  for (let i = 0; i < lines.length; i++) await run('INSERT INTO ev VALUES (?, ?, ?, ?)', [i, lines[i]!.k, lines[i]!.v, lines[i]!.ts]);
  await run('COMMIT');
  await new Promise<void>((res) => db.close(() => res()));
}

const DDL = `CREATE TABLE ev (k VARCHAR, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
  WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SET 'execution.batch-size' = '64';`;

function run(script: string, state = 'state.db'): { status: number | null; stdout: string; stderr: string } {
  writeFileSync(join(dir, 'q.sql'), script);
  return runCli(dir, ['-f', 'q.sql', '--state', state, '--checkpoint-interval', '20ms'], 30_000);
}

beforeAll(async () => {
  dir = tempDir('upsert');
  const lines: { k: string; v: number; ts: number }[] = [];
  let t = Date.UTC(2024, 0, 1);
  for (let i = 0; i < ROWS; i++) lines.push({ k: `k${(i * 7) % 41}`, v: (i * 7919) % 101, ts: (t += 3) });
  writeFileSync(join(dir, 'in.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  await loadReference(join(dir, 'ref.db'), lines);
});

describe('a sqlite sink with a PRIMARY KEY takes an updating result as upserts', () => {
  it('GROUP BY ... HAVING (inserts, updates, deletes) leaves the table SQLite computes', async () => {
    const having = 'HAVING COUNT(*) < 100 OR MAX(v) > 99';
    const r = run(`${DDL}
      CREATE TABLE agg (k VARCHAR, n BIGINT, s BIGINT, top BIGINT, PRIMARY KEY (k) NOT ENFORCED)
        WITH ('connector' = 'sqlite', 'path' = 'out.db', 'table' = 'agg');
      INSERT INTO agg SELECT k, COUNT(*), SUM(v), MAX(v) FROM ev WHERE v <> 100 OR k < 'k2' GROUP BY k ${having};`);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    const got = await all(join(dir, 'out.db'), 'SELECT k, n, s, top FROM agg ORDER BY k');
    const want = await all(join(dir, 'ref.db'), `SELECT k, COUNT(*) AS n, SUM(v) AS s, MAX(v) AS top FROM ev WHERE v <> 100 OR k < 'k2' GROUP BY k ${having} ORDER BY k`);
    expect(want.length).toBeGreaterThan(3);
    expect(want.length).toBeLessThan(41);
    expect(got).toEqual(want);
    const ddl = await all(join(dir, 'out.db'), "SELECT sql FROM sqlite_master WHERE name = 'agg'");
    expect(String(ddl[0]!['sql'])).toContain('PRIMARY KEY ("k")');
  });

  it('a global aggregate (no GROUP BY) keeps one row', async () => {
    const r = run(`${DDL}
      CREATE TABLE total (n BIGINT, s BIGINT, PRIMARY KEY (n) NOT ENFORCED) WITH ('connector' = 'sqlite', 'path' = 'out.db', 'table' = 'total');
      INSERT INTO total SELECT COUNT(*), SUM(v) FROM ev;`);
    expect(r.status).toBe(0);
    expect(await all(join(dir, 'out.db'), 'SELECT n, s FROM total')).toEqual(await all(join(dir, 'ref.db'), 'SELECT COUNT(*) AS n, SUM(v) AS s FROM ev'));
  });

  it('an append-only result into a PRIMARY KEY table keeps the last row per key', async () => {
    const r = run(`${DDL}
      CREATE TABLE latest (k VARCHAR, v BIGINT, ts TIMESTAMP(3), PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'sqlite', 'path' = 'out.db', 'table' = 'latest');
      INSERT INTO latest SELECT k, v, ts FROM ev;`);
    expect(r.status).toBe(0);
    const got = await all(join(dir, 'out.db'), 'SELECT k, v FROM latest ORDER BY k');
    const want = await all(join(dir, 'ref.db'), 'SELECT k, v FROM ev e WHERE seq = (SELECT MAX(seq) FROM ev WHERE k = e.k) ORDER BY k');
    expect(got).toEqual(want);
  });

  it('INSERT INTO keeps rows of other keys; INSERT OVERWRITE replaces the table', async () => {
    rmSync(join(dir, 'keep.db'), { force: true });
    const table = `CREATE TABLE keep (k VARCHAR, n BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'sqlite', 'path' = 'keep.db', 'table' = 'keep');`;
    expect(run(`${DDL} ${table} INSERT INTO keep SELECT 'zz' || k, COUNT(*) FROM ev WHERE v = 1 GROUP BY k;`, 'keep-state-1.db').status).toBe(0);
    const before = (await all(join(dir, 'keep.db'), 'SELECT COUNT(*) AS c FROM keep'))[0]!['c'] as number;
    expect(before).toBeGreaterThan(0);
    expect(run(`${DDL} ${table} INSERT INTO keep SELECT k, COUNT(*) FROM ev GROUP BY k;`, 'keep-state-2.db').status).toBe(0);
    expect((await all(join(dir, 'keep.db'), 'SELECT COUNT(*) AS c FROM keep'))[0]!['c']).toBe(before + 41);
    expect(run(`${DDL} ${table} INSERT OVERWRITE keep SELECT k, COUNT(*) FROM ev GROUP BY k;`, 'keep-state-3.db').status).toBe(0);
    expect((await all(join(dir, 'keep.db'), 'SELECT COUNT(*) AS c FROM keep'))[0]!['c']).toBe(41);
  });
});

describe('sinks that show or drop changes', () => {
  it("'print' shows each change with its RowKind as Flink does, and the folded changes are the result", async () => {
    const r = run(`${DDL}
      CREATE TABLE p (k VARCHAR, n BIGINT) WITH ('connector' = 'print');
      INSERT INTO p SELECT k, COUNT(*) FROM ev WHERE v < 3 GROUP BY k HAVING COUNT(*) < 4;`);
    expect(r.status).toBe(0);
    // Flink's print text, `+U[k, 3]`: the change's RowKind, then the row.
    const rows = r.stdout.split('\n').filter((l) => /^[+-][IUD]\[/.test(l)).map((l) => {
      const m = /^([+-][IUD])\[(.*), (\d+)\]$/.exec(l)!;
      return { op: m[1]!, k: m[2]!, n: Number(m[3]) };
    });
    expect(new Set(rows.map((x) => x.op))).toEqual(new Set(['+I', '-U', '+U', '-D']));
    const live = new Map<string, number>();
    for (const x of rows) {
      if (x.op === '+I' || x.op === '+U') live.set(x.k, x.n);
      else live.delete(x.k);
    }
    const want = await all(join(dir, 'ref.db'), 'SELECT k, COUNT(*) AS n FROM ev WHERE v < 3 GROUP BY k HAVING COUNT(*) < 4 ORDER BY k');
    expect([...live.entries()].sort().map(([k, n]) => ({ k, n }))).toEqual(want);
  });

  it("'blackhole' takes an updating result", () => {
    const r = run(`${DDL}
      CREATE TABLE b (k VARCHAR, n BIGINT) WITH ('connector' = 'blackhole');
      INSERT INTO b SELECT k, COUNT(*) FROM ev GROUP BY k;`);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
  });
});

describe('sinks that refuse an updating result, as Flink', () => {
  it("'filesystem' names the sink, the query and the updating node, and suggests a PRIMARY KEY sink", () => {
    const r = run(`${DDL}
      CREATE TABLE f (k VARCHAR, n BIGINT) WITH ('connector' = 'filesystem', 'path' = 'f.json', 'format' = 'json');
      INSERT INTO f SELECT k, COUNT(*) FROM ev GROUP BY k;`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Table sink 'f' \(connector 'filesystem'\) doesn't support consuming update changes, which query 'insert_into_f_[0-9a-f]{8}' produces \(GroupAggregateExec keys=\[k\]/);
    expect(r.stderr).toMatch(/PRIMARY KEY/);
    expect(r.stderr).toMatch(/\^/);
  });

  it('a memory stream refuses it too (unless it declares op VARCHAR first)', () => {
    const bad = run(`${DDL} CREATE TABLE m (k VARCHAR, n BIGINT); INSERT INTO m SELECT k, COUNT(*) FROM ev GROUP BY k;`);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/doesn't support consuming update changes/);
    const ok = run(`${DDL} CREATE TABLE f2 (op VARCHAR, k VARCHAR, n BIGINT) WITH ('connector' = 'filesystem', 'path' = 'f2.json', 'format' = 'json');
      INSERT INTO f2 SELECT k, COUNT(*) FROM ev GROUP BY k;`);
    expect(ok.stderr).not.toMatch(/error/i);
    expect(ok.status).toBe(0);
  });

  it("a 'sqlite' sink without a PRIMARY KEY asks for one", () => {
    const r = run(`${DDL}
      CREATE TABLE s (k VARCHAR, n BIGINT) WITH ('connector' = 'sqlite', 'path' = 'out.db', 'table' = 'nokey');
      INSERT INTO s SELECT k, COUNT(*) FROM ev GROUP BY k;`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/needs a PRIMARY KEY to consume the update changes/);
  });

  it('a PRIMARY KEY that does not cover the grouping key is refused', () => {
    const r = run(`${DDL}
      CREATE TABLE s2 (k VARCHAR, n BIGINT, PRIMARY KEY (n) NOT ENFORCED) WITH ('connector' = 'sqlite', 'path' = 'out.db', 'table' = 'wrongkey');
      INSERT INTO s2 SELECT k, COUNT(*) FROM ev GROUP BY k;`);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/PRIMARY KEY \(n\) of 's2' does not cover the key .* \(k\)/);
  });
});
