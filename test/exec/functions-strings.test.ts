import { describe, expect, it } from 'vitest';
import { SCALAR_FUNCTIONS as F } from '../../src/exec/functions.js';
import { compileExpr } from '../../src/exec/expr-compiler.js';
import { call, col, lit } from './helpers.js';

const EMOJI = 'a😀b🎉c'; // five code points, seven UTF-16 units

describe('string functions count code points', () => {
  it('NULL in any argument gives NULL', () => {
    for (const [name, args] of [
      ['SUBSTRING', [null, 1]], ['SUBSTRING', ['abc', null]], ['SUBSTRING', ['abc', 1, null]], ['TRIM', [null]], ['LTRIM', ['x', null]],
      ['REPLACE', ['a', null, 'b']], ['POSITION', [null, 'a']], ['LOCATE', ['a', 'abc', null]], ['LPAD', ['a', null, 'x']], ['RPAD', ['a', 3, null]],
      ['INITCAP', [null]], ['REGEXP_EXTRACT', ['a', null]], ['REGEXP_REPLACE', ['a', 'a', null]],
    ] as const) {
      expect(F[name]!(...args), name).toBe(null);
    }
  });
  it('UPPER, LOWER, CHAR_LENGTH on astral characters', () => {
    expect(F.UPPER!('é😀ß')).toBe('É😀SS');
    expect(F.LOWER!('𐐀Ä')).toBe('𐐨ä'); // Deseret capital/small letter: an astral case pair
    expect(F.CHAR_LENGTH!(EMOJI)).toBe(5);
    expect(F.CHARACTER_LENGTH!('')).toBe(0);
  });
  it('SUBSTRING: 1-based, 0 as 1, negative from the end, negative length NULL', () => {
    expect(F.SUBSTRING!('hello', 2, 3)).toBe('ell');
    expect(F.SUBSTRING!('hello', 2)).toBe('ello');
    expect(F.SUBSTRING!('hello', 0, 2)).toBe('he');
    expect(F.SUBSTRING!('hello', -3)).toBe('llo');
    expect(F.SUBSTRING!('hello', -3, 2)).toBe('ll');
    expect(F.SUBSTRING!('hello', -9)).toBe('');
    expect(F.SUBSTRING!('hello', 9)).toBe('');
    expect(F.SUBSTRING!('hello', 4, 100)).toBe('lo');
    expect(F.SUBSTRING!('hello', 1, 0)).toBe('');
    expect(F.SUBSTRING!('hello', 1, -1)).toBe(null);
    expect(F.SUBSTRING!(EMOJI, 2, 3)).toBe('😀b🎉');
    expect(F.SUBSTR!(EMOJI, -2)).toBe('🎉c');
  });
  it('TRIM removes spaces by default, or any of the given characters', () => {
    expect(F.TRIM!('  a b \t ')).toBe('a b \t');
    expect(F.TRIM!('xyaxy', 'yx')).toBe('a');
    expect(F.LTRIM!('  a  ')).toBe('a  ');
    expect(F.RTRIM!('  a  ')).toBe('  a');
    expect(F.LTRIM!('xxaxx', 'x')).toBe('axx');
    expect(F.TRIM!('😀a😀', '😀')).toBe('a');
    expect(F.TRIM!('\uD83D\uDE00a', '\uDE00')).toBe('\uD83D\uDE00a'); // half a surrogate pair is not the emoji
    expect(F.TRIM!('aaa', 'a')).toBe('');
  });
  it('POSITION and LOCATE', () => {
    expect(F.POSITION!('b', 'abc')).toBe(2);
    expect(F.POSITION!('z', 'abc')).toBe(0);
    expect(F.POSITION!('', 'abc')).toBe(1);
    expect(F.POSITION!('🎉', EMOJI)).toBe(4);
    expect(F.LOCATE!('a', 'banana', 3)).toBe(4);
    expect(F.LOCATE!('🎉', EMOJI, 5)).toBe(0);
    expect(F.LOCATE!('c', EMOJI, 5)).toBe(5);
  });
  it('REPLACE replaces every occurrence', () => {
    expect(F.REPLACE!('a-b-c', '-', '+')).toBe('a+b+c');
    expect(F.REPLACE!('aaa', 'aa', 'b')).toBe('ba');
    expect(F.REPLACE!('😀x😀', '😀', 'y')).toBe('yxy');
  });
  it('LPAD and RPAD cycle the padding and cut long strings', () => {
    expect(F.LPAD!('hi', 4, '??')).toBe('??hi');
    expect(F.LPAD!('hi', 5, 'ab')).toBe('abahi');
    expect(F.LPAD!('hi', 1, '??')).toBe('h');
    expect(F.RPAD!('hi', 5, 'xy')).toBe('hixyx');
    expect(F.RPAD!('😀', 3, '🎉')).toBe('😀🎉🎉');
    expect(F.LPAD!('hi', -1, 'x')).toBe(null);
    expect(F.LPAD!('hi', 4, '')).toBe(null);
  });
  it('INITCAP capitalizes words of letters and digits', () => {
    expect(F.INITCAP!('hello wORLD-foo 1st')).toBe('Hello World-Foo 1st');
    expect(F.INITCAP!('élan')).toBe('Élan');
  });
  it('REGEXP_EXTRACT: group 0 by default, NULL on no match or a skipped group', () => {
    expect(F.REGEXP_EXTRACT!('foothebar', 'foo(.*?)(bar)', 2)).toBe('bar');
    expect(F.REGEXP_EXTRACT!('foothebar', 'foo(.*?)(bar)', 1)).toBe('the');
    expect(F.REGEXP_EXTRACT!('foothebar', 'o+')).toBe('oo');
    expect(F.REGEXP_EXTRACT!('abc', 'z')).toBe(null);
    expect(F.REGEXP_EXTRACT!('ac', 'a(b)?c', 1)).toBe(null);
    expect(F.REGEXP_EXTRACT!('abc', 'a(b', 1)).toBe(null); // a bad pattern per row is NULL, as in Flink
    expect(F.REGEXP_EXTRACT!('x😀y', 'x(.)y', 1)).toBe('😀');
    expect(F.REGEXP_EXTRACT!('id=42&x', '\\Aid=(\\d+)', 1)).toBe('42');
  });
  it('REGEXP_REPLACE uses Java replacement syntax', () => {
    expect(F.REGEXP_REPLACE!('a1b22c', '[0-9]+', '#')).toBe('a#b#c');
    expect(F.REGEXP_REPLACE!('john smith', '(\\w+) (\\w+)', '$2, $1')).toBe('smith, john');
    expect(F.REGEXP_REPLACE!('a.b', '\\.', '\\$')).toBe('a$b');
  });
});

