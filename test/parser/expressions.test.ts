import { describe, expect, it } from 'vitest';
import { parseExpression, parseStatement } from '../../src/parser/index.js';
import { expr, stmtOf, strip } from './helpers.js';

describe('operator precedence', () => {
  it('binds * tighter than + and + tighter than comparison', () => {
    expect(expr('a + b * c > d - e / f % g')).toBe('((a + (b * c)) > (d - ((e / f) % g)))');
  });

  it('binds AND tighter than OR, and NOT tighter than AND', () => {
    expect(expr('a OR b AND NOT c OR d')).toBe('((a OR (b AND (NOT c))) OR d)');
  });

  it('applies NOT to a whole comparison', () => {
    expect(expr('NOT a = 1')).toBe('(NOT (a = 1))');
    expect(expr('NOT NOT a')).toBe('(NOT (NOT a))');
  });

  it('is left-associative for - and /', () => {
    expect(expr('a - b - c')).toBe('((a - b) - c)');
    expect(expr('a / b / c')).toBe('((a / b) / c)');
  });

  it('puts || at the additive level', () => {
    expect(expr("a || 'x' = b")).toBe("((a || 'x') = b)");
  });

  it('binds unary minus tighter than *', () => {
    expect(expr('-a * -b')).toBe('((- a) * (- b))');
    expect(expr('- - 1')).toBe('(- (- 1))');
    expect(expr('+a')).toBe('(+ a)');
  });

  it('honours parentheses', () => {
    expect(expr('(a + b) * c')).toBe('((a + b) * c)');
    expect(expr('a AND (b OR c)')).toBe('(a AND (b OR c))');
  });

  it('keeps BETWEEN ... AND apart from a following AND', () => {
    expect(expr('a BETWEEN 1 AND 2 AND b')).toBe('((a BETWEEN 1 AND 2) AND b)');
    expect(expr('a NOT BETWEEN x + 1 AND y * 2')).toBe('(a NOT BETWEEN (x + 1) AND (y * 2))');
  });

  it('parses IS [NOT] NULL, [NOT] IN and [NOT] LIKE', () => {
    expect(expr('a IS NULL OR b IS NOT NULL')).toBe('((a IS NULL) OR (b IS NOT NULL))');
    expect(expr("c IN (1, 2, 'x') AND d NOT IN (3)")).toBe("((c IN 1, 2, 'x') AND (d NOT IN 3))");
    expect(expr("e LIKE 'a%' OR f NOT LIKE '%b'")).toBe("((e LIKE 'a%') OR (f NOT LIKE '%b'))");
  });

  it('maps != to <> and keeps every comparison operator', () => {
    expect(expr('a != b')).toBe('(a <> b)');
    expect(['=', '<>', '<', '<=', '>', '>='].map((op) => expr(`a ${op} b`))).toEqual(
      ['=', '<>', '<', '<=', '>', '>='].map((op) => `(a ${op} b)`),
    );
  });
});

describe('literals', () => {
  it('marks integers and keeps decimals and exponents as numbers', () => {
    expect(parseExpression('42')).toMatchObject({ kind: 'literal', value: 42, isInteger: true });
    expect(parseExpression('4.5')).toMatchObject({ kind: 'literal', value: 4.5, isInteger: false });
    expect(parseExpression('1e3')).toMatchObject({ kind: 'literal', value: 1000, isInteger: false });
    expect(parseExpression('.5')).toMatchObject({ kind: 'literal', value: 0.5, isInteger: false });
  });

  it("unescapes '' inside strings", () => {
    expect(parseExpression("'it''s'")).toMatchObject({ kind: 'literal', value: "it's" });
    expect(parseExpression("''")).toMatchObject({ kind: 'literal', value: '' });
  });

  it('reads TRUE, FALSE and NULL in any case', () => {
    expect(parseExpression('true')).toMatchObject({ kind: 'literal', value: true });
    expect(parseExpression('False')).toMatchObject({ kind: 'literal', value: false });
    expect(parseExpression('NULL')).toMatchObject({ kind: 'literal', value: null });
  });

  it('normalizes INTERVAL literals to milliseconds', () => {
    const ms = (s: string): unknown => (parseExpression(s) as { ms?: number }).ms;
    expect(ms("INTERVAL '10' SECOND")).toBe(10_000);
    expect(ms("INTERVAL '10' SECONDS")).toBe(10_000);
    expect(ms("interval '1' minute")).toBe(60_000);
    expect(ms("INTERVAL '2' HOURS")).toBe(7_200_000);
    expect(ms("INTERVAL '1' DAY")).toBe(86_400_000);
    expect(ms("INTERVAL '250' MILLISECOND")).toBe(250);
    expect(ms("INTERVAL '10 seconds'")).toBe(10_000);
    expect(ms("INTERVAL '1 minute'")).toBe(60_000);
    expect(ms("INTERVAL '500 ms'")).toBe(500);
    expect(ms("INTERVAL '1.5' SECOND")).toBe(1500);
    expect(ms('INTERVAL 3 MINUTES')).toBe(180_000);
  });

  it('parses TIMESTAMP literals as a TO_TIMESTAMP call on the text', () => {
    expect(expr("TIMESTAMP '2024-01-01 00:00:00'")).toBe("TO_TIMESTAMP('2024-01-01 00:00:00')");
    expect(expr("ts >= TIMESTAMP '2024-01-01 00:00:00.250'")).toBe("(ts >= TO_TIMESTAMP('2024-01-01 00:00:00.250'))");
  });
});

