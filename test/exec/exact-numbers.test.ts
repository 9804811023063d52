/**
 * Exact numbers (issue 12): the exact-integer form (a number while safe, a BigInt beyond), BIGINT
 * arithmetic wrapping at 64 bits as Java's long, DECIMAL parse/format/rescale with HALF_UP, the
 * decimal type rules of Flink, and the places a BigInt must survive: keys, the tagged state codec,
 * checkpoint JSON, and JSON text with long digit runs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bigintAdd, bigintMul, bigintSub, canonical, divHalfUp, formatDecimal, parseDecimal, rescale } from '../../src/common/exact.js';
import { decimalArithmeticType, decimalAvgType, decimalSumType } from '../../src/planner/decimal-type-rules.js';
import { decimalBinary } from '../../src/exec/decimal-ops.js';
import { decodeKey, encodeKey, encodeSingle } from '../../src/exec/key.js';
import { ByteReader, ByteWriter, readTagged, writeTagged } from '../../src/exec/state/index.js';
import { decodeJson, encodeJson } from '../../src/checkpoint/codec.js';
import { quoteLongNumbers } from '../../src/connectors/row-decoders.js';
import { JsonRowDecoder } from '../../src/connectors/row-decoders.js';
import type { SqlType } from '../../src/common/types.js';
import { parseScript } from '../../src/parser/index.js';
import { EddyError } from '../../src/common/errors.js';

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;
const EDGES = [0n, 1n, -1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) + 1n, -(2n ** 53n), -(2n ** 53n) - 1n, MAX, MIN, MAX - 1n, MIN + 1n, 2n ** 32n, -(2n ** 31n)];
/** int64 values biased to the edges. */
const int64 = fc.oneof(fc.constantFrom(...EDGES), fc.bigInt({ min: MIN, max: MAX }), fc.bigInt({ min: -(2n ** 54n), max: 2n ** 54n }));
const wrap = (x: bigint) => BigInt.asIntN(64, x);
const isCanonical = (x: number | bigint) => (typeof x === 'number' ? Number.isSafeInteger(x) : x > 2n ** 53n - 1n || x < -(2n ** 53n) + 1n);

describe('exact integers', () => {
  it('are canonical: a number exactly when safe', () => {
    for (const e of EDGES) {
      const c = canonical(e);
      expect(isCanonical(c)).toBe(true);
      expect(BigInt(c)).toBe(e);
    }
    expect(canonical(2n ** 53n - 1n)).toBe(2 ** 53 - 1);
    expect(canonical(2n ** 53n)).toBe(2n ** 53n);
  });

  it('BIGINT + - * wrap at 64 bits as Java long does, and return canonical values', () => {
    fc.assert(
      fc.property(int64, int64, (a, b) => {
        const [x, y] = [canonical(a), canonical(b)];
        for (const [f, ref] of [[bigintAdd, wrap(a + b)], [bigintSub, wrap(a - b)], [bigintMul, wrap(a * b)]] as const) {
          const r = f(x, y);
          expect(isCanonical(r)).toBe(true);
          expect(BigInt(r)).toBe(ref);
        }
      }),
      { numRuns: 2000, seed: 12 },
    );
  });

  it('the canonical form makes === and < exact between numbers and BigInts', () => {
    const xs = EDGES.map(canonical);
    for (const a of xs) for (const b of xs) {
      expect(a === b).toBe(BigInt(a) === BigInt(b));
      expect(a < b).toBe(BigInt(a) < BigInt(b));
    }
  });
});

describe('DECIMAL types', () => {
  const typeOf = (t: string) => {
    const [stmt] = parseScript(`CREATE TABLE t (x ${t}) WITH ('connector' = 'memory')`);
    return JSON.stringify(stmt).match(/"type":"(DECIMAL\([^"]*\))"/)?.[1];
  };
  it("parse as Flink's: DECIMAL is DECIMAL(10, 0), NUMERIC and DEC are synonyms, 1 <= p <= 38 and 0 <= s <= p", () => {
    expect(typeOf('DECIMAL')).toBe('DECIMAL(10, 0)');
    expect(typeOf('DECIMAL(7)')).toBe('DECIMAL(7, 0)');
    expect(typeOf('NUMERIC(38, 38)')).toBe('DECIMAL(38, 38)');
    expect(typeOf('DEC(5, 2)')).toBe('DECIMAL(5, 2)');
    for (const bad of ['DECIMAL(39, 2)', 'DECIMAL(0)', 'DECIMAL(5, 6)']) {
      expect(() => parseScript(`CREATE TABLE t (x ${bad}) WITH ('connector' = 'memory')`), bad).toThrow(EddyError);
    }
  });
});

