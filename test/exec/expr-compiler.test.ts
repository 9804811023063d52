import { describe, expect, it } from 'vitest';
import { EddyError } from '../../src/common/errors.js';
import type { Row, Value } from '../../src/common/types.js';
import type { BoundExpr } from '../../src/planner/bound.js';
import { compileExpr, compilePredicate, compileRowBuilder } from '../../src/exec/expr-compiler.js';
import { bin, call, cast, col, lit, neg, not } from './helpers.js';

const ev = (e: BoundExpr, row: Row = []): Value => compileExpr(e)(row);
const B = (v: boolean | null): BoundExpr => lit(v, 'BOOLEAN');

describe('three-valued logic', () => {
  const vals = [true, false, null] as const;
  // Truth tables from the SQL standard.
  const and = (a: boolean | null, b: boolean | null) => (a === false || b === false ? false : a === null || b === null ? null : true);
  const or = (a: boolean | null, b: boolean | null) => (a === true || b === true ? true : a === null || b === null ? null : false);
  for (const a of vals) {
    for (const b of vals) {
      it(`${a} AND ${b} / ${a} OR ${b}`, () => {
        expect(ev(bin('AND', B(a), B(b)))).toBe(and(a, b));
        expect(ev(bin('OR', B(a), B(b)))).toBe(or(a, b));
      });
    }
  }
  it('NOT NULL is NULL', () => {
    expect(ev(not(B(null)))).toBe(null);
    expect(ev(not(B(true)))).toBe(false);
  });
  it('predicates accept only TRUE', () => {
    const p = compilePredicate(bin('>', col(0, 'INT'), lit(1)));
    expect([p([2]), p([1]), p([null])]).toEqual([true, false, false]);
  });
  it('AND short-circuits: FALSE AND (1/0 = 1) does not raise', () => {
    const divZero = bin('=', bin('/', lit(1), lit(0)), lit(1));
    expect(ev(bin('AND', B(false), divZero))).toBe(false);
    expect(ev(bin('OR', B(true), divZero))).toBe(true);
    expect(() => ev(bin('AND', B(true), divZero))).toThrow(EddyError);
  });
});

describe('arithmetic and NULL', () => {
  it('NULL propagates through arithmetic and comparison', () => {
    for (const op of ['+', '-', '*', '/', '%', '=', '<>', '<', '>='] as const) {
      expect(ev(bin(op, col(0, 'INT'), lit(3)), [null])).toBe(null);
      expect(ev(bin(op, lit(3), col(0, 'INT')), [null])).toBe(null);
    }
    expect(ev(neg(col(0, 'INT')), [null])).toBe(null);
  });
  it('integer division truncates toward zero; doubles divide exactly', () => {
    expect(ev(bin('/', lit(7), lit(2)))).toBe(3);
    expect(ev(bin('/', lit(-7), lit(2)))).toBe(-3);
    expect(Object.is(ev(bin('/', lit(-1), lit(2))), 0)).toBe(true);
    expect(ev(bin('/', lit(7, 'DOUBLE'), lit(2)))).toBe(3.5);
    expect(ev(bin('/', lit(1, 'DOUBLE'), lit(0)))).toBe(Infinity);
  });
  it('integer division and MOD by zero raise QUERY_FAILED', () => {
    for (const op of ['/', '%'] as const) {
      try {
        ev(bin(op, col(0, 'BIGINT'), lit(0)), [5]);
        expect.unreachable();
      } catch (e) {
        expect((e as EddyError).code).toBe('QUERY_FAILED');
        expect((e as EddyError).message).toBe('division by zero');
      }
    }
  });
  it('% follows the dividend sign (Java/Flink MOD)', () => {
    expect(ev(bin('%', lit(-7), lit(3)))).toBe(-1);
    expect(ev(bin('%', lit(7), lit(-3)))).toBe(1);
  });
  it('|| concatenates, NULL gives NULL, non-strings are cast', () => {
    expect(ev(bin('||', lit('a'), lit('b')))).toBe('ab');
    expect(ev(bin('||', lit('a'), lit(null)))).toBe(null);
    expect(ev(bin('||', lit('n='), lit(5)))).toBe('n=5');
    expect(ev(bin('||', lit('x='), lit(1.5)))).toBe('x=1.5');
  });
  it('timestamp minus interval (watermark expressions)', () => {
    expect(ev(bin('-', col(0, 'TIMESTAMP'), lit(5000, 'INTERVAL'), 'TIMESTAMP'), [10_000])).toBe(5000);
  });
});

