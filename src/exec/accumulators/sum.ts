import type { Value } from '../../common/types.js';
import type { Accumulator } from './accumulator.js';
import type { SumArith } from './sum-arith.js';

/**
 * SUM(x): NULL until a non-NULL value arrives; adds with `arith` (exact for BIGINT and DECIMAL,
 * see sum-arith.ts). A DECIMAL sum that overflows becomes NULL and the next value starts it again,
 * as Flink's decimal SUM (its NULL sum means "no value yet" there too).
 */
export function sum(arith: SumArith): Accumulator {
  const add = arith.add;
  return {
    width: 1,
    init: (s, at) => void (s[at] = null),
    add: (s, at, v) => void (s[at] = s[at] === null ? v : add(s[at]!, v)),
    merge: (into, from, at) => {
      if (from[at] !== null) into[at] = into[at] === null ? from[at]! : add(into[at]!, from[at]!);
    },
    result: (s, at): Value => s[at]!,
    addSource: (s, at, v, bind) => {
      const cur = `${s}[${at}]`;
      return `${cur} = ${cur} === null ? ${v} : ${arith.addSource(cur, v, bind)};`;
    },
  };
}
