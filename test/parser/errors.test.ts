import { describe, expect, it } from 'vitest';
import { formatError } from '../../src/common/errors.js';
import { parseExpression, parseScript, parseStatement } from '../../src/parser/index.js';
import { errorOf } from './helpers.js';

/** code, line:col, message and hint of the error a script raises. */
function diagnose(sql: string): { code: string; at: string; message: string; hint: string | undefined } {
  const e = errorOf(() => parseScript(sql));
  return { code: e.code, at: `${e.span?.line}:${e.span?.column}`, message: e.message, hint: e.hint };
}

describe('syntax errors: misspelled keywords', () => {
  it('suggests SELECT for SELEC at the start of a statement', () => {
    expect(diagnose('SELEC a FROM s')).toEqual({ code: 'SYNTAX', at: '1:1', message: "unexpected 'SELEC'", hint: 'did you mean SELECT?' });
  });

  it('points at FORM, which was read as an alias, and suggests FROM', () => {
    expect(diagnose('SELECT a\nFORM s')).toEqual({ code: 'SYNTAX', at: '2:1', message: "unexpected 'FORM'", hint: 'did you mean FROM?' });
  });

  it('suggests GROUP for GRUOP and WHERE for WHER', () => {
    expect(diagnose('SELECT a FROM s GRUOP BY a')).toMatchObject({ at: '1:17', message: "unexpected 'GRUOP'", hint: 'did you mean GROUP?' });
    expect(diagnose('SELECT a FROM s WHER a > 1')).toMatchObject({ at: '1:17', message: "unexpected 'WHER'", hint: 'did you mean WHERE?' });
  });

  it('suggests keywords the parser expected at that point', () => {
    expect(diagnose('INSERT INTO x VALUE (1)')).toEqual({
      code: 'SYNTAX',
      at: '1:15',
      message: "expected SELECT, '(' or VALUES but found 'VALUE'",
      hint: 'did you mean VALUES?',
    });
    expect(diagnose('CREATE STREM s (a INT)')).toMatchObject({ at: '1:8', hint: 'did you mean STREAM?' });
    expect(diagnose('SHOW STREMS')).toEqual({ code: 'SYNTAX', at: '1:6', message: "cannot SHOW 'STREMS'", hint: 'did you mean SHOW STREAMS?' });
  });

  it('suggests type and interval unit names', () => {
    expect(diagnose('CREATE STREAM s (a INT,\n  b VARCHR)')).toEqual({ code: 'SYNTAX', at: '2:5', message: "unknown type 'VARCHR'", hint: 'did you mean VARCHAR?' });
    expect(diagnose("SELECT COUNT(*) FROM s GROUP BY TUMBLE(ts, INTERVAL '1' MINUTSE)")).toMatchObject({
      message: "expected ')' but found 'MINUTSE'",
      hint: 'did you mean MINUTE?',
    });
  });

  it('lists the statements when the first word is unknown', () => {
    expect(diagnose('FROB x')).toEqual({
      code: 'SYNTAX',
      at: '1:1',
      message: "unexpected 'FROB'",
      hint: 'a statement starts with SELECT, CREATE, INSERT, DROP, SET, EXPLAIN, SHOW, DESCRIBE, TERMINATE',
    });
  });
});

describe('syntax errors: punctuation', () => {
  it('reports a missing comma between select items', () => {
    expect(diagnose('SELECT a b c FROM s')).toEqual({
      code: 'SYNTAX',
      at: '1:12',
      // FROM is optional (SELECT 1 + 1), so the statement ends at 'b' and 'c' is left over.
      message: "unexpected 'c'",
      hint: "missing an operator or ',' before 'c'?",
    });
  });

  it('reports a missing comma between arguments', () => {
    expect(diagnose('SELECT f(a b) FROM s')).toMatchObject({ at: '1:12', message: "expected ')' but found 'b'", hint: "missing ',' before 'b'?" });
  });

  it('reports a trailing comma in the select list and in a column list', () => {
    expect(diagnose('SELECT a, FROM s')).toEqual({
      code: 'SYNTAX',
      at: '1:11',
      message: "expected an expression or '*' but found 'FROM'",
      hint: "remove the trailing ',' before 'FROM'",
    });
    expect(diagnose('CREATE STREAM s (a INT,)')).toMatchObject({ at: '1:24', hint: "remove the trailing ',' before ')'" });
  });

  it('reports an unclosed parenthesis at the terminating ;', () => {
    expect(diagnose('SELECT a FROM s WHERE (a > 1;')).toEqual({
      code: 'SYNTAX',
      at: '1:29',
      message: "expected ')' but found ';'",
      hint: "add the missing ')'",
    });
  });

  it('reports the end of input one column past the last token', () => {
    expect(diagnose('SELECT a\nFROM s WHERE a =')).toMatchObject({ at: '2:17', message: 'unexpected end of input, expected an expression' });
    expect(diagnose('SELECT a FROM')).toMatchObject({ at: '1:14', message: 'unexpected end of input, expected a stream name' });
  });

  it("reports a missing ';' between statements", () => {
    expect(diagnose('SELECT a FROM s\nSELECT b FROM t')).toEqual({
      code: 'SYNTAX',
      at: '2:1',
      message: "unexpected 'SELECT'",
      hint: "missing ';' before SELECT?",
    });
  });
});

