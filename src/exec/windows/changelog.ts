import type { Row, Value } from '../../common/types.js';
import type { StateKey } from '../key.js';
import type { KeyedStateTable } from '../state/keyed-state-table.js';

/** Flink's RowKind short strings: the `op` column of an updating result. */
export type RowKind = '+I' | '-U' | '+U' | '-D';

/**
 * The results a window operator has emitted so far, per (window end, group key), kept in keyed
 * state so that a restored operator retracts exactly what was emitted before the checkpoint.
 * Changelog rows carry their kind first (the `op` column, src/planner/changelog.ts).
 */
export class EmittedResults {
  constructor(private readonly table: KeyedStateTable<Value[]>) {}

  /** Appends to `out` the change from what (ns, key) last emitted to `row`: +I (first), -U/+U (changed) or nothing (unchanged); remembers `row`. */
  update(ns: number, key: StateKey, row: Row, out: Row[]): void {
    const old = this.table.get(ns, key);
    if (old === undefined) {
      this.table.insert(ns, key, row.slice());
      out.push(withKind(row, '+I'));
      return;
    }
    if (sameRow(old.value, row)) return;
    out.push(withKind(old.value, '-U'), withKind(row, '+U'));
    this.table.touch(old); // before replacing: a pending checkpoint encodes the old row first
    old.value = row.slice();
  }

  /** Appends -D for (ns, key) if it emitted a result, and forgets it. */
  retract(ns: number, key: StateKey, out: Row[]): void {
    const old = this.table.get(ns, key);
    if (old === undefined) return;
    out.push(withKind(old.value, '-D'));
    this.table.delete(ns, key);
  }

  /** Forgets every result of namespace `ns` (the window can change no more). */
  forget(ns: number): void {
    this.table.deleteNamespace(ns);
  }

  /** Namespaces with remembered results, ascending. */
  namespaces(): number[] {
    return this.table.namespaces();
  }
}

/** [kind, ...row]. */
export function withKind(row: readonly Value[], kind: RowKind): Row {
  const r: Row = [kind];
  for (let i = 0; i < row.length; i++) r.push(row[i]!);
  return r;
}

function sameRow(a: readonly Value[], b: readonly Value[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
