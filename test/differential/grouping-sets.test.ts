/**
 * Differential tests of GROUPING SETS / ROLLUP / CUBE: random event files (NULL keys and values)
 * through Eddy must give what SQLite gives for the same grouping sets written as a UNION ALL of
 * plain GROUP BYs (SQLite has no GROUPING SETS), the columns a set does not group NULL and
 * GROUPING_ID a literal per set. Non-windowed (the folded changelog, over an append-only and an
 * updating input) and per tumbling window (append-only rows).
 * Prices are multiples of 0.25, so every float sum is exact and AVG = SUM / COUNT exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AGGS, arbEvents, BASE, canonical, Differential, FILTERS, type Event } from './harness.js';
import { checkPairs, foldChangelog } from '../exec/changelog.js';

const SEED = 20261203;
const RUNS = 40;

/** A GROUP BY over (k, v) as Eddy writes it, and the sets it means (Calcite's expansion). */
interface Grouping {
  readonly sql: string;
  readonly sets: readonly (readonly ('k' | 'v')[])[];
}

const GROUPINGS: readonly Grouping[] = [
  { sql: 'GROUPING SETS ((k, v), (k), ())', sets: [['k', 'v'], ['k'], []] },
  { sql: 'ROLLUP (k, v)', sets: [['k', 'v'], ['k'], []] },
  { sql: 'CUBE (k, v)', sets: [['k', 'v'], ['k'], ['v'], []] },
  { sql: 'k, ROLLUP (v)', sets: [['k', 'v'], ['k']] },
  { sql: 'GROUPING SETS ((v), (k), (v))', sets: [['v'], ['k'], ['v']] },
  { sql: 'GROUPING SETS ((), (k, v))', sets: [[], ['k', 'v']] },
];

/** HAVING conditions valid in both dialects, some flipping as groups grow. */
const HAVINGS = ['', 'HAVING COUNT(*) >= 2', 'HAVING SUM(price) > 3', 'HAVING MIN(price) < 0 OR COUNT(*) = 1'] as const;

interface QuerySpec {
  readonly grouping: Grouping;
  readonly filter: string;
  readonly having: string;
  readonly batchSize: number;
}

const arbQuery: fc.Arbitrary<QuerySpec> = fc.record({
  grouping: fc.constantFrom(...GROUPINGS),
  filter: fc.constantFrom(...FILTERS),
  having: fc.constantFrom(...HAVINGS),
  batchSize: fc.constantFrom(1, 3, 7, 1000),
});

const KEYS = ['k', 'v', 'g'];

const diff = new Differential();
beforeAll(() => diff.open());
afterAll(() => diff.close());

/** GROUPING_ID(k, v) of a set: k the high bit, 1 where the set does not group. */
const groupingId = (set: readonly string[]): number => (set.includes('k') ? 0 : 2) + (set.includes('v') ? 0 : 1);

/** SQLite: one plain GROUP BY per set, UNION ALL. `from` is the rows' source, `window` the window start expression (or none). */
function sqliteSql(q: QuerySpec, aggs: string, from: string, window?: string): string {
  return q.grouping.sets
    .map((set) => {
      const cols = [...(window ? [window] : []), ...set];
      const having = window || set.length > 0 ? q.having : q.having ? `${q.having} AND COUNT(*) > 0` : 'HAVING COUNT(*) > 0';
      const key = (c: 'k' | 'v'): string => (set.includes(c) ? c : `NULL AS ${c}`);
      return `SELECT ${window ? `${window} AS ws, ` : ''}${key('k')}, ${key('v')}, ${groupingId(set)} AS g, ${aggs} FROM ${from} ${q.filter} ${cols.length ? `GROUP BY ${cols.join(', ')}` : ''} ${having}`;
    })
    .join(' UNION ALL ');
}

const eddySql = (q: QuerySpec, aggs: string, from: string): string => `SELECT k, v, GROUPING_ID(k, v) AS g, ${aggs} FROM ${from} ${q.filter} GROUP BY ${q.grouping.sql} ${q.having}`;

/** Eddy's changelog as [op, k, v, g, ...aggregates] rows. */
async function eddyChangelog(events: readonly Event[], sql: string, batchSize: number, names: readonly string[]): Promise<unknown[][]> {
  const rows = await diff.eddy(events, sql, 1000, batchSize);
  return rows.map((r) => {
    expect(Object.keys(r)[0]).toBe('op');
    return [r['op'], ...[...KEYS, ...names].map((c) => r[c])];
  });
}

