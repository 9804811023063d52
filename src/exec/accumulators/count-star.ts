import type { Value } from '../../common/types.js';
import type { Accumulator } from './accumulator.js';

/** COUNT(*): counts rows (NULLs included); 0 for no rows. */
export function countStar(): Accumulator {
  return {
    width: 1,
    init: (s, at) => void (s[at] = 0),
    add: (s, at) => void (s[at] = (s[at] as number) + 1),
    retract: (s, at) => void (s[at] = (s[at] as number) - 1),
    merge: (into, from, at) => void (into[at] = (into[at] as number) + (from[at] as number)),
    result: (s, at): Value => s[at]!,
    addSource: (s, at) => `${s}[${at}]++;`,
  };
}