describe('comparisons', () => {
  it('numbers, booleans, timestamps', () => {
    expect(ev(bin('<', lit(1), lit(2.5)))).toBe(true);
    expect(ev(bin('=', lit(2), lit(2.0, 'DOUBLE')))).toBe(true);
    expect(ev(bin('<', B(false), B(true)))).toBe(true);
    expect(ev(bin('>=', col(0, 'TIMESTAMP'), col(1, 'TIMESTAMP')), [1000, 999])).toBe(true);
  });
  it('strings compare by code point, not UTF-16 unit', () => {
    // U+FF5E (one unit, 0xFF5E) < U+1F600 (surrogates 0xD83D...) by code point; `<` on units says the opposite.
    const a = '\uFF5E';
    const b = '😀';
    expect(a < b).toBe(false);
    expect(ev(bin('<', lit(a), lit(b)))).toBe(true);
    expect(ev(bin('<', lit('abc'), lit('abd')))).toBe(true);
    expect(ev(bin('<', lit('ab'), lit('abc')))).toBe(true);
    expect(ev(bin('=', lit('x'), lit('x')))).toBe(true);
  });
});

describe('predicates', () => {
  it('IS [NOT] NULL', () => {
    expect(ev({ kind: 'isNull', operand: col(0, 'INT'), negated: false, type: 'BOOLEAN' }, [null])).toBe(true);
    expect(ev({ kind: 'isNull', operand: col(0, 'INT'), negated: true, type: 'BOOLEAN' }, [null])).toBe(false);
    expect(ev({ kind: 'isNull', operand: col(0, 'INT'), negated: true, type: 'BOOLEAN' }, [0])).toBe(true);
  });
  it('BETWEEN with NULL bounds is three-valued', () => {
    const between = (x: Value, lo: Value, hi: Value, negated = false) =>
      ev({ kind: 'between', operand: col(0, 'INT'), low: col(1, 'INT'), high: col(2, 'INT'), negated, type: 'BOOLEAN' }, [x, lo, hi]);
    expect(between(5, 1, 10)).toBe(true);
    expect(between(1, 1, 10)).toBe(true);
    expect(between(11, 1, 10)).toBe(false);
    expect(between(11, 1, 10, true)).toBe(true);
    expect(between(5, null, 10)).toBe(null);
    expect(between(11, null, 10)).toBe(false); // x <= hi is FALSE, so the AND is FALSE
    expect(between(null, 1, 10)).toBe(null);
  });
  it('IN over literals and over expressions, with NULL in the list', () => {
    const inList = (x: Value, list: BoundExpr[], negated = false) =>
      ev({ kind: 'in', operand: col(0, 'INT'), list, negated, type: 'BOOLEAN' }, [x, 3]);
    expect(inList(2, [lit(1), lit(2)])).toBe(true);
    expect(inList(5, [lit(1), lit(2)])).toBe(false);
    expect(inList(5, [lit(1), lit(null)])).toBe(null);
    expect(inList(1, [lit(1), lit(null)])).toBe(true);
    expect(inList(null, [lit(1)])).toBe(null);
    expect(inList(5, [lit(1), lit(2)], true)).toBe(true);
    expect(inList(5, [lit(1), lit(null)], true)).toBe(null);
    // non-literal list
    expect(inList(3, [lit(1), col(1, 'INT')])).toBe(true);
    expect(inList(4, [lit(null, 'INT'), col(1, 'INT')])).toBe(null);
    expect(inList(4, [col(1, 'INT')], true)).toBe(true);
  });
  it('LIKE with % and _ and regex characters taken literally', () => {
    const like = (s: Value, p: string, negated = false) =>
      ev({ kind: 'like', operand: col(0, 'VARCHAR'), pattern: lit(p), negated, type: 'BOOLEAN' }, [s]);
    expect(like('hello', 'h%')).toBe(true);
    expect(like('hello', 'h_llo')).toBe(true);
    expect(like('hello', 'h_lo')).toBe(false);
    expect(like('a.c', 'a.c')).toBe(true);
    expect(like('abc', 'a.c')).toBe(false);
    expect(like('a-(b)', 'a-(b)')).toBe(true);
    expect(like('😀x', '_x')).toBe(true);
    expect(like('line1\nline2', 'line1%')).toBe(true);
    expect(like(null, '%')).toBe(null);
    expect(like('abc', 'b%', true)).toBe(true);
  });
  it('LIKE with a per-row pattern', () => {
    const e: BoundExpr = { kind: 'like', operand: col(0, 'VARCHAR'), pattern: col(1, 'VARCHAR'), negated: false, type: 'BOOLEAN' };
    const f = compileExpr(e);
    expect(f(['abc', 'a%'])).toBe(true);
    expect(f(['abc', '_b'])).toBe(false);
    expect(f(['abc', null])).toBe(null);
  });
  it('CASE picks the first TRUE branch, NULL conditions fall through', () => {
    const e: BoundExpr = {
      kind: 'case',
      whens: [
        { when: bin('>', col(0, 'INT'), lit(10)), then: lit('big') },
        { when: bin('>', col(0, 'INT'), lit(0)), then: lit('small') },
      ],
      else: lit('other'),
      type: 'VARCHAR',
    };
    const f = compileExpr(e);
    expect([f([20]), f([5]), f([-1]), f([null])]).toEqual(['big', 'small', 'other', 'other']);
  });
});

