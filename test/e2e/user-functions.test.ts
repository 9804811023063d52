/**
 * JavaScript scalar UDFs: registered through the API (eddy.registerFunction) or created from a
 * module export (CREATE FUNCTION ... LANGUAGE JAVASCRIPT, the path relative to the script), called
 * wherever a built-in scalar is (SELECT, WHERE, GROUP BY keys, aggregate arguments, CASE), typed by
 * their declared result and arguments; a throw names the function and the row; SHOW FUNCTIONS,
 * DROP FUNCTION; a module function is saved in the state database's catalog and loaded again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy, EddyError } from '../../src/index.js';
import { EDDY } from './checkpoint-helpers.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-udf-'));
  mkdirSync(join(dir, 'lib'));
  writeFileSync(
    join(dir, 'lib', 'fns.mjs'),
    `export function countChar(s, c) { let n = 0; if (s !== null) for (const ch of s) if (ch === c[0]) n++; return n; }
countChar.returns = 'BIGINT';
countChar.args = ['STRING', 'STRING'];
export const shout = { returns: 'STRING', eval(s) { return s === null ? null : s.toUpperCase() + '!'; } };
export default function hourOf(ts) { return ts.getUTCHours(); }
hourOf.returns = 'INT';
export const untyped = (x) => x;
`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EVENTS = `CREATE TABLE ev (k VARCHAR, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')`;
const rows = [
  { k: 'abc', v: 1, ts: '2024-05-01 10:00:00' },
  { k: 'cc', v: 2, ts: '2024-05-01 10:00:01' },
  { k: 'x', v: 3, ts: '2024-05-01 11:00:02' },
  { k: 'abc', v: 4, ts: '2024-05-01 11:00:03' },
];

async function withEvents(f: (eddy: Eddy) => Promise<void>): Promise<void> {
  const eddy = await Eddy.open({ baseDir: dir });
  try {
    await eddy.execute(EVENTS);
    await eddy.insert('ev', rows);
    eddy.end('ev');
    await f(eddy);
  } finally {
    await eddy.close();
  }
}

describe('registerFunction', () => {
  it('is callable in SELECT, WHERE, GROUP BY and aggregates, with TIMESTAMP arguments as Dates', async () => {
    await withEvents(async (eddy) => {
      eddy.registerFunction('count_char', (s: string | null, c: string) => (s === null ? 0 : [...s].filter((x) => x === c).length), { returns: 'BIGINT', args: ['STRING', 'STRING'] });
      eddy.registerFunction('hour_of', (d: Date) => d.getUTCHours(), { returns: 'INT' });
      const got = await eddy.query(`SELECT COUNT_CHAR(k, 'c') AS n, SUM(v * count_char(k, 'a')) AS s FROM ev WHERE hour_of(ts) >= 10 GROUP BY count_char(k, 'c')`).toArray();
      // The updating result folded: the last +I/+U per key.
      const folded = new Map<number, number>();
      for (const r of got as { op: string; n: number; s: number }[]) if (r.op === '+I' || r.op === '+U') folded.set(r.n, r.s);
      expect([...folded.entries()].sort()).toEqual([[0, 0], [1, 5], [2, 0]]);
      const times = await eddy.query(`SELECT k, hour_of(ts) AS h FROM ev WHERE count_char(k, 'c') = 2`).toArray();
      expect(times).toEqual([{ k: 'cc', h: 10 }]);
    });
  });

  it('types calls by the declared arguments and result', async () => {
    await withEvents(async (eddy) => {
      eddy.registerFunction('twice', (x: number) => x * 2, { returns: 'BIGINT', args: ['BIGINT'] });
      const err = (() => {
        try {
          eddy.query('SELECT twice(k) FROM ev');
        } catch (e) {
          return e as EddyError;
        }
        return null;
      })();
      expect(err?.code).toBe('TYPE_MISMATCH');
      expect(err?.message).toBe('argument 1 of twice must be BIGINT, got VARCHAR');
      expect(() => eddy.query('SELECT twice(v, v) FROM ev')).toThrow(/twice takes 1 argument, got 2/);
      expect(() => eddy.query("SELECT UPPER(twice(v)) FROM ev")).toThrow(/UPPER/);
      expect(() => eddy.registerFunction('upper', (s: string) => s, { returns: 'STRING' })).toThrow(/'upper' is a built-in function/);
      expect(() => eddy.registerFunction('f', (s: string) => s, { returns: 'NOPE' })).toThrow(/unknown type 'NOPE'/);
    });
  });

  it("a throw, or a result of the wrong type, fails the query with the function, its arguments and the row", async () => {
    await withEvents(async (eddy) => {
      eddy.registerFunction('picky', (v: number) => {
        if (v === 3) throw new RangeError('three is not allowed');
        return v;
      }, { returns: 'BIGINT' });
      const e = await eddy.query('SELECT picky(v) AS p FROM ev').toArray().then(() => null, (x: unknown) => x as EddyError);
      expect(e).toBeInstanceOf(EddyError);
      expect(e!.message).toBe('function picky(3) threw RangeError: three is not allowed, on row ["x", 3, 1714561202000]');
      eddy.registerFunction('half', (v: number) => v / 2, { returns: 'BIGINT' });
      await expect(eddy.query('SELECT half(v) AS p FROM ev').toArray()).rejects.toThrow('function half(1) returned 0.5, not BIGINT, on row ["abc", 1, 1714557600000]');
    });
  });

  it('SHOW FUNCTIONS lists it; DROP FUNCTION removes it', async () => {
    await withEvents(async (eddy) => {
      eddy.registerFunction('count_char', (s: string, c: string) => s.split(c).length - 1, { returns: 'BIGINT', args: ['STRING', 'STRING'], deterministic: true });
      const [shown] = await eddy.execute('SHOW USER FUNCTIONS');
      expect(shown).toEqual({ kind: 'table', columns: ['name', 'kind', 'returns', 'arguments', 'deterministic', 'source', 'temporary'], rows: [['count_char', 'user', 'BIGINT', 'VARCHAR, VARCHAR', true, 'registerFunction', true]] });
      const [all] = await eddy.execute('SHOW FUNCTIONS');
      expect((all as { rows: unknown[][] }).rows.map((r) => r[0])).toEqual(expect.arrayContaining(['count_char', 'UPPER', 'COUNT', 'TUMBLE']));
      expect(await eddy.execute('DROP FUNCTION count_char')).toEqual([{ kind: 'message', text: "Function 'count_char' dropped." }]);
      expect(() => eddy.query("SELECT count_char(k, 'c') FROM ev")).toThrow(/unknown function/);
      await expect(eddy.execute('DROP FUNCTION count_char')).rejects.toThrow(/unknown function 'count_char'/);
      expect(await eddy.execute('DROP FUNCTION IF EXISTS count_char')).toEqual([{ kind: 'message', text: "Function 'count_char' does not exist." }]);
    });
  });
});

describe('CREATE FUNCTION ... LANGUAGE JAVASCRIPT', () => {
  it("loads a module's export (a function with `returns`, an object with `eval`, the default export)", async () => {
    await withEvents(async (eddy) => {
      await eddy.execute(`CREATE FUNCTION count_char AS 'lib/fns.mjs#countChar' LANGUAGE JAVASCRIPT;
        CREATE TEMPORARY FUNCTION shout AS 'lib/fns.mjs#shout' LANGUAGE JAVASCRIPT;
        CREATE FUNCTION hour_of AS 'lib/fns.mjs' LANGUAGE JAVASCRIPT`);
      const got = await eddy.query(`SELECT shout(k) AS s, count_char(k, 'c') AS n, hour_of(ts) AS h FROM ev WHERE v <= 3`).toArray();
      expect(got).toEqual([
        { s: 'ABC!', n: 1, h: 10 },
        { s: 'CC!', n: 2, h: 10 },
        { s: 'X!', n: 0, h: 11 },
      ]);
      await expect(eddy.execute("CREATE FUNCTION u AS 'lib/fns.mjs#untyped' LANGUAGE JAVASCRIPT")).rejects.toThrow(/function 'u' needs its result type/);
      await expect(eddy.execute("CREATE FUNCTION m AS 'lib/fns.mjs#missing' LANGUAGE JAVASCRIPT")).rejects.toThrow(/has no export 'missing'/);
      await expect(eddy.execute("CREATE FUNCTION p AS 'f.py' LANGUAGE PYTHON")).rejects.toThrow(/LANGUAGE PYTHON are not supported/);
      await expect(eddy.execute("CREATE FUNCTION count_char AS 'lib/fns.mjs#countChar' LANGUAGE JAVASCRIPT")).resolves.toEqual([{ kind: 'message', text: "Function 'count_char' already exists with this definition." }]);
    });
  });

  it('may compute a computed column (and so a watermark over it)', async () => {
    writeFileSync(join(dir, 'in.jsonl'), '{"s":"abcc","t":"2024-05-01 10:00:00"}\n{"s":"x","t":"2024-05-01 10:00:01"}\n');
    const eddy = await Eddy.open({ baseDir: dir });
    try {
      await eddy.execute(`CREATE FUNCTION count_char AS 'lib/fns.mjs#countChar' LANGUAGE JAVASCRIPT;
        CREATE TABLE f (s VARCHAR, t TIMESTAMP(3), n AS count_char(s, 'c'), WATERMARK FOR t AS t) WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json')`);
      expect(await eddy.query('SELECT s, n FROM f').toArray()).toEqual([{ s: 'abcc', n: 2 }, { s: 'x', n: 0 }]);
    } finally {
      await eddy.close();
    }
  });

  it('a Java class name stands for the implementation registered under that name', async () => {
    await withEvents(async (eddy) => {
      await expect(eddy.execute("CREATE FUNCTION cc AS 'com.example.CountChar'")).rejects.toThrow(/Java class 'com.example.CountChar', which Eddy cannot load/);
      eddy.registerFunction('com.example.CountChar', (s: string, c: string) => s.split(c).length - 1, { returns: 'BIGINT' });
      await eddy.execute("CREATE FUNCTION cc AS 'com.example.CountChar'");
      expect(await eddy.query("SELECT cc(k, 'c') AS n FROM ev WHERE v = 2").toArray()).toEqual([{ n: 2 }]);
    });
  });

  it('resolves the module against the script, and is saved in the state database for the next run (TEMPORARY is not)', () => {
    const scripts = join(dir, 'scripts');
    mkdirSync(scripts, { recursive: true });
    writeFileSync(join(scripts, 'a.sql'), "CREATE FUNCTION count_char AS '../lib/fns.mjs#countChar' LANGUAGE JAVASCRIPT;\nCREATE TEMPORARY FUNCTION shout AS '../lib/fns.mjs#shout' LANGUAGE JAVASCRIPT;\nSHOW USER FUNCTIONS;\n");
    const state = join(dir, 'state.db');
    // Run from another directory: the path is the script's, not the working directory's.
    const first = spawnSync(EDDY, ['--state', state, '-f', join(scripts, 'a.sql')], { cwd: tmpdir(), encoding: 'utf8' });
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`"source":"${join(dir, 'lib', 'fns.mjs')}#countChar"`);
    const second = spawnSync(EDDY, ['--state', state, '-e', "SHOW USER FUNCTIONS; CREATE TABLE t (s VARCHAR) WITH ('connector' = 'memory'); INSERT INTO t VALUES ('ccc'); SELECT count_char(s, 'c') AS n FROM t;"], { cwd: tmpdir(), encoding: 'utf8' });
    expect(second.stderr).not.toMatch(/error/i);
    expect(second.stdout.split('\n').filter(Boolean)).toEqual([
      `{"name":"count_char","kind":"user","returns":"BIGINT","arguments":"VARCHAR, VARCHAR","deterministic":true,"source":"${join(dir, 'lib', 'fns.mjs')}#countChar","temporary":false}`,
      '{"n":3}',
    ]);
  });
});
