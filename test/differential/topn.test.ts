/**
 * Top-N against SQLite's ROW_NUMBER(), RANK() and DENSE_RANK() OVER: the folded changelog of Eddy's Top-N over random rows
 * must equal SQLite's batch answer to the same query text, for partitions or none, ascending and
 * descending orders (NULLs first ascending, last descending in both), every form of the rank bound,
 * with and without the rank column, over an append-only input and over an updating one (a GROUP BY).
 * ROW_NUMBER's sort keys end with a unique column, so it is deterministic in both engines; RANK
 * and DENSE_RANK give peers one rank, so their orders keep ties on purpose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BASE, Differential, type Event } from './harness.js';
import { foldChangelog } from '../exec/changelog.js';

const SEED = 20261212;
const RUNS = 90;

const ORDERS = ['price DESC, ts', 'price, ts DESC', 'v DESC, price, ts', 'ts DESC'] as const;
const BOUNDS = ['rn <= 1', 'rn <= 3', 'rn < 3', 'rn BETWEEN 2 AND 3', 'rn = 2', '2 >= rn AND v > 1', 'rn <= 2 AND rn >= 2'] as const;

/** RANK and DENSE_RANK give peers one rank, so ties are deterministic: these orders have many. */
const PEER_ORDERS = ['price DESC', 'v, price DESC', 'price'] as const;

interface Spec {
  readonly fn: 'ROW_NUMBER' | 'RANK' | 'DENSE_RANK';
  readonly peerOrder: (typeof PEER_ORDERS)[number];
  readonly partition: boolean;
  readonly order: (typeof ORDERS)[number];
  readonly bound: (typeof BOUNDS)[number];
  readonly withRn: boolean;
  readonly updating: boolean;
  readonly batchSize: number;
}

const arbSpec: fc.Arbitrary<Spec> = fc.record({
  fn: fc.constantFrom('ROW_NUMBER', 'RANK', 'DENSE_RANK'),
  peerOrder: fc.constantFrom(...PEER_ORDERS),
  partition: fc.boolean(),
  order: fc.constantFrom(...ORDERS),
  bound: fc.constantFrom(...BOUNDS),
  withRn: fc.boolean(),
  updating: fc.boolean(),
  batchSize: fc.constantFrom(1, 3, 1000),
});

/** Unique timestamps in random order (Top-N does not care about time; the order keys do). */
const arbEvents: fc.Arbitrary<Event[]> = fc
  .array(
    fc.record({
      k: fc.option(fc.constantFrom('a', 'b', 'c'), { freq: 6 }),
      v: fc.option(fc.integer({ min: 0, max: 4 }), { freq: 6 }),
      price: fc.option(fc.integer({ min: -8, max: 20 }).map((q) => q / 4), { freq: 5 }),
      slot: fc.integer({ min: 0, max: 999 }),
    }),
    { minLength: 1, maxLength: 70, size: 'medium' },
  )
  .map((steps) => steps.map((s, i) => ({ k: s.k, v: s.v, price: s.price, ts: BASE + s.slot * 1000 + i })));

function sql(q: Spec): string {
  const partition = q.partition ? 'PARTITION BY k ' : '';
  // Over an updating input: per (k, v) totals, ranked by total; (k, v) is unique, so it ends the sort key.
  const input = q.updating ? '(SELECT k, v, SUM(price) AS price, MAX(ts) AS ts FROM events GROUP BY k, v)' : 'events';
  const order = q.fn !== 'ROW_NUMBER' ? q.peerOrder : q.updating ? `${q.order.replace(/ts( DESC)?/, 'k$1, v$1')}` : q.order;
  const inner = `SELECT k, v, price, ${q.fn}() OVER (${partition}ORDER BY ${order}) AS rn FROM ${input}`;
  return `SELECT k, v, price${q.withRn ? ', rn' : ''} FROM (${inner}) WHERE ${q.bound}`;
}

const columns = (q: Spec): string[] => ['k', 'v', 'price', ...(q.withRn ? ['rn'] : [])];

const diff = new Differential();
beforeAll(() => diff.open());
afterAll(() => diff.close());

async function eddyRows(events: readonly Event[], q: Spec): Promise<{ folded: string[]; log: unknown[][] }> {
  const rows = await diff.eddy(events, sql(q), 1000, q.batchSize);
  const log = rows.map((r) => {
    expect(Object.keys(r)[0]).toBe('op');
    return [r['op'], ...columns(q).map((c) => r[c])];
  });
  return { folded: foldChangelog(log as never), log };
}

async function sqliteRows(events: readonly Event[], q: Spec): Promise<string[]> {
  const rows = await diff.sqlite(events, sql(q));
  return rows.map((r) => JSON.stringify(columns(q).map((c) => r[c]))).sort();
}

describe('Top-N: the folded changelog vs SQLite ROW_NUMBER() / RANK() / DENSE_RANK() OVER', () => {
  it('a fixed case: top 2 per key, a new maximum shifts the old one to rank 2', async () => {
    const events: Event[] = [
      { k: 'a', v: 1, price: 1, ts: BASE },
      { k: 'a', v: 2, price: 5, ts: BASE + 1 },
      { k: 'b', v: 3, price: 2, ts: BASE + 2 },
      { k: 'a', v: 4, price: 3, ts: BASE + 3 },
    ];
    const q: Spec = { fn: 'ROW_NUMBER', peerOrder: 'price', partition: true, order: 'price DESC, ts', bound: 'rn <= 3', withRn: true, updating: false, batchSize: 1 };
    const { folded, log } = await eddyRows(events, q);
    expect(folded).toEqual(await sqliteRows(events, q));
    expect(log).toEqual([
      ['+I', 'a', 1, 1, 1],
      ['-U', 'a', 1, 1, 1],
      ['+U', 'a', 2, 5, 1],
      ['+I', 'a', 1, 1, 2],
      ['+I', 'b', 3, 2, 1],
      ['-U', 'a', 1, 1, 2],
      ['+U', 'a', 4, 3, 2],
      ['+I', 'a', 1, 1, 3],
    ]);
  });

  it('matches SQLite for random rows, orders, bounds, partitions, inputs and batch sizes', async () => {
    let compared = 0;
    let retractions = 0;
    await fc.assert(
      fc.asyncProperty(arbEvents, arbSpec, async (events, q) => {
        const { folded, log } = await eddyRows(events, q);
        retractions += log.filter((r) => r[0] === '-U' || r[0] === '-D').length;
        expect(folded).toEqual(await sqliteRows(events, q));
        compared += folded.length;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(compared).toBeGreaterThan(150);
    expect(retractions).toBeGreaterThan(150);
  });
});
