import { EddyError, assertNever, internalError } from '../../common/errors.js';
import { isInteger, type Row, type Value } from '../../common/types.js';
import type { ObjectLayout } from '../../common/object-layout.js';
import type { AggCall, AggFn } from '../../planner/bound.js';
import { CodeGen } from '../expr-compiler.js';
import type { Accumulator } from './accumulator.js';
import { approxCountDistinct } from './approx-count-distinct.js';
import { approxPercentile } from './approx-percentile.js';
import { avg } from './avg.js';
import { count } from './count.js';
import { countStar } from './count-star.js';
import { distinct } from './distinct.js';
import { firstLastValue } from './first-last-value.js';
import { listagg } from './listagg.js';
import { max } from './max.js';
import { min } from './min.js';
import { retractingAccumulatorFor } from './retracting.js';
import { sum } from './sum.js';
import { sumArith } from './sum-arith.js';
import { variance } from './variance.js';

/**
 * The aggregation of one GROUP BY, compiled: a group's state is one flat array whose slots from
 * `base` on hold the accumulators in order (slots before `base` are the caller's, e.g. key values).
 */
export interface CompiledAggregator {
  /** Number of state slots used from `base`. */
  readonly width: number;
  /** Writes the initial accumulator values into `s` from `base`. */
  init(s: Value[]): void;
  /** ONE generated function updating every aggregate with a row (filters, NULL skipping inlined). */
  update(s: Value[], row: Row): void;
  /** Takes a row back (retracting aggregators only: compileAggregator(aggs, base, true)); else absent. */
  readonly retract?: (s: Value[], row: Row) => void;
  /** Compiles `update` for inserted objects of `layout` (see ObjectLayout); callers keep it (perLayout). */
  updateFor(layout: ObjectLayout): (s: Value[], row: object) => void;
  /**
   * Folds `from` into `into` as if `from`'s rows arrived after `into`'s (HOP slices, session
   * merges); copies what it takes, so `init` + `merge` deep-copies a state (slots may hold arrays).
   */
  merge(into: Value[], from: readonly Value[]): void;
  /** Appends the aggregate results, in order, to `out`. */
  results(s: readonly Value[], out: Value[]): void;
  /** Number of aggregates (results). */
  readonly count: number;
  /** Writes the aggregate results, in order, to `out` from index `at` (out sized by the caller). */
  writeResults(s: readonly Value[], out: Value[], at: number): void;
}

/** A constant extra argument of `call` (checked by the planner: aggregateCallType). */
function constantArg(call: AggCall, i: number): Value {
  const a = call.args?.[i];
  if (a?.kind !== 'literal') throw internalError(`${call.display}: argument ${i + 2} is not a constant`);
  return a.value;
}

/** The accumulator of one aggregate call, without DISTINCT. */
function plainAccumulator(call: AggCall): Accumulator {
  switch (call.fn) {
    case 'COUNT_STAR':
      return countStar();
    case 'COUNT':
      return count();
    case 'SUM':
      return sum(sumArith(call.arg?.type, call.type));
    case 'AVG':
      return avg(sumArith(call.arg?.type, call.type));
    case 'MIN':
      return min(call.arg?.type === 'VARCHAR');
    case 'MAX':
      return max(call.arg?.type === 'VARCHAR');
    case 'APPROX_COUNT_DISTINCT':
      return approxCountDistinct();
    case 'VAR_POP':
    case 'VAR_SAMP':
    case 'STDDEV_POP':
    case 'STDDEV_SAMP':
      return variance(call.fn, isInteger(call.type));
    case 'FIRST_VALUE':
      return firstLastValue(false);
    case 'LAST_VALUE':
      return firstLastValue(true);
    case 'LISTAGG':
      return listagg(String(constantArg(call, 0)));
    case 'APPROX_PERCENTILE':
      return approxPercentile(constantArg(call, 0) as number);
    default:
      return assertNever(call.fn, 'aggregate function');
  }
}

/** Aggregates where DISTINCT changes nothing (MIN, MAX, APPROX_COUNT_DISTINCT): it is dropped. */
const DISTINCT_IS_NOOP: ReadonlySet<AggFn> = new Set(['MIN', 'MAX', 'APPROX_COUNT_DISTINCT']);

