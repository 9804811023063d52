/**
 * Differential tests of tumbling windows: random event files run through Eddy (both window
 * syntaxes, WHERE filters with NULLs, all six aggregates, random batch sizes) must give the same
 * multiset of rows as the real SQLite computing the equivalent GROUP BY in batch.
 * Prices are multiples of 0.25, so every float sum is exact and AVG = SUM / COUNT exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AGGS, arbEvents, BASE, canonical as canonicalRows, Differential, FILTERS, KEY_SETS, keyList, type Event } from './harness.js';

const SEED = 20240501;
const RUNS = 25;

interface QuerySpec {
  readonly sizeSec: number;
  readonly filter: string;
  readonly keys: readonly string[];
  readonly tvf: boolean;
  readonly batchSize: number;
}

const arbQuery: fc.Arbitrary<QuerySpec> = fc.record({
  sizeSec: fc.constantFrom(1, 2, 5, 10),
  filter: fc.constantFrom(...FILTERS),
  keys: fc.constantFrom(...KEY_SETS),
  tvf: fc.boolean(),
  batchSize: fc.constantFrom(1, 3, 7, 1000),
});

const diff = new Differential();
beforeAll(() => diff.open());
afterAll(() => diff.close());

function eddySql(q: QuerySpec): string {
  const interval = `INTERVAL '${q.sizeSec}' SECOND`;
  const keys = keyList(q.keys);
  if (q.tvf) {
    return `SELECT window_start AS ws, ${keys}${AGGS} FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), ${interval})) ${q.filter} GROUP BY ${keys}window_start, window_end`;
  }
  return `SELECT TUMBLE_START(ts, ${interval}) AS ws, ${keys}${AGGS} FROM events ${q.filter} GROUP BY ${keys}TUMBLE(ts, ${interval})`;
}

function sqliteSql(q: QuerySpec): string {
  const size = q.sizeSec * 1000;
  const keys = keyList(q.keys);
  return `SELECT (ts / ${size}) * ${size} AS ws, ${keys}${AGGS} FROM events ${q.filter} GROUP BY ${keys}ws`;
}

/** Rows as sorted JSON strings of [ws, ...keys, ...aggregates]. */
const canonical = (rows: readonly Record<string, unknown>[], q: QuerySpec): string[] => canonicalRows(rows, q.keys, ['ws']);

const eddyRows = (events: readonly Event[], q: QuerySpec, delayMs: number) => diff.eddy(events, eddySql(q), delayMs, q.batchSize);

/** SQLite's batch GROUP BY over exactly `events`. */
const sqliteRows = (events: readonly Event[], q: QuerySpec) => diff.sqlite(events, sqliteSql(q));

/**
 * DESIGN.md §3 replayed by hand: W starts at -infinity; a row is late when W >= its window's
 * end - 1 at arrival (before the row updates W); then W = max(W, ts - delay).
 */
function onTimeRows(events: readonly Event[], sizeMs: number, delayMs: number): Event[] {
  let w = -Infinity;
  const kept: Event[] = [];
  for (const e of events) {
    const end = Math.floor(e.ts / sizeMs) * sizeMs + sizeMs;
    if (!(w >= end - 1)) kept.push(e);
    w = Math.max(w, e.ts - delayMs);
  }
  return kept;
}

describe('tumbling windows vs SQLite', () => {
  it('sanity: the comparison sees a difference when there is one', async () => {
    const events: Event[] = [
      { k: 'a', v: 1, price: 1.5, ts: BASE + 100 },
      { k: 'a', v: null, price: null, ts: BASE + 1200 },
    ];
    const q: QuerySpec = { sizeSec: 1, filter: '', keys: ['k'], tvf: false, batchSize: 1 };
    const got = canonical(await eddyRows(events, q, 2000), q);
    expect(got).toEqual(canonical(await sqliteRows(events, q), q));
    expect(got).toEqual([
      JSON.stringify([BASE, 'a', 1, 1, 1.5, 1.5, 1.5, 1.5, 1, 'a']),
      JSON.stringify([BASE + 1000, 'a', 1, 0, null, null, null, null, null, 'a']),
    ]);
    expect(canonical(await sqliteRows(events.slice(1), q), q)).not.toEqual(got);
  });

  it('matches SQLite when no row is late (disorder < watermark delay)', async () => {
    const delayMs = 2000;
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(arbEvents(delayMs, 5), arbQuery, async (events, q) => {
        const got = canonical(await eddyRows(events, q, delayMs), q);
        const want = canonical(await sqliteRows(events, q), q);
        expect(got).toEqual(want);
        compared += want.length;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(compared).toBeGreaterThan(200);
  });

  it('drops exactly the late rows when disorder exceeds the delay', async () => {
    const delayMs = 1000;
    let someLate = 0;
    await fc.assert(
      fc.asyncProperty(arbEvents(6000, 10), arbQuery, async (events, q) => {
        const kept = onTimeRows(events, q.sizeSec * 1000, delayMs);
        someLate += events.length - kept.length;
        const got = canonical(await eddyRows(events, q, delayMs), q);
        const want = canonical(await sqliteRows(kept, q), q);
        expect(got).toEqual(want);
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
    // The property must actually exercise late rows, or it proves nothing about them.
    expect(someLate).toBeGreaterThan(50);
  });
});