describe('CAST', () => {
  it('TIMESTAMP <-> VARCHAR', () => {
    expect(ev(cast(lit(1_700_000_000_123, 'TIMESTAMP'), 'VARCHAR'))).toBe('2023-11-14 22:13:20.123');
    expect(ev(cast(lit('2023-11-14 22:13:20.123'), 'TIMESTAMP'))).toBe(1_700_000_000_123);
    expect(ev(cast(lit('2023-11-14T22:13:20Z'), 'TIMESTAMP'))).toBe(1_700_000_000_000);
    expect(ev(cast(lit('2023-11-14T23:13:20+01:00'), 'TIMESTAMP'))).toBe(1_700_000_000_000);
    expect(ev(cast(lit('2023-11-14'), 'TIMESTAMP'))).toBe(Date.UTC(2023, 10, 14));
  });
  it('VARCHAR -> numbers and BOOLEAN', () => {
    expect(ev(cast(lit(' 42 '), 'INT'))).toBe(42);
    expect(ev(cast(lit('-1.5e2'), 'DOUBLE'))).toBe(-150);
    expect(ev(cast(lit('TRUE'), 'BOOLEAN'))).toBe(true);
    expect(ev(cast(lit(null, 'VARCHAR'), 'INT'))).toBe(null);
  });
  it('a failing cast raises a clear QUERY_FAILED error', () => {
    for (const [v, t] of [['abc', 'INT'], ['1.5', 'BIGINT'], ['x', 'DOUBLE'], ['2021-02-30', 'TIMESTAMP'], ['maybe', 'BOOLEAN']] as const) {
      try {
        ev(cast(lit(v), t));
        expect.unreachable();
      } catch (e) {
        expect((e as EddyError).code).toBe('QUERY_FAILED');
        expect((e as EddyError).message).toContain(`cannot cast "${v}"`);
      }
    }
  });
  it('numbers -> VARCHAR the Java way, DOUBLE -> INT truncates', () => {
    expect(ev(cast(lit(1, 'DOUBLE'), 'VARCHAR'))).toBe('1.0');
    expect(ev(cast(lit(1e7, 'DOUBLE'), 'VARCHAR'))).toBe('1.0E7');
    expect(ev(cast(lit(12, 'BIGINT'), 'VARCHAR'))).toBe('12');
    expect(ev(cast(lit(true), 'VARCHAR'))).toBe('TRUE');
    expect(ev(cast(lit(-2.7, 'DOUBLE'), 'INT'))).toBe(-2);
  });
});

describe('functions in expressions', () => {
  it('calls scalar functions and inlines a lazy COALESCE', () => {
    expect(ev(call('UPPER', [col(0, 'VARCHAR')], 'VARCHAR'), ['abc'])).toBe('ABC');
    expect(ev(call('COALESCE', [col(0, 'INT'), col(1, 'INT'), lit(9)], 'INT'), [null, 2])).toBe(2);
    expect(ev(call('COALESCE', [col(0, 'INT'), col(1, 'INT')], 'INT'), [null, null])).toBe(null);
    // the second argument would divide by zero; it is never evaluated
    expect(ev(call('COALESCE', [lit(1), bin('/', lit(1), lit(0))], 'INT'))).toBe(1);
  });
  it('unknown functions are UNKNOWN_FUNCTION at compile time', () => {
    expect(() => compileExpr(call('NOPE', [], 'INT'))).toThrow(expect.objectContaining({ code: 'UNKNOWN_FUNCTION' }));
  });
});

describe('code generation', () => {
  it('never splices literal text into the generated source', () => {
    const f = compileExpr(bin('=', col(0, 'VARCHAR'), lit("'); throw 1; ('")));
    expect(f.toString()).not.toContain('throw 1');
    expect(f(["'); throw 1; ('"])).toBe(true);
  });
  it('builds a whole output row with one function', () => {
    const f = compileRowBuilder([col(1, 'INT'), bin('*', col(0, 'INT'), lit(2)), lit('k')]);
    expect(f([3, 'x'])).toEqual(['x', 6, 'k']);
  });
});
