/**
 * Exact numbers end to end (issue 12): BIGINT over the whole 64-bit range and DECIMAL(p, s) from a
 * JSON file through a query to JSON, CSV and SQLite sinks; BIGINT arithmetic at the edges against a
 * BigInt reference (wrapping as Java's long, as Flink); SUM over BIGINT against SQLite (exact, within
 * 64 bits); GROUP BY keys that differ beyond 2^53; and a checkpoint restore with a BigInt and a
 * DECIMAL in aggregate state.
 */
import fc from 'fast-check';
import sqlite3 from 'sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Session } from '../../src/runtime/session.js';
import { Eddy } from '../../src/engine.js';
import { runScript } from '../../repl/script-runner.js';
import { persistentQueryId } from '../../src/runtime/sink-ownership.js';
import { openSession, parseStatement, tempDir, until, type SessionHarness } from './checkpoint-helpers.js';

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** Runs a script as `eddy -f --format json --state :memory:` in `dir`; returns stdout (JSON lines), failing on a non-zero status. */
async function script(dir: string, text: string): Promise<string> {
  const session = new Session({ store: null, endMemoryWhenDrained: true, baseDir: dir, fresh: false });
  const out = new Collect();
  const err = new Collect();
  const status = await runScript(session, text, { out, err, format: 'json', file: 'test.sql', quiet: true }, { stopped: false });
  await session.close();
  expect(err.text.replace(/^(Stream|Table) '\w+' created\.\n/gm, '').replace(/^Query .*\n/gm, ''), `stderr:\n${err.text}`).not.toMatch(/error/i);
  expect(status, `stderr:\n${err.text}`).toBe(0);
  return out.text;
}

function sqliteAll(db: string, text: string): Promise<Record<string, unknown>[]> {
  return new Promise((res, rej) => {
    const d = new sqlite3.Database(db);
    d.all(text, (e, rows) => d.close(() => (e ? rej(e) : res(rows as Record<string, unknown>[]))));
  });
}

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;
const EDGES = [0n, 1n, -1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, MAX, MIN, MAX - 1n, MIN + 1n, 3n, -7n];
const int64 = fc.oneof(fc.constantFrom(...EDGES), fc.bigInt({ min: MIN, max: MAX }), fc.bigInt({ min: -(2n ** 55n), max: 2n ** 55n }));
const wrap = (x: bigint) => BigInt.asIntN(64, x);

describe('exact numbers from file to file', () => {
  it('JSON: 2^63 - 1, -2^63, 2^53 + 1 and DECIMAL(38, 10) values come out digit for digit; CSV and SQLite too', async () => {
    const dir = tempDir('exact-json');
    const lines = [
      '{"id": 9223372036854775807, "d": 1234567890123456789012345678.0123456789}',
      '{"id": -9223372036854775808, "d": -0.0000000001}',
      '{"id": 9007199254740993, "d": "99999999999999999999999999.9999999999"}',
      '{"id": 1, "d": 0}',
    ];
    writeFileSync(join(dir, 'in.jsonl'), lines.join('\n') + '\n');
    await script(
      dir,
      `CREATE TABLE src (id BIGINT, d DECIMAL(38, 10)) WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
CREATE TABLE out_json (id BIGINT, d DECIMAL(38, 10)) WITH ('connector' = 'filesystem', 'path' = 'out.jsonl', 'format' = 'json');
CREATE TABLE out_csv (id BIGINT, d DECIMAL(38, 10)) WITH ('connector' = 'filesystem', 'path' = 'out.csv', 'format' = 'csv');
CREATE TABLE out_db (id BIGINT, d DECIMAL(38, 10), PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'sqlite', 'path' = 'out.db', 'table' = 't');
INSERT INTO out_json SELECT * FROM src;
INSERT INTO out_csv SELECT * FROM src;
INSERT INTO out_db SELECT * FROM src;`,
    );
    expect(readFileSync(join(dir, 'out.jsonl'), 'utf8')).toBe(
      [
        '{"id":9223372036854775807,"d":1234567890123456789012345678.0123456789}',
        '{"id":-9223372036854775808,"d":-0.0000000001}',
        '{"id":9007199254740993,"d":99999999999999999999999999.9999999999}',
        '{"id":1,"d":0.0000000000}',
      ].join('\n') + '\n',
    );
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toContain('9223372036854775807,1234567890123456789012345678.0123456789');
    const rows = await sqliteAll(join(dir, 'out.db'), 'SELECT typeof(id) AS t, CAST(id AS TEXT) AS id, typeof(d) AS td, d FROM t ORDER BY id');
    expect(rows).toEqual([
      { t: 'integer', id: '-9223372036854775808', td: 'text', d: '-0.0000000001' },
      { t: 'integer', id: '1', td: 'text', d: '0.0000000000' },
      { t: 'integer', id: '9007199254740993', td: 'text', d: '99999999999999999999999999.9999999999' },
      { t: 'integer', id: '9223372036854775807', td: 'text', d: '1234567890123456789012345678.0123456789' },
    ]);
    // The JSON output reads back as the same values (a second round).
    writeFileSync(join(dir, 'in.jsonl'), readFileSync(join(dir, 'out.jsonl')));
    const again = await script(dir, `CREATE TABLE src (id BIGINT, d DECIMAL(38, 10)) WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');\nSELECT * FROM src;`);
    expect(again).toBe(readFileSync(join(dir, 'out.jsonl'), 'utf8'));
  });
});

