import type { Value } from '../../common/types.js';
import { slotArray, type Accumulator } from './accumulator.js';
import { compareValues, hashValue, sameValue } from './value-hash.js';

/**
 * An exact set of non-NULL values as an open-addressing hash table in a plain array (null = free
 * slot; capacity a power of two, at most half full), so it checkpoints as it is. Slot layout:
 * [size, table | null].
 */
const FIRST_CAPACITY = 8;

function insert(table: Value[], v: Value): boolean {
  const mask = table.length - 1;
  let i = hashValue(v, 0) & mask;
  for (;;) {
    const x = table[i]!;
    if (x === null) {
      table[i] = v;
      return true;
    }
    if (sameValue(x, v)) return false;
    i = (i + 1) & mask;
  }
}

/** Adds v to the set at slots [at, at+1]; returns whether it was new. */
export function addToSet(s: Value[], at: number, v: Value): boolean {
  if (v === 0) v = 0; // -0 and 0 are one value
  let table = slotArray<Value>(s, at + 1);
  if (table === null) {
    table = new Array<Value>(FIRST_CAPACITY).fill(null);
    s[at + 1] = table as unknown as Value;
  }
  if (!insert(table, v)) return false;
  const size = (s[at] as number) + 1;
  s[at] = size;
  if (size * 2 > table.length) {
    const bigger = new Array<Value>(table.length * 2).fill(null);
    for (const x of table) if (x !== null) insert(bigger, x);
    s[at + 1] = bigger as unknown as Value;
  }
  return true;
}

/** The values of the set at slots [at, at+1], sorted (so results do not depend on arrival order). */
export function setValues(s: readonly Value[], at: number): Value[] {
  const table = slotArray<Value>(s, at + 1);
  if (table === null) return [];
  const out: Value[] = [];
  for (const x of table) if (x !== null) out.push(x);
  return out.sort(compareValues);
}

/**
 * AGG(DISTINCT x): keeps the exact set of distinct non-NULL values; the result feeds them, in
 * sorted order, to the plain accumulator `inner` (which must take values only, no rowArg).
 * COUNT(DISTINCT x) is the set's size.
 */
export function distinct(inner: Accumulator, isCount: boolean): Accumulator {
  const feed = (s: readonly Value[], at: number): Value => {
    if (isCount) return s[at]!;
    const tmp: Value[] = [];
    inner.init(tmp, 0);
    for (const v of setValues(s, at)) inner.add(tmp, 0, v);
    return inner.result(tmp, 0);
  };
  return {
    width: 2,
    init: (s, at) => {
      s[at] = 0;
      s[at + 1] = null;
    },
    add: (s, at, v) => void addToSet(s, at, v),
    merge: (into, from, at) => {
      const table = slotArray<Value>(from, at + 1);
      if (table !== null) for (const x of table) if (x !== null) addToSet(into, at, x);
    },
    result: feed,
    addSource: (s, at, v, bind) => `${bind(addToSet)}(${s}, ${at}, ${v});`,
  };
}
