/**
 * The retracting accumulators (GROUP BY over an updating input): after adding values and taking
 * some of them back, in any interleaving, each result equals the plain accumulator's over the
 * values that remain (exactly; within rounding for the variance family), and the state survives a
 * checkpoint round trip.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row, Value } from '../../../src/common/types.js';
import type { AggCall } from '../../../src/planner/bound.js';
import { compileAggregator } from '../../../src/exec/accumulators/compile-aggregator.js';
import { agg, col } from '../helpers.js';
import { aggregate, roundTrip } from './helpers.js';

const x = col(0, 'DOUBLE');
const name = col(0, 'VARCHAR');
const NUMERIC: readonly AggCall[] = [
  agg('COUNT_STAR'),
  agg('COUNT', x),
  agg('SUM', x),
  agg('AVG', x),
  agg('MIN', x),
  agg('MAX', x),
  agg('VAR_POP', x),
  agg('STDDEV_SAMP', x),
];
const STRINGS: readonly AggCall[] = [agg('MIN', name), agg('MAX', name), agg('COUNT', name)];

/** A sequence of steps: add a value, or take back the value added at some earlier step still present. */
const steps = <T>(value: fc.Arbitrary<T>) => fc.array(fc.oneof(value.map((v) => ({ add: v })), fc.nat().map((i) => ({ takeBack: i }))), { maxLength: 120 });

function run(calls: readonly AggCall[], plan: readonly ({ add: Value } | { takeBack: number })[], checkpointEvery: number): { got: Value[]; want: Value[] } {
  const a = compileAggregator(calls, 0, true);
  let st: Value[] = [];
  a.init(st);
  const live: Value[] = [];
  plan.forEach((step, i) => {
    if ('add' in step) {
      live.push(step.add);
      a.update(st, [step.add] as Row);
    } else if (live.length > 0) {
      const [v] = live.splice(step.takeBack % live.length, 1);
      a.retract!(st, [v!] as Row);
    }
    if (checkpointEvery > 0 && i % checkpointEvery === 0) st = roundTrip(st);
  });
  const got: Value[] = [];
  a.results(st, got);
  return { got, want: aggregate(calls, live.map((v) => [v])) };
}

describe('retracting accumulators', () => {
  it('numbers: the result over the values that remain (NULLs skipped), across checkpoints', () => {
    fc.assert(
      fc.property(steps(fc.option(fc.integer({ min: -40, max: 40 }).map((q) => q / 4), { freq: 6 })), fc.constantFrom(0, 1, 5), (plan, every) => {
        const { got, want } = run(NUMERIC, plan, every);
        // COUNT(*), COUNT, SUM, AVG, MIN, MAX exactly (quarter values sum exactly); variance within rounding.
        expect(got.slice(0, 6)).toEqual(want.slice(0, 6));
        for (const i of [6, 7]) {
          if (want[i] === null) expect(got[i]).toBeNull();
          else expect(got[i] as number).toBeCloseTo(want[i] as number, 6);
        }
      }),
      { seed: 7, numRuns: 400 },
    );
  });

  it('strings: MIN and MAX keep every distinct value with its count, so taking back the extreme reveals the next', () => {
    fc.assert(
      fc.property(steps(fc.option(fc.constantFrom('a', 'b', 'bb', 'c', 'é'), { freq: 6 })), (plan) => {
        const { got, want } = run(STRINGS, plan, 3);
        expect(got).toEqual(want);
      }),
      { seed: 11, numRuns: 300 },
    );
    const a = compileAggregator([agg('MAX', name)], 0, true);
    const st: Value[] = [];
    a.init(st);
    for (const v of ['a', 'c', 'c', 'b']) a.update(st, [v]);
    a.retract!(st, ['c']);
    expect(resultOf(a, st)).toBe('c');
    a.retract!(st, ['c']);
    expect(resultOf(a, st)).toBe('b');
  });

  it('a SUM whose values were all taken back is NULL again, not 0', () => {
    const a = compileAggregator([agg('SUM', x)], 0, true);
    const st: Value[] = [];
    a.init(st);
    a.update(st, [2.5]);
    a.retract!(st, [2.5]);
    expect(resultOf(a, st)).toBeNull();
  });
});

function resultOf(a: ReturnType<typeof compileAggregator>, st: readonly Value[]): Value {
  const out: Value[] = [];
  a.results(st, out);
  return out[0]!;
}
