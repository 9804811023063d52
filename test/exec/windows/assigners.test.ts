import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SliceAssigner } from '../../../src/exec/windows/assigner.js';
import { CumulateAssigner } from '../../../src/exec/windows/cumulate.js';
import { HopAssigner } from '../../../src/exec/windows/hop.js';
import { TumbleAssigner } from '../../../src/exec/windows/tumble.js';

/** The [start, end) windows of `a` containing ts, by walking slices and their windows. */
function windowsVia(a: SliceAssigner, ts: number): [number, number][] {
  const e = a.sliceEnd(ts);
  const out: [number, number][] = [];
  for (let end = a.nextWindowEnd(e); end <= a.lastWindowEnd(e); end += a.every) out.push([a.windowStart(end), end]);
  return out;
}

/** HOP windows containing ts straight from DESIGN.md §3: every [s, s + size), s ≡ offset (mod slide), s <= ts < s + size. */
function hopWindows(slide: number, size: number, offset: number, ts: number): [number, number][] {
  const out: [number, number][] = [];
  let s = ts - ((((ts - offset) % slide) + slide) % slide);
  for (; s + size > ts; s -= slide) if (s <= ts) out.unshift([s, s + size]);
  return out;
}

function cumulateWindows(step: number, size: number, offset: number, ts: number): [number, number][] {
  const base = ts - ((((ts - offset) % size) + size) % size);
  const out: [number, number][] = [];
  for (let end = base + step; end <= base + size; end += step) if (end > ts) out.push([base, end]);
  return out;
}

describe('slice assigners', () => {
  it('TUMBLE: one slice = one window', () => {
    const a = new TumbleAssigner(10, 3);
    expect(windowsVia(a, 12)).toEqual([[3, 13]]);
    expect(windowsVia(a, 13)).toEqual([[13, 23]]);
    expect(windowsVia(a, -1)).toEqual([[-7, 3]]);
  });

  it('HOP: slices of gcd(slide, size); every window containing the row, and only those', () => {
    const a = new HopAssigner(2, 10);
    expect(a.slice).toBe(2);
    expect(a.sliceEnd(5)).toBe(6);
    expect(windowsVia(a, 5)).toEqual([[-4, 6], [-2, 8], [0, 10], [2, 12], [4, 14]]);
    expect(new HopAssigner(4, 10).slice).toBe(2);
    // slide > size: rows between windows are in none
    const gappy = new HopAssigner(10, 4);
    expect(windowsVia(gappy, 5)).toEqual([]);
    expect(gappy.lastWindowEnd(gappy.sliceEnd(5))).toBeLessThan(gappy.sliceEnd(5));
    expect(windowsVia(gappy, 13)).toEqual([[10, 14]]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: -100, max: 100 }), (slide, size, offset, ts) => {
        expect(windowsVia(new HopAssigner(slide, size, offset), ts)).toEqual(hopWindows(slide, size, offset, ts));
      }),
      { numRuns: 500 },
    );
  });

  it('CUMULATE: windows of the period growing by step', () => {
    const a = new CumulateAssigner(2, 6);
    expect(windowsVia(a, 0)).toEqual([[0, 2], [0, 4], [0, 6]]);
    expect(windowsVia(a, 3)).toEqual([[0, 4], [0, 6]]);
    expect(windowsVia(a, 7)).toEqual([[6, 8], [6, 10], [6, 12]]);
    expect(windowsVia(a, 9)).toEqual([[6, 10], [6, 12]]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: -100, max: 100 }), (step, n, offset, ts) => {
        expect(windowsVia(new CumulateAssigner(step, step * n, offset), ts)).toEqual(cumulateWindows(step, step * n, offset, ts));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses bad parameters', () => {
    expect(() => new HopAssigner(0, 10)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
    expect(() => new CumulateAssigner(3, 10)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });
});
