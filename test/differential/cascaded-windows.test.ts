/**
 * Windows over windowed results vs SQLite: (1) a GROUP BY window_start, window_end over a windowed
 * aggregate (Nexmark q5's MaxBids) or over a window TVF's rows, which Flink and Eddy run as an
 * append-only window aggregate whose rows carry their window; (2) a TUMBLE over the window_time of
 * an inner window aggregate (Flink's cascading window aggregation). No row is late (disorder below
 * the watermark delay), so each must equal SQLite's nested GROUP BY exactly, with no changelog.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arbEvents, BASE, Differential, type Event } from './harness.js';

type Inner = { readonly kind: 'tumble'; readonly size: number } | { readonly kind: 'hop'; readonly slide: number; readonly size: number };
interface Spec {
  readonly inner: Inner;
  readonly shape: 'attached' | 'assigned' | 'cascaded';
  readonly keyed: boolean;
  readonly batchSize: number;
}

const arbSpec: fc.Arbitrary<Spec> = fc.record({
  inner: fc.constantFrom<Inner>({ kind: 'tumble', size: 1000 }, { kind: 'hop', slide: 500, size: 1500 }, { kind: 'hop', slide: 1000, size: 3000 }),
  shape: fc.constantFrom('attached', 'assigned', 'cascaded'),
  keyed: fc.boolean(),
  batchSize: fc.constantFrom(1, 5, 1000),
});

const DELAY = 2000;
const diff = new Differential();
beforeAll(() => diff.open());
afterAll(() => diff.close());

function tvf(inner: Inner): string {
  return inner.kind === 'tumble'
    ? `TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '${inner.size}' MILLISECOND))`
    : `TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '${inner.slide}' MILLISECOND, INTERVAL '${inner.size}' MILLISECOND))`;
}

function eddySql(q: Spec): string {
  const outerKey = q.keyed ? 'v, ' : '';
  switch (q.shape) {
    case 'attached':
      return `SELECT ${outerKey}starttime AS ws, endtime AS we, MAX(n) AS top, SUM(s) AS total, COUNT(*) AS groups
        FROM (SELECT k, v, window_start AS starttime, window_end AS endtime, COUNT(*) AS n, SUM(price) AS s FROM ${tvf(q.inner)} GROUP BY k, v, window_start, window_end) AS w
        GROUP BY ${outerKey}starttime, endtime`;
    case 'assigned':
      return `SELECT ${outerKey}ws, we, COUNT(*) AS top, SUM(price) AS total, COUNT(DISTINCT k) AS groups
        FROM (SELECT k, v, price, window_start AS ws, window_end AS we FROM ${tvf(q.inner)}) AS w
        GROUP BY ${outerKey}ws, we`;
    case 'cascaded':
      return `SELECT ${outerKey}window_start AS ws, window_end AS we, MAX(n) AS top, SUM(s) AS total, COUNT(*) AS groups
        FROM TABLE(TUMBLE(TABLE inner_windows, DESCRIPTOR(wt), INTERVAL '6' SECOND))
        GROUP BY ${outerKey}window_start, window_end`;
  }
}

/** The view the cascaded shape windows over. */
const prelude = (q: Spec): string[] =>
  q.shape === 'cascaded' ? [`CREATE VIEW inner_windows AS SELECT k, v, window_time AS wt, COUNT(*) AS n, SUM(price) AS s FROM ${tvf(q.inner)} GROUP BY k, v, window_start, window_end, window_time`] : [];

/** The inner windows in SQLite: each event with the start of every window containing it. */
function sqliteWindows(inner: Inner): string {
  const slide = inner.kind === 'tumble' ? inner.size : inner.slide;
  const n = Math.ceil(inner.size / slide);
  return `WITH RECURSIVE o(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM o WHERE i + 1 < ${n}),
    w AS (SELECT * FROM (SELECT events.*, (ts / ${slide}) * ${slide} - i * ${slide} AS ws FROM events, o) WHERE ts < ws + ${inner.size})`;
}

