/** The lookup join's partial cache: LRU eviction at max-rows, expiry after write, missing keys. */
import { describe, expect, it } from 'vitest';
import { LookupRowCache } from '../../src/exec/lookup-cache.js';

describe('LookupRowCache', () => {
  it('evicts the least recently used key beyond max-rows', () => {
    const c = new LookupRowCache({ kind: 'partial', maxRows: 2, ttlMs: Infinity, missingKeys: true }, () => 0);
    c.put('a', [[1]]);
    c.put('b', [[2]]);
    expect(c.get('a')).toEqual([[1]]); // a is now the most recent
    c.put('c', [[3]]);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toEqual([[1]]);
    expect(c.get('c')).toEqual([[3]]);
    expect(c.size).toBe(2);
  });

  it('expires a key ttl after it was written, not after it was read', () => {
    let now = 0;
    const c = new LookupRowCache({ kind: 'partial', maxRows: 10, ttlMs: 100, missingKeys: true }, () => now);
    c.put('a', [[1]]);
    now = 99;
    expect(c.get('a')).toEqual([[1]]);
    now = 100;
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('caches a key without rows unless missing keys are excluded', () => {
    const on = new LookupRowCache({ kind: 'partial', maxRows: 10, ttlMs: Infinity, missingKeys: true }, () => 0);
    on.put('x', []);
    expect(on.get('x')).toEqual([]);
    const off = new LookupRowCache({ kind: 'partial', maxRows: 10, ttlMs: Infinity, missingKeys: false }, () => 0);
    off.put('x', []);
    expect(off.get('x')).toBeUndefined();
  });
});
