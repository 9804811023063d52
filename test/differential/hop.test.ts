/** HOP windows vs SQLite: each event joined with the window offsets 0..ceil(size/slide)-1 (a recursive CTE), grouped per window start. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AGGS, arbEvents, BASE, baseQuery, canonical, Differential, keyList, type BaseQuery, type Event } from './harness.js';

interface HopQuery extends BaseQuery {
  readonly slideMs: number;
  readonly sizeMs: number;
}

const arbQuery: fc.Arbitrary<HopQuery> = fc
  .tuple(baseQuery, fc.constantFrom([500, 1000], [1000, 3000], [1000, 2500], [2000, 5000], [3000, 2000], [250, 2000]))
  .map(([b, [slideMs, sizeMs]]) => ({ ...b, slideMs: slideMs!, sizeMs: sizeMs! }));

const diff = new Differential();
beforeAll(() => diff.open());
afterAll(() => diff.close());

function eddySql(q: HopQuery): string {
  const args = `INTERVAL '${q.slideMs}' MILLISECOND, INTERVAL '${q.sizeMs}' MILLISECOND`;
  const keys = keyList(q.keys);
  if (q.tvf) {
    return `SELECT window_start AS ws, window_end AS we, ${keys}${AGGS} FROM TABLE(HOP(TABLE events, DESCRIPTOR(ts), ${args})) ${q.filter} GROUP BY ${keys}window_start, window_end`;
  }
  return `SELECT HOP_START(ts, ${args}) AS ws, HOP_END(ts, ${args}) AS we, ${keys}${AGGS} FROM events ${q.filter} GROUP BY ${keys}HOP(ts, ${args})`;
}

function sqliteSql(q: HopQuery): string {
  const n = Math.ceil(q.sizeMs / q.slideMs);
  const keys = keyList(q.keys);
  return `WITH RECURSIVE o(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM o WHERE i + 1 < ${n}),
    w AS (SELECT events.*, (ts / ${q.slideMs}) * ${q.slideMs} - i * ${q.slideMs} AS ws FROM events, o)
    SELECT ws, ws + ${q.sizeMs} AS we, ${keys}${AGGS} FROM w WHERE ts < ws + ${q.sizeMs} ${q.filter.replace('WHERE', 'AND (')}${q.filter ? ')' : ''}
    GROUP BY ${keys}ws`;
}

describe('HOP windows vs SQLite', () => {
  it('sanity: a hand-checked case, and the comparison sees a difference when there is one', async () => {
    const events: Event[] = [
      { k: 'a', v: 1, price: 1.5, ts: BASE + 100 },
      { k: 'a', v: null, price: null, ts: BASE + 1200 },
    ];
    const q: HopQuery = { slideMs: 1000, sizeMs: 2000, filter: '', keys: ['k'], tvf: false, batchSize: 1 };
    const got = canonical(await diff.eddy(events, eddySql(q), 2000, 1), q.keys);
    expect(got).toEqual(canonical(await diff.sqlite(events, sqliteSql(q)), q.keys));
    expect(got).toEqual(
      [
        [BASE - 1000, BASE + 1000, 'a', 1, 1, 1.5, 1.5, 1.5, 1.5, 1, 'a'],
        [BASE, BASE + 2000, 'a', 2, 1, 1.5, 1.5, 1.5, 1.5, 1, 'a'],
        [BASE + 1000, BASE + 3000, 'a', 1, 0, null, null, null, null, null, 'a'],
      ]
        .map((r) => JSON.stringify(r))
        .sort(),
    );
    expect(canonical(await diff.sqlite(events.slice(1), sqliteSql(q)), q.keys)).not.toEqual(got);
  });

  it('matches SQLite when no row is late (disorder < watermark delay)', async () => {
    const delayMs = 2000;
    const compared = await diff.matchesWithoutLateRows(arbEvents(delayMs, 5), arbQuery, { eddy: eddySql, sqlite: sqliteSql }, delayMs, { seed: 20240502, numRuns: 30 });
    expect(compared).toBeGreaterThan(300);
  });
});
