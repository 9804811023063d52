import type { Value } from '../../common/types.js';
import type { Accumulator } from './accumulator.js';

/**
 * FIRST_VALUE(x) / LAST_VALUE(x): the non-NULL x of the row with the earliest / latest event time
 * `t` (the window's time column, passed per row as the call's args[0]); among rows with equal
 * time the earlier arrival is first and the later is last. Slots [value, time]; NULL for none.
 * A merged-in state counts as arriving after the state it is merged into.
 */
export function firstLastValue(last: boolean): Accumulator {
  // `wins(t, cur)`: a value at time t arriving after the current one at time cur replaces it.
  const wins = last ? (t: number, cur: number) => t >= cur : (t: number, cur: number) => t < cur;
  const op = last ? '>=' : '<';
  return {
    width: 2,
    rowArg: true,
    init: (s, at) => {
      s[at] = null;
      s[at + 1] = null;
    },
    add: (s, at, v, t) => {
      const cur = s[at + 1]!;
      if (cur === null || wins(t as number, cur as number)) {
        s[at] = v;
        s[at + 1] = t!;
      }
    },
    merge: (into, from, at) => {
      const t = from[at + 1]!;
      const cur = into[at + 1]!;
      if (t !== null && (cur === null || wins(t as number, cur as number))) {
        into[at] = from[at]!;
        into[at + 1] = t;
      }
    },
    result: (s, at): Value => s[at]!,
    addSource: (s, at, v, _bind, t) => {
      const cur = `${s}[${at + 1}]`;
      return `if (${cur} === null || ${t} ${op} ${cur}) { ${s}[${at}] = ${v}; ${cur} = ${t}; }`;
    },
  };
}
