/**
 * Windows over SESSION window results vs SQLite: (1) a GROUP BY window_start, window_end over a
 * session aggregate (per key) aggregates per session window [start, end) across keys, which Flink
 * and Eddy run as an append-only window aggregate whose rows carry their window (Flink's
 * UnsliceAssigners.windowed); (2) a TUMBLE over the window_time of a session aggregate (Flink's
 * cascading window aggregation). Sessions are numbered in SQLite with window functions, as in
 * session.test.ts. No row is late (disorder below the watermark delay), so each result must equal
 * SQLite's nested GROUP BY exactly, with no changelog.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arbEvents, BASE, Differential, FILTERS, type Event } from './harness.js';

interface Spec {
  readonly gapMs: number;
  readonly shape: 'attached' | 'cascaded';
  /** The inner session aggregate's keys; the outer one groups by v too when it is one of them. */
  readonly innerKeys: readonly string[];
  readonly outerByV: boolean;
  readonly tvf: boolean;
  readonly filter: string;
  readonly batchSize: number;
}

const arbSpec: fc.Arbitrary<Spec> = fc
  .record({
    gapMs: fc.constantFrom(500, 1000, 1750),
    shape: fc.constantFrom<Spec['shape']>('attached', 'attached', 'cascaded'),
    innerKeys: fc.constantFrom<readonly string[]>(['k'], ['k', 'v'], ['v']),
    outerByV: fc.boolean(),
    tvf: fc.boolean(),
    filter: fc.constantFrom(...FILTERS),
    batchSize: fc.constantFrom(1, 3, 1000),
  })
  .map((s) => ({ ...s, outerByV: s.outerByV && s.innerKeys.includes('v') }));

const DELAY = 2000;
const diff = new Differential();
beforeAll(() => diff.open());
afterAll(() => diff.close());

/** The inner session aggregate, with its window as ws, we (and wt = window_time for the cascaded shape). */
function inner(q: Spec): string {
  const gap = `INTERVAL '${q.gapMs}' MILLISECOND`;
  const keys = q.innerKeys.join(', ');
  const wt = q.shape === 'cascaded' ? (q.tvf ? ', window_time AS wt' : `, SESSION_ROWTIME(ts, ${gap}) AS wt`) : '';
  if (q.tvf) {
    return `SELECT ${keys}, window_start AS ws, window_end AS we${wt}, COUNT(*) AS n, SUM(price) AS s, MIN(k) AS mk
      FROM TABLE(SESSION(TABLE events PARTITION BY ${keys}, DESCRIPTOR(ts), ${gap})) ${q.filter}
      GROUP BY ${keys}, window_start, window_end${q.shape === 'cascaded' ? ', window_time' : ''}`;
  }
  return `SELECT ${keys}, SESSION_START(ts, ${gap}) AS ws, SESSION_END(ts, ${gap}) AS we${wt}, COUNT(*) AS n, SUM(price) AS s, MIN(k) AS mk
    FROM events ${q.filter} GROUP BY ${keys}, SESSION(ts, ${gap})`;
}

const OUTER_AGGS = 'MAX(n) AS top, SUM(s) AS total, COUNT(*) AS groups, MIN(mk) AS mk';

function eddySql(q: Spec): string {
  const v = q.outerByV ? 'v, ' : '';
  if (q.shape === 'attached') return `SELECT ${v}ws, we, ${OUTER_AGGS} FROM (${inner(q)}) AS sessions GROUP BY ${v}ws, we`;
  return `SELECT ${v}window_start AS ws, window_end AS we, ${OUTER_AGGS}
    FROM TABLE(TUMBLE(TABLE sessions, DESCRIPTOR(wt), INTERVAL '3' SECOND)) GROUP BY ${v}window_start, window_end`;
}

const prelude = (q: Spec): string[] => (q.shape === 'cascaded' ? [`CREATE VIEW sessions AS ${inner(q)}`] : []);