describe('names, calls and special forms', () => {
  it('lower-cases plain identifiers and keeps quoted ones', () => {
    expect(parseExpression('Price')).toMatchObject({ kind: 'column', name: { name: 'price', quoted: false } });
    expect(parseExpression('"Price"')).toMatchObject({ kind: 'column', name: { name: 'Price', quoted: true } });
    expect(parseExpression('`My Col`')).toMatchObject({ kind: 'column', name: { name: 'My Col', quoted: true } });
    expect(parseExpression('"a""b"')).toMatchObject({ kind: 'column', name: { name: 'a"b' } });
    expect(parseExpression('B.Price')).toMatchObject({ kind: 'column', qualifier: { name: 'b' }, name: { name: 'price' } });
  });

  it('treats soft keywords and window column names as ordinary columns', () => {
    for (const name of ['key', 'value', 'count', 'timestamp', 'window_start', 'window_end', 'window_time', 'ts', 'desc', 'stream', 'partition', 'filter']) {
      expect(parseExpression(name)).toMatchObject({ kind: 'column', name: { name } });
    }
    expect(expr('timestamp + 1')).toBe('(timestamp + 1)');
  });

  it('upper-cases call names and records the name span', () => {
    const e = parseExpression('tumble_start(ts, INTERVAL \'10\' SECOND)');
    expect(e).toMatchObject({ kind: 'call', name: 'TUMBLE_START', nameSpan: { start: 0, end: 12 }, star: false, distinct: false });
    expect(expr('coalesce(a, b, 0)')).toBe('COALESCE(a, b, 0)');
    expect(expr('now()')).toBe('NOW()');
  });

  it('parses COUNT(*), COUNT(DISTINCT x) and FILTER (WHERE ...)', () => {
    expect(parseExpression('count(*)')).toMatchObject({ kind: 'call', name: 'COUNT', star: true, args: [] });
    expect(parseExpression('COUNT(DISTINCT x)')).toMatchObject({ kind: 'call', name: 'COUNT', distinct: true, args: [{ kind: 'column' }] });
    expect(expr('SUM(price) FILTER (WHERE price > 10)')).toBe('SUM(price) FILTER (price > 10)');
  });

  it('parses searched and simple CASE', () => {
    expect(expr("CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END")).toBe(
      "CASE WHEN (a > 1) THEN 'big' WHEN (a > 0) THEN 'small' ELSE 'none' END",
    );
    expect(expr('case x when 1 then a end')).toBe('CASE x WHEN 1 THEN a END');
  });

  it('parses CAST with every type spelling', () => {
    const cases: [string, string][] = [
      ['INT', 'INT'],
      ['INTEGER', 'INT'],
      ['BIGINT', 'BIGINT'],
      ['FLOAT', 'FLOAT'],
      ['REAL', 'FLOAT'],
      ['DOUBLE', 'DOUBLE'],
      ['DOUBLE PRECISION', 'DOUBLE'],
      ['VARCHAR', 'VARCHAR'],
      ['VARCHAR(20)', 'VARCHAR'],
      ['STRING', 'VARCHAR'],
      ['CHAR(3)', 'VARCHAR'],
      ['BOOLEAN', 'BOOLEAN'],
      ['TIMESTAMP', 'TIMESTAMP'],
      ['TIMESTAMP(3)', 'TIMESTAMP'],
      ['TIMESTAMP_LTZ(3)', 'TIMESTAMP'],
    ];
    for (const [written, type] of cases) expect(expr(`CAST(a AS ${written})`)).toBe(`CAST(a AS ${type})`);
  });
});

describe('expression spans', () => {
  it('covers operands and operators with offsets and 1-based line/column', () => {
    const sql = 'SELECT a\nFROM s\nWHERE  price * 2 > 10';
    const where = stmtOf(sql, 'query').query.where!;
    expect(where.kind).toBe('binary');
    expect(where.span).toEqual({ start: 23, end: 37, line: 3, column: 8 });
    expect(sql.slice(where.span.start, where.span.end)).toBe('price * 2 > 10');
    if (where.kind !== 'binary') throw new Error('unreachable');
    expect(where.left.span).toMatchObject({ line: 3, column: 8 });
    expect(sql.slice(where.left.span.start, where.left.span.end)).toBe('price * 2');
    expect(where.right.span).toMatchObject({ line: 3, column: 20 });
  });

  it('includes parentheses in the span of a parenthesized expression', () => {
    const e = parseExpression('(a + b) * c');
    expect([e.span.start, e.span.end]).toEqual([0, 11]);
    if (e.kind !== 'binary') throw new Error('unreachable');
    expect([e.left.span.start, e.left.span.end]).toEqual([0, 7]);
  });

  it('spans calls, CASE and INTERVAL through their closing token', () => {
    const sql = "SELECT COUNT(*) FILTER (WHERE a > 1), CASE WHEN a THEN 1 END, INTERVAL '5' MINUTE FROM s";
    const items = stmtOf(sql, 'query').query.items;
    const texts = items.map((i) => sql.slice(i.span.start, i.span.end));
    expect(texts).toEqual(['COUNT(*) FILTER (WHERE a > 1)', 'CASE WHEN a THEN 1 END', "INTERVAL '5' MINUTE"]);
  });

  it('parses statements regardless of keyword case', () => {
    expect(strip(parseStatement('select A from S where B is not null'))).toEqual(strip(parseStatement('SELECT a FROM s WHERE b IS NOT NULL')));
    expect(strip(parseStatement('SELECT a FROM s'))).not.toEqual(strip(parseStatement('SELECT "A" FROM s')));
  });
});
