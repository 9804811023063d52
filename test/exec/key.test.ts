import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../src/common/types.js';
import { compileKeyExtractor, compileNullableKey, decodeKey, encodeKey } from '../../src/exec/key.js';
import { col, lit, bin } from './helpers.js';

const value = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.constantFrom('\u0001N', '\u0001T', '\u0001', '\u0001\u0001N', 'null', '[1]', '1'),
);

describe('key encoding', () => {
  it('a single number stays a number, a single string stays a string', () => {
    expect(encodeKey([42])).toBe(42);
    expect(encodeKey(['abc'])).toBe('abc');
    expect(Object.is(encodeKey([-0]), 0)).toBe(true);
    expect(encodeKey([])).toBe(0);
  });
  it('NULL, booleans and look-alike strings get distinct keys', () => {
    const keys = [null, true, false, '\u0001N', '\u0001T', 'null', 'true', 0, '0'].map((v) => encodeKey([v]));
    expect(new Set(keys).size).toBe(keys.length);
  });
  it('round-trips and is injective for 1 and 3 values (property)', () => {
    for (const arity of [1, 3]) {
      fc.assert(
        fc.property(fc.array(value, { minLength: arity, maxLength: arity }), fc.array(value, { minLength: arity, maxLength: arity }), (a, b) => {
          const ka = encodeKey(a);
          const norm = (vs: Value[]) => vs.map((v) => (typeof v === 'number' ? v + 0 : v));
          expect(decodeKey(ka, arity)).toEqual(norm(a));
          // equal keys iff equal values (NaN equals NaN, -0 equals 0, as GROUP BY treats them)
          const same = norm(a).every((v, i) => Object.is(v, norm(b)[i]));
          expect(ka === encodeKey(b) || (Number.isNaN(ka) && Number.isNaN(encodeKey(b)))).toBe(same);
        }),
        { numRuns: 300 },
      );
    }
  });
  it('the compiled extractor agrees with encodeKey', () => {
    const rows: Value[][] = [[1, 'a', true], [null, '\u0001x', null], [-0, '', false], [2.5, '"q"', true], [NaN, 'z', null]];
    const exprs = [col(0, 'DOUBLE'), col(1, 'VARCHAR'), col(2, 'BOOLEAN')];
    for (const sel of [[0], [1], [2], [0, 1], [0, 1, 2], []]) {
      const f = compileKeyExtractor(sel.map((i) => exprs[i]!));
      for (const r of rows) {
        const expected = encodeKey(sel.map((i) => r[i]!));
        const got = f(r);
        if (typeof expected === 'number' && Number.isNaN(expected)) expect(got).toBeNaN();
        else expect(got).toBe(expected);
      }
    }
    expect(compileKeyExtractor([bin('+', col(0, 'INT'), lit(1))])([41])).toBe(42);
  });
  it('the nullable (join) key is encodeKey, or null when any key value is NULL', () => {
    const rows: Value[][] = [[1, 'a', true], [null, '\u0001x', null], [-0, '', false], [2.5, '"q"', true], [NaN, 'z', null], [3, null, true]];
    const exprs = [col(0, 'DOUBLE'), col(1, 'VARCHAR'), col(2, 'BOOLEAN')];
    for (const sel of [[0], [1], [2], [0, 1], [0, 1, 2], []]) {
      const f = compileNullableKey(sel.map((i) => exprs[i]!));
      for (const r of rows) {
        const values = sel.map((i) => r[i]!);
        const got = f(r);
        if (values.some((v) => v === null)) expect(got).toBeNull();
        else if (Number.isNaN(encodeKey(values))) expect(got).toBeNaN();
        else expect(got).toBe(encodeKey(values));
      }
    }
  });
});
