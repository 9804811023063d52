import { describe, expect, it } from 'vitest';
import { KEY_GROUP_COUNT, KeyedStateBackend, jsonCodec, keyGroupOf } from '../../src/exec/state/index.js';

const codec = jsonCodec<number[]>();

function keyInGroupOtherThan(g: number): number {
  for (let k = 0; ; k++) if (keyGroupOf(k) !== g) return k;
}

describe('keyGroupOf', () => {
  it('is stable (pinned values) and spreads keys over all groups', () => {
    // Pinned: these must never change, or old checkpoints would restore into the wrong groups.
    expect([keyGroupOf(0), keyGroupOf(1), keyGroupOf('a'), keyGroupOf('auction-17'), keyGroupOf(1.5)]).toEqual([117, 91, 114, 13, 32]);
    const counts = new Array(KEY_GROUP_COUNT).fill(0);
    for (let k = 0; k < 12_800; k++) counts[keyGroupOf(k)]++;
    expect(Math.min(...counts)).toBeGreaterThan(50);
    expect(Math.max(...counts)).toBeLessThan(160);
  });
});

describe('KeyedStateBackend', () => {
  it('touching one key dirties exactly its key group', () => {
    const b = new KeyedStateBackend();
    const t = b.table('op1', 'w', codec);
    const e1 = t.insert(10, 1, [0]);
    const e2 = t.insert(10, keyInGroupOtherThan(keyGroupOf(1)), [0]);
    expect(b.snapshotChanged().map((c) => c.keyGroup).sort()).toEqual([e1.group, e2.group].sort());
    expect(b.snapshotChanged()).toEqual([]); // flags cleared
    e1.value[0]++;
    t.touch(e1);
    const chunks = b.snapshotChanged();
    expect(chunks.map((c) => [c.operatorUid, c.keyGroup])).toEqual([['op1/w', e1.group]]);
  });

  it('a group that became empty yields an empty chunk', () => {
    const b = new KeyedStateBackend();
    const t = b.table('op', 'w', codec);
    const e = t.insert(5, 'k', [1]);
    b.snapshotChanged();
    t.deleteNamespace(5);
    const chunks = b.snapshotChanged();
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.keyGroup).toBe(e.group);
    expect(chunks[0]!.bytes.length).toBe(0);
    expect(b.size()).toBe(0);
  });

  it('restores entries, namespaces in order and insertion order within a namespace', () => {
    const b = new KeyedStateBackend();
    const t = b.table('op', 'w', codec);
    const keys = [17, 'b', 3, 'a', 99, -1, 'zz', 1.5, 1e21];
    for (const ns of [30, 10, 20]) for (const k of keys) t.insert(ns, k, [ns, Infinity, NaN]);
    t.delete(20, 3);
    const all = b.snapshotAll();
    expect(all).toHaveLength(KEY_GROUP_COUNT);

    const b2 = new KeyedStateBackend();
    const t2 = b2.table('op', 'w', codec);
    b2.restore(all);
    expect(b2.size()).toBe(b.size());
    expect(t2.namespaces()).toEqual([10, 20, 30]);
    for (const ns of [10, 20, 30]) {
      expect([...t2.entries(ns)].map((e) => e.key)).toEqual([...t.entries(ns)].map((e) => e.key));
      expect([...t2.entries(ns)].map((e) => e.value)).toEqual([...t.entries(ns)].map((e) => e.value));
    }
    expect(t2.get(30, 'zz')!.value).toEqual([30, Infinity, NaN]);
    expect(b2.snapshotChanged()).toEqual([]); // restored state is clean
    // new entries go after restored ones
    t2.insert(10, 'new', [0]);
    expect([...t2.entries(10)].map((e) => e.key).at(-1)).toBe('new');
    // ... and stay after them through a second checkpoint/restore cycle
    const b3 = new KeyedStateBackend();
    const t3 = b3.table('op', 'w', codec);
    b3.restore(b2.snapshotAll());
    expect([...t3.entries(10)].map((e) => e.key)).toEqual([...keys, 'new']);
  });

  it('incremental chunks layered over a full snapshot restore the latest state', () => {
    const b = new KeyedStateBackend();
    const t = b.table('op', 'w', codec);
    for (let k = 0; k < 50; k++) t.insert(1, k, [k]);
    const base = b.snapshotAll();
    for (let k = 0; k < 10; k++) t.delete(1, k);
    const e = t.get(1, 20)!;
    e.value[0] = 2000;
    t.touch(e);
    const delta = b.snapshotChanged();
    expect(delta.length).toBeLessThan(KEY_GROUP_COUNT);

    const b2 = new KeyedStateBackend();
    const t2 = b2.table('op', 'w', codec);
    b2.restore([...base, ...delta]);
    expect([...t2.entries(1)].map((x) => [x.key, x.value[0]])).toEqual([...t.entries(1)].map((x) => [x.key, x.value[0]]));
    expect(t2.get(1, 20)!.value).toEqual([2000]);
    expect(t2.get(1, 5)).toBeUndefined();
  });

  it('refuses chunks of unknown tables and damaged chunks', () => {
    const b = new KeyedStateBackend();
    const t = b.table('op', 'w', codec);
    t.insert(1, 1, [1]);
    const chunks = b.snapshotChanged();
    const other = new KeyedStateBackend();
    other.table('op', 'different', codec);
    expect(() => other.restore(chunks)).toThrow(expect.objectContaining({ code: 'CHECKPOINT' }));
    const b3 = new KeyedStateBackend();
    b3.table('op', 'w', codec);
    expect(() => b3.restore([{ ...chunks[0]!, bytes: Buffer.from('{"v":1,"e":[[1,') }])).toThrow(expect.objectContaining({ code: 'CHECKPOINT' }));
    expect(() => b3.restore([{ ...chunks[0]!, keyGroup: (chunks[0]!.keyGroup + 1) % KEY_GROUP_COUNT }])).toThrow(
      expect.objectContaining({ code: 'CHECKPOINT' }),
    );
  });

  it('registering the same table twice is a bug', () => {
    const b = new KeyedStateBackend();
    b.table('op', 'w', codec);
    expect(() => b.table('op', 'w', codec)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });

  it('namespacesUpTo returns ascending namespaces up to the bound', () => {
    const b = new KeyedStateBackend();
    const t = b.table('op', 'w', codec);
    for (const ns of [50, 10, 40, 20, 30]) t.insert(ns, 1, [0]);
    expect(t.namespacesUpTo(35)).toEqual([10, 20, 30]);
    t.deleteNamespace(20);
    expect(t.namespacesUpTo(Infinity)).toEqual([10, 30, 40, 50]);
    expect(t.size).toBe(4);
  });
});
