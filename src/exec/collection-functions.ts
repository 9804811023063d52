import { EddyError } from '../common/errors.js';
import type { Value } from '../common/types.js';

type Fn = (...args: Value[]) => Value;

/**
 * The collection functions (types checked by src/planner/collection-signatures.ts). As Flink: an
 * ARRAY index is 1-based and out of range gives NULL, a missing MAP key NULL, ELEMENT of an empty
 * array NULL and of one with more elements an error. A NULL argument gives NULL, except that
 * ARRAY[...] and MAP[...] keep NULL elements.
 */
export const COLLECTION_FUNCTIONS: Readonly<Record<string, Fn>> = {
  ITEM: (c, i) => {
    if (c === null || i === null) return null;
    if (c instanceof Map) return c.get(i) ?? null;
    const a = c as Value[];
    return typeof i === 'number' && Number.isInteger(i) && i >= 1 && i <= a.length ? a[i - 1]! : null;
  },
  FIELD: (r, _name, index) => (r === null ? null : ((r as Value[])[index as number] ?? null)),
  ARRAY: (...args) => args,
  MAP: (...args) => {
    const m = new Map<Value, Value>();
    // A repeated key keeps its last value (Flink's MAP constructor does the same).
    for (let i = 0; i + 1 < args.length; i += 2) m.set(args[i]!, args[i + 1]!);
    return m;
  },
  CARDINALITY: (c) => (c === null ? null : c instanceof Map ? c.size : (c as Value[]).length),
  ELEMENT: (c) => {
    if (c === null) return null;
    const a = c as Value[];
    if (a.length > 1) throw new EddyError('QUERY_FAILED', `ELEMENT of an ARRAY with ${a.length} elements`, undefined, 'ELEMENT needs an ARRAY of at most one element; index it instead: arr[1]');
    return a.length === 0 ? null : a[0]!;
  },
};
