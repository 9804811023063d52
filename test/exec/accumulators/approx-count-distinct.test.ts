import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row, Value } from '../../../src/common/types.js';
import { compileAggregator } from '../../../src/exec/accumulators/compile-aggregator.js';
import { agg, col } from '../helpers.js';
import { aggregate, checkpointBytes, merged, resultsOf, roundTrip, stateOf } from './helpers.js';

const n = col(0, 'BIGINT');
const s = col(0, 'VARCHAR');
const hll = (arg = n) => [agg('APPROX_COUNT_DISTINCT', arg, { type: 'BIGINT' })];
/** 1.04 / sqrt(4096): HyperLogLog's relative standard error with 4096 registers. */
const SE = 1.04 / 64;

function estimateOf(values: readonly Value[], arg = n): number {
  const calls = hll(arg);
  const a = compileAggregator(calls);
  const st: Value[] = [];
  a.init(st);
  const row: Row = [null];
  for (const v of values) {
    row[0] = v;
    a.update(st, row);
  }
  return resultsOf(calls, st)[0] as number;
}

describe('APPROX_COUNT_DISTINCT (HyperLogLog, 4096 registers)', () => {
  it('stays within 3 standard errors (4.9%) of the truth for 100k distinct values, numbers and strings', () => {
    const nums: number[] = [];
    for (let i = 0; i < 100_000; i++) nums.push(i * 7 + 1_000_000, i * 7 + 1_000_000); // each value twice
    const est = estimateOf(nums);
    expect(Math.abs(est - 100_000) / 100_000).toBeLessThan(3 * SE);
    const strs = Array.from({ length: 100_000 }, (_, i) => `user-${i}`);
    const estS = estimateOf(strs, s);
    expect(Math.abs(estS - 100_000) / 100_000).toBeLessThan(3 * SE);
  });

  it('has the advertised error over many cardinalities: RMS relative error near 1.6%, no bias', () => {
    const errs: number[] = [];
    for (let trial = 0; trial < 24; trial++) {
      const truth = 2000 + trial * 3000; // 2k .. 71k: the small, transition and large ranges
      const vals = Array.from({ length: truth }, (_, i) => trial * 1e7 + i * 0.5);
      errs.push((estimateOf(vals) - truth) / truth);
    }
    const rms = Math.sqrt(errs.reduce((a, e) => a + e * e, 0) / errs.length);
    const mean = errs.reduce((a, e) => a + e, 0) / errs.length;
    expect(rms).toBeLessThan(1.6 * SE);
    expect(Math.abs(mean)).toBeLessThan(SE);
    expect(Math.max(...errs.map(Math.abs))).toBeLessThan(3 * SE);
  });

  it('is within 1% for small sets, counts NULLs never and repeats once, 0 when empty', () => {
    expect(aggregate(hll(), [])).toEqual([0]);
    expect(aggregate(hll(), [[null]])).toEqual([0]);
    expect(aggregate(hll(), [[5], [5], [null], [6], [-0], [0]])).toEqual([3]);
    // Below ~1000 values hash collisions are rare, so the estimate is within 1%.
    for (const k of [10, 100, 300, 1000]) expect(Math.abs(estimateOf(Array.from({ length: k }, (_, i) => i)) - k)).toBeLessThanOrEqual(Math.max(1, k / 100));
  });

  it('small groups stay small in checkpoints; a big group is about 4 KB however many values', () => {
    expect(checkpointBytes(stateOf(hll(), [[1], [2], [3]]))).toBeLessThan(40);
    const big = stateOf(hll(), Array.from({ length: 50_000 }, (_, i) => [i]));
    expect(checkpointBytes(big)).toBeLessThan(4200);
    expect(resultsOf(hll(), roundTrip(big))).toEqual(resultsOf(hll(), big));
  });

  it('merge is the register-wise max: merge(a, b) equals aggregating a and b, across sparse and dense forms', () => {
    const part = fc.integer({ min: 0, max: 3000 }).chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: 5000 })));
    fc.assert(
      fc.property(part, part, ([n1, o1], [n2, o2]) => {
        const r1 = Array.from({ length: n1 }, (_, i) => [o1 + i] as Row);
        const r2 = Array.from({ length: n2 }, (_, i) => [o2 + i] as Row);
        expect(merged(hll(), r1, r2)).toEqual(aggregate(hll(), [...r1, ...r2]));
        expect(merged(hll(), r2, r1)).toEqual(aggregate(hll(), [...r1, ...r2]));
      }),
      { numRuns: 40 },
    );
  });
});
