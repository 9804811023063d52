/** CUMULATE windows vs SQLite: each event joined with the step numbers 1..size/step (a recursive CTE), kept where its period's window end is past it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AGGS, arbEvents, BASE, baseQuery, canonical, Differential, keyList, type BaseQuery, type Event } from './harness.js';

interface CumulateQuery extends BaseQuery {
  readonly stepMs: number;
  readonly sizeMs: number;
}

const arbQuery: fc.Arbitrary<CumulateQuery> = fc
  .tuple(baseQuery.map((b) => ({ ...b, tvf: true })), fc.constantFrom([500, 2000], [1000, 3000], [1000, 1000], [750, 4500]))
  .map(([b, [stepMs, sizeMs]]) => ({ ...b, stepMs: stepMs!, sizeMs: sizeMs! }));

const diff = new Differential();
beforeAll(() => diff.open());
afterAll(() => diff.close());

/** CUMULATE exists only as a windowing table function in Flink. */
function eddySql(q: CumulateQuery): string {
  const keys = keyList(q.keys);
  return `SELECT window_start AS ws, window_end AS we, ${keys}${AGGS}
    FROM TABLE(CUMULATE(TABLE events, DESCRIPTOR(ts), INTERVAL '${q.stepMs}' MILLISECOND, INTERVAL '${q.sizeMs}' MILLISECOND)) ${q.filter}
    GROUP BY ${keys}window_start, window_end`;
}

function sqliteSql(q: CumulateQuery): string {
  const keys = keyList(q.keys);
  return `WITH RECURSIVE j(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM j WHERE i + 1 <= ${q.sizeMs / q.stepMs}),
    w AS (SELECT events.*, (ts / ${q.sizeMs}) * ${q.sizeMs} AS ws, (ts / ${q.sizeMs}) * ${q.sizeMs} + i * ${q.stepMs} AS we FROM events, j)
    SELECT ws, we, ${keys}${AGGS} FROM w WHERE ts < we ${q.filter.replace('WHERE', 'AND (')}${q.filter ? ')' : ''}
    GROUP BY ${keys}ws, we`;
}

describe('CUMULATE windows vs SQLite', () => {
  it('sanity: a hand-checked case, and the comparison sees a difference when there is one', async () => {
    const events: Event[] = [
      { k: 'a', v: 1, price: 1.5, ts: BASE + 100 },
      { k: 'a', v: null, price: null, ts: BASE + 1200 },
    ];
    const q: CumulateQuery = { stepMs: 1000, sizeMs: 2000, filter: '', keys: ['k'], tvf: true, batchSize: 1 };
    const got = canonical(await diff.eddy(events, eddySql(q), 2000, 1), q.keys);
    expect(got).toEqual(canonical(await diff.sqlite(events, sqliteSql(q)), q.keys));
    expect(got).toEqual(
      [
        [BASE, BASE + 1000, 'a', 1, 1, 1.5, 1.5, 1.5, 1.5, 1, 'a'],
        [BASE, BASE + 2000, 'a', 2, 1, 1.5, 1.5, 1.5, 1.5, 1, 'a'],
      ]
        .map((r) => JSON.stringify(r))
        .sort(),
    );
    expect(canonical(await diff.sqlite(events.slice(1), sqliteSql(q)), q.keys)).not.toEqual(got);
  });

  it('matches SQLite when no row is late (disorder < watermark delay)', async () => {
    const delayMs = 2000;
    const compared = await diff.matchesWithoutLateRows(arbEvents(delayMs, 5), arbQuery, { eddy: eddySql, sqlite: sqliteSql }, delayMs, { seed: 20240503, numRuns: 30 });
    expect(compared).toBeGreaterThan(300);
  });
});
