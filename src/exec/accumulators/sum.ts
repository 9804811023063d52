import type { Value } from '../../common/types.js';
import type { Accumulator } from './accumulator.js';

/** SUM(x): NULL until a non-NULL value arrives; integers stay integers (exact to 2^53). */
export function sum(): Accumulator {
  return {
    width: 1,
    init: (s, at) => void (s[at] = null),
    add: (s, at, v) => void (s[at] = s[at] === null ? v : (s[at] as number) + (v as number)),
    merge: (into, from, at) => {
      if (from[at] !== null) into[at] = into[at] === null ? from[at]! : (into[at] as number) + (from[at] as number);
    },
    result: (s, at): Value => s[at]!,
    addSource: (s, at, v) => `${s}[${at}] = ${s}[${at}] === null ? ${v} : ${s}[${at}] + ${v};`,
  };
}