/**
 * The accumulator of one aggregate call. DISTINCT keeps the exact set of values (see distinct.ts);
 * the planner refuses it where the order of values matters or a sketch would be unbounded.
 */
export function accumulatorFor(call: AggCall): Accumulator {
  const acc = plainAccumulator(call);
  if (!call.distinct || DISTINCT_IS_NOOP.has(call.fn)) return acc;
  if (acc.rowArg || call.fn === 'COUNT_STAR' || call.fn === 'LISTAGG' || call.fn === 'APPROX_PERCENTILE') {
    throw new EddyError('UNSUPPORTED', `${call.display}: DISTINCT is not supported for ${call.fn}`, undefined, 'remove DISTINCT');
  }
  return distinct(acc, call.fn === 'COUNT');
}

/**
 * Compiles the aggregates of one GROUP BY; state slots start at `base`. `retracting`: over an
 * updating input, with accumulators that can take values back (see retracting.ts) and `retract`.
 */
export function compileAggregator(aggs: readonly AggCall[], base = 0, retracting = false): CompiledAggregator {
  const accs = aggs.map(retracting ? retractingAccumulatorFor : accumulatorFor);
  const offsets: number[] = [];
  let width = 0;
  for (const a of accs) {
    offsets.push(base + width);
    width += a.width;
  }
  const update: (s: Value[], row: Row) => void = compileUpdate(aggs, accs, offsets, null);
  return {
    width,
    ...(retracting ? { retract: compileUpdate(aggs, accs, offsets, null, 'retract') } : {}),
    init(s) {
      for (let i = 0; i < accs.length; i++) accs[i]!.init(s, offsets[i]!);
    },
    update,
    updateFor: (layout) => compileUpdate(aggs, accs, offsets, layout),
    merge(into, from) {
      for (let i = 0; i < accs.length; i++) accs[i]!.merge(into, from, offsets[i]!);
    },
    results(s, out) {
      for (let i = 0; i < accs.length; i++) out.push(accs[i]!.result(s, offsets[i]!));
    },
    count: accs.length,
    writeResults(s, out, at) {
      for (let i = 0; i < accs.length; i++) out[at + i] = accs[i]!.result(s, offsets[i]!);
    },
  };
}

/**
 * ONE function updating every aggregate of a group's state `s` with a row `r` (a row array, or an
 * object of `layout`): adding it, or with `mode` 'retract' taking it back.
 */
function compileUpdate(aggs: readonly AggCall[], accs: readonly Accumulator[], offsets: readonly number[], layout: ObjectLayout | null, mode: 'add' | 'retract' = 'add'): (s: Value[], row: unknown) => void {
  const g = new CodeGen(layout);
  const bind = (x: unknown): string => g.constant(x);
  aggs.forEach((call, i) => {
    const plain = accs[i]!;
    const at = offsets[i]!;
    const retract = plain.retract;
    if (mode === 'retract' && !retract) throw internalError(`${call.display} cannot retract`);
    const acc: Accumulator = mode === 'add' ? plain : { ...plain, addSource: (s, slot, v) => `${bind(retract)}(${s}, ${slot}, ${v});` };
    let closers = 0;
    if (call.filter !== undefined) {
      const f = g.expr(call.filter);
      g.push(`if (${f} === true) {`);
      closers++;
    }
    if (call.fn === 'COUNT_STAR') {
      g.push(acc.addSource('s', at, 'null', bind));
    } else {
      if (call.arg === undefined) throw internalError(`${call.display} has no argument`);
      const v = g.expr(call.arg);
      if (acc.rowArg) {
        const arg = call.args?.[0];
        if (arg === undefined) throw internalError(`${call.display} has no per-row argument`);
        const t = g.expr(arg);
        g.push(`if (${v} !== null && ${t} !== null) { ${acc.addSource('s', at, v, bind, t)} }`);
      } else {
        g.push(`if (${v} !== null) { ${acc.addSource('s', at, v, bind)} }`);
      }
    }
    g.push('}'.repeat(closers));
  });
  return g.build(['s', 'r'], '');
}
