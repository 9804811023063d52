import type { Row, Value } from '../../common/types.js';

/**
 * Where a join side's key entry stores a copy of `row` (its `width` columns from `from` on), or -1.
 * An entry is a flat run of records, each `head` bookkeeping slots followed by the row's columns;
 * values compare as SQL's IS NOT DISTINCT FROM (NaN equals NaN), so a retraction finds its row.
 */
export function findStoredRow(v: readonly Value[], head: number, width: number, row: Row, from: number): number {
  const step = head + width;
  outer: for (let p = 0; p < v.length; p += step) {
    for (let c = 0; c < width; c++) {
      const a = v[p + head + c]!;
      const b = row[from + c]!;
      if (a !== b && !(a !== a && b !== b)) continue outer;
    }
    return p;
  }
  return -1;
}