describe('the embedding API', () => {
  it('takes BIGINT as a number, a bigint or digits and DECIMAL as a number or text; gives a bigint beyond 2^53 and DECIMAL text', async () => {
    const eddy = await Eddy.open();
    try {
      await eddy.execute(`CREATE STREAM t (id BIGINT, d DECIMAL(5, 2)) WITH ('connector' = 'memory')`);
      const q = eddy.query('SELECT id, d, d * 2 AS d2, id + 1 AS id1 FROM t');
      await eddy.insert('t', [{ id: 9007199254740993n, d: 1.5 }, { id: '9223372036854775806', d: '2.345' }, { id: 1, d: null }]);
      eddy.end('t');
      expect(await q.toArray()).toEqual([
        { id: 9007199254740993n, d: '1.50', d2: '3.00', id1: 9007199254740994n },
        { id: 9223372036854775806n, d: '2.35', d2: '4.70', id1: 9223372036854775807n },
        { id: 1, d: null, d2: null, id1: 2 },
      ]);
    } finally {
      await eddy.close();
    }
  });
});

describe('DECIMAL join keys', () => {
  it('join DECIMAL(10, 2) with DECIMAL(12, 4) and BIGINT keys beyond 2^53 exactly', async () => {
    const dir = tempDir('exact-join');
    writeFileSync(join(dir, 'l.jsonl'), '{"k": 1.5, "b": 9007199254740993}\n{"k": 2, "b": 9007199254740992}\n');
    writeFileSync(join(dir, 'r.jsonl'), '{"k": 1.5, "b": 9007199254740993, "n": "x"}\n{"k": 2.0001, "b": 9007199254740992, "n": "y"}\n{"k": 2, "b": 9007199254740993, "n": "z"}\n');
    const out = await script(
      dir,
      `CREATE TABLE l (k DECIMAL(10, 2), b BIGINT) WITH ('connector' = 'filesystem', 'path' = 'l.jsonl', 'format' = 'json');
CREATE TABLE r (k DECIMAL(12, 4), b BIGINT, n STRING) WITH ('connector' = 'filesystem', 'path' = 'r.jsonl', 'format' = 'json');
SELECT l.k, r.k AS rk, r.n FROM l JOIN r ON l.k = r.k;
SELECT l.b, r.n FROM l JOIN r ON l.b = r.b;`,
    );
    const lines = out.trim().split('\n').sort();
    expect(lines).toEqual(['{"b":9007199254740992,"n":"y"}', '{"b":9007199254740993,"n":"x"}', '{"b":9007199254740993,"n":"z"}', '{"k":1.50,"rk":1.5000,"n":"x"}', '{"k":2.00,"rk":2.0000,"n":"z"}']);
  });
});

