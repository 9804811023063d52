/**
 * Findings of the SQL fuzz pass (bench/fuzz, issue 13), each once: statements whose parse or plan
 * threw something other than an EddyError.
 */
import { describe, expect, it } from 'vitest';
import { EddyError } from '../../src/common/errors.js';
import { parseScript } from '../../src/parser/index.js';
import { Session } from '../../src/runtime/session.js';

async function sessionWithStream(): Promise<Session> {
  const s = new Session({ store: null, endMemoryWhenDrained: true, baseDir: '.', fresh: false, onWarning: () => {} });
  for (const ps of parseScript("CREATE STREAM s (a INT, b BOOLEAN, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory')")) await s.execute(ps);
  return s;
}

/** What parse + plan of `sql` throws (undefined when it plans). */
async function planError(sql: string): Promise<unknown> {
  const session = await sessionWithStream();
  try {
    for (const ps of parseScript(sql)) if (ps.stmt.kind === 'query') session.plan(ps.stmt.query);
    return undefined;
  } catch (e) {
    return e;
  } finally {
    await session.close();
  }
}

function expectSyntax(e: unknown, message: RegExp): EddyError {
  expect(e).toBeInstanceOf(EddyError);
  const err = e as EddyError;
  expect(err.code).toBe('SYNTAX');
  expect(err.message).toMatch(message);
  expect(err.span).toBeDefined();
  return err;
}

describe('fuzz findings: nesting', () => {
  it('a thousand nested parentheses are a SYNTAX error at the first one past the limit, not a RangeError', async () => {
    const sql = `SELECT ${'('.repeat(1000)}a${')'.repeat(1000)} FROM s`;
    const err = expectSyntax(await planError(sql), /nested too deeply: more than 100 levels/);
    expect(err.span!.column).toBe('SELECT '.length + 101);
    expect(err.span!.line).toBe(1);
  });

  it('nested function calls and CASE count as levels too', async () => {
    expectSyntax(await planError(`SELECT ${'UPPER('.repeat(400)}'x'${')'.repeat(400)} FROM s`), /nested too deeply/);
    expectSyntax(await planError(`SELECT ${'CASE WHEN b THEN '.repeat(400)}1${' END'.repeat(400)} FROM s`), /nested too deeply/);
  });

  it('one hundred levels still parse and plan', async () => {
    expect(await planError(`SELECT ${'('.repeat(100)}a${')'.repeat(100)} FROM s`)).toBeUndefined();
    expect(await planError(`SELECT ${'ABS('.repeat(100)}a${')'.repeat(100)} FROM s`)).toBeUndefined();
  });

  it('a chain of 12,000 operators is a SYNTAX error, not a RangeError in the binder', async () => {
    expectSyntax(await planError(`SELECT a${' + a'.repeat(12_000)} FROM s`), /expression too deeply nested: more than 1000 levels/);
    expectSyntax(await planError(`SELECT a FROM s WHERE ${Array.from({ length: 12_000 }, () => 'b').join(' AND ')}`), /too deeply nested/);
    expectSyntax(await planError(`SELECT ${'NOT '.repeat(12_000)}b FROM s`), /too deeply nested/);
  });

  it('long flat lists are not nesting: 5,000 IN values and 500 CASE branches plan', async () => {
    expect(await planError(`SELECT a FROM s WHERE a IN (${Array.from({ length: 5000 }, (_, i) => i).join(', ')})`)).toBeUndefined();
    expect(await planError(`SELECT CASE ${'WHEN a > 1 THEN a '.repeat(500)}END FROM s`)).toBeUndefined();
  });
});
