import { describe, expect, it } from 'vitest';
import { isCompleteStatement } from '../../src/parser/index.js';

describe('isCompleteStatement', () => {
  it('is true once a ; ends a statement', () => {
    expect(isCompleteStatement('SELECT a FROM s;')).toBe(true);
    expect(isCompleteStatement('SELECT a\nFROM s;\n')).toBe(true);
    expect(isCompleteStatement('SHOW STREAMS; SELECT')).toBe(true);
  });

  it('is false without a ;', () => {
    expect(isCompleteStatement('')).toBe(false);
    expect(isCompleteStatement('SELECT a FROM s')).toBe(false);
  });

  it('ignores ; inside strings, including after an escaped quote', () => {
    expect(isCompleteStatement("SELECT 'a;b' FROM s")).toBe(false);
    expect(isCompleteStatement("SELECT 'it''s;' FROM s")).toBe(false);
    expect(isCompleteStatement("SELECT 'it''s;' FROM s;")).toBe(true);
    expect(isCompleteStatement("SELECT 'unterminated;")).toBe(false);
  });

  it('ignores ; inside quoted identifiers', () => {
    expect(isCompleteStatement('SELECT "a;b" FROM s')).toBe(false);
    expect(isCompleteStatement('SELECT `a;b` FROM s')).toBe(false);
    expect(isCompleteStatement('SELECT "a;b" FROM s;')).toBe(true);
  });

  it('ignores ; inside comments', () => {
    expect(isCompleteStatement('SELECT a -- not yet;\nFROM s')).toBe(false);
    expect(isCompleteStatement('SELECT a -- not yet;')).toBe(false);
    expect(isCompleteStatement('SELECT a /* ; */ FROM s')).toBe(false);
    expect(isCompleteStatement('SELECT a /* ; ')).toBe(false);
    expect(isCompleteStatement('SELECT a /* ; */ FROM s;')).toBe(true);
    expect(isCompleteStatement('SELECT a -- c\nFROM s;')).toBe(true);
  });

  it('treats a lone - or / as an operator, not a comment', () => {
    expect(isCompleteStatement('SELECT a - 1 / 2 FROM s;')).toBe(true);
  });

  it('a statement set is complete at its END;, not at the first ; inside it', () => {
    const set = "EXECUTE STATEMENT SET\nBEGIN\n  INSERT INTO a SELECT * FROM t;\n  INSERT INTO b SELECT * FROM t;\n";
    expect(isCompleteStatement(set)).toBe(false);
    expect(isCompleteStatement(`${set}END;`)).toBe(true);
    expect(isCompleteStatement("BEGIN STATEMENT SET;\nINSERT INTO a SELECT 'END;' FROM t;")).toBe(false);
    expect(isCompleteStatement("BEGIN STATEMENT SET;\nINSERT INTO a SELECT 'x' FROM t;\n-- END;\nend;")).toBe(true);
  });
});
