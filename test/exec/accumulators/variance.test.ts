import { describe, expect, it } from 'vitest';
import type { Row } from '../../../src/common/types.js';
import { agg, col } from '../helpers.js';
import { aggregate, merged } from './helpers.js';
import { sqliteQuery } from './sqlite-reference.js';

const x = col(1, 'DOUBLE');
const ALL = [
  agg('VAR_POP', x, { type: 'DOUBLE' }),
  agg('VAR_SAMP', x, { type: 'DOUBLE' }),
  agg('STDDEV_POP', x, { type: 'DOUBLE' }),
  agg('STDDEV_SAMP', x, { type: 'DOUBLE' }),
];

/** Two-pass variance in exact-ish arithmetic: the reference for ill-conditioned inputs. */
function twoPass(xs: readonly number[], sample: boolean): number {
  const mean = xs.reduce((a, v) => a + v, 0) / xs.length;
  return xs.reduce((a, v) => a + (v - mean) ** 2, 0) / (xs.length - (sample ? 1 : 0));
}

describe('VAR_POP / VAR_SAMP / STDDEV_POP / STDDEV_SAMP', () => {
  it('match the textbook formulas computed by SQLite, group by group', async () => {
    const rows: [number, number | null][] = [];
    let seed = 99;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      rows.push([seed % 7, seed % 13 === 0 ? null : ((seed >> 4) % 801) / 4 - 100]);
    }
    rows.push([7, 3.5]); // a group of one value
    const ref = await sqliteQuery(
      rows,
      'REAL',
      `SELECT g, (SUM(x*x) - SUM(x)*SUM(x)/COUNT(x)) / COUNT(x),
              CASE WHEN COUNT(x) > 1 THEN (SUM(x*x) - SUM(x)*SUM(x)/COUNT(x)) / (COUNT(x) - 1) END
       FROM t GROUP BY g ORDER BY g`,
    );
    for (const [g, pop, samp] of ref) {
      const got = aggregate(ALL, rows.filter((r) => r[0] === g));
      const want = [pop, samp, Math.sqrt(pop as number), samp === null ? null : Math.sqrt(samp as number)];
      got.forEach((v, i) => {
        if (want[i] === null) expect(v).toBeNull();
        else expect(v as number).toBeCloseTo(want[i] as number, 8);
      });
    }
  });

  it('are numerically stable: values near 1e9 that differ in their last digits (the naive formula gives garbage)', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => 1e9 + (i % 10) + 0.5);
    const rows: Row[] = xs.map((v) => [0, v]);
    const [pop, samp] = aggregate(ALL, rows);
    expect(pop).toBeCloseTo(twoPass(xs, false), 6);
    expect(samp).toBeCloseTo(twoPass(xs, true), 6);
    const naive = (xs.reduce((a, v) => a + v * v, 0) - xs.reduce((a, v) => a + v, 0) ** 2 / xs.length) / xs.length;
    expect(Math.abs(naive - (pop as number))).toBeGreaterThan(1); // why Welford is used
    // Chan's merge keeps it: halves with very different means.
    const lo: Row[] = xs.slice(0, 500).map((v) => [0, v - 1e9]);
    const hi: Row[] = xs.slice(500).map((v) => [0, v]);
    const all = [...lo, ...hi].map((r) => r[1] as number);
    expect((merged(ALL, lo, hi)[0] as number) / twoPass(all, false)).toBeCloseTo(1, 9);
  });

  it('NULL for no values; the sample forms NULL for one value; NULLs skipped', () => {
    expect(aggregate(ALL, [])).toEqual([null, null, null, null]);
    expect(aggregate(ALL, [[0, null]])).toEqual([null, null, null, null]);
    expect(aggregate(ALL, [[0, 5], [0, null]])).toEqual([0, null, 0, null]);
    expect(aggregate(ALL, [[0, 1], [0, 3]])).toEqual([1, 2, 1, Math.SQRT2]);
  });

  it('over an integer column the result is an integer, truncated like Flink (and not pushed down by rounding noise)', () => {
    const i = col(1, 'INT');
    const calls = [agg('VAR_SAMP', i, { type: 'INT' }), agg('STDDEV_POP', i, { type: 'INT' }), agg('VAR_POP', i, { type: 'INT' })];
    expect(aggregate(calls, [[0, 1], [0, 2], [0, 4]])).toEqual([2, 1, 1]); // 2.333, 1.247, 1.556
    const nine: Row[] = Array.from({ length: 30 }, (_, k) => [0, k % 2 === 0 ? 100 : 106]); // variance exactly 9
    expect(aggregate(calls, nine)).toEqual([9, 3, 9]); // VAR_SAMP 9.31 → 9; STDDEV_POP and VAR_POP exact
  });
});
