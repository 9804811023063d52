import { describe, expect, it } from 'vitest';
import type { StateChunk } from '../../../src/checkpoint/types.js';
import { startChunk, writeEntry } from '../../../src/exec/state/chunk-format.js';
import { ByteWriter, KEY_GROUP_COUNT, KeyedStateBackend, StateEntry, jsonCodec, keyGroupOf, valuesCodec, type StateCodec } from '../../../src/exec/state/index.js';
import type { Value } from '../../../src/common/types.js';

const checkpointError = expect.objectContaining({ code: 'CHECKPOINT' });

/** A chunk built entry by entry, to write what a correct backend never would. */
function craft(entries: StateEntry<Value[]>[], count = entries.length): Buffer {
  const w = new ByteWriter();
  startChunk(w, count);
  for (const e of entries) writeEntry(w, e, valuesCodec());
  return w.slice(0, w.pos);
}

function restoreInto<V = Value[]>(chunks: StateChunk[], codec: StateCodec<V> = valuesCodec() as StateCodec<V>) {
  const b = new KeyedStateBackend();
  const t = b.table<V>('op', 'w', codec);
  b.restore(chunks);
  return t;
}

describe('state chunk format (version 2)', () => {
  it('is pinned byte for byte', () => {
    const b = new KeyedStateBackend();
    const t = b.table('op', 'w', valuesCodec());
    t.insert(1000, 7, [7, 2, 0.5]);
    const [chunk] = b.snapshotChanged();
    const expected = Buffer.concat([
      Buffer.from([0xed, 2, 1, 0, 0, 0]), // magic, version, entry count (uint32 LE)
      f64(1000), // namespace
      Buffer.from([0]), // key tag: number
      f64(7),
      Buffer.from([0]), // seq 0
      Buffer.from([3, 3, 7, 0, 0, 0, 3, 2, 0, 0, 0, 4]), // 3 values: INT 7, INT 2, F64 ...
      f64(0.5),
    ]);
    expect(chunk!.keyGroup).toBe(keyGroupOf(7));
    expect(chunk!.bytes.toString('hex')).toBe(expected.toString('hex'));
  });

  it('still restores version 1 (JSON) chunks of older checkpoints', () => {
    const g = keyGroupOf('k1');
    const json = JSON.stringify({ v: 1, e: [[20, 'k1', 5, ['k1', 1, { $f: 'NaN' }]], [10, 'k1', 3, ['k1', 2, { $f: '-Infinity' }]]] });
    const t = restoreInto([{ operatorUid: 'op/w', keyGroup: g, bytes: Buffer.from(json) }], valuesCodec());
    expect(t.namespaces()).toEqual([10, 20]);
    expect(t.get(10, 'k1')!.value).toEqual(['k1', 2, -Infinity]);
    expect(t.get(20, 'k1')!.value).toEqual(['k1', 1, NaN]);
    expect(t.insert(30, 'k1', []).seq).toBe(6);
  });

  it('refuses damaged chunks with CHECKPOINT errors', () => {
    const g = keyGroupOf('a');
    const good = craft([new StateEntry({ ns: 1 }, 'a', g, 0, ['a', 1])]);
    const chunk = (bytes: Buffer, keyGroup = g): StateChunk[] => [{ operatorUid: 'op/w', keyGroup, bytes }];
    expect(restoreInto(chunk(good)).get(1, 'a')!.value).toEqual(['a', 1]);
    const damaged = (bytes: Buffer, message: string, keyGroup = g): void => {
      expect(() => restoreInto(chunk(bytes, keyGroup))).toThrow(checkpointError);
      expect(() => restoreInto(chunk(bytes, keyGroup))).toThrow(message);
    };
    damaged(Buffer.from([0x00, ...good.subarray(1)]), 'not a state chunk');
    damaged(Buffer.from([0xed, 3, ...good.subarray(2)]), 'unknown format version 3');
    damaged(good.subarray(0, good.length - 1), 'unexpected end of data');
    damaged(Buffer.concat([good, Buffer.from([0])]), '1 bytes after the last entry');
    damaged(craft([new StateEntry({ ns: 1 }, 'a', g, 0, ['a', 1])], 2), 'exceeds');
    damaged(good, `holds a key of group ${g}`, (g + 1) % KEY_GROUP_COUNT);
    damaged(Buffer.from('{"v":1,"e":[[1,'), 'not valid JSON');
    damaged(Buffer.from('{"v":7,"e":[]}'), 'unknown format version 7');
    // two entries at one (ns, key), and one seq in two chunks
    damaged(craft([new StateEntry({ ns: 1 }, 'a', g, 0, ['a']), new StateEntry({ ns: 1 }, 'a', g, 1, ['a'])]), "two entries at (1, \"a\")");
    const other = keyInGroupOtherThan(g);
    const chunks: StateChunk[] = [...chunk(good), { operatorUid: 'op/w', keyGroup: keyGroupOf(other), bytes: craft([new StateEntry({ ns: 1 }, other, keyGroupOf(other), 0, [1])]) }];
    expect(() => restoreInto(chunks)).toThrow('seq 0 twice');
  });

  it('a snapshot reads only the entries of the changed key groups', () => {
    let writes = 0;
    const inner = valuesCodec();
    const counting: StateCodec<Value[]> = { ...inner, write: (v, w) => (writes++, inner.write!(v, w)) };
    const b = new KeyedStateBackend();
    const t = b.table('op', 'w', counting);
    for (let k = 0; k < 20_000; k++) t.insert(k % 3, k, [k]);
    b.snapshotAll();
    writes = 0;
    const e = t.get(1, 4)!;
    e.value[0] = -4;
    t.touch(e);
    const chunks = b.snapshotChanged();
    expect(chunks.map((c) => c.keyGroup)).toEqual([e.group]);
    expect(writes).toBe(t.groupSizes[e.group]);
    expect(writes).toBeLessThan(400); // ~20000 / 128, not 20000
  });

  it('both walks (few changed groups / many) write chunks that restore the same state', () => {
    const b = new KeyedStateBackend();
    const t = b.table('op', 'w', valuesCodec());
    for (let k = 0; k < 3000; k++) t.insert([30, 10, 20][k % 3]!, k % 7 === 0 ? `s${k}` : k, [k, `v${k}`]);
    for (let k = 0; k < 3000; k += 11) t.delete([30, 10, 20][k % 3]!, k % 7 === 0 ? `s${k}` : k);
    const base = b.snapshotAll(); // many groups: the insertion-order walk
    const dense = restoreInto(base);
    // Now change one group at a time: the group-list walk; layered over the base it must agree.
    const layered: StateChunk[] = [...base];
    for (let g = 0; g < KEY_GROUP_COUNT; g += 9) {
      const first = t.groupHead(g);
      if (first === null) continue;
      first.value[0] = `changed ${g}`;
      t.touch(first);
      const delta = b.snapshotChanged();
      expect(delta).toHaveLength(1);
      layered.push(...delta);
    }
    const sparse = restoreInto(layered);
    for (const r of [dense, sparse]) {
      expect(r.size).toBe(t.size);
      expect(r.namespaces()).toEqual([10, 20, 30]);
    }
    for (const ns of [10, 20, 30]) {
      expect(sparse.entries(ns).map((e) => [e.key, e.seq, e.value])).toEqual(t.entries(ns).map((e) => [e.key, e.seq, e.value]));
      expect(dense.entries(ns).map((e) => [e.key, e.seq])).toEqual(t.entries(ns).map((e) => [e.key, e.seq]));
    }
  });

  it('restores sparse seqs (most entries deleted) in order, and new entries go last', () => {
    const b = new KeyedStateBackend();
    const t = b.table('op', 'w', jsonCodec<number>());
    for (let k = 0; k < 6000; k++) t.insert(1, `k${k}`, k);
    for (let k = 0; k < 6000; k++) if (k % 1000 !== 999 && k !== 0) t.delete(1, `k${k}`);
    const r = restoreInto(b.snapshotAll(), jsonCodec<number>());
    expect(r.entries(1).map((e) => e.key)).toEqual(['k0', 'k999', 'k1999', 'k2999', 'k3999', 'k4999', 'k5999']);
    expect(r.delete(1, 'k2999')).toBe(true);
    r.insert(1, 'new', 1);
    expect(r.entries(1).map((e) => e.key)).toEqual(['k0', 'k999', 'k1999', 'k3999', 'k4999', 'k5999', 'new']);
    expect(r.entries(1).at(-1)!.seq).toBe(6000);
  });

  it('restore replaces what a table held', () => {
    const b = new KeyedStateBackend();
    const t = b.table('op', 'w', valuesCodec());
    t.insert(1, 'x', ['x']);
    const chunks = b.snapshotAll();
    t.insert(1, 'y', ['y']);
    t.insert(2, 'z', ['z']);
    b.restore(chunks);
    expect(t.size).toBe(1);
    expect(t.namespaces()).toEqual([1]);
    expect(t.entries(1).map((e) => e.key)).toEqual(['x']);
    expect(b.snapshotChanged()).toEqual([]);
  });
});

