import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../../src/common/types.js';
import { compileAggregator } from '../../../src/exec/accumulators/compile-aggregator.js';
import { newSketch, sketchAdd, sketchMerge, sketchQuantile, sketchSize, type KllSketch } from '../../../src/exec/accumulators/kll-sketch.js';
import { agg, col, lit } from '../helpers.js';
import { aggregate, checkpointBytes, resultsOf, rng, roundTrip, stateOf } from './helpers.js';

const x = col(0, 'DOUBLE');
const pct = (p: number) => agg('APPROX_PERCENTILE', x, { args: [lit(p)], type: 'DOUBLE' });
const QS = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99];

/** Nearest-rank percentile of sorted values: the ceil(p·n)-th smallest. */
const exact = (sorted: readonly number[], p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;

/** How far p·n is from q's rank interval [#values < q, #values <= q], over n (the KLL error measure, ties allowed). */
function rankError(sorted: readonly number[], q: number, p: number): number {
  const count = (pred: (v: number) => boolean): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(sorted[mid]!)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const below = count((v) => v < q);
  const upTo = count((v) => v <= q);
  const target = p * sorted.length;
  return Math.max(0, below - target, target - upTo) / sorted.length;
}

function sketchOf(values: readonly number[]): KllSketch {
  const sk = newSketch();
  for (const v of values) sketchAdd(sk, v);
  return sk;
}

const orders: Record<string, (n: number) => number[]> = {
  ascending: (n) => Array.from({ length: n }, (_, i) => i),
  descending: (n) => Array.from({ length: n }, (_, i) => n - i),
  random: (n) => {
    const r = rng(42);
    return Array.from({ length: n }, () => r() * 1000);
  },
  skewed: (n) => {
    const r = rng(7);
    return Array.from({ length: n }, () => Math.exp(r() * 12));
  },
  'few distinct': (n) => Array.from({ length: n }, (_, i) => (i * 7919) % 5),
};

describe('APPROX_PERCENTILE (KLL sketch, K = 200)', () => {
  it('is exact (nearest rank) below 200 values; p = 0 / 1 are MIN / MAX; NULLs skipped; NULL when empty', () => {
    const vals = [5, 1, 4, null, 2, 3];
    const rows: Row[] = vals.map((v) => [v]);
    expect(aggregate([pct(0), pct(0.2), pct(0.5), pct(0.8), pct(1)], rows)).toEqual([1, 1, 3, 4, 5]);
    expect(aggregate([pct(0.5)], [])).toEqual([null]);
    expect(aggregate([pct(0.5)], [[null]])).toEqual([null]);
    const r = rng(3);
    const many = Array.from({ length: 199 }, () => Math.round(r() * 100));
    const sorted = [...many].sort((a, b) => a - b);
    expect(aggregate(QS.map(pct), many.map((v) => [v]))).toEqual(QS.map((p) => exact(sorted, p)));
  });

  for (const [name, gen] of Object.entries(orders)) {
    it(`rank error under 2% of n on 100k ${name} values, with at most ~700 items retained`, () => {
      const values = gen(100_000);
      const sk = sketchOf(values);
      const sorted = [...values].sort((a, b) => a - b);
      for (const p of QS) expect(rankError(sorted, sketchQuantile(sk, p)!, p)).toBeLessThan(0.02);
      expect(sketchQuantile(sk, 0)).toBe(sorted[0]);
      expect(sketchQuantile(sk, 1)).toBe(sorted[sorted.length - 1]);
      expect(sketchSize(sk)).toBeLessThan(700);
    });
  }

  it('memory is bounded: a million values keep at most ~700 items, under 8 KB checkpointed', () => {
    const r = rng(11);
    const calls = [pct(0.5)];
    const s = stateOf(calls, Array.from({ length: 1_000_000 }, () => [r()]));
    expect(checkpointBytes(s)).toBeLessThan(8000);
    expect(Math.abs((resultsOf(calls, s)[0] as number) - 0.5)).toBeLessThan(0.02);
  });

  it('merged sketches keep the bound: merge(a, b) within 2% rank error of the union, sizes bounded', () => {
    const part = fc.record({ n: fc.integer({ min: 0, max: 20_000 }), seed: fc.integer(), scale: fc.constantFrom(1, 10, 1000) });
    fc.assert(
      fc.property(fc.array(part, { minLength: 2, maxLength: 5 }), (parts) => {
        const chunks = parts.map(({ n, seed, scale }) => {
          const r = rng(seed);
          return Array.from({ length: n }, () => r() * scale);
        });
        const into = newSketch();
        for (const c of chunks) sketchMerge(into, sketchOf(c));
        const sorted = chunks.flat().sort((a, b) => a - b);
        if (sorted.length === 0) return expect(sketchQuantile(into, 0.5)).toBeNull();
        for (const p of QS) expect(rankError(sorted, sketchQuantile(into, p)!, p)).toBeLessThan(0.02);
        expect(sketchSize(into)).toBeLessThan(700);
        return undefined;
      }),
      { numRuns: 25 },
    );
  });

  it('is deterministic and survives the checkpoint codec mid-stream (a replay after restore gives the same answer)', () => {
    const calls = QS.map(pct);
    const r = rng(5);
    const rows: Row[] = Array.from({ length: 30_000 }, () => [r()]);
    const whole = aggregate(calls, rows);
    expect(aggregate(calls, rows)).toEqual(whole);
    const restored = roundTrip(stateOf(calls, rows.slice(0, 12_345)));
    const a = compileAggregator(calls);
    for (const row of rows.slice(12_345)) a.update(restored, row);
    const full = restored;
    expect(resultsOf(calls, full)).toEqual(whole);
  });
});
