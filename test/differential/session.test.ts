/**
 * SESSION windows vs SQLite: sessions numbered per key with window functions (a row starts a
 * session when LAG(ts) is NULL or more than gap before it (rows exactly gap apart are one session, as in Flink); a running SUM of those starts is the
 * session number), then grouped per (key, session): window [MIN(ts), MAX(ts) + gap).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AGGS, arbEvents, BASE, baseQuery, canonical, Differential, keyList, type BaseQuery, type Event } from './harness.js';

interface SessionQuery extends BaseQuery {
  readonly gapMs: number;
}

const arbQuery: fc.Arbitrary<SessionQuery> = fc.tuple(baseQuery, fc.constantFrom(500, 1000, 1750, 3000)).map(([b, gapMs]) => ({ ...b, gapMs }));

const diff = new Differential();
beforeAll(() => diff.open());
afterAll(() => diff.close());

/** TVF form: the keys are the PARTITION BY columns (sessions are per GROUP BY key in both forms). */
function eddySql(q: SessionQuery): string {
  const gap = `INTERVAL '${q.gapMs}' MILLISECOND`;
  const keys = keyList(q.keys);
  if (q.tvf) {
    const partition = q.keys.length > 0 ? ` PARTITION BY ${q.keys.join(', ')}` : '';
    return `SELECT window_start AS ws, window_end AS we, ${keys}${AGGS} FROM TABLE(SESSION(TABLE events${partition}, DESCRIPTOR(ts), ${gap})) ${q.filter} GROUP BY ${keys}window_start, window_end`;
  }
  return `SELECT SESSION_START(ts, ${gap}) AS ws, SESSION_END(ts, ${gap}) AS we, ${keys}${AGGS} FROM events ${q.filter} GROUP BY ${keys}SESSION(ts, ${gap})`;
}

function sqliteSql(q: SessionQuery): string {
  const keys = keyList(q.keys);
  const over = `OVER (${q.keys.length > 0 ? `PARTITION BY ${q.keys.join(', ')} ` : ''}ORDER BY ts`;
  return `WITH f AS (SELECT *, CASE WHEN LAG(ts) ${over}) IS NULL OR ts - LAG(ts) ${over}) > ${q.gapMs} THEN 1 ELSE 0 END AS brk FROM events ${q.filter}),
    g AS (SELECT *, SUM(brk) ${over} ROWS UNBOUNDED PRECEDING) AS sid FROM f)
    SELECT MIN(ts) AS ws, MAX(ts) + ${q.gapMs} AS we, ${keys}${AGGS} FROM g GROUP BY ${keys}sid`;
}

describe('SESSION windows vs SQLite', () => {
  it('sanity: a hand-checked case, and the comparison sees a difference when there is one', async () => {
    const events: Event[] = [
      { k: 'a', v: 1, price: 1.5, ts: BASE + 100 },
      { k: 'a', v: null, price: null, ts: BASE + 1000 },
      { k: 'a', v: 2, price: 2, ts: BASE + 3000 },
    ];
    const q: SessionQuery = { gapMs: 1000, filter: '', keys: ['k'], tvf: false, batchSize: 1 };
    const got = canonical(await diff.eddy(events, eddySql(q), 2000, 1), q.keys);
    expect(got).toEqual(canonical(await diff.sqlite(events, sqliteSql(q)), q.keys));
    expect(got).toEqual(
      [
        [BASE + 100, BASE + 2000, 'a', 2, 1, 1.5, 1.5, 1.5, 1.5, 1, 'a'],
        [BASE + 3000, BASE + 4000, 'a', 1, 1, 2, 2, 2, 2, 2, 'a'],
      ]
        .map((r) => JSON.stringify(r))
        .sort(),
    );
    expect(canonical(await diff.sqlite(events.slice(1), sqliteSql(q)), q.keys)).not.toEqual(got);
  });

  it('matches SQLite when no row is late (disorder < watermark delay)', async () => {
    const delayMs = 2000;
    const compared = await diff.matchesWithoutLateRows(arbEvents(delayMs, 5, 10), arbQuery, { eddy: eddySql, sqlite: sqliteSql }, delayMs, { seed: 20240504, numRuns: 40 });
    expect(compared).toBeGreaterThan(200);
  });
});
