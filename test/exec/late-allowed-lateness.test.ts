/**
 * Allowed lateness on TUMBLE, HOP and CUMULATE: the changelog materializes to a reference that
 * applies the rule row by row to every window containing the row (accepted while W < end - 1 +
 * allowed), the output is the same whatever the batch size and wherever a checkpoint is restored,
 * and the late rows (side output) are exactly those the reference drops.
 */
import fc from 'fast-check';
import { rowBatch } from '../../src/exec/batch.js';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/types.js';
import type { WindowSpec } from '../../src/planner/bound.js';
import { KeyedStateBackend } from '../../src/exec/state/index.js';
import { valuesCodec } from '../../src/exec/state/tagged-value.js';
import { EmittedResults } from '../../src/exec/windows/changelog.js';
import { feed } from './windows/harness.js';
import { makeChangelogOp, materialize, runChangelogWithRestore } from './late-changelog-harness.js';

const mod = (x: number, m: number): number => ((x % m) + m) % m;

function windowsOf(w: WindowSpec, ts: number): [number, number][] {
  const out: [number, number][] = [];
  switch (w.kind) {
    case 'tumble': {
      const s = ts - mod(ts - w.offset, w.size);
      return [[s, s + w.size]];
    }
    case 'hop':
      for (let s = ts - mod(ts - w.offset, w.slide); s + w.size > ts; s -= w.slide) out.push([s, s + w.size]);
      return out;
    case 'cumulate': {
      const base = ts - mod(ts - w.offset, w.size);
      for (let end = base + w.step; end <= base + w.size; end += w.step) if (end > ts) out.push([base, end]);
      return out;
    }
    default:
      throw new Error(`no reference for ${w.kind}`);
  }
}

/** Per (key, window) the aggregate of the rows each window accepted, and the rows no window accepted. */
function reference(w: WindowSpec, rows: readonly Row[], delay: number, allowed: number): { table: Map<string, Row>; late: Row[] } {
  let wm = -Infinity;
  const late: Row[] = [];
  const table = new Map<string, Row>();
  for (const row of rows) {
    const [k, ts, v] = row;
    if (ts === null) continue;
    const ws = windowsOf(w, ts as number);
    const open = ws.filter(([, end]) => !(end - 1 + allowed <= wm));
    if (ws.length > 0 && open.length === 0) late.push(row);
    for (const [s, e] of open) {
      const id = JSON.stringify([k, s, e]);
      const a = table.get(id) ?? [k!, s, e, 0, null, null];
      a[3] = (a[3] as number) + 1;
      if (v !== null) {
        a[4] = ((a[4] as number | null) ?? 0) + (v as number);
        a[5] = a[5] === null ? v! : Math.max(a[5] as number, v as number);
      }
      table.set(id, a);
    }
    wm = Math.max(wm, (ts as number) - delay);
  }
  return { table, late };
}

const sorted = (m: Map<string, Row>): [string, Row][] => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

const SPECS: WindowSpec[] = [
  { kind: 'tumble', size: 10, offset: 0 },
  { kind: 'tumble', size: 7, offset: 3 },
  { kind: 'hop', slide: 5, size: 10, offset: 0 },
  { kind: 'hop', slide: 4, size: 10, offset: 1 },
  { kind: 'hop', slide: 10, size: 4, offset: 0 },
  { kind: 'cumulate', step: 3, size: 12, offset: 0 },
];

const rowArb = fc.tuple(
  fc.constantFrom('a', 'b', 'c'),
  fc.option(fc.integer({ min: -20, max: 120 }), { nil: null, freq: 20 }),
  fc.option(fc.integer({ min: -50, max: 50 }), { nil: null, freq: 5 }),
) as fc.Arbitrary<Row>;

function run(w: WindowSpec, rows: readonly Row[], size: number, delay: number, allowed: number): { out: Row[]; late: Row[]; lateCount: number } {
  const late: Row[] = [];
  const { op, sink } = makeChangelogOp(w, { allowedLatenessMs: allowed, onLateRow: (r) => late.push(r) });
  feed(op, rows, size, delay);
  return { out: sink.rows, late, lateCount: op.lateRows };
}

