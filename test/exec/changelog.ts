import type { Row, Value } from '../../src/common/types.js';

/**
 * Folds a changelog (op in column 0) into the table it describes: +I/+U add their row, -U/-D
 * remove theirs, which must be present (a retraction of a row never emitted is a bug). Returns the
 * remaining rows without op, as sorted JSON strings (a multiset).
 */
export function foldChangelog(rows: readonly (readonly Value[])[]): string[] {
  const live = new Map<string, number>();
  for (const r of rows) {
    const op = r[0];
    const key = JSON.stringify(r.slice(1));
    if (op === '+I' || op === '+U') {
      live.set(key, (live.get(key) ?? 0) + 1);
    } else if (op === '-U' || op === '-D') {
      const n = live.get(key) ?? 0;
      if (n === 0) throw new Error(`changelog retracts a row it never inserted: ${JSON.stringify(r)}`);
      if (n === 1) live.delete(key);
      else live.set(key, n - 1);
    } else {
      throw new Error(`bad op in changelog row ${JSON.stringify(r)}`);
    }
  }
  const out: string[] = [];
  for (const [k, n] of live) for (let i = 0; i < n; i++) out.push(k);
  return out.sort();
}

/** Checks the pairing convention: every -U is immediately followed by a +U of the same key (first `nKeys` columns after op). */
export function checkPairs(rows: readonly Row[], nKeys: number): void {
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]![0] !== '-U') continue;
    const next = rows[i + 1];
    if (next?.[0] !== '+U' || JSON.stringify(next.slice(1, 1 + nKeys)) !== JSON.stringify(rows[i]!.slice(1, 1 + nKeys))) {
      throw new Error(`-U at ${i} not followed by its +U: ${JSON.stringify(rows.slice(i, i + 2))}`);
    }
  }
}
