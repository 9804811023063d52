import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../../src/common/types.js';
import { agg, bin, col, lit } from '../helpers.js';
import { aggregate, merged, roundTrip, resultsOf, stateOf } from './helpers.js';
import { sqliteQuery } from './sqlite-reference.js';

const g = col(0, 'INT');
const x = col(1, 'INT');
const s = col(1, 'VARCHAR');
const d = col(1, 'DOUBLE');

const distinctCalls = (arg = x, type: 'INT' | 'DOUBLE' = 'INT') => [
  agg('COUNT', arg, { distinct: true }),
  agg('SUM', arg, { distinct: true, type: type === 'INT' ? 'BIGINT' : 'DOUBLE' }),
  agg('AVG', arg, { distinct: true, type: 'DOUBLE' }),
];

describe('COUNT / SUM / AVG (DISTINCT x)', () => {
  it('count each non-NULL value once; empty gives 0 / NULL / NULL', () => {
    expect(aggregate(distinctCalls(), [[0, 3], [0, 3], [0, null], [0, 1], [0, 3], [0, 2]])).toEqual([3, 6, 2]);
    expect(aggregate(distinctCalls(), [[0, null]])).toEqual([0, null, null]);
    expect(aggregate(distinctCalls(), [])).toEqual([0, null, null]);
  });

  it('strings compare exactly (case, emoji, empty string); -0 equals 0; NaN equals NaN', () => {
    expect(aggregate([agg('COUNT', s, { distinct: true })], [[0, 'a'], [0, 'A'], [0, ''], [0, '😀'], [0, 'a'], [0, ''], [0, '😀']])).toEqual([4]);
    expect(aggregate(distinctCalls(d, 'DOUBLE'), [[0, 0], [0, -0], [0, NaN], [0, NaN], [0, 1.5]]).slice(0, 1)).toEqual([3]);
  });

  it('FILTER applies before a value enters the set', () => {
    const calls = [agg('COUNT', x, { distinct: true, filter: bin('>', g, lit(0)) }), agg('COUNT', x, { distinct: true })];
    expect(aggregate(calls, [[0, 1], [1, 2], [1, 2], [0, 3], [1, 1]])).toEqual([2, 3]);
  });

  it('matches SQLite on random groups with many repeats and NULLs (the table grows past its first capacity)', async () => {
    const rows: [number, number | null][] = [];
    let seed = 7;
    for (let i = 0; i < 3000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      rows.push([seed % 5, seed % 11 === 0 ? null : (seed >> 8) % (50 + 200 * (seed % 5))]);
    }
    const expected = await sqliteQuery(rows, 'INTEGER', 'SELECT g, COUNT(DISTINCT x), SUM(DISTINCT x), AVG(DISTINCT x) FROM t GROUP BY g ORDER BY g');
    const actual = [0, 1, 2, 3, 4].map((k) => [k, ...aggregate(distinctCalls(), rows.filter((r) => r[0] === k))]);
    expect(actual.map((r) => r.slice(0, 3))).toEqual(expected.map((r) => r.slice(0, 3)));
    actual.forEach((r, i) => expect(r[3]).toBeCloseTo(expected[i]![3] as number, 9));
    expect((expected[4]![1] as number) > 100).toBe(true);
  });

  it('merge(a, b) equals aggregating a then b (property), and the state survives the checkpoint codec', () => {
    const value = fc.option(fc.oneof(fc.integer({ min: -20, max: 20 }), fc.constant(0)), { nil: null });
    const rowsArb = fc.array(value.map((v) => [0, v] as Row), { maxLength: 60 });
    const calls = distinctCalls();
    fc.assert(
      fc.property(rowsArb, rowsArb, (r1, r2) => {
        expect(merged(calls, r1, r2)).toEqual(aggregate(calls, [...r1, ...r2]));
        expect(resultsOf(calls, roundTrip(stateOf(calls, r1)))).toEqual(aggregate(calls, r1));
      }),
      { numRuns: 200 },
    );
  });
});
