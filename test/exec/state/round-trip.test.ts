import { describe, expect, it } from 'vitest';
import type { Value } from '../../../src/common/types.js';
import { KeyedStateBackend, valuesCodec, type KeyedStateTable } from '../../../src/exec/state/index.js';

const N = 1_000_000;
const NAMESPACES = [3000, 1000, 2000, 4000];
const bits = new Float64Array(1);
const words = new Int32Array(bits.buffer);

/** An order-sensitive checksum of every entry: namespace, key, seq and each value, in iteration order. */
function checksum(t: KeyedStateTable<Value[]>): { n: number; h: number } {
  let h = 0;
  let n = 0;
  const mix = (x: number): void => {
    h = (Math.imul(h ^ x, 0x01000193) + 0x9e3779b9) | 0;
  };
  const mixString = (s: string): void => {
    for (let i = 0; i < s.length; i++) mix(s.charCodeAt(i));
    mix(-1 - s.length);
  };
  const mixNumber = (v: number): void => {
    bits[0] = v; // every bit of the float64, so -0, NaN and ±Infinity count
    mix(words[0]!);
    mix(words[1]!);
  };
  const mixValue = (v: Value): void => {
    if (typeof v === 'number') mixNumber(v);
    else if (typeof v === 'string') mixString(v);
    else mix(v === null ? 0x7fff0003 : v ? 0x7fff0004 : 0x7fff0005);
  };
  for (const ns of t.namespaces()) {
    mixNumber(ns);
    for (const e of t.entries(ns)) {
      n++;
      if (typeof e.key === 'number') mixNumber(e.key);
      else mixString(e.key);
      mix(e.seq);
      mix(e.value.length);
      for (const v of e.value) mixValue(v);
    }
  }
  return { n, h };
}

describe('state round trip at scale', () => {
  it('1M entries: snapshotAll → restore gives the same entries in the same order, then incremental on top', () => {
    const b = new KeyedStateBackend();
    const t = b.table('agg', 'windows', valuesCodec());
    const specials: Value[] = [NaN, Infinity, -Infinity, -0, null, true, false, '', 'ü✓'];
    for (let i = 0; i < N; i++) {
      const key = i % 5 === 0 ? i * 3 + 0.5 : `user-${i}`;
      t.insert(NAMESPACES[i % NAMESPACES.length]!, key, [key, i % 17, i * 1.5, specials[i % specials.length]!, 2 ** 40 + i]);
    }
    const before = checksum(t);
    expect(before.n).toBe(N);

    const full = b.snapshotAll();
    const b2 = new KeyedStateBackend();
    const t2 = b2.table('agg', 'windows', valuesCodec());
    b2.restore(full);
    expect(checksum(t2)).toEqual(before);
    expect(t2.namespaces()).toEqual([1000, 2000, 3000, 4000]);
    expect(b2.snapshotChanged()).toEqual([]);

    // Change 1 in 10 entries, drop a namespace, add new ones; restore full + delta.
    for (let i = 0; i < N; i += 10) {
      const e = t.get(NAMESPACES[i % NAMESPACES.length]!, i % 5 === 0 ? i * 3 + 0.5 : `user-${i}`)!;
      e.value[1] = -1;
      t.touch(e);
    }
    t.deleteNamespace(2000);
    for (let i = 0; i < 1000; i++) t.insert(5000, `late-${i}`, [i]);
    const delta = b.snapshotChanged();
    const b3 = new KeyedStateBackend();
    const t3 = b3.table('agg', 'windows', valuesCodec());
    b3.restore([...full, ...delta]);
    expect(checksum(t3)).toEqual(checksum(t));
    expect(t3.size).toBe(N - N / 4 + 1000);
  }, 60_000);
});
