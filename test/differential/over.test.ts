/**
 * OVER aggregates against SQLite's window frames: for random rows with disorder below the
 * watermark delay (no row is late), every row of Eddy's append-only result, with its frame's
 * aggregates, must equal SQLite's batch answer: ROWS BETWEEN n PRECEDING (equal times in arrival
 * order: SQLite orders by ts, rowid) and RANGE BETWEEN n PRECEDING (peers of equal time included
 * in both), with and without PARTITION BY, under WHERE filters and batch sizes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arbEvents, Differential, FILTERS, type Event } from './harness.js';

const SEED = 20261213;
const RUNS = 50;
const DELAY = 2000;

interface Spec {
  readonly partition: boolean;
  readonly unit: 'ROWS' | 'RANGE';
  readonly preceding: number;
  readonly filter: (typeof FILTERS)[number];
  readonly batchSize: number;
}

const arbSpec: fc.Arbitrary<Spec> = fc
  .record({
    partition: fc.boolean(),
    rows: fc.boolean(),
    rowsN: fc.constantFrom(0, 1, 3),
    rangeMs: fc.constantFrom(0, 1000, 2500),
    filter: fc.constantFrom(...FILTERS),
    batchSize: fc.constantFrom(1, 3, 1000),
  })
  .map((r) => ({ partition: r.partition, unit: r.rows ? ('ROWS' as const) : ('RANGE' as const), preceding: r.rows ? r.rowsN : r.rangeMs, filter: r.filter, batchSize: r.batchSize }));

const AGGS = ['SUM(price) AS s', 'COUNT(*) AS n', 'COUNT(price) AS np', 'MIN(v) AS mn', 'MAX(price) AS mx'];
const NAMES = ['k', 'v', 'price', 's', 'n', 'np', 'mn', 'mx'];

function eddySql(q: Spec): string {
  const bound = q.unit === 'ROWS' ? `${q.preceding}` : `INTERVAL '${q.preceding}' MILLISECOND`;
  const w = `(${q.partition ? 'PARTITION BY k ' : ''}ORDER BY ts ${q.unit} BETWEEN ${bound} PRECEDING AND CURRENT ROW)`;
  return `SELECT k, v, price, ${AGGS.map((a) => a.replace(' AS ', ` OVER ${w} AS `)).join(', ')} FROM events ${q.filter}`;
}

function sqliteSql(q: Spec): string {
  const order = q.unit === 'ROWS' ? 'ts, rowid' : 'ts';
  const w = `(${q.partition ? 'PARTITION BY k ' : ''}ORDER BY ${order} ${q.unit} BETWEEN ${q.preceding} PRECEDING AND CURRENT ROW)`;
  return `SELECT k, v, price, ${AGGS.map((a) => a.replace(' AS ', ` OVER ${w} AS `)).join(', ')} FROM events ${q.filter}`;
}

const canon = (rows: readonly Record<string, unknown>[]): string[] => rows.map((r) => JSON.stringify(NAMES.map((c) => r[c] ?? null))).sort();

const diff = new Differential();
beforeAll(() => diff.open());
afterAll(() => diff.close());

describe('OVER aggregates vs SQLite window frames', () => {
  it('a fixed case: ROWS 1 PRECEDING per key, in time order despite disorder', async () => {
    const base = Date.UTC(2024, 4, 1, 10);
    const events: Event[] = [
      { k: 'a', v: 1, price: 1, ts: base + 1000 },
      { k: 'a', v: 2, price: 2, ts: base },
      { k: 'a', v: 3, price: 4, ts: base + 2000 },
    ];
    const q: Spec = { partition: true, unit: 'ROWS', preceding: 1, filter: '', batchSize: 1 };
    const got = await diff.eddy(events, eddySql(q), DELAY, 1);
    expect(got.map((r) => [r['v'], r['s'], r['n']])).toEqual([
      [2, 2, 1],
      [1, 3, 2],
      [3, 5, 2],
    ]);
    expect(canon(got)).toEqual(canon(await diff.sqlite(events, sqliteSql(q))));
  });

  it('matches SQLite for random rows, frames, partitions, filters and batch sizes', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(arbEvents(DELAY), arbSpec, async (events, q) => {
        const got = canon(await diff.eddy(events, eddySql(q), DELAY, q.batchSize));
        expect(got).toEqual(canon(await diff.sqlite(events, sqliteSql(q))));
        compared += got.length;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(compared).toBeGreaterThan(500);
  });
});