const rowsOf = (rows: readonly Record<string, unknown>[], names: readonly string[]): string[] => rows.map((r) => JSON.stringify([...KEYS, ...names].map((c) => r[c]))).sort();

const AGG_NAMES = ['n', 'np', 's', 'a', 'mn', 'mx', 'sv', 'mk'];

describe('GROUPING SETS vs SQLite UNION ALL of GROUP BYs', () => {
  it('sanity: NULL keys of the data and of a set are told apart by GROUPING_ID, and a difference shows', async () => {
    const events: Event[] = [
      { k: 'a', v: 1, price: 1.5, ts: BASE },
      { k: null, v: 2, price: null, ts: BASE + 10 },
      { k: 'a', v: null, price: 2, ts: BASE + 20 },
    ];
    const q: QuerySpec = { grouping: GROUPINGS[0]!, filter: '', having: '', batchSize: 1 };
    const log = await eddyChangelog(events, eddySql(q, AGGS, 'events'), 1, AGG_NAMES);
    const got = foldChangelog(log as never);
    expect(got).toEqual(rowsOf(await diff.sqlite(events, sqliteSql(q, AGGS, 'events')), AGG_NAMES));
    expect(got.filter((r) => r.startsWith('[null,null,'))).toEqual([JSON.stringify([null, null, 1, 1, 0, null, null, null, null, 2, null]), JSON.stringify([null, null, 3, 3, 2, 3.5, 1.75, 1.5, 2, 3, 'a'])]);
    expect(rowsOf(await diff.sqlite(events.slice(1), sqliteSql(q, AGGS, 'events')), AGG_NAMES)).not.toEqual(got);
  });

  it('non-windowed: the folded changelog matches for random rows, sets, WHERE, HAVING and batch sizes', async () => {
    let compared = 0;
    let retractions = 0;
    await fc.assert(
      fc.asyncProperty(arbEvents(2, 1, 4), arbQuery, async (events, q) => {
        const log = await eddyChangelog(events, eddySql(q, AGGS, 'events'), q.batchSize, AGG_NAMES);
        checkPairs(log as never, KEYS.length);
        retractions += log.filter((r) => r[0] === '-U' || r[0] === '-D').length;
        const want = rowsOf(await diff.sqlite(events, sqliteSql(q, AGGS, 'events')), AGG_NAMES);
        expect(foldChangelog(log as never)).toEqual(want);
        compared += want.length;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(compared).toBeGreaterThan(200);
    expect(retractions).toBeGreaterThan(100);
  });

  it('over an updating input: each change is expanded with its op, and retracted from every set', async () => {
    const inner = '(SELECT k, v, MAX(price) AS mp, COUNT(*) AS c FROM events GROUP BY k, v) AS t';
    const aggs = 'COUNT(*) AS n, SUM(mp) AS smp, MIN(mp) AS mnp, SUM(c) AS sc';
    const names = ['n', 'smp', 'mnp', 'sc'];
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(arbEvents(2, 1, 4), arbQuery, async (events, q0) => {
        const q = { ...q0, filter: '', having: q0.having.replace(/price/g, 'mp') };
        const log = await eddyChangelog(events, eddySql(q, aggs, inner), q.batchSize, names);
        const want = rowsOf(await diff.sqlite(events, sqliteSql(q, aggs, inner)), names);
        expect(foldChangelog(log as never)).toEqual(want);
        compared += want.length;
      }),
      { seed: SEED + 1, numRuns: 20 },
    );
    expect(compared).toBeGreaterThan(80);
  });

  it('per tumbling window (TVF): append-only rows match for random rows, sets and batch sizes', async () => {
    const delay = 2000;
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(arbEvents(delay), arbQuery, fc.constantFrom(1, 2, 5), async (events, q0, sizeSec) => {
        const q = { ...q0, having: '' };
        const size = sizeSec * 1000;
        const sql = `SELECT window_start AS ws, window_end AS we, k, v, GROUPING_ID(k, v) AS g, ${AGGS} FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '${sizeSec}' SECOND)) ${q.filter} GROUP BY window_start, window_end, ${q.grouping.sql}`;
        const got = canonical(await diff.eddy(events, sql, delay, q.batchSize), KEYS, ['ws']);
        const want = canonical(await diff.sqlite(events, sqliteSql(q, AGGS, 'events', `(ts / ${size}) * ${size}`)), KEYS, ['ws']);
        expect(got).toEqual(want);
        compared += want.length;
      }),
      { seed: SEED + 2, numRuns: 25 },
    );
    expect(compared).toBeGreaterThan(200);
  });
});
