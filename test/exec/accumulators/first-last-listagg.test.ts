import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row, Value } from '../../../src/common/types.js';
import { agg, bin, col, lit } from '../helpers.js';
import { aggregate } from './helpers.js';

// Rows: [v VARCHAR, t TIMESTAMP]
const v = col(0, 'VARCHAR');
const t = col(1, 'TIMESTAMP');
const firstLast = [agg('FIRST_VALUE', v, { args: [t] }), agg('LAST_VALUE', v, { args: [t] })];

/** Reference: stable sort by time (arrival breaks ties), then the first / last non-NULL value. */
function reference(rows: readonly Row[]): Value[] {
  const byTime = rows.map((r, i) => ({ r, i })).filter(({ r }) => r[0] !== null).sort((a, b) => (a.r[1] as number) - (b.r[1] as number) || a.i - b.i);
  return byTime.length === 0 ? [null, null] : [byTime[0]!.r[0]!, byTime[byTime.length - 1]!.r[0]!];
}

describe('FIRST_VALUE / LAST_VALUE by event time', () => {
  it('pick the earliest / latest event time, not the first / last arrival; ties go by arrival', () => {
    const rows: Row[] = [['c', 30], ['a', 10], [null, 5], ['b', 20], ['a2', 10], ['z', 30], [null, 40]];
    expect(aggregate(firstLast, rows)).toEqual(['a', 'z']);
    expect(aggregate(firstLast, [[null, 1]])).toEqual([null, null]);
    expect(aggregate(firstLast, [])).toEqual([null, null]);
  });

  it('equal a stable sort by time (reference), with FILTER', () => {
    const row = fc.tuple(fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { nil: null }), fc.integer({ min: 0, max: 6 })) as fc.Arbitrary<Row>;
    const keep = bin('<>', v, lit('b'));
    const calls = [...firstLast, ...firstLast.map((c) => ({ ...c, filter: keep }))];
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), (rows) => {
        const kept = rows.filter((r) => r[0] !== 'b');
        expect(aggregate(calls, rows)).toEqual([...reference(rows), ...reference(kept)]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('LISTAGG', () => {
  const sep = (s: string) => agg('LISTAGG', v, { args: [lit(s)], type: 'VARCHAR' });

  it('joins non-NULL values in arrival order; NULL when there are none; empty strings count', () => {
    const rows: Row[] = [['b', 0], [null, 0], ['a', 0], ['', 0], ['😀', 0]];
    expect(aggregate([sep(','), sep(' | '), sep('')], rows)).toEqual(['b,a,,😀', 'b | a |  | 😀', 'ba😀']);
    expect(aggregate([sep(',')], [[null, 0]])).toEqual([null]);
    expect(aggregate([sep(',')], [['', 0]])).toEqual(['']);
  });

  it('equals Array.join over the non-NULL values (property)', () => {
    const row = fc.tuple(fc.option(fc.string({ maxLength: 3 }), { nil: null }), fc.constant(0)) as fc.Arbitrary<Row>;
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), fc.string({ maxLength: 2 }), (rows, s) => {
        const vals = rows.map((r) => r[0]).filter((x) => x !== null);
        expect(aggregate([sep(s)], rows)).toEqual([vals.length ? vals.join(s) : null]);
      }),
      { numRuns: 200 },
    );
  });
});