describe('BIGINT arithmetic at the edges', () => {
  it('+ - * / % and unary - match Java long arithmetic (64-bit wrap, truncating division), GROUP BY keys stay exact', async () => {
    const pairs = fc.sample(fc.tuple(int64, int64), { numRuns: 400, seed: 63 });
    for (const a of EDGES) for (const b of EDGES) pairs.push([a, b]);
    const dir = tempDir('exact-bigint');
    writeFileSync(join(dir, 'in.jsonl'), pairs.map(([a, b], i) => `{"i": ${i}, "a": ${a}, "b": ${b}}`).join('\n') + '\n');
    const out = await script(
      dir,
      `CREATE TABLE p (i INT, a BIGINT, b BIGINT) WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
SELECT i, a + b AS s, a - b AS d, a * b AS m, CASE WHEN b = 0 THEN NULL ELSE a / b END AS q, CASE WHEN b = 0 THEN NULL ELSE a % b END AS r, -a AS n, a < b AS lt, a = b AS eq FROM p;`,
    );
    const got = out.trim().split('\n');
    expect(got).toHaveLength(pairs.length);
    const text = (x: bigint | null) => (x === null ? 'null' : String(x));
    got.forEach((line, i) => {
      const [a, b] = pairs[i]!;
      const q = b === 0n ? null : wrap(a / b);
      const r = b === 0n ? null : a % b;
      expect(line).toBe(`{"i":${i},"s":${text(wrap(a + b))},"d":${text(wrap(a - b))},"m":${text(wrap(a * b))},"q":${text(q)},"r":${text(r)},"n":${text(wrap(-a))},"lt":${a < b},"eq":${a === b}}`);
    });

    const keys = await script(dir, `CREATE TABLE p (i INT, a BIGINT, b BIGINT) WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');\nSELECT a, COUNT(*) AS n FROM p GROUP BY a;`);
    const counts = new Map<string, number>();
    for (const [a] of pairs) counts.set(String(a), (counts.get(String(a)) ?? 0) + 1);
    const final = new Map<string, number>();
    for (const line of keys.trim().split('\n')) {
      const m = /^\{"op":"[+-][IU]","a":(-?\d+),"n":(\d+)\}$/.exec(line)!;
      expect(m, line).not.toBeNull();
      if (line.includes('"-U"')) continue;
      final.set(m[1]!, Number(m[2]));
    }
    expect(final).toEqual(counts);
  });

  it('SUM over BIGINT equals SQLite (exact integer sums) while the sums stay within 64 bits', async () => {
    const groups = fc.sample(fc.array(fc.oneof(fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }), fc.constantFrom(2n ** 53n + 1n, -(2n ** 53n) - 1n, 1n)), { minLength: 1, maxLength: 6 }), { numRuns: 60, seed: 9 });
    const rows = groups.flatMap((vs, g) => vs.map((v) => [g, v] as const));
    const dir = tempDir('exact-sum');
    writeFileSync(join(dir, 'in.csv'), 'g,v\n' + rows.map(([g, v]) => `${g},${v}`).join('\n') + '\n');
    const out = await script(dir, `CREATE TABLE p (g INT, v BIGINT) WITH ('connector' = 'filesystem', 'path' = 'in.csv', 'format' = 'csv');\nSELECT g, SUM(v) AS s, MIN(v) AS mn, MAX(v) AS mx FROM p GROUP BY g;`);
    const eddy = new Map<string, string>();
    for (const line of out.trim().split('\n')) {
      if (line.startsWith('{"op":"-U"')) continue;
      const m = /"g":(\d+),"s":(-?\d+),"mn":(-?\d+),"mx":(-?\d+)/.exec(line)!;
      eddy.set(m[1]!, `${m[2]} ${m[3]} ${m[4]}`);
    }
    const db = new sqlite3.Database(':memory:');
    const run = (text: string) => new Promise<Record<string, unknown>[]>((res, rej) => db.all(text, (e, r) => (e ? rej(e) : res(r as Record<string, unknown>[]))));
    await run('CREATE TABLE p (g INTEGER, v INTEGER)');
    // Bound as text: the INTEGER affinity stores the exact integer (the binding turns a BigInt into NULL).
    for (const [g, v] of rows) await new Promise<void>((res, rej) => db.run('INSERT INTO p VALUES (?, ?)', [g, String(v)], (e) => (e ? rej(e) : res())));
    const ref = await run('SELECT g, CAST(SUM(v) AS TEXT) AS s, CAST(MIN(v) AS TEXT) AS mn, CAST(MAX(v) AS TEXT) AS mx FROM p GROUP BY g');
    await new Promise<void>((res) => db.close(() => res()));
    expect(eddy).toEqual(new Map(ref.map((r) => [String(r['g']), `${r['s']} ${r['mn']} ${r['mx']}`])));
    expect([...eddy.values()].some((s) => BigInt(s.split(' ')[0]!) > 2n ** 53n || BigInt(s.split(' ')[0]!) < -(2n ** 53n))).toBe(true);
  });
});