function sqliteSql(q: Spec): string {
  const outerKey = q.keyed ? 'v, ' : '';
  const size = q.inner.size;
  switch (q.shape) {
    case 'attached':
      return `${sqliteWindows(q.inner)}, a AS (SELECT k, v, ws, COUNT(*) AS n, SUM(price) AS s FROM w GROUP BY k, v, ws)
        SELECT ${outerKey}ws, ws + ${size} AS we, MAX(n) AS top, SUM(s) AS total, COUNT(*) AS groups FROM a GROUP BY ${outerKey}ws`;
    case 'assigned':
      return `${sqliteWindows(q.inner)} SELECT ${outerKey}ws, ws + ${size} AS we, COUNT(*) AS top, SUM(price) AS total, COUNT(DISTINCT k) AS groups FROM w GROUP BY ${outerKey}ws`;
    case 'cascaded':
      // window_time = window_end - 1 ms; the outer 6 s tumble holds it.
      return `${sqliteWindows(q.inner)}, a AS (SELECT k, v, ws + ${size} - 1 AS wt, COUNT(*) AS n, SUM(price) AS s FROM w GROUP BY k, v, ws)
        SELECT ${outerKey}(wt / 6000) * 6000 AS ws, (wt / 6000) * 6000 + 6000 AS we, MAX(n) AS top, SUM(s) AS total, COUNT(*) AS groups FROM a GROUP BY ${outerKey}(wt / 6000)`;
  }
}

const COLUMNS = (q: Spec): string[] => [...(q.keyed ? ['v'] : []), 'ws', 'we', 'top', 'total', 'groups'];

function canonical(rows: readonly Record<string, unknown>[], q: Spec): string[] {
  return rows.map((r) => JSON.stringify(COLUMNS(q).map((c) => (r[c] instanceof Date ? (r[c] as Date).getTime() : r[c])))).sort();
}

describe('windows over windowed results vs SQLite', () => {
  it('the plan is an append-only window aggregate, and a hand-checked HOP case', async () => {
    const events: Event[] = [
      { k: 'a', v: 1, price: 1, ts: BASE + 100 },
      { k: 'a', v: 1, price: 2, ts: BASE + 600 },
      { k: 'b', v: 1, price: 4, ts: BASE + 700 },
    ];
    const q: Spec = { inner: { kind: 'hop', slide: 500, size: 1000 } as never, shape: 'attached', keyed: false, batchSize: 1 };
    const rows = await diff.eddy(events, eddySql(q), DELAY, 1);
    expect(rows.every((r) => !('op' in r))).toBe(true);
    // Windows [-500, 500): a×1; [0, 1000): a×2, b×1; [500, 1500): a×1, b×1.
    expect(canonical(rows, q)).toEqual(
      [
        [BASE - 500, BASE + 500, 1, 1, 1],
        [BASE, BASE + 1000, 2, 7, 2],
        [BASE + 500, BASE + 1500, 1, 6, 2],
      ]
        .map((r) => JSON.stringify(r))
        .sort(),
    );
    expect(canonical(rows, q)).toEqual(canonical(await diff.sqlite(events, sqliteSql(q)), q));
  });

  it('matches SQLite for random rows, inner windows, shapes, keys and batch sizes', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(arbEvents(DELAY - 1, 1), arbSpec, async (events, q) => {
        const rows = await diff.eddy(events, eddySql(q), DELAY, q.batchSize, prelude(q));
        expect(rows.every((r) => !('op' in r))).toBe(true);
        const want = canonical(await diff.sqlite(events, sqliteSql(q)), q);
        expect(canonical(rows, q)).toEqual(want);
        compared += want.length;
      }),
      { seed: 20261202, numRuns: 45, endOnFailure: true },
    );
    expect(compared).toBeGreaterThan(200);
  });
});
