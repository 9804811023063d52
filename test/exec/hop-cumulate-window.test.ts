/**
 * HOP and CUMULATE on slices, checked against a reference that applies DESIGN.md §3 row by row to
 * every window containing the row (no slices): same rows, same late count, whatever the batch size
 * and wherever a checkpoint is restored.
 */
import fc from 'fast-check';
import { rowBatch } from '../../src/exec/batch.js';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/types.js';
import type { WindowSpec } from '../../src/planner/bound.js';
import { feed, makeOp, multiset, runOnce, runWithRestore } from './windows/harness.js';

const mod = (x: number, m: number): number => ((x % m) + m) % m;

/** The [start, end) windows containing ts, from the definitions of DESIGN.md §3. */
function windowsOf(w: WindowSpec, ts: number): [number, number][] {
  switch (w.kind) {
    case 'hop': {
      const out: [number, number][] = [];
      for (let s = ts - mod(ts - w.offset, w.slide); s + w.size > ts; s -= w.slide) out.push([s, s + w.size]);
      return out;
    }
    case 'cumulate': {
      const base = ts - mod(ts - w.offset, w.size);
      const out: [number, number][] = [];
      for (let end = base + w.step; end <= base + w.size; end += w.step) if (end > ts) out.push([base, end]);
      return out;
    }
    default:
      throw new Error(`no reference for ${w.kind}`);
  }
}

/** DESIGN.md §3 per window: a row reaches each of its windows not complete at its arrival; late if it reaches none. */
function reference(w: WindowSpec, rows: readonly Row[], delay: number): { rows: Row[]; late: number } {
  let wm = -Infinity;
  let late = 0;
  const acc = new Map<string, Row>();
  for (const [k, ts, v] of rows) {
    if (ts === null) continue;
    const ws = windowsOf(w, ts as number);
    const open = ws.filter(([, end]) => !(end - 1 <= wm));
    if (ws.length > 0 && open.length === 0) late++;
    for (const [s, e] of open) {
      const id = JSON.stringify([k, s, e]);
      const a = acc.get(id) ?? [k!, s, e, 0, null, null];
      a[3] = (a[3] as number) + 1;
      if (v !== null) {
        a[4] = ((a[4] as number | null) ?? 0) + (v as number);
        a[5] = a[5] === null ? v! : Math.max(a[5] as number, v as number);
      }
      acc.set(id, a);
    }
    wm = Math.max(wm, (ts as number) - delay);
  }
  return { rows: [...acc.values()], late };
}

const SPECS: WindowSpec[] = [
  { kind: 'hop', slide: 5, size: 10, offset: 0 },
  { kind: 'hop', slide: 4, size: 10, offset: 1 },
  { kind: 'hop', slide: 10, size: 4, offset: 0 },
  { kind: 'hop', slide: 3, size: 3, offset: 2 },
  { kind: 'cumulate', step: 3, size: 12, offset: 0 },
  { kind: 'cumulate', step: 5, size: 5, offset: 2 },
];

const rowArb = fc.tuple(
  fc.constantFrom('a', 'b', 'c', 'd'),
  fc.option(fc.integer({ min: -20, max: 120 }), { nil: null, freq: 20 }),
  fc.option(fc.integer({ min: -50, max: 50 }), { nil: null, freq: 5 }),
) as fc.Arbitrary<Row>;

describe('HOP', () => {
  const hop: WindowSpec = { kind: 'hop', slide: 5, size: 10, offset: 0 };

  it('hand-computed: a row partly late reaches only its open windows; a row wholly late counts once', () => {
    const rows: Row[] = [
      ['a', 1, 1], // [-5,5) [0,10)
      ['a', 14, 2], // W -> 9: [-5,5) and [0,10) complete
      ['a', 6, 4], // [0,10) complete, [5,15) open: reaches [5,15) only (its slice [5,10) is shared)
      ['a', 3, 8], // [-5,5) [0,10) both complete: late
      ['b', 12, 1],
    ];
    const expected: Row[] = [
      ['a', -5, 5, 1, 1, 1],
      ['a', 0, 10, 1, 1, 1],
      ['a', 5, 15, 2, 6, 4],
      ['b', 5, 15, 1, 1, 1],
      ['a', 10, 20, 1, 2, 2],
      ['b', 10, 20, 1, 1, 1],
    ];
    for (const size of [1, 2, 5]) {
      const { op, sink } = makeOp(hop);
      feed(op, rows, size, 5);
      expect(sink.rows).toEqual(expected);
      expect(op.lateRows).toBe(1);
    }
  });

  it('fires each window exactly when W >= end - 1, and frees slices no open window needs', () => {
    const { op, sink, backend } = makeOp(hop);
    op.processBatch(rowBatch([['a', 0, 1], ['a', 7, 2]], new Float64Array([-Infinity, -Infinity])), 0);
    expect(backend.size()).toBe(2);
    op.onWatermark(3.5);
    expect(sink.rows).toEqual([]);
    op.onWatermark(4);
    expect(sink.rows).toEqual([['a', -5, 5, 1, 1, 1]]);
    expect(backend.size()).toBe(2); // slice [0,5) is still needed by [0,10)
    op.onWatermark(9);
    expect(sink.rows.slice(1)).toEqual([['a', 0, 10, 2, 3, 2]]);
    expect(backend.size()).toBe(1);
    op.onEnd();
    expect(sink.rows.slice(2)).toEqual([['a', 5, 15, 1, 2, 2]]);
    expect(backend.size()).toBe(0);
  });
});