describe('DECIMAL values', () => {
  it('format with exactly s digits, and parse back', () => {
    expect(formatDecimal(150, 2)).toBe('1.50');
    expect(formatDecimal(-5, 2)).toBe('-0.05');
    expect(formatDecimal(0, 3)).toBe('0.000');
    expect(formatDecimal(10n ** 38n - 1n, 10)).toBe('9999999999999999999999999999.9999999999');
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n }), fc.integer({ min: 0, max: 38 }), (u, s) => {
        expect(BigInt(parseDecimal(formatDecimal(canonical(u), s), 38, s)!)).toBe(u);
      }),
      { numRuns: 1000, seed: 3 },
    );
  });

  it('round HALF_UP (ties away from zero) and give NULL beyond the precision', () => {
    expect(parseDecimal('1.005', 3, 2)).toBe(101);
    expect(parseDecimal('-1.005', 3, 2)).toBe(-101);
    expect(parseDecimal('1.0049', 3, 2)).toBe(100);
    expect(parseDecimal('2.5', 1, 0)).toBe(3);
    expect(parseDecimal('-2.5', 1, 0)).toBe(-3);
    expect(parseDecimal('9.995', 3, 2)).toBe(null); // rounds to 10.00: 4 digits
    expect(parseDecimal('1e3', 4, 0)).toBe(1000);
    expect(parseDecimal('1.5E-1', 2, 2)).toBe(15);
    expect(parseDecimal('abc', 10, 2)).toBe(undefined);
    expect(parseDecimal('99999999999999999999999999999999999999', 38, 0)).toBe(10n ** 38n - 1n);
    expect(parseDecimal('100000000000000000000000000000000000000', 38, 0)).toBe(null);
    expect(rescale(12345, 2, 1, 4)).toBe(1235);
    expect(rescale(12345, 2, 3, 5)).toBe(null);
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.boolean(), (n, d, neg) => {
        const den = neg ? -d : d;
        const q = divHalfUp(n, den);
        // |n/den - q| <= 1/2, with ties away from zero: 2|n - q·den| <= |den|, strictly unless q is the far one.
        const err = n - q * den;
        const twice = 2n * (err < 0n ? -err : err);
        const absD = den < 0n ? -den : den;
        expect(twice <= absD).toBe(true);
        const abs = (x: bigint) => (x < 0n ? -x : x);
        if (twice === absD) expect(abs(q * den) > abs(n)).toBe(true); // a tie goes away from zero
      }),
      { numRuns: 1000, seed: 5 },
    );
  });

  it("derive result types by Flink's rules (max precision 38, at least 6 digits of scale kept)", () => {
    const D = (p: number, s: number): SqlType => `DECIMAL(${p}, ${s})`;
    expect(decimalArithmeticType('+', D(10, 2), D(5, 4))).toBe(D(13, 4));
    expect(decimalArithmeticType('-', D(10, 2), 'INT')).toBe(D(13, 2));
    expect(decimalArithmeticType('*', D(10, 2), D(5, 4))).toBe(D(16, 6));
    expect(decimalArithmeticType('/', D(10, 2), D(5, 4))).toBe(D(20, 8));
    expect(decimalArithmeticType('/', D(10, 2), 'INT')).toBe(D(21, 13));
    expect(decimalArithmeticType('%', D(10, 2), D(5, 4))).toBe(D(5, 4));
    expect(decimalArithmeticType('+', D(38, 10), D(38, 10))).toBe(D(38, 9));
    expect(decimalArithmeticType('*', D(38, 10), D(38, 10))).toBe(D(38, 6));
    expect(decimalArithmeticType('/', D(38, 2), D(38, 2))).toBe(D(38, 6));
    expect(decimalSumType(D(10, 2))).toBe(D(38, 2));
    expect(decimalAvgType(D(10, 2))).toBe(D(38, 6));
    expect(decimalAvgType(D(20, 8))).toBe(D(38, 8));
  });

  it('+ - * / are exact at the result scale (HALF_UP) and NULL on overflow', () => {
    const D = (p: number, s: number): SqlType => `DECIMAL(${p}, ${s})`;
    const mul = decimalBinary('*', D(38, 10), D(38, 10), D(38, 6));
    // 1.0000000005 * 1.0000000005 = 1.00000000100000000025 → 1.000000 at scale 6
    expect(mul(10000000005, 10000000005)).toBe(1000000);
    expect(mul(10n ** 37n, 10n ** 37n)).toBe(null);
    const div = decimalBinary('/', D(10, 2), 'INT', D(21, 13));
    expect(formatDecimal(div(200, 3)!, 13)).toBe('0.6666666666667');
    expect(formatDecimal(div(-200, 3)!, 13)).toBe('-0.6666666666667');
    expect(() => div(1, 0)).toThrow(/division by zero/i);
    const add = decimalBinary('+', D(38, 0), D(38, 0), D(38, 0));
    expect(add(10n ** 38n - 1n, 1)).toBe(null);
    expect(add(10n ** 38n - 1n, -1)).toBe(10n ** 38n - 2n);
    const sub = decimalBinary('-', D(5, 2), D(5, 4), D(8, 4));
    expect(sub(150, 1)).toBe(14999);
    const mod = decimalBinary('%', D(5, 1), D(5, 2), D(5, 2));
    expect(mod(-75, 200)).toBe(-150); // -7.5 % 2.00 = -1.50 (the dividend's sign)
  });
});

