import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StateChunk } from '../../../src/checkpoint/types.js';
import type { Value } from '../../../src/common/types.js';
import { KEY_GROUP_COUNT, KeyedStateBackend, valuesCodec, type KeyedStateTable } from '../../../src/exec/state/index.js';

type Op =
  | { readonly kind: 'put'; readonly t: number; readonly ns: number; readonly key: number | string; readonly v: number }
  | { readonly kind: 'del'; readonly t: number; readonly ns: number; readonly key: number | string }
  | { readonly kind: 'dropNs'; readonly t: number; readonly ns: number }
  | { readonly kind: 'turn' };

const keyArb = fc.oneof(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 }).map((k) => `k${k}`));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('put' as const), t: fc.integer({ min: 0, max: 1 }), ns: fc.integer({ min: 1, max: 4 }), key: keyArb, v: fc.integer() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('del' as const), t: fc.integer({ min: 0, max: 1 }), ns: fc.integer({ min: 1, max: 4 }), key: keyArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dropNs' as const), t: fc.integer({ min: 0, max: 1 }), ns: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'turn' as const }) },
);

function setup() {
  const b = new KeyedStateBackend();
  const tables = [b.table('op', 'a', valuesCodec()), b.table('op', 'b', valuesCodec())];
  return { b, tables };
}

/** Applies one op the way operators do: touch before mutating a value in place. */
function apply(tables: KeyedStateTable<Value[]>[], op: Op): void {
  if (op.kind === 'turn') return;
  const t = tables[op.t]!;
  switch (op.kind) {
    case 'put': {
      const e = t.get(op.ns, op.key);
      if (e === undefined) t.insert(op.ns, op.key, [op.key, op.v, 1]);
      else {
        t.touch(e);
        e.value[1] = op.v;
        e.value[2] = (e.value[2] as number) + 1;
      }
      return;
    }
    case 'del':
      t.delete(op.ns, op.key);
      return;
    case 'dropNs':
      t.deleteNamespace(op.ns);
      return;
  }
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const bytesOf = (chunks: StateChunk[]) => chunks.map((c) => [c.operatorUid, c.keyGroup, c.bytes.toString('hex')]);
const contents = (t: KeyedStateTable<Value[]>) => t.namespaces().map((ns) => [ns, t.entries(ns).map((e) => [e.key, e.seq, [...e.value]])]);

describe('pending (copy-on-write) snapshots', () => {
  it('changes after the cut, interleaved with background encoding, leave the chunks of the cut; the next snapshot has them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 300 }), fc.array(opArb, { maxLength: 300 }), async (before, after) => {
        const ref = setup();
        const cow = setup();
        const base = (b: KeyedStateBackend, tables: KeyedStateTable<Value[]>[]) => {
          for (let k = 0; k < 600; k++) tables[k % 2]!.insert(1 + (k % 3), k % 5 === 0 ? `k${k}` : k, [k, k, 0]);
          const first = b.snapshotAll();
          for (const op of before) apply(tables, op);
          return first;
        };
        const first = base(ref.b, ref.tables);
        base(cow.b, cow.tables);
        const atCut = ref.b.snapshotChanged();

        const pending = cow.b.freezeChanged();
        const drained = pending.drain();
        for (const op of after) {
          if (op.kind === 'turn') await turn();
          else apply(cow.tables, op);
        }
        const chunks = await drained;
        expect(bytesOf(chunks)).toEqual(bytesOf(atCut));

        const next = cow.b.snapshotChanged();
        const restored = setup();
        restored.b.restore([...first, ...chunks, ...next]);
        for (let i = 0; i < 2; i++) expect(contents(restored.tables[i]!)).toEqual(contents(cow.tables[i]!));
      }),
      { numRuns: 60 },
    );
  });

  it('the cut only freezes: nothing is encoded until a change or the drain', () => {
    let writes = 0;
    const inner = valuesCodec();
    const b = new KeyedStateBackend();
    const t = b.table('op', 'w', { ...inner, write: (v, w) => (writes++, inner.write!(v, w)) });
    for (let k = 0; k < 5000; k++) t.insert(1, k, [k]);
    const p = b.freezeChanged();
    expect(writes).toBe(0);
    expect(p.done).toBe(false);
    const e = t.get(1, 42)!;
    t.touch(e); // encodes only this entry's group, with the old value
    expect(writes).toBe(t.groupSizes[e.group]);
    e.value[0] = -1;
    const chunks = p.finish();
    expect(writes).toBe(5000);
    expect(chunks).toHaveLength(KEY_GROUP_COUNT);
    const r = new KeyedStateBackend();
    const rt = r.table('op', 'w', valuesCodec());
    r.restore(chunks);
    expect(rt.get(1, 42)!.value).toEqual([42]);
    expect(b.snapshotChanged().map((c) => c.keyGroup)).toEqual([e.group]);
  });

  it('a new cut, snapshotAll or restore first finish a pending snapshot', () => {
    const b = new KeyedStateBackend();
    const t = b.table('op', 'w', valuesCodec());
    for (let k = 0; k < 100; k++) t.insert(1, k, [k]);
    const p1 = b.freezeChanged();
    const p2 = b.freezeChanged();
    expect(p1.done).toBe(true);
    expect(p2.finish()).toEqual([]);
    t.insert(2, 'x', ['x']);
    const p3 = b.freezeChanged();
    const all = b.snapshotAll();
    expect(p3.done).toBe(true);
    expect(p3.finish()).toHaveLength(1);
    t.touch(t.get(2, 'x')!);
    const p4 = b.freezeChanged();
    b.restore(all);
    expect(p4.done).toBe(true);
    expect(t.size).toBe(101);
  });
});
