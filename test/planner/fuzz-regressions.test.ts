/**
 * Findings of the SQL fuzz pass (bench/fuzz, issue 13) in the planner: a statement taking seconds,
 * and a SQL error without a span.
 */
import { describe, expect, it } from 'vitest';
import { EddyError, formatError } from '../../src/common/errors.js';
import { parseScript } from '../../src/parser/index.js';
import { Session } from '../../src/runtime/session.js';

async function session(): Promise<Session> {
  const s = new Session({ store: null, endMemoryWhenDrained: true, baseDir: '.', fresh: false, onWarning: () => {} });
  for (const ps of parseScript("CREATE STREAM s (a INT, b BOOLEAN, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')")) await s.execute(ps);
  return s;
}

describe('planner fuzz findings', () => {
  // Cubic before: a few hundred items took a second, a thousand about half a minute (the test's timeout catches it).
  it('1,000 like-named SELECT items get Calcite names a, a0, a1 ... in linear time', async () => {
    const s = await session();
    const sql = `SELECT ${Array.from({ length: 1000 }, () => 'a').join(', ')}, b AS x FROM s`;
    const ps = parseScript(sql)[0]!;
    const plan = s.plan((ps.stmt as Extract<typeof ps.stmt, { kind: 'query' }>).query);
    const names = plan.schema.columns.map((c) => c.name);
    expect(names.slice(0, 4)).toEqual(['a', 'a0', 'a1', 'a2']);
    expect(names[999]).toBe('a998');
    expect(names[1000]).toBe('x');
    expect(new Set(names).size).toBe(1001);
    await s.close();
  }, 5000);

  it('an explicit alias taken earlier is skipped by the generated names, and two equal aliases still clash', async () => {
    const s = await session();
    const plan = s.plan((parseScript('SELECT b AS a0, a, a, a FROM s')[0]!.stmt as { query: never }).query);
    expect(plan.schema.columns.map((c) => c.name)).toEqual(['a0', 'a', 'a1', 'a2']);
    expect(() => s.plan((parseScript('SELECT a AS x, b AS x FROM s')[0]!.stmt as { query: never }).query)).toThrow(/duplicate output column 'x'/);
    await s.close();
  });

  it('CREATE STREAM AS of a NULL column points at the SELECT item', async () => {
    const s = await session();
    const sql = "CREATE STREAM t WITH ('connector' = 'blackhole') AS\nSELECT a, NULL AS nothing FROM s";
    let err: unknown;
    try {
      await s.execute(parseScript(sql)[0]!);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EddyError);
    const e = err as EddyError;
    expect(e.code).toBe('TYPE_MISMATCH');
    expect(e.span).toMatchObject({ line: 2, column: 11 });
    expect(formatError(e, sql)).toContain("  SELECT a, NULL AS nothing FROM s\n            ^^^^^^^^^^^^^^^");
    expect(s.catalog.has('t')).toBe(false);
    await s.close();
  });

  it('a bad WITH option or SET value points at the option (the connectors check options without the SQL)', async () => {
    const s = await session();
    const errorOf = async (sql: string) => {
      try {
        await s.execute(parseScript(sql)[0]!);
      } catch (e) {
        return e as EddyError;
      }
      throw new Error(`no error: ${sql}`);
    };
    const unknown = "CREATE STREAM r (id BIGINT)\nWITH ('connector' = 'file', 'path' = 'x.jsonl', 'on-erSor' = 'skip')";
    const e1 = await errorOf(unknown);
    expect(e1.code).toBe('INVALID_OPTION');
    expect(formatError(e1, unknown)).toContain("<input>:2:49: unknown option 'on-ersor'");
    const e2 = await errorOf("CREATE STREAM r (id BIGINT) WITH ('connector' = 'acme')");
    expect(e2.span).toMatchObject({ line: 1, column: 35 });
    const e3 = await errorOf("SET 'execution.batch-size' = '-3'");
    expect(e3.code).toBe('INVALID_OPTION');
    expect(e3.span).toMatchObject({ line: 1, column: 1 });
    await s.close();
  });
});