describe('BigInts through keys, state and JSON', () => {
  it('keys: one and several values, distinct from the neighbouring numbers and strings', () => {
    const big = 2n ** 53n + 1n;
    expect(encodeSingle(big)).not.toBe(encodeSingle(2 ** 53));
    expect(encodeSingle(big)).not.toBe(encodeSingle(String(big)));
    expect(decodeKey(encodeKey([big]), 1)).toEqual([big]);
    expect(decodeKey(encodeKey([big, 'x', -(2n ** 63n), 1.5]), 4)).toEqual([big, 'x', -(2n ** 63n), 1.5]);
    expect(encodeKey([big, 1])).not.toBe(encodeKey([String(big), 1]));
  });

  it('the tagged codec and checkpoint JSON round-trip BigInts', () => {
    const values = [2n ** 63n - 1n, -(2n ** 63n), 10n ** 38n - 1n, [1, 2n ** 60n, null], { s: 9007199254740993n }];
    const w = new ByteWriter(16);
    for (const v of values) writeTagged(v, w);
    const r = new ByteReader(w.slice(0, w.pos));
    expect(values.map(() => readTagged(r))).toEqual(values);
    expect(decodeJson(encodeJson({ a: [2n ** 63n - 1n, Infinity] }))).toEqual({ a: [2n ** 63n - 1n, Infinity] });
  });

  it('JSON text: long numbers are read from their digits, numbers in strings are left alone', () => {
    expect(quoteLongNumbers('{"a":9223372036854775807,"b":"12345678901234567890","c":1.5,"d":-12345678.123456789}')).toBe(
      '{"a":"9223372036854775807","b":"12345678901234567890","c":1.5,"d":"-12345678.123456789"}',
    );
    const dec = new JsonRowDecoder({ columns: [{ name: 'id', type: 'BIGINT' }, { name: 'd', type: 'DECIMAL(38, 9)' }, { name: 's', type: 'VARCHAR' }] });
    expect(dec.decodeText('{"id": 9223372036854775807, "d": 12345678901234567890.123456789, "s": "x \\" 99999999999999999999"}')).toEqual([
      2n ** 63n - 1n,
      12345678901234567890123456789n,
      'x " 99999999999999999999',
    ]);
    expect(dec.decodeText('{"id": 9007199254740993, "d": 0.1, "s": null}')).toEqual([9007199254740993n, 100000000, null]);
    expect(dec.decodeText('{"id": -5, "d": null, "s": "a"}')).toEqual([-5, null, 'a']);
  });
});
