import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row, Value } from '../../src/common/types.js';
import { compileAggregator } from '../../src/exec/accumulators/compile-aggregator.js';
import { agg, bin, col, lit } from './helpers.js';

function aggregate(calls: Parameters<typeof compileAggregator>[0], rows: Row[]): Value[] {
  const a = compileAggregator(calls);
  const s: Value[] = [];
  a.init(s);
  for (const r of rows) a.update(s, r);
  const out: Value[] = [];
  a.results(s, out);
  return out;
}

const x = col(0, 'INT');

describe('aggregates', () => {
  it('skip NULLs; COUNT(*) counts rows; empty input gives NULL except counts', () => {
    const calls = [agg('COUNT_STAR'), agg('COUNT', x), agg('SUM', x), agg('AVG', x), agg('MIN', x), agg('MAX', x)];
    expect(aggregate(calls, [[null], [4], [null], [1], [7]])).toEqual([5, 3, 12, 4, 1, 7]);
    expect(aggregate(calls, [[null], [null]])).toEqual([2, 0, null, null, null, null]);
    expect(aggregate(calls, [])).toEqual([0, 0, null, null, null, null]);
  });
  it('AVG of integers truncates like Flink; AVG of doubles does not', () => {
    expect(aggregate([agg('AVG', x, { type: 'INT' })], [[1], [2]])).toEqual([1]);
    expect(aggregate([agg('AVG', x, { type: 'INT' })], [[-1], [-2]])).toEqual([-1]);
    expect(aggregate([agg('AVG', col(0, 'DOUBLE'), { type: 'DOUBLE' })], [[1], [2]])).toEqual([1.5]);
  });
  it('MIN/MAX over strings use code-point order, over booleans FALSE < TRUE', () => {
    const s = col(0, 'VARCHAR');
    expect(aggregate([agg('MIN', s), agg('MAX', s)], [['b'], ['\uFF5E'], ['😀'], ['a']])).toEqual(['a', '😀']);
    const b = col(0, 'BOOLEAN');
    expect(aggregate([agg('MIN', b), agg('MAX', b)], [[true], [false], [null]])).toEqual([false, true]);
  });
  it('FILTER (WHERE p) skips rows where p is not TRUE', () => {
    const p = bin('>', col(1, 'INT'), lit(0));
    const rows = [[1, 1], [10, 0], [100, null], [1000, 5]];
    expect(aggregate([agg('COUNT_STAR', undefined, { filter: p }), agg('SUM', x, { filter: p }), agg('SUM', x)], rows)).toEqual([2, 1001, 1111]);
  });
  it('DISTINCT where it cannot apply is refused with UNSUPPORTED; where it changes nothing it is dropped', () => {
    expect(() => compileAggregator([agg('LISTAGG', col(0, 'VARCHAR'), { distinct: true, args: [lit(',')] })])).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
    expect(aggregate([agg('MAX', x, { distinct: true }), agg('COUNT', x, { distinct: true })], [[3], [3], [1]])).toEqual([3, 2]);
  });
  it('state slots start at base, leaving the caller its own slots', () => {
    const a = compileAggregator([agg('COUNT_STAR'), agg('AVG', x)], 2);
    const s: Value[] = ['k1', 'k2'];
    a.init(s);
    a.update(s, [3]);
    a.update(s, [5]);
    expect(s).toEqual(['k1', 'k2', 2, 8, 2]);
    expect(a.width).toBe(3);
  });
  it('merge(a, b) equals aggregating the concatenated input (property)', () => {
    const calls = [agg('COUNT_STAR'), agg('COUNT', x), agg('SUM', x), agg('AVG', x, { type: 'DOUBLE' }), agg('MIN', x), agg('MAX', x)];
    const rowsArb = fc.array(fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null }).map((v) => [v] as Row));
    fc.assert(
      fc.property(rowsArb, rowsArb, (r1, r2) => {
        const a = compileAggregator(calls);
        const s1: Value[] = [];
        const s2: Value[] = [];
        a.init(s1);
        a.init(s2);
        for (const r of r1) a.update(s1, r);
        for (const r of r2) a.update(s2, r);
        a.merge(s1, s2);
        const out: Value[] = [];
        a.results(s1, out);
        expect(out).toEqual(aggregate(calls, [...r1, ...r2]));
      }),
      { numRuns: 200 },
    );
  });
});