function f64(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return b;
}

function keyInGroupOtherThan(g: number): string {
  for (let k = 0; ; k++) if (keyGroupOf(`o${k}`) !== g) return `o${k}`;
}

describe('releasing snapshot buffers', () => {
  function setup() {
    const b = new KeyedStateBackend();
    const t = b.table('op', 'w', valuesCodec());
    for (let k = 0; k < 5000; k++) t.insert(1, `k${k}`, [k, 'v']);
    const touchAll = (v: number): void => {
      for (const e of t.entries(1)) {
        e.value[0] = v;
        t.touch(e);
      }
    };
    return { b, t, touchAll };
  }
  const buffersOf = (chunks: StateChunk[]) => new Set(chunks.filter((c) => c.bytes.length > 0).map((c) => c.bytes.buffer));

  it('a released snapshot’s buffers are reused, and what is written there restores', () => {
    const { b, t, touchAll } = setup();
    const first = b.snapshotAll();
    const firstBuffers = buffersOf(first);
    b.release(first);
    touchAll(7);
    const second = b.snapshotChanged();
    const reused = [...buffersOf(second)].filter((x) => firstBuffers.has(x));
    expect(reused.length).toBeGreaterThan(KEY_GROUP_COUNT / 2);
    const r = restoreInto(second);
    expect(r.entries(1).map((e) => [e.key, e.value])).toEqual(t.entries(1).map((e) => [e.key, e.value]));
  });

  it('never overwrites chunks that were not released; foreign and repeated releases are ignored', () => {
    const { b, touchAll } = setup();
    const kept = b.snapshotAll();
    const copy = kept.map((c) => Buffer.from(c.bytes));
    const released = (touchAll(1), b.snapshotChanged());
    b.release(released);
    b.release(released); // twice: must not hand one buffer to two snapshots
    b.release([{ operatorUid: 'op/w', keyGroup: 0, bytes: Buffer.alloc(100) }]);
    touchAll(2);
    const x = b.snapshotChanged();
    touchAll(3);
    const y = b.snapshotChanged();
    expect(kept.map((c) => Buffer.from(c.bytes))).toEqual(copy);
    const xs = buffersOf(x);
    expect([...buffersOf(y)].filter((buf) => xs.has(buf))).toEqual([]);
    expect(restoreInto(y).get(1, 'k9')!.value).toEqual([3, 'v']);
    expect(restoreInto(x).get(1, 'k9')!.value).toEqual([2, 'v']);
  });
});
