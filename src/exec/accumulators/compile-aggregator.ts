import { EddyError, assertNever, internalError } from '../../common/errors.js';
import { isInteger, type Row, type Value } from '../../common/types.js';
import type { AggCall } from '../../planner/bound.js';
import { CodeGen } from '../expr-compiler.js';
import type { Accumulator } from './accumulator.js';
import { avg } from './avg.js';
import { count } from './count.js';
import { countStar } from './count-star.js';
import { max } from './max.js';
import { min } from './min.js';
import { sum } from './sum.js';

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
  /** Folds `from` into `into`. */
  merge(into: Value[], from: readonly Value[]): void;
  /** Appends the aggregate results, in order, to `out`. */
  results(s: readonly Value[], out: Value[]): void;
}

/** The accumulator of one aggregate call; DISTINCT is refused here (not yet supported). */
export function accumulatorFor(call: AggCall): Accumulator {
  if (call.distinct) {
    throw new EddyError('UNSUPPORTED', `${call.display}: DISTINCT aggregates are not supported yet`, undefined, 'remove DISTINCT, or pre-aggregate the distinct values in a sub-step');
  }
  switch (call.fn) {
    case 'COUNT_STAR':
      return countStar();
    case 'COUNT':
      return count();
    case 'SUM':
      return sum();
    case 'AVG':
      return avg(isInteger(call.type));
    case 'MIN':
      return min(call.arg?.type === 'VARCHAR');
    case 'MAX':
      return max(call.arg?.type === 'VARCHAR');
    default:
      return assertNever(call.fn, 'aggregate function');
  }
}

/** Compiles the aggregates of one GROUP BY; state slots start at `base`. */
export function compileAggregator(aggs: readonly AggCall[], base = 0): CompiledAggregator {
  const accs = aggs.map(accumulatorFor);
  const offsets: number[] = [];
  let width = 0;
  for (const a of accs) {
    offsets.push(base + width);
    width += a.width;
  }
  const g = new CodeGen();
  const bind = (x: unknown): string => g.constant(x);
  aggs.forEach((call, i) => {
    const acc = accs[i]!;
    const at = offsets[i]!;
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
      g.push(`if (${v} !== null) { ${acc.addSource('s', at, v, bind)} }`);
    }
    g.push('}'.repeat(closers));
  });
  const update = g.build<(s: Value[], row: Row) => void>(['s', 'r'], '');
  return {
    width,
    init(s) {
      for (let i = 0; i < accs.length; i++) accs[i]!.init(s, offsets[i]!);
    },
    update,
    merge(into, from) {
      for (let i = 0; i < accs.length; i++) accs[i]!.merge(into, from, offsets[i]!);
    },
    results(s, out) {
      for (let i = 0; i < accs.length; i++) out.push(accs[i]!.result(s, offsets[i]!));
    },
  };
}