describe('CUMULATE', () => {
  it('a fired window folds its slices into one, which later windows of the period merge with their new slices', () => {
    const { op, sink, backend } = makeOp({ kind: 'cumulate', step: 3, size: 12, offset: 0 });
    op.processBatch(rowBatch([['a', 0, 1], ['b', 4, 2], ['a', 5, 4], ['a', 7, 8]], null), 0);
    expect(backend.size()).toBe(4); // slices [0,3) a; [3,6) b, a; [6,9) a
    op.onWatermark(5); // windows [0,3) and [0,6) fire; [0,6) folds slices 3 and 6
    expect(sink.rows).toEqual([
      ['a', 0, 3, 1, 1, 1],
      ['a', 0, 6, 2, 5, 4],
      ['b', 0, 6, 1, 2, 2],
    ]);
    expect(backend.size()).toBe(3); // prefix [0,6): a, b; slice [6,9): a
    // Late for [0,3) and [0,6), on time for [0,9) and [0,12): goes into the prefix.
    op.processBatch(rowBatch([['c', 1, 16]], new Float64Array([5])), 0);
    expect(op.lateRows).toBe(0);
    op.onEnd();
    expect(sink.rows.slice(3)).toEqual([
      ['a', 0, 9, 3, 13, 8],
      ['b', 0, 9, 1, 2, 2],
      ['c', 0, 9, 1, 16, 16],
      ['a', 0, 12, 3, 13, 8],
      ['b', 0, 12, 1, 2, 2],
      ['c', 0, 12, 1, 16, 16],
    ]);
    expect(backend.size()).toBe(0);
  });

  it('hand-computed: each cumulative window as it completes', () => {
    const rows: Row[] = [
      ['a', 0, 1],
      ['b', 4, 2],
      ['a', 5, 3],
      ['a', 13, 4],
    ];
    const { op, sink } = makeOp({ kind: 'cumulate', step: 3, size: 9, offset: 0 });
    feed(op, rows, 1, 0);
    expect(sink.rows).toEqual([
      ['a', 0, 3, 1, 1, 1],
      ['a', 0, 6, 2, 4, 3],
      ['b', 0, 6, 1, 2, 2],
      ['a', 0, 9, 2, 4, 3],
      ['b', 0, 9, 1, 2, 2],
      ['a', 9, 15, 1, 4, 4],
      ['a', 9, 18, 1, 4, 4],
    ]);
  });
});

describe.each(SPECS)('$kind slide/step=$slide$step size=$size offset=$offset', (w) => {
  it('equals the per-window reference, late rows included, in window-end order', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 60 }), fc.constantFrom(0, 3, 8, 20), fc.constantFrom(1, 4, 1000), (rows, delay, size) => {
        const got = runOnce(w, rows, size, delay);
        const want = reference(w, rows, delay);
        expect(multiset(got.rows)).toEqual(multiset(want.rows));
        expect(got.late).toBe(want.late);
        for (let i = 1; i < got.rows.length; i++) expect(got.rows[i]![2]).toBeGreaterThanOrEqual(got.rows[i - 1]![2] as number);
      }),
      { numRuns: 150 },
    );
  });

  it('output (order included) is independent of the batch size', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 60 }), fc.constantFrom(0, 5, 12), (rows, delay) => {
        const one = runOnce(w, rows, 1, delay);
        expect(runOnce(w, rows, 7, delay)).toEqual(one);
        expect(runOnce(w, rows, Math.max(1, rows.length), delay)).toEqual(one);
      }),
      { numRuns: 100 },
    );
  });

  it('snapshot mid-run + restore into a fresh operator == uninterrupted run', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 9 }), fc.nat(), fc.constantFrom(0, 5, 12), (rows, size, cut, delay) => {
        expect(runWithRestore(w, rows, size, delay, cut)).toEqual(runOnce(w, rows, size, delay));
      }),
      { numRuns: 100 },
    );
  });
});
