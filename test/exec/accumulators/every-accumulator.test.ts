/**
 * Properties every accumulator must have, over random inputs with NULLs: merge(a, b) gives the
 * result of aggregating a's rows then b's (what HOP slices and session merges rely on); merge
 * copies rather than aliases `from`; a state survives the checkpoint codec; rows whose FILTER is
 * not TRUE change nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row, Value } from '../../../src/common/types.js';
import { compileAggregator } from '../../../src/exec/accumulators/compile-aggregator.js';
import type { AggCall } from '../../../src/planner/bound.js';
import { agg, bin, col, lit } from '../helpers.js';
import { aggregate, merged, resultsOf, roundTrip, stateOf } from './helpers.js';

// Rows: [x INT, t TIMESTAMP, s VARCHAR, keep BOOLEAN]
const x = col(0, 'INT');
const t = col(1, 'TIMESTAMP');
const s = col(2, 'VARCHAR');
const keep = col(3, 'BOOLEAN');

/** Aggregates whose merged result equals the sequential one exactly. */
const EXACT: readonly AggCall[] = [
  agg('COUNT_STAR'),
  agg('COUNT', x),
  agg('SUM', x),
  agg('AVG', x),
  agg('MIN', s),
  agg('MAX', x),
  agg('COUNT', s, { distinct: true }),
  agg('SUM', x, { distinct: true }),
  agg('APPROX_COUNT_DISTINCT', s, { type: 'BIGINT' }),
  agg('APPROX_COUNT_DISTINCT', x, { type: 'BIGINT' }),
  agg('FIRST_VALUE', x, { args: [t] }),
  agg('LAST_VALUE', s, { args: [t] }),
  agg('FIRST_VALUE', s, { args: [t], filter: keep }),
  agg('LISTAGG', s, { args: [lit(';')], type: 'VARCHAR' }),
  agg('APPROX_PERCENTILE', x, { args: [lit(0.5)] }),
  agg('VAR_POP', x, { type: 'INT' }),
  agg('COUNT', x, { filter: keep }),
  agg('LISTAGG', s, { args: [lit('')], type: 'VARCHAR', filter: bin('>', x, lit(0)) }),
];

/** Floating-point results that may differ in the last bits between merge orders. */
const CLOSE: readonly AggCall[] = [
  agg('VAR_POP', col(0, 'DOUBLE'), { type: 'DOUBLE' }),
  agg('VAR_SAMP', col(0, 'DOUBLE'), { type: 'DOUBLE' }),
  agg('STDDEV_POP', col(0, 'DOUBLE'), { type: 'DOUBLE' }),
  agg('STDDEV_SAMP', col(0, 'DOUBLE'), { type: 'DOUBLE', filter: keep }),
  agg('AVG', x, { distinct: true, type: 'DOUBLE' }),
];

const row = fc.tuple(
  fc.option(fc.integer({ min: -50, max: 50 }), { nil: null, freq: 5 }),
  fc.integer({ min: 0, max: 20 }),
  fc.option(fc.constantFrom('a', 'b', '', 'ü', '😀', 'long string'), { nil: null, freq: 5 }),
  fc.option(fc.boolean(), { nil: null }),
) as fc.Arbitrary<Row>;
const rows = fc.array(row, { maxLength: 40 });

function expectClose(a: readonly Value[], b: readonly Value[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => {
    const w = b[i]!;
    if (v === null || w === null) expect(v).toBe(w);
    else expect(Math.abs((v as number) - (w as number))).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(w as number)));
  });
}

describe('every accumulator', () => {
  it('merge(a, b) equals aggregating a then b (exactly)', () => {
    fc.assert(fc.property(rows, rows, (r1, r2) => {
        expect(merged(EXACT, r1, r2)).toEqual(aggregate(EXACT, [...r1, ...r2]));
      }), { numRuns: 300 });
  });

  it('merge(a, b) equals aggregating a then b (to 1e-9 relative, floating point)', () => {
    fc.assert(fc.property(rows, rows, (r1, r2) => {
        expectClose(merged(CLOSE, r1, r2), aggregate(CLOSE, [...r1, ...r2]));
      }), { numRuns: 300 });
  });

  it('merging three states in order equals aggregating the three inputs in order (HOP slices)', () => {
    const calls = [...EXACT, ...CLOSE];
    fc.assert(
      fc.property(rows, rows, rows, (r1, r2, r3) => {
        const c = compileAggregator(calls);
        const into: Value[] = [];
        c.init(into);
        for (const part of [r1, r2, r3]) c.merge(into, stateOf(calls, part));
        const all = aggregate(calls, [...r1, ...r2, ...r3]);
        const got = resultsOf(calls, into);
        expect(got.slice(0, EXACT.length)).toEqual(all.slice(0, EXACT.length));
        expectClose(got.slice(EXACT.length), all.slice(EXACT.length));
      }),
      { numRuns: 100 },
    );
  });

  it('merge copies what it takes: init + merge is a deep copy, later updates leave the source alone', () => {
    const calls = [...EXACT, ...CLOSE];
    fc.assert(
      fc.property(rows, rows, (r1, r2) => {
        const c = compileAggregator(calls);
        const src = stateOf(calls, r1);
        const before = JSON.stringify(src);
        const copy: Value[] = [];
        c.init(copy);
        c.merge(copy, src);
        for (const r of r2) c.update(copy, r);
        c.merge(copy, stateOf(calls, r2));
        expect(JSON.stringify(src)).toBe(before);
      }),
      { numRuns: 100 },
    );
  });

  it('a state survives the checkpoint codec and keeps aggregating after the restore', () => {
    const calls = [...EXACT, ...CLOSE];
    fc.assert(
      fc.property(rows, rows, (r1, r2) => {
        const c = compileAggregator(calls);
        const restored = roundTrip(stateOf(calls, r1));
        expect(restored).toEqual(stateOf(calls, r1));
        for (const r of r2) c.update(restored, r);
        expect(resultsOf(calls, restored)).toEqual(aggregate(calls, [...r1, ...r2]));
      }),
      { numRuns: 200 },
    );
  });

  it('with no rows (or only NULLs): counts are 0, everything else NULL', () => {
    const calls = [...EXACT, ...CLOSE];
    const counts = new Set(['COUNT_STAR', 'COUNT', 'APPROX_COUNT_DISTINCT']);
    const want = calls.map((c) => (counts.has(c.fn) ? 0 : null));
    expect(aggregate(calls, [])).toEqual(want);
    const nulls: Row[] = [[null, 1, null, true], [null, 2, null, null]];
    expect(aggregate(calls, nulls)).toEqual(calls.map((c) => (c.fn === 'COUNT_STAR' ? 2 : counts.has(c.fn) ? 0 : null)));
  });
});
