import type { Value } from '../../common/types.js';
import type { Accumulator } from './accumulator.js';

/**
 * LISTAGG(x, sep): the non-NULL values joined by `sep` in arrival order (a merged-in state's
 * values come after); NULL for none. One slot: the string so far (V8 concatenates lazily).
 */
export function listagg(sep: string): Accumulator {
  return {
    width: 1,
    init: (s, at) => void (s[at] = null),
    add: (s, at, v) => void (s[at] = s[at] === null ? v : `${s[at] as string}${sep}${v as string}`),
    merge: (into, from, at) => {
      const f = from[at]!;
      if (f !== null) into[at] = into[at] === null ? f : `${into[at] as string}${sep}${f as string}`;
    },
    result: (s, at): Value => s[at]!,
    addSource: (s, at, v, bind) => {
      const cur = `${s}[${at}]`;
      return `${cur} = ${cur} === null ? ${v} : ${cur} + ${bind(sep)} + ${v};`;
    },
  };
}
