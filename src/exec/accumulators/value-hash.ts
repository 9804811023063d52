import { fmix32 } from '../../common/hash.js';
import type { Value } from '../../common/types.js';
import { compareStrings } from '../time-format.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/**
 * A 32-bit MurmurHash3-style hash of a non-NULL SQL value; different seeds give independent
 * hashes. Deterministic across runs (checkpointed sketches depend on it). -0 hashes as 0.
 */
export function hashValue(v: Value, seed: number): number {
  let h = seed | 0;
  if (typeof v === 'number') {
    f64[0] = v === 0 ? 0 : v;
    h = mix(mix(h, u32[0]!), u32[1]!) ^ 8;
  } else if (typeof v === 'string') {
    const n = v.length;
    let i = 0;
    for (; i + 1 < n; i += 2) h = mix(h, v.charCodeAt(i) | (v.charCodeAt(i + 1) << 16));
    if (i < n) h = mix(h, v.charCodeAt(i));
    h ^= n * 2 + 1;
  } else if (typeof v === 'bigint') {
    const t = String(v);
    for (let i = 0; i < t.length; i++) h = mix(h, t.charCodeAt(i));
    h ^= 16;
  } else {
    h = mix(h, v ? 2 : 1) ^ 1;
  }
  return fmix32(h);
}

/** SQL equality of two non-NULL values of one type for DISTINCT (NaN equals NaN; -0 equals 0). */
export const sameValue = (a: Value, b: Value): boolean => a === b || (a !== a && b !== b);

/** Total order of non-NULL values of one type: numbers numerically (NaN last), strings by code point, FALSE < TRUE. */
export function compareValues(a: Value, b: Value): number {
  if (typeof a === 'string') return compareStrings(a, b as string);
  if (typeof a === 'boolean') return (a ? 1 : 0) - (b ? 1 : 0);
  const x = a as number;
  const y = b as number;
  if (x !== x) return y !== y ? 0 : 1;
  if (y !== y) return -1;
  return x < y ? -1 : x > y ? 1 : 0;
}
