import type { Value } from '../../common/types.js';
import type { Accumulator } from './accumulator.js';
import type { SumArith } from './sum-arith.js';

/**
 * AVG(x): slots [sum, count]; NULL when no non-NULL value arrived. Like Flink, the result has the
 * argument's type for integers, so AVG over INT/BIGINT is the truncated integer average (AVG of 1
 * and 2 is 1; cast the argument to DOUBLE for a fractional average), and AVG(DECIMAL(p, s)) is a
 * DECIMAL(38, max(s, 6)) rounded HALF_UP (see sum-arith.ts). A DECIMAL sum that overflows stays
 * NULL, and so does the average (Flink's decimal AVG).
 */
export function avg(arith: SumArith): Accumulator {
  const { add, sub, mean } = arith;
  return {
    width: 2,
    init: (s, at) => {
      s[at] = 0;
      s[at + 1] = 0;
    },
    add: (s, at, v) => {
      if (s[at] !== null) s[at] = add(s[at]!, v);
      s[at + 1] = (s[at + 1] as number) + 1;
    },
    retract: (s, at, v) => {
      if (s[at] !== null) s[at] = sub(s[at]!, v);
      s[at + 1] = (s[at + 1] as number) - 1;
    },
    merge: (into, from, at) => {
      into[at] = into[at] === null || from[at] === null ? null : add(into[at]!, from[at]!);
      into[at + 1] = (into[at + 1] as number) + (from[at + 1] as number);
    },
    result: (s, at): Value => {
      const n = s[at + 1] as number;
      if (n === 0 || s[at] === null) return null;
      return mean(s[at]!, n);
    },
    addSource: (s, at, v, bind) => {
      const cur = `${s}[${at}]`;
      return `if (${cur} !== null) ${cur} = ${arith.addSource(cur, v, bind)}; ${s}[${at + 1}]++;`;
    },
  };
}
