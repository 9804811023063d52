import { describe, expect, it } from 'vitest';
import type { Value } from '../../../src/common/types.js';
import { KeyedStateBackend, valuesCodec, type KeyedStateTable } from '../../../src/exec/state/index.js';

const END_A = 1_700_000_010_000; // window ends: not Smis
const END_B = 1_700_000_020_000;

function filled(): { b: KeyedStateBackend; t: KeyedStateTable<Value[]> } {
  const b = new KeyedStateBackend();
  const t = b.table<Value[]>('op', 'w', valuesCodec());
  for (let k = 0; k < 500; k++) t.insert(k % 3 === 0 ? END_B : END_A, k % 2 === 0 ? k : `k${k}`, [k, k * 2]);
  // The last insert stays: a restored table numbers new entries after the largest live seq.
  for (let k = 0; k < 490; k += 7) t.delete(k % 3 === 0 ? END_B : END_A, k % 2 === 0 ? k : `k${k}`);
  return { b, t };
}

const view = (t: KeyedStateTable<Value[]>) => t.namespaces().map((ns) => [ns, t.entries(ns).map((e) => [e.ns, e.key, e.seq, ...e.value])]);
const hex = (chunks: { keyGroup: number; bytes: Buffer }[]) => chunks.map((c) => `${c.keyGroup}:${c.bytes.toString('hex')}`);

describe('entries refer to their namespace instead of holding its number', () => {
  it('entries of one namespace share one namespace object whose ns is the number, also after a restore', () => {
    const { b, t } = filled();
    const chunks = b.snapshotAll();
    const r = new KeyedStateBackend();
    const rt = r.table<Value[]>('op', 'w', valuesCodec());
    r.restore(chunks);
    for (const table of [t, rt]) {
      expect(table.namespaces()).toEqual([END_A, END_B]);
      for (const ns of table.namespaces()) {
        const es = table.entries(ns);
        expect(es.length).toBeGreaterThan(100);
        for (const e of es) {
          expect(e.space).toBe(es[0]!.space);
          expect(e.ns).toBe(ns);
        }
      }
    }
    expect(view(rt)).toEqual(view(t));
  });

  it('a restored table holds the same entries; its chunks restore to the same bytes again; inserts into a restored namespace go last', () => {
    const { b, t } = filled();
    const r = new KeyedStateBackend();
    const rt = r.table<Value[]>('op', 'w', valuesCodec());
    r.restore(b.snapshotAll());
    expect(view(rt)).toEqual(view(t));
    // (Entries within a chunk may come in any order: a restored table walks its namespaces in decoding order.)
    const once = r.snapshotAll();
    const r2 = new KeyedStateBackend();
    r2.table<Value[]>('op', 'w', valuesCodec());
    r2.restore(once);
    expect(hex(r2.snapshotAll())).toEqual(hex(once));
    for (const table of [t, rt]) table.insert(END_A, 'late', ['late', 1]);
    expect(rt.entries(END_A).at(-1)!.key).toBe('late');
    expect(rt.entries(END_A).at(-1)!.space).toBe(rt.entries(END_A)[0]!.space);
    expect(view(rt)).toEqual(view(t));
  });

  it('a namespace deleted and created again gets a new namespace object; old entries keep their number', () => {
    const b = new KeyedStateBackend();
    const t = b.table<Value[]>('op', 'w', valuesCodec());
    const old = t.insert(END_A, 1, [1]);
    t.deleteNamespace(END_A);
    const fresh = t.insert(END_A, 1, [2]);
    expect(fresh.space).not.toBe(old.space);
    expect(old.ns).toBe(END_A);
    expect(t.entries(END_A).map((e) => e.value)).toEqual([[2]]);
  });
});
