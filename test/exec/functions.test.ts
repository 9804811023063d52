import { describe, expect, it } from 'vitest';
import { SCALAR_FUNCTIONS as F } from '../../src/exec/functions.js';

describe('scalar functions', () => {
  it('NULL in gives NULL out (except COALESCE)', () => {
    for (const name of ['UPPER', 'LOWER', 'TRIM', 'CHAR_LENGTH', 'ABS', 'FLOOR', 'CEIL', 'SQRT', 'ROUND']) {
      expect(F[name]!(null)).toBe(null);
    }
    expect(F.CONCAT!('a', null, 'b')).toBe(null);
    expect(F.MOD!(null, 2)).toBe(null);
    expect(F.POWER!(2, null)).toBe(null);
    expect(F.COALESCE!(null, null, 3)).toBe(3);
  });
  it('strings', () => {
    expect(F.UPPER!('straße')).toBe('STRASSE');
    expect(F.LOWER!('ABC')).toBe('abc');
    expect(F.TRIM!('  a b \t ')).toBe('a b \t'); // SQL TRIM removes spaces only
    expect(F.CHAR_LENGTH!('a😀b')).toBe(3);
    expect(F.CONCAT!('a', 'b', 'c')).toBe('abc');
  });
  it('NULLIF', () => {
    expect(F.NULLIF!(1, 1)).toBe(null);
    expect(F.NULLIF!(1, 2)).toBe(1);
  });
  it('numbers', () => {
    expect(F.ABS!(-3)).toBe(3);
    expect(F.MOD!(-7, 3)).toBe(-1);
    expect(() => F.MOD!(1, 0)).toThrow(expect.objectContaining({ code: 'QUERY_FAILED' }));
    expect(F.ROUND!(2.5)).toBe(3);
    expect(F.ROUND!(-2.5)).toBe(-3);
    expect(F.ROUND!(1.005, 2)).toBe(1.01);
    expect(F.ROUND!(1234.5678, -2)).toBe(1200);
    expect(F.FLOOR!(-1.5)).toBe(-2);
    expect(F.CEIL!(-1.5)).toBe(-1);
    expect(Object.is(F.CEIL!(-0.5), -0)).toBe(false);
    expect(F.POWER!(2, 10)).toBe(1024);
    expect(F.SQRT!(16)).toBe(4);
  });
});
