/**
 * Window Top-N (Flink's WindowRank) against SQLite's ROW_NUMBER(), RANK() and DENSE_RANK() OVER:
 * a ranking partitioned by window_start, window_end (and maybe a key), directly over a TUMBLE
 * windowing TVF or over a window aggregate's result, bounded by its rank. Its result is
 * append-only (no op column: each window ranked once, when it completes) and must equal SQLite's
 * ranking per 10-second bucket over the same rows, for random rows (disorder below the watermark
 * delay, so none is late), orders, bounds, with and without the rank column, and batch sizes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arbEvents, Differential, type Event } from './harness.js';

const SEED = 20261214;
const RUNS = 60;
const DELAY = 2000;
const SIZE = 10_000;

const ORDERS = ['price DESC, ts', 'price, ts DESC', 'v DESC, price, ts', 'ts DESC'] as const;
const PEER_ORDERS = ['price DESC', 'v, price DESC', 'price'] as const;
const BOUNDS = ['rn <= 1', 'rn <= 3', 'rn BETWEEN 2 AND 3', 'rn = 2'] as const;

interface Spec {
  readonly fn: 'ROW_NUMBER' | 'RANK' | 'DENSE_RANK';
  readonly order: string;
  readonly byKey: boolean;
  readonly bound: (typeof BOUNDS)[number];
  readonly withRn: boolean;
  readonly batchSize: number;
}

const arbSpec: fc.Arbitrary<Spec> = fc
  .record({
    fn: fc.constantFrom('ROW_NUMBER' as const, 'RANK' as const, 'DENSE_RANK' as const),
    order: fc.constantFrom(...ORDERS),
    peerOrder: fc.constantFrom(...PEER_ORDERS),
    byKey: fc.boolean(),
    bound: fc.constantFrom(...BOUNDS),
    withRn: fc.boolean(),
    batchSize: fc.constantFrom(1, 3, 1000),
  })
  .map((r) => ({ fn: r.fn, order: r.fn === 'ROW_NUMBER' ? r.order : r.peerOrder, byKey: r.byKey, bound: r.bound, withRn: r.withRn, batchSize: r.batchSize }));

/** Unique times, so ROW_NUMBER's orders (which end with ts) are deterministic in both engines. */
const uniqueTimes = (evs: Event[]): Event[] => {
  const seen = new Set<number>();
  return evs.filter((e) => !seen.has(e.ts) && seen.add(e.ts));
};

function eddySql(q: Spec): string {
  const inner = `SELECT window_start AS ws, k, v, price, ${q.fn}() OVER (PARTITION BY window_start, window_end${q.byKey ? ', k' : ''} ORDER BY ${q.order}) AS rn
    FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))`;
  return `SELECT ws, k, v, price${q.withRn ? ', rn' : ''} FROM (${inner}) WHERE ${q.bound}`;
}

function sqliteSql(q: Spec): string {
  const inner = `SELECT (ts / ${SIZE}) * ${SIZE} AS ws, k, v, price, ${q.fn}() OVER (PARTITION BY ts / ${SIZE}${q.byKey ? ', k' : ''} ORDER BY ${q.order}) AS rn FROM events`;
  return `SELECT ws, k, v, price${q.withRn ? ', rn' : ''} FROM (${inner}) WHERE ${q.bound}`;
}

const canon = (rows: readonly Record<string, unknown>[], cols: readonly string[]): string[] =>
  rows.map((r) => JSON.stringify(cols.map((c) => (r[c] instanceof Date ? (r[c] as Date).getTime() : (r[c] ?? null))))).sort();

const diff = new Differential();
beforeAll(() => diff.open());
afterAll(() => diff.close());

describe('window Top-N vs SQLite ranking per window', () => {
  it('over a TUMBLE TVF: random rows, functions, orders, bounds and batch sizes', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(arbEvents(DELAY).map(uniqueTimes), arbSpec, async (events, q) => {
        const rows = await diff.eddy(events, eddySql(q), DELAY, q.batchSize);
        expect(rows.every((r) => !('op' in r))).toBe(true);
        const cols = ['ws', 'k', 'v', 'price', ...(q.withRn ? ['rn'] : [])];
        const want = canon(await diff.sqlite(events, sqliteSql(q)), cols);
        expect(canon(rows, cols)).toEqual(want);
        compared += want.length;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(compared).toBeGreaterThan(300);
  });

  it("over a window aggregate's result (the top 2 keys of each window by count), emitted in window order", async () => {
    const eddy = `SELECT ws, k, n, s, rn FROM (
        SELECT window_start AS ws, k, n, s, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY n DESC, k) AS rn FROM (
          SELECT window_start, window_end, k, COUNT(*) AS n, SUM(price) AS s FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '10' SECOND))
          GROUP BY window_start, window_end, k)
      ) WHERE rn <= 2`;
    const sqlite = `SELECT ws, k, n, s, rn FROM (
        SELECT ws, k, n, s, ROW_NUMBER() OVER (PARTITION BY ws ORDER BY n DESC, k) AS rn FROM (
          SELECT (ts / ${SIZE}) * ${SIZE} AS ws, k, COUNT(*) AS n, SUM(price) AS s FROM events GROUP BY 1, k)
      ) WHERE rn <= 2`;
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(arbEvents(DELAY, 1), fc.constantFrom(1, 5, 1000), async (events, batch) => {
        const rows = await diff.eddy(events, eddy, DELAY, batch);
        const times = rows.map((r) => (r['ws'] as Date).getTime());
        expect(times).toEqual([...times].sort((a, b) => a - b));
        const cols = ['ws', 'k', 'n', 's', 'rn'];
        const want = canon(await diff.sqlite(events, sqlite), cols);
        expect(canon(rows, cols)).toEqual(want);
        compared += want.length;
      }),
      { seed: SEED + 1, numRuns: 40, endOnFailure: true },
    );
    expect(compared).toBeGreaterThan(100);
  });
});
