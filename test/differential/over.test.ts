/**
 * OVER aggregates against SQLite's window frames: for random rows with disorder below the
 * watermark delay (no row is late), every row of Eddy's append-only result, with its frame's
 * aggregates, must equal SQLite's batch answer: ROWS BETWEEN n PRECEDING (equal times in arrival
 * order: SQLite orders by ts, rowid) and RANGE BETWEEN n PRECEDING (peers of equal time included
 * in both), with and without PARTITION BY, under WHERE filters and batch sizes; and the unbounded
 * frames, `ROWS | RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`, their short forms
 * (`RANGE UNBOUNDED PRECEDING`) and the default frame (no frame clause: RANGE UNBOUNDED PRECEDING).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arbEvents, Differential, FILTERS, type Event } from './harness.js';

const SEED = 20261213;
const RUNS = 80;
const DELAY = 2000;

interface Spec {
  readonly partition: boolean;
  readonly unit: 'ROWS' | 'RANGE';
  readonly preceding: number | 'unbounded';
  /** How the frame is written: `BETWEEN ... AND CURRENT ROW`, the short `... PRECEDING`, or not at all (the default, RANGE UNBOUNDED). */
  readonly form: 'between' | 'short' | 'none';
  readonly filter: (typeof FILTERS)[number];
  readonly batchSize: number;
}

const arbSpec: fc.Arbitrary<Spec> = fc
  .record({
    partition: fc.boolean(),
    rows: fc.boolean(),
    rowsN: fc.constantFrom(0, 1, 3),
    rangeMs: fc.constantFrom(0, 1000, 2500),
    unbounded: fc.boolean(),
    form: fc.constantFrom('between' as const, 'short' as const, 'none' as const),
    filter: fc.constantFrom(...FILTERS),
    batchSize: fc.constantFrom(1, 3, 1000),
  })
  .map((r) => {
    if (r.form === 'none') return { partition: r.partition, unit: 'RANGE' as const, preceding: 'unbounded' as const, form: r.form, filter: r.filter, batchSize: r.batchSize };
    const preceding = r.unbounded ? ('unbounded' as const) : r.rows ? r.rowsN : r.rangeMs;
    return { partition: r.partition, unit: r.rows ? ('ROWS' as const) : ('RANGE' as const), preceding, form: r.form, filter: r.filter, batchSize: r.batchSize };
  });

const AGGS = ['SUM(price) AS s', 'COUNT(*) AS n', 'COUNT(price) AS np', 'MIN(v) AS mn', 'MAX(price) AS mx'];
const NAMES = ['k', 'v', 'price', 's', 'n', 'np', 'mn', 'mx'];

function eddySql(q: Spec): string {
  const bound = q.preceding === 'unbounded' ? 'UNBOUNDED' : q.unit === 'ROWS' ? `${q.preceding}` : `INTERVAL '${q.preceding}' MILLISECOND`;
  const frame = q.form === 'none' ? '' : q.form === 'short' ? ` ${q.unit} ${bound} PRECEDING` : ` ${q.unit} BETWEEN ${bound} PRECEDING AND CURRENT ROW`;
  const w = `(${q.partition ? 'PARTITION BY k ' : ''}ORDER BY ts${frame})`;
  return `SELECT k, v, price, ${AGGS.map((a) => a.replace(' AS ', ` OVER ${w} AS `)).join(', ')} FROM events ${q.filter}`;
}

function sqliteSql(q: Spec): string {
  const order = q.unit === 'ROWS' ? 'ts, rowid' : 'ts';
  const bound = q.preceding === 'unbounded' ? 'UNBOUNDED' : `${q.preceding}`;
  const frame = q.form === 'none' ? '' : ` ${q.unit} BETWEEN ${bound} PRECEDING AND CURRENT ROW`;
  const w = `(${q.partition ? 'PARTITION BY k ' : ''}ORDER BY ${order}${frame})`;
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
    const q: Spec = { partition: true, unit: 'ROWS', preceding: 1, form: 'between', filter: '', batchSize: 1 };
    const got = await diff.eddy(events, eddySql(q), DELAY, 1);
    expect(got.map((r) => [r['v'], r['s'], r['n']])).toEqual([
      [2, 2, 1],
      [1, 3, 2],
      [3, 5, 2],
    ]);
    expect(canon(got)).toEqual(canon(await diff.sqlite(events, sqliteSql(q))));
  });

  it('the default frame (RANGE UNBOUNDED PRECEDING) includes the peers of equal time; ROWS UNBOUNDED does not', async () => {
    const base = Date.UTC(2024, 4, 1, 10);
    const events: Event[] = [
      { k: 'a', v: 1, price: 1, ts: base },
      { k: 'a', v: 2, price: 2, ts: base + 1000 },
      { k: 'a', v: 3, price: 4, ts: base + 1000 },
      { k: 'a', v: 4, price: 8, ts: base + 2000 },
    ];
    const range: Spec = { partition: true, unit: 'RANGE', preceding: 'unbounded', form: 'none', filter: '', batchSize: 1 };
    const rows: Spec = { ...range, unit: 'ROWS', form: 'between' };
    const r = await diff.eddy(events, eddySql(range), DELAY, 1);
    expect(r.map((x) => [x['v'], x['s'], x['n']])).toEqual([
      [1, 1, 1],
      [2, 7, 3],
      [3, 7, 3],
      [4, 15, 4],
    ]);
    const w = await diff.eddy(events, eddySql(rows), DELAY, 1);
    expect(w.map((x) => [x['v'], x['s'], x['n']])).toEqual([
      [1, 1, 1],
      [2, 3, 2],
      [3, 7, 3],
      [4, 15, 4],
    ]);
    expect(canon(r)).toEqual(canon(await diff.sqlite(events, sqliteSql(range))));
    expect(canon(w)).toEqual(canon(await diff.sqlite(events, sqliteSql(rows))));
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
