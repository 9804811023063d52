import type { Value } from '../../common/types.js';
import type { Accumulator } from './accumulator.js';

/**
 * AVG(x): slots [sum, count]; NULL when no non-NULL value arrived. Like Flink, the result has the
 * argument's type, so AVG over INT/BIGINT (`integerResult`) is the truncated integer average
 * (AVG of 1 and 2 is 1); cast the argument to DOUBLE for a fractional average.
 */
export function avg(integerResult: boolean): Accumulator {
  return {
    width: 2,
    init: (s, at) => {
      s[at] = 0;
      s[at + 1] = 0;
    },
    add: (s, at, v) => {
      s[at] = (s[at] as number) + (v as number);
      s[at + 1] = (s[at + 1] as number) + 1;
    },
    retract: (s, at, v) => {
      s[at] = (s[at] as number) - (v as number);
      s[at + 1] = (s[at + 1] as number) - 1;
    },
    merge: (into, from, at) => {
      into[at] = (into[at] as number) + (from[at] as number);
      into[at + 1] = (into[at + 1] as number) + (from[at + 1] as number);
    },
    result: (s, at): Value => {
      const n = s[at + 1] as number;
      if (n === 0) return null;
      const mean = (s[at] as number) / n;
      return integerResult ? Math.trunc(mean) + 0 : mean;
    },
    addSource: (s, at, v) => `${s}[${at}] += ${v}; ${s}[${at + 1}]++;`,
  };
}