/** The sessions in SQLite: per inner key, a row more than gap after the previous one starts a session. */
function sqliteSessions(q: Spec): string {
  const keys = q.innerKeys.join(', ');
  const over = `OVER (PARTITION BY ${keys} ORDER BY ts`;
  return `WITH f AS (SELECT *, CASE WHEN LAG(ts) ${over}) IS NULL OR ts - LAG(ts) ${over}) > ${q.gapMs} THEN 1 ELSE 0 END AS brk FROM events ${q.filter}),
    g AS (SELECT *, SUM(brk) ${over} ROWS UNBOUNDED PRECEDING) AS sid FROM f),
    a AS (SELECT ${keys}, MIN(ts) AS ws, MAX(ts) + ${q.gapMs} AS we, COUNT(*) AS n, SUM(price) AS s, MIN(k) AS mk FROM g GROUP BY ${keys}, sid)`;
}

function sqliteSql(q: Spec): string {
  const v = q.outerByV ? 'v, ' : '';
  if (q.shape === 'attached') return `${sqliteSessions(q)} SELECT ${v}ws, we, ${OUTER_AGGS} FROM a GROUP BY ${v}ws, we`;
  // window_time = window_end - 1 ms, in the 3 s tumble starting at a multiple of 3 s.
  return `${sqliteSessions(q)} SELECT ${v}((we - 1) / 3000) * 3000 AS ws, ((we - 1) / 3000) * 3000 + 3000 AS we, ${OUTER_AGGS} FROM a GROUP BY ${v}((we - 1) / 3000)`;
}

const COLUMNS = (q: Spec): string[] => [...(q.outerByV ? ['v'] : []), 'ws', 'we', 'top', 'total', 'groups', 'mk'];

function canonical(rows: readonly Record<string, unknown>[], q: Spec): string[] {
  return rows
    .map((r) =>
      JSON.stringify(
        COLUMNS(q).map((c) => {
          if (!(c in r)) throw new Error(`result row lacks column ${c}: ${JSON.stringify(r)}`);
          return r[c] instanceof Date ? (r[c] as Date).getTime() : r[c];
        }),
      ),
    )
    .sort();
}

describe('windows over SESSION window results vs SQLite', () => {
  it('a hand-checked case: sessions of two keys with the same window are one outer window, in order of end, then start', async () => {
    const events: Event[] = [
      { k: 'a', v: 1, price: 1, ts: BASE + 3000 },
      { k: 'b', v: 1, price: 2, ts: BASE + 3000 },
      { k: 'c', v: 1, price: 4, ts: BASE + 3500 },
      { k: 'a', v: 1, price: 8, ts: BASE + 3500 },
      { k: 'b', v: 1, price: 16, ts: BASE + 3500 },
      { k: 'a', v: 1, price: 32, ts: BASE + 9000 },
    ];
    const q: Spec = { gapMs: 1000, shape: 'attached', innerKeys: ['k'], outerByV: false, tvf: true, filter: '', batchSize: 1 };
    const rows = await diff.eddy(events, eddySql(q), DELAY, 1);
    expect(rows.every((r) => !('op' in r))).toBe(true);
    // a, b: [3000, 4500) with 2 rows each; c: [3500, 4500); a: [9000, 10000).
    expect(rows.map((r) => [(r['ws'] as Date).getTime() - BASE, (r['we'] as Date).getTime() - BASE, r['top'], r['total'], r['groups'], r['mk']])).toEqual([
      [3000, 4500, 2, 27, 2, 'a'],
      [3500, 4500, 1, 4, 1, 'c'],
      [9000, 10000, 1, 32, 1, 'a'],
    ]);
    expect(canonical(rows, q)).toEqual(canonical(await diff.sqlite(events, sqliteSql(q)), q));
  });

  it('matches SQLite for random rows, gaps, shapes, keys, filters and batch sizes', async () => {
    let compared = 0;
    let shared = 0;
    await fc.assert(
      fc.asyncProperty(arbEvents(DELAY - 1, 5, 4), arbSpec, async (events, q) => {
        const rows = await diff.eddy(events, eddySql(q), DELAY, q.batchSize, prelude(q));
        expect(rows.every((r) => !('op' in r))).toBe(true);
        const want = canonical(await diff.sqlite(events, sqliteSql(q)), q);
        expect(canonical(rows, q)).toEqual(want);
        compared += want.length;
        if (q.shape === 'attached') shared += rows.filter((r) => (r['groups'] as number) > 1).length;
      }),
      { seed: 20261203, numRuns: 45, endOnFailure: true },
    );
    expect(compared).toBeGreaterThan(200);
    // Sessions of several inner keys sharing one window: the case a plain window-end key would get wrong.
    expect(shared).toBeGreaterThan(10);
  });
});
