import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../src/parser/index.js';
import { errorOf, expr } from './helpers.js';

const err = (sql: string) => {
  const e = errorOf(() => parseExpression(sql));
  return { code: e.code, message: e.message, text: e.span ? sql.slice(e.span.start, e.span.end) : undefined, hint: e.hint };
};

describe('keyword forms of function calls', () => {
  it('TRIM([BOTH|LEADING|TRAILING] [chars] FROM s) becomes TRIM/LTRIM/RTRIM(s[, chars])', () => {
    expect(expr('TRIM(s)')).toBe('TRIM(s)');
    expect(expr('TRIM(FROM s)')).toBe('TRIM(s)');
    expect(expr("TRIM('x' FROM s)")).toBe("TRIM(s, 'x')");
    expect(expr("TRIM(BOTH 'xy' FROM s || 't')")).toBe("TRIM((s || 't'), 'xy')");
    expect(expr('trim(leading from s)')).toBe('LTRIM(s)');
    expect(expr("TRIM(TRAILING c FROM UPPER(s))")).toBe('RTRIM(UPPER(s), c)');
    // a column named `leading` is still a column
    expect(expr('TRIM(leading)')).toBe('TRIM(leading)');
  });

  it('SUBSTRING(s FROM a [FOR b]) and SUBSTRING(s, a[, b]) give the same call', () => {
    expect(expr('SUBSTRING(s FROM 2 FOR 3)')).toBe('SUBSTRING(s, 2, 3)');
    expect(expr('SUBSTRING(s FROM x + 1)')).toBe('SUBSTRING(s, (x + 1))');
    expect(expr('SUBSTRING(s, 2, 3)')).toBe('SUBSTRING(s, 2, 3)');
  });

  it('EXTRACT(unit FROM t) passes the unit as an upper-case string', () => {
    expect(expr('EXTRACT(year FROM ts)')).toBe("EXTRACT('YEAR', ts)");
    expect(expr("EXTRACT(DOW FROM ts + INTERVAL '1' DAY)")).toBe("EXTRACT('DOW', (ts + 86400000ms))");
  });

  it('POSITION(a IN b), also with a parenthesized haystack', () => {
    expect(expr("POSITION('b' IN s)")).toBe("POSITION('b', s)");
    expect(expr("POSITION('b' IN ('abc'))")).toBe("POSITION('b', 'abc')");
    expect(expr("POSITION(x || 'y' IN s) > 0")).toBe("(POSITION((x || 'y'), s) > 0)");
    // an ordinary IN list is unaffected
    expect(expr('x IN (1, 2)')).toBe('(x IN 1, 2)');
  });

  it('FLOOR/CEIL(t TO unit)', () => {
    expect(expr('FLOOR(ts TO HOUR)')).toBe("FLOOR(ts, 'HOUR')");
    expect(expr('ceil(ts to month)')).toBe("CEIL(ts, 'MONTH')");
    expect(expr('FLOOR(x)')).toBe('FLOOR(x)');
  });

  it('TIMESTAMPADD/TIMESTAMPDIFF take a bare unit word first', () => {
    expect(expr('TIMESTAMPADD(DAY, 1, ts)')).toBe("TIMESTAMPADD('DAY', 1, ts)");
    expect(expr('TIMESTAMPDIFF(minute, a, b)')).toBe("TIMESTAMPDIFF('MINUTE', a, b)");
  });
});

describe('LIKE ... ESCAPE', () => {
  it("becomes the call LIKE(s, pattern, escape), under NOT for NOT LIKE", () => {
    expect(expr("s LIKE '10!%' ESCAPE '!'")).toBe("LIKE(s, '10!%', '!')");
    expect(expr("s NOT LIKE 'a\\_%' ESCAPE '\\' AND x")).toBe("((NOT LIKE(s, 'a\\_%', '\\')) AND x)");
    expect(expr("s LIKE 'a%'")).toBe("(s LIKE 'a%')");
  });
});

describe('keyword forms: errors', () => {
  it('a separator keyword in the wrong function', () => {
    expect(err('UPPER(a FROM b)')).toEqual({ code: 'SYNTAX', message: 'FROM is not allowed in UPPER(...)', text: 'FROM', hint: 'separate function arguments with commas' });
    expect(err('SUBSTRING(s IN t)')).toMatchObject({ code: 'SYNTAX', message: 'unexpected IN in SUBSTRING(...)', text: 'IN' });
  });

  it('comma forms that Flink does not have', () => {
    expect(err("EXTRACT('YEAR', ts)")).toMatchObject({ code: 'SYNTAX', text: ',', hint: 'write EXTRACT(unit FROM timestamp), e.g. EXTRACT(HOUR FROM ts)' });
    expect(err("TRIM(s, 'x')")).toMatchObject({ code: 'SYNTAX', text: ',' });
    expect(err("POSITION('a', s)")).toMatchObject({ code: 'SYNTAX', text: ',' });
    expect(err("FLOOR(ts, 'DAY')")).toMatchObject({ code: 'SYNTAX', text: ',' });
  });

  it('unknown units get a suggestion', () => {
    expect(err('EXTRACT(YEAS FROM ts)')).toEqual({ code: 'SYNTAX', message: "unknown time unit 'yeas' in EXTRACT", text: 'YEAS', hint: 'did you mean YEAR?' });
    expect(err('FLOOR(ts TO DOW)')).toMatchObject({ code: 'SYNTAX', message: "unknown time unit 'dow' in FLOOR", text: 'DOW' });
    expect(err("EXTRACT('x' FROM ts)")).toMatchObject({ code: 'SYNTAX', message: 'EXTRACT needs a time unit here', text: "'x'" });
    expect(err('TIMESTAMPADD(DOY, 1, ts)')).toMatchObject({ code: 'SYNTAX', text: 'DOY' });
  });

  it('malformed keyword forms', () => {
    expect(err("TRIM(LEADING 'x')")).toMatchObject({ code: 'SYNTAX', message: 'TRIM(...) needs FROM before the string', text: 'LEADING' });
    expect(err('SUBSTRING(s FOR 2 FROM 1)')).toMatchObject({ code: 'SYNTAX', message: 'SUBSTRING(...) takes FOR length after FROM start', text: 'FOR' });
    expect(err('EXTRACT(FROM ts)')).toMatchObject({ code: 'SYNTAX', message: 'EXTRACT(...) needs a unit, then FROM timestamp' });
  });
});
