/**
 * A state table without insertion order (KeyedStateTable.withoutInsertionOrder, used by the
 * SESSION operator) holds, iterates, snapshots and restores the same entries as an ordered one;
 * only the iteration order may differ.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../../src/common/types.js';
import { KeyedStateBackend, valuesCodec, type KeyedStateTable } from '../../../src/exec/state/index.js';

type Op = { kind: 'insert'; ns: number; key: number | string; v: number } | { kind: 'delete'; ns: number; key: number | string } | { kind: 'dropNs'; ns: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('insert' as const), ns: fc.integer({ min: 0, max: 3 }), key: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom('a', 'b', 'c')), v: fc.integer() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), ns: fc.integer({ min: 0, max: 3 }), key: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom('a', 'b', 'c')) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dropNs' as const), ns: fc.integer({ min: 0, max: 3 }) }) },
);

function apply(t: KeyedStateTable<Value[]>, ops: readonly Op[]): void {
  for (const op of ops) {
    if (op.kind === 'insert') {
      if (t.get(op.ns, op.key) === undefined) t.insert(op.ns, op.key, [op.key, op.v]);
    } else if (op.kind === 'delete') t.delete(op.ns, op.key);
    else t.deleteNamespace(op.ns);
  }
}

/** Every entry as sorted text: (ns, key, seq, value), independent of iteration order; without seq when `seq` is false. */
const contents = (t: KeyedStateTable<Value[]>, seq = true): string[] => [...t.allEntries()].map((e) => JSON.stringify([e.ns, e.key, seq ? e.seq : 0, e.value])).sort();
const byNamespace = (t: KeyedStateTable<Value[]>): string[][] => t.namespaces().map((ns) => t.entries(ns).map((e) => JSON.stringify([e.key, e.value])).sort());

describe('state table without insertion order', () => {
  it('holds, snapshots and restores the same entries as an ordered table', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120, size: 'max' }), fc.array(opArb, { maxLength: 40, size: 'max' }), (ops, more) => {
        const ordered = new KeyedStateBackend();
        const o = ordered.table('op', 's', valuesCodec());
        const unordered = new KeyedStateBackend();
        const u = unordered.table('op', 's', valuesCodec()).withoutInsertionOrder();
        apply(o, ops);
        apply(u, ops);
        expect(contents(u)).toEqual(contents(o));
        expect(byNamespace(u)).toEqual(byNamespace(o));
        expect(u.size).toBe(o.size);
        const restored = new KeyedStateBackend();
        const r = restored.table('op', 's', valuesCodec()).withoutInsertionOrder();
        restored.restore(unordered.snapshotAll());
        expect(contents(r)).toEqual(contents(o));
        // And it keeps working after the restore (deletes find their entries; new seqs follow the
        // restored ones, so they differ from the never-restored table's).
        apply(o, more);
        apply(r, more);
        expect(contents(r, false)).toEqual(contents(o, false));
      }),
      { numRuns: 300 },
    );
  });

  it('cannot drop the order once it holds entries', () => {
    const t = new KeyedStateBackend().table('op', 's', valuesCodec());
    t.insert(0, 'a', ['a']);
    expect(() => t.withoutInsertionOrder()).toThrow(/insertion order/);
  });
});