describe('LIKE with ESCAPE', () => {
  it('the escape makes %, _ and itself literal', () => {
    expect(F.LIKE!('100%', '100!%', '!')).toBe(true);
    expect(F.LIKE!('1000', '100!%', '!')).toBe(false);
    expect(F.LIKE!('a_b', 'a!_b', '!')).toBe(true);
    expect(F.LIKE!('axb', 'a!_b', '!')).toBe(false);
    expect(F.LIKE!('a!b', 'a!!%', '!')).toBe(true);
    expect(F.LIKE!('😀x', '_x', '!')).toBe(true);
    expect(F.LIKE!(null, 'a', '!')).toBe(null);
    expect(() => F.LIKE!('ab', 'a!b', '!')).toThrow(expect.objectContaining({ code: 'QUERY_FAILED' }));
  });
});

describe('compiled calls with literal patterns', () => {
  it('specializes REGEXP_EXTRACT / REGEXP_REPLACE / DATE_FORMAT and gives the generic results', () => {
    const s = col(0, 'VARCHAR');
    const f = compileExpr(call('REGEXP_EXTRACT', [s, lit('(\\d+)-(\\d+)'), lit(2)], 'VARCHAR'));
    expect(f(['10-20'])).toBe('20');
    expect(f(['x'])).toBe(null);
    expect(f([null])).toBe(null);
    const g = compileExpr(call('REGEXP_REPLACE', [s, lit('o'), lit('0')], 'VARCHAR'));
    expect(g(['foo'])).toBe('f00');
    expect(g(['bar'])).toBe('bar');
    const d = compileExpr(call('DATE_FORMAT', [col(0, 'TIMESTAMP'), lit('yyyy/MM/dd')], 'VARCHAR'));
    expect(d([Date.UTC(2024, 4, 1, 10)])).toBe('2024/05/01');
  });
});