describe('syntax errors: blame the right token', () => {

  it('suggests a missing operator for two adjacent expressions', () => {
    expect(diagnose('SELECT a FROM s WHERE a = 1 b = 2')).toMatchObject({ at: '1:29', message: "unexpected 'b'", hint: "missing an operator or ',' before 'b'?" });
  });

  it("suggests a keyword for a misspelling after a complete query", () => {
    expect(diagnose('SELECT a FROM s WHERE x = 1 limt 5')).toMatchObject({ at: '1:29', message: "unexpected 'limt'", hint: 'did you mean LIMIT?' });
  });

  it('explains NOT NULL without IS, SELECT DISTINCT and a missing comma between options', () => {
    expect(diagnose('SELECT * FROM s WHERE x NOT NULL')).toMatchObject({ at: '1:29', hint: 'did you mean IS NOT NULL?' });
    expect(diagnose('SELECT DISTINCT a FROM s')).toMatchObject({ at: '1:8', hint: 'SELECT DISTINCT is not supported; GROUP BY the columns instead' });
    expect(diagnose("CREATE STREAM s (a INT) WITH ('connector' = 'x' 'path' = 'y')")).toEqual({
      code: 'SYNTAX',
      at: '1:49',
      message: "expected ')' but found 'path'",
      hint: "missing ',' before 'path'?",
    });
  });
});

describe('syntax errors: lexical', () => {
  it('reports an unterminated string at its opening quote', () => {
    expect(diagnose("SELECT a FROM s\nWHERE b = 'abc")).toEqual({
      code: 'SYNTAX',
      at: '2:11',
      message: 'unterminated string literal',
      hint: "close the string with a single quote ('); write '' for a quote inside it",
    });
  });

  it('reports an unknown character with the caret on it', () => {
    expect(diagnose('SELECT a # b FROM s')).toMatchObject({ at: '1:10', message: "unexpected character '#'" });
    expect(diagnose('SELECT a FROM s WHERE a ^ 2')).toMatchObject({ at: '1:25', message: "unexpected character '^'" });
  });

  it('reports unterminated comments and quoted names', () => {
    expect(diagnose('SELECT a /* oops')).toMatchObject({ at: '1:10', message: 'unterminated block comment' });
    expect(diagnose('SELECT "a FROM s')).toMatchObject({ at: '1:8', message: 'unterminated quoted identifier' });
  });
});

describe('syntax errors: other hints', () => {
  it('explains reserved words used as names', () => {
    expect(diagnose('CREATE STREAM select (a INT)')).toEqual({
      code: 'SYNTAX',
      at: '1:15',
      message: "expected a name but found 'select'",
      hint: 'SELECT is a reserved word; write "select" (double-quoted) to use it as a name',
    });
  });

  it('explains unsupported clauses', () => {
    // ORDER BY parses (a point-in-time query over a materialized view sorts); a continuous query refuses it when planned (test/materialized/api.test.ts).
    expect(diagnose('SELECT a FROM s ORDER BY a LIMIT 2 ORDER')).toMatchObject({ at: '1:36', message: "unexpected 'ORDER'" });
  });

  it('rejects bad literals', () => {
    expect(diagnose("SELECT INTERVAL '10' FROM s")).toMatchObject({ at: '1:17', message: "INTERVAL '10' needs a unit" });
    expect(diagnose("SELECT INTERVAL '10 fortnights' FROM s")).toMatchObject({ message: "unknown interval unit 'fortnights'" });
    expect(diagnose("SELECT TIMESTAMP '2024-13-45 nope' FROM s")).toMatchObject({ at: '1:18', message: "invalid TIMESTAMP literal '2024-13-45 nope'" });
    expect(diagnose('SELECT a FROM s LIMIT 1.5')).toMatchObject({ message: 'LIMIT must be a whole number, not 1.5' });
  });

  it('rejects shapes the grammar leaves open', () => {
    expect(diagnose('EXPLAIN SHOW STREAMS')).toMatchObject({ at: '1:9', message: 'EXPLAIN needs a query' });
    expect(diagnose('CREATE STREAM s (a INT, a BIGINT)')).toMatchObject({ at: '1:25', message: "duplicate column 'a'" });
    expect(diagnose("CREATE STREAM s (a INT) WITH ('path' = 'x', path = 'y')")).toMatchObject({ message: "option 'path' is given twice" });
  });

  it('parseStatement refuses zero or several statements; parseExpression refuses trailing input', () => {
    expect(errorOf(() => parseStatement('  ')).message).toBe('empty statement');
    const two = errorOf(() => parseStatement('SHOW STREAMS; SHOW QUERIES'));
    expect([two.message, two.span?.column]).toEqual(['expected a single statement', 15]);
    expect(parseStatement('SHOW STREAMS;').kind).toBe('show');
    const trailing = errorOf(() => parseExpression('a + 1 b'));
    expect([trailing.message, trailing.span?.column]).toEqual(["unexpected 'b'", 7]);
  });
});

describe('formatted errors', () => {
  it('shows file:line:col, the source line and a caret under the bad token', () => {
    const sql = 'CREATE STREAM s (a INT);\nSELECT a\nFORM s;';
    const text = formatError(errorOf(() => parseScript(sql)), sql, 'script.sql');
    expect(text).toBe(["script.sql:3:1: unexpected 'FORM'", '  FORM s;', '  ^^^^', 'hint: did you mean FROM?'].join('\n'));
  });

  it('puts the caret after the last token at end of input', () => {
    const sql = 'SELECT a FROM s WHERE';
    const text = formatError(errorOf(() => parseScript(sql)), sql, 'script.sql');
    expect(text).toBe(['script.sql:1:22: unexpected end of input, expected an expression', '  SELECT a FROM s WHERE', `  ${' '.repeat(21)}^`].join('\n'));
  });

  it('underlines an unknown character', () => {
    const sql = 'SELECT a\n  FROM s WHERE a = $1';
    expect(formatError(errorOf(() => parseScript(sql)), sql, 'q.sql').split('\n').slice(0, 3)).toEqual([
      "q.sql:2:20: unexpected character '$'",
      '    FROM s WHERE a = $1',
      `  ${' '.repeat(19)}^`,
    ]);
  });
});
