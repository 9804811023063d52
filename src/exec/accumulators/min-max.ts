import type { Value } from '../../common/types.js';
import { compareStrings } from '../time-format.js';
import type { Accumulator } from './accumulator.js';

/** Shared by MIN and MAX: keeps the value that `better(candidate, current)` prefers; NULL for none. */
export function extremum(wantLess: boolean, strings: boolean): Accumulator {
  const better = strings
    ? wantLess
      ? (a: Value, b: Value) => compareStrings(a as string, b as string) < 0
      : (a: Value, b: Value) => compareStrings(a as string, b as string) > 0
    : wantLess
      ? (a: Value, b: Value) => (a as number) < (b as number)
      : (a: Value, b: Value) => (a as number) > (b as number);
  const op = wantLess ? '<' : '>';
  return {
    width: 1,
    init: (s, at) => void (s[at] = null),
    add: (s, at, v) => {
      if (s[at] === null || better(v, s[at]!)) s[at] = v;
    },
    merge: (into, from, at) => {
      const f = from[at]!;
      if (f !== null && (into[at] === null || better(f, into[at]!))) into[at] = f;
    },
    result: (s, at): Value => s[at]!,
    addSource: (s, at, v, bind) => {
      const cur = `${s}[${at}]`;
      const cond = strings ? `${bind(compareStrings)}(${v}, ${cur}) ${op} 0` : `${v} ${op} ${cur}`;
      return `if (${cur} === null || ${cond}) ${cur} = ${v};`;
    },
  };
}
