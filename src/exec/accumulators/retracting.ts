import { EddyError, internalError } from '../../common/errors.js';
import { isInteger, type Value } from '../../common/types.js';
import { RETRACTABLE_AGGREGATES, type AggCall } from '../../planner/bound.js';
import { slotArray, type Accumulator } from './accumulator.js';
import { avg } from './avg.js';
import { sumArith } from './sum-arith.js';
import { countStar } from './count-star.js';
import { compareValues } from './value-hash.js';
import { variance, type VarianceKind } from './variance.js';

/**
 * Accumulators for a GROUP BY over an updating input (a changelog: '-U' and '-D' rows take back
 * what '+I' and '+U' rows added), as Flink's *WithRetract aggregate functions: each can `retract`
 * a value it was given, and its result is then what it would be had the value never arrived.
 */

/** SUM with retraction: AVG's slots [sum, count]; NULL once every value was taken back (Flink's SumWithRetract). */
function sumWithRetract(call: AggCall): Accumulator {
  // `+ 0`: a sum that went 0.5 - 0.5 reads 0, never -0.
  return {
    ...avg(sumArith(call.arg?.type, call.type)),
    result: (s, at): Value => ((s[at + 1] as number) > 0 ? (typeof s[at] === 'number' ? (s[at] as number) + 0 : s[at]!) : null),
  };
}

/** Index of `v` in the sorted [value, count, ...] pairs, or -(insertion point) - 1. */
function find(pairs: readonly Value[], v: Value): number {
  let lo = 0;
  let hi = pairs.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compareValues(pairs[mid * 2]!, v);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -lo - 1;
}

function addCount(s: Value[], at: number, v: Value, n: number): void {
  if (v === 0) v = 0; // -0 and 0 are one value
  let pairs = slotArray<Value>(s, at);
  if (pairs === null) {
    pairs = [];
    s[at] = pairs as unknown as Value;
  }
  const i = find(pairs, v);
  if (i >= 0) {
    const left = (pairs[i * 2 + 1] as number) + n;
    if (left > 0) pairs[i * 2 + 1] = left;
    else pairs.splice(i * 2, 2);
  } else if (n > 0) {
    pairs.splice((-i - 1) * 2, 0, v, n);
  }
}

/**
 * MIN / MAX with retraction: the slot holds every distinct value with its count, sorted (Flink's
 * MinWithRetract keeps the same multiset in a MapView), so taking back the current extreme
 * reveals the next one. Memory grows with the number of distinct values per group.
 */
function extremumWithRetract(wantMin: boolean): Accumulator {
  return {
    width: 1,
    init: (s, at) => void (s[at] = null),
    add: (s, at, v) => addCount(s, at, v, 1),
    retract: (s, at, v) => addCount(s, at, v, -1),
    merge: (into, from, at) => {
      const pairs = slotArray<Value>(from, at);
      if (pairs === null) return;
      for (let i = 0; i < pairs.length; i += 2) addCount(into, at, pairs[i]!, pairs[i + 1] as number);
    },
    result: (s, at): Value => {
      const pairs = slotArray<Value>(s, at);
      if (pairs === null || pairs.length === 0) return null;
      return wantMin ? pairs[0]! : pairs[pairs.length - 2]!;
    },
    addSource: (s, at, v, bind) => `${bind(addCount)}(${s}, ${at}, ${v}, 1);`,
  };
}

/** Welford's update run backwards: the state as if `v` had never been added. */
function removeValue(s: Value[], at: number, v: Value): void {
  const x = v as number;
  const n = (s[at] as number) - 1;
  if (n <= 0) {
    s[at] = 0;
    s[at + 1] = 0;
    s[at + 2] = 0;
    return;
  }
  const mean = s[at + 1] as number;
  const prev = (mean * (n + 1) - x) / n;
  s[at] = n;
  s[at + 1] = prev;
  s[at + 2] = (s[at + 2] as number) - (x - mean) * (x - prev);
}

/** The retracting accumulator of `call`; UNSUPPORTED for aggregates that cannot take values back. */
export function retractingAccumulatorFor(call: AggCall): Accumulator & { retract: NonNullable<Accumulator['retract']> } {
  if (call.distinct) {
    throw new EddyError('UNSUPPORTED', `${call.display}: DISTINCT over an updating input is not supported`, undefined, 'aggregate without DISTINCT, or over an append-only input');
  }
  const acc = retractingPlain(call);
  if (!acc.retract) throw internalError(`${call.display}: a retracting accumulator without retract`);
  return acc as Accumulator & { retract: NonNullable<Accumulator['retract']> };
}

function retractingPlain(call: AggCall): Accumulator {
  switch (call.fn) {
    case 'COUNT_STAR':
    case 'COUNT':
      return countStar();
    case 'SUM':
      return sumWithRetract(call);
    case 'AVG':
      return avg(sumArith(call.arg?.type, call.type));
    case 'MIN':
      return extremumWithRetract(true);
    case 'MAX':
      return extremumWithRetract(false);
    case 'VAR_POP':
    case 'VAR_SAMP':
    case 'STDDEV_POP':
    case 'STDDEV_SAMP':
      return { ...variance(call.fn as VarianceKind, isInteger(call.type)), retract: removeValue };
    default:
      throw new EddyError('UNSUPPORTED', `${call.display} over an updating input is not supported`, undefined, `it cannot take back a retracted row; use one of ${[...RETRACTABLE_AGGREGATES].filter((f) => f !== 'COUNT_STAR').join(', ')}`);
  }
}