describe('allowed lateness', () => {
  it('hand-computed TUMBLE: a row within the allowance re-emits -U/+U, one beyond it is late', () => {
    const w: WindowSpec = { kind: 'tumble', size: 10, offset: 0 };
    const rows: Row[] = [
      ['a', 1, 1],
      ['a', 12, 2], // W -> 10 (delay 2): [0,10) fires
      ['a', 5, 4], // W=10 < 9 + 5: updates [0,10)
      ['b', 8, 8], // a new key in the fired window: +I
      ['a', 16, 16], // W -> 14 >= 9 + 5: [0,10) is dropped
      ['a', 3, 32], // late
    ];
    for (const size of [1, 2, 4]) {
      const { out, late, lateCount } = run(w, rows, size, 2, 5);
      expect(out).toEqual([
        ['+I', 'a', 0, 10, 1, 1, 1],
        ['-U', 'a', 0, 10, 1, 1, 1],
        ['+U', 'a', 0, 10, 2, 5, 4],
        ['+I', 'b', 0, 10, 1, 8, 8],
        ['+I', 'a', 10, 20, 2, 18, 16],
      ]);
      expect(late).toEqual([['a', 3, 32]]);
      expect(lateCount).toBe(1);
    }
  });

  it('keeps state until W >= end - 1 + allowed, then frees it', () => {
    const { op, backend } = makeChangelogOp({ kind: 'tumble', size: 10, offset: 0 }, { allowedLatenessMs: 5 });
    op.processBatch(rowBatch([['a', 1, 1]], new Float64Array([-Infinity])), 0);
    op.onWatermark(9); // fires
    expect(backend.size()).toBe(2); // the slice and the emitted result
    op.onWatermark(13);
    expect(backend.size()).toBe(2);
    op.onWatermark(14); // 10 - 1 + 5
    expect(backend.size()).toBe(0);
  });

  it('EmittedResults: +I first, -U/+U on change, nothing when unchanged, kept in keyed state', () => {
    const backend = new KeyedStateBackend();
    const emitted = new EmittedResults(backend.table('u', 'emitted', valuesCodec()));
    const out: Row[] = [];
    emitted.update(10, 'k', ['k', 0, 10, 1], out);
    emitted.update(10, 'k', ['k', 0, 10, 1], out);
    emitted.update(10, 'k', ['k', 0, 10, 2], out);
    expect(out).toEqual([
      ['+I', 'k', 0, 10, 1],
      ['-U', 'k', 0, 10, 1],
      ['+U', 'k', 0, 10, 2],
    ]);
    const restored = new KeyedStateBackend();
    const again = new EmittedResults(restored.table('u', 'emitted', valuesCodec()));
    restored.restore(backend.snapshotChanged());
    const more: Row[] = [];
    again.update(10, 'k', ['k', 0, 10, 3], more);
    expect(more).toEqual([
      ['-U', 'k', 0, 10, 2],
      ['+U', 'k', 0, 10, 3],
    ]);
  });

  for (const w of SPECS) {
    it(`${w.kind} ${JSON.stringify(w)}: materializes to the reference, late rows are the reference's, any batch size`, () => {
      fc.assert(
        fc.property(fc.array(rowArb, { maxLength: 80 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 15 }), (rows, size, delay, allowed) => {
          const ref = reference(w, rows, delay, allowed);
          const one = run(w, rows, 1, delay, allowed);
          const some = run(w, rows, size, delay, allowed);
          expect(some.out).toEqual(one.out);
          expect(sorted(materialize(one.out))).toEqual(sorted(ref.table));
          expect(one.late).toEqual(ref.late);
          expect(some.late).toEqual(ref.late);
          expect(one.lateCount).toBe(ref.late.length);
        }),
        { numRuns: 150 },
      );
    });

    it(`${w.kind} ${JSON.stringify(w)}: a restore mid-run emits what an uninterrupted run emits`, () => {
      fc.assert(
        fc.property(fc.array(rowArb, { maxLength: 60 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 12 }), fc.nat(), (rows, size, delay, allowed, cut) => {
          const plain = run(w, rows, size, delay, allowed);
          const restored = runChangelogWithRestore(w, { allowedLatenessMs: allowed }, rows, size, delay, cut);
          expect(restored.rows).toEqual(plain.out);
          expect(restored.late).toBe(plain.lateCount);
        }),
        { numRuns: 100 },
      );
    });
  }
});
