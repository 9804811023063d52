/**
 * Differential tests of non-windowed GROUP BY: random event files run through Eddy (keys, WHERE,
 * HAVING, random batch sizes) produce a changelog; folding it (+I/+U add a row, -U/-D remove one,
 * which must be there) must give the same multiset of rows as the real SQLite's GROUP BY over the
 * same rows. Late rows do not exist here: without a window nothing is ever complete.
 * Prices are multiples of 0.25, so every float sum is exact and AVG = SUM / COUNT exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AGGS, BASE, Differential, KEY_SETS, type Event } from './harness.js';
import { checkPairs, foldChangelog } from '../exec/changelog.js';

const SEED = 20240502;
const RUNS = 80;

const FILTERS = ['', 'WHERE price > 0', 'WHERE price IS NOT NULL OR v > 2', "WHERE k = 'a' OR price <= 1.5", 'WHERE NOT (v < 3)'] as const;
/** HAVING conditions valid in both dialects; several flip back and forth as groups grow. */
const HAVINGS = ['', 'HAVING COUNT(*) >= 2', 'HAVING SUM(price) > 3', 'HAVING SUM(v) BETWEEN 2 AND 8', 'HAVING MIN(price) < 0 OR COUNT(*) = 1'] as const;

const AGG_NAMES = ['n', 'np', 's', 'a', 'mn', 'mx', 'sv', 'mk'];

interface QuerySpec {
  readonly filter: string;
  readonly having: string;
  readonly keys: readonly string[];
  readonly batchSize: number;
}

const arbQuery: fc.Arbitrary<QuerySpec> = fc.record({
  filter: fc.constantFrom(...FILTERS),
  having: fc.constantFrom(...HAVINGS),
  keys: fc.constantFrom(...KEY_SETS),
  batchSize: fc.constantFrom(1, 3, 7, 1000),
});

const arbEvents: fc.Arbitrary<Event[]> = fc
  .array(
    fc.record({
      k: fc.option(fc.constantFrom('a', 'b', 'c'), { freq: 5 }),
      v: fc.option(fc.integer({ min: -2, max: 5 }), { freq: 5 }),
      price: fc.option(fc.integer({ min: -20, max: 40 }).map((q) => q / 4), { freq: 4 }),
      advance: fc.integer({ min: 0, max: 2000 }),
    }),
    { minLength: 1, maxLength: 80, size: 'medium' },
  )
  .map((steps) => {
    let t = BASE;
    return steps.map((s) => ({ k: s.k, v: s.v, price: s.price, ts: (t += s.advance) }));
  });

const diff = new Differential();
beforeAll(() => diff.open());
afterAll(() => diff.close());

function querySql(q: QuerySpec, sqlite: boolean): string {
  const keys = q.keys.map((k) => `${k}, `).join('');
  const groupBy = q.keys.length ? `GROUP BY ${q.keys.join(', ')}` : '';
  // SQLite's global aggregate over no rows gives one row; a stream's global group exists once a row arrived.
  const having = sqlite && q.keys.length === 0 ? (q.having ? `${q.having} AND COUNT(*) > 0` : 'HAVING COUNT(*) > 0') : q.having;
  return `SELECT ${keys}${AGGS} FROM events ${q.filter} ${groupBy} ${having}`;
}

/** Rows as [...keys, ...aggregates] JSON strings, sorted. */
function canonical(rows: readonly Record<string, unknown>[], q: QuerySpec): string[] {
  return rows.map((r) => JSON.stringify(toArray(r, q))).sort();
}

function toArray(r: Record<string, unknown>, q: QuerySpec): unknown[] {
  return [...q.keys, ...AGG_NAMES].map((c) => {
    if (!(c in r)) throw new Error(`result row lacks column ${c}: ${JSON.stringify(r)}`);
    return r[c];
  });
}

/** Eddy's changelog as [op, ...keys, ...aggregates] rows. */
async function eddyChangelog(events: readonly Event[], q: QuerySpec): Promise<unknown[][]> {
  const rows = await diff.eddy(events, querySql(q, false), 1000, q.batchSize);
  return rows.map((r) => {
    expect(Object.keys(r)[0]).toBe('op');
    return [r['op'], ...toArray(r, q)];
  });
}

const sqliteRows = (events: readonly Event[], q: QuerySpec) => diff.sqlite(events, querySql(q, true));

describe('non-windowed GROUP BY: the folded changelog vs SQLite', () => {
  it('sanity: the fold sees updates, retractions and a difference when there is one', async () => {
    const events: Event[] = [
      { k: 'a', v: 1, price: 1.5, ts: BASE },
      { k: 'b', v: 2, price: null, ts: BASE + 10 },
      { k: 'a', v: null, price: 2, ts: BASE + 20 },
    ];
    const q: QuerySpec = { filter: '', having: '', keys: ['k'], batchSize: 1 };
    const log = await eddyChangelog(events, q);
    expect(log.map((r) => r[0])).toEqual(['+I', '+I', '-U', '+U']);
    const got = foldChangelog(log as never);
    expect(got).toEqual(canonical(await sqliteRows(events, q), q));
    expect(got).toEqual([JSON.stringify(['a', 2, 2, 3.5, 1.75, 1.5, 2, 1, 'a']), JSON.stringify(['b', 1, 0, null, null, null, null, 2, 'b'])]);
    expect(canonical(await sqliteRows(events.slice(1), q), q)).not.toEqual(got);
  });

  it('matches SQLite for random rows, keys, WHERE, HAVING and batch sizes', async () => {
    let compared = 0;
    let retractions = 0;
    await fc.assert(
      fc.asyncProperty(arbEvents, arbQuery, async (events, q) => {
        const log = await eddyChangelog(events, q);
        checkPairs(log as never, q.keys.length);
        retractions += log.filter((r) => r[0] === '-U' || r[0] === '-D').length;
        const want = canonical(await sqliteRows(events, q), q);
        expect(foldChangelog(log as never)).toEqual(want);
        compared += want.length;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(compared).toBeGreaterThan(60);
    expect(retractions).toBeGreaterThan(100);
  });
});