describe('checkpoints', () => {
  let open: SessionHarness[] = [];
  afterEach(async () => {
    for (const h of open) await h.close();
    open = [];
  });

  it('a BigInt SUM and a DECIMAL SUM/AVG in window state survive a restore', async () => {
    const DDL = `
CREATE STREAM ev (k BIGINT, v BIGINT, d DECIMAL(20, 4), ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory');
CREATE STREAM out (k BIGINT, w TIMESTAMP(3), sv BIGINT, sd DECIMAL(38, 4), ad DECIMAL(38, 6)) WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json');`;
    const QUERY = `INSERT INTO out SELECT k, TUMBLE_START(ts, INTERVAL '1' MINUTE) AS w, SUM(v) AS sv, SUM(d) AS sd, AVG(d) AS ad FROM ev GROUP BY k, TUMBLE(ts, INTERVAL '1' MINUTE)`;
    const FIRST = `INSERT INTO ev VALUES (9007199254740993, 9223372036854775000, CAST('1234567890123456.7891' AS DECIMAL(20, 4)), TIMESTAMP '2024-01-01 10:00:01'), (9007199254740993, 801, 0.0001, TIMESTAMP '2024-01-01 10:00:02')`;
    const Q = persistentQueryId('insert_into_out', QUERY);
    const dir = tempDir('exact-restore');
    const state = join(dir, 'state.db');
    const h = await openSession(state, dir, { intervalMs: 3_600_000 });
    open.push(h);
    await h.run(DDL);
    await h.run(QUERY);
    await h.run(FIRST);
    await until('rows processed', () => h.session.persistent.get(Q)!.metrics()?.rowsIn === 2);
    await h.run(`TERMINATE ${Q}`);
    expect(h.checkpoints.map((c) => c.checkpointId)).toEqual([1]);
    await h.close();

    const h2 = await openSession(state, dir, { intervalMs: 3_600_000 });
    open.push(h2);
    await h2.session.loadCatalog(parseStatement);
    await h2.run(`INSERT INTO ev VALUES (0, 0, 0, TIMESTAMP '2000-01-01 00:00:00'), (0, 0, 0, TIMESTAMP '2000-01-01 00:00:00')`); // stands in for the first 2 rows
    await h2.run(QUERY);
    expect(h2.infos).toEqual([expect.stringMatching(new RegExp(`^query '${Q}' resumed from checkpoint 1 `))]);
    await h2.run(`INSERT INTO ev VALUES (9007199254740993, 7, 0.00005, TIMESTAMP '2024-01-01 10:00:30')`);
    h2.session.memory.end('ev');
    await h2.session.persistent.get(Q)!.done;
    // sv: 9223372036854775000 + 801 + 7 = 2^63 wraps to -2^63 as Flink's long; sd exact (0.00005 rounds HALF_UP to 0.0001); ad = sd / 3 at scale 6.
    expect(readFileSync(join(dir, 'out.jsonl'), 'utf8')).toBe(
      '{"k":9007199254740993,"w":"2024-01-01 10:00:00.000","sv":-9223372036854775808,"sd":1234567890123456.7893,"ad":411522630041152.263100}\n',
    );
  });
});
