import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EddyError } from '../../src/common/errors.js';
import { parseScript } from '../../src/parser/index.js';

const VOCABULARY = [
  'SELECT', 'FROM', 'WHERE', 'GROUP', 'BY', 'HAVING', 'LIMIT', 'AS', 'AND', 'OR', 'NOT', 'IS', 'NULL', 'IN', 'LIKE', 'BETWEEN',
  'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'CAST', 'INTERVAL', 'TIMESTAMP', 'TABLE', 'TUMBLE', 'DESCRIPTOR', 'PARTITION',
  'CREATE', 'STREAM', 'WITH', 'WATERMARK', 'FOR', 'INSERT', 'INTO', 'VALUES', 'SET', 'SHOW', 'EXPLAIN', 'DESCRIBE', 'TERMINATE',
  'a', 'ts', 's', 'count', "'x'", "'10'", 'SECOND', '1', '2.5', '(', ')', ',', ';', '.', '*', '+', '-', '=', '<>', '=>', '||',
];

// Valid openings push the random tail deep into the grammar instead of failing on the first word.
const PREFIXES = ['', 'SELECT', 'SELECT a FROM s WHERE', 'SELECT COUNT(', 'CREATE STREAM s (a INT,', 'SELECT * FROM TABLE(TUMBLE(', 'INSERT INTO t VALUES (', "CREATE STREAM s WITH ('k' = 'v') AS SELECT"];

describe('parser robustness', () => {
  it('either parses or throws a SYNTAX EddyError whose span lies inside the text', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PREFIXES), fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 25 }), (prefix, words) => {
        const sql = [prefix, ...words].join(' ');
        try {
          parseScript(sql);
        } catch (e) {
          expect(e).toBeInstanceOf(EddyError);
          const err = e as EddyError;
          expect(err.code).toBe('SYNTAX');
          expect(err.span).toBeDefined();
          expect(err.span!.start).toBeGreaterThanOrEqual(0);
          expect(err.span!.start).toBeLessThanOrEqual(sql.length);
          expect(err.span!.line).toBe(1);
          expect(err.span!.column).toBe(err.span!.start + 1);
        }
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  it('parses every statement of a script the same way as on its own', () => {
    const script = "SHOW STREAMS;\nSELECT a, b FROM s WHERE a > 1;\nSET 'k' = 'v'";
    const whole = parseScript(script);
    for (const p of whole) {
      const alone = parseScript(p.text)[0]!;
      expect(alone.stmt.kind).toBe(p.stmt.kind);
      expect(alone.text).toBe(p.text);
    }
  });
});
