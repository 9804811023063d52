/**
 * Differential test of windows over UNION ALL: two random event files, read as two streams with
 * different schemas and watermark delays, unioned and windowed by Eddy (random batch sizes, WHERE
 * filters with NULLs, keys, all the harness's aggregates) must give the same multiset of rows as
 * the real SQLite computing the same GROUP BY over the concatenated rows.
 *
 * Why no row is late: each input's disorder stays below its own watermark delay, and the union's
 * watermark is never above any active input's (DESIGN.md §3 rule 6), so a row on time for its
 * own stream is on time for the union too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../../src/index.js';
import { AGGS, arbEvents, BASE, canonical, Differential, FILTERS, KEY_SETS, keyList, type Event } from './harness.js';

const SEED = 20240502;
const RUNS = 25;
/** Disorder bound and watermark delay of each input (a: ts - 2 s; b: ts - 700 ms). */
const A_DISORDER = 2000;
const B_DISORDER = 700;

interface QuerySpec {
  readonly sizeSec: number;
  readonly filter: string;
  readonly keys: readonly string[];
  readonly batchSize: number;
}

const arbQuery: fc.Arbitrary<QuerySpec> = fc.record({
  sizeSec: fc.constantFrom(1, 2, 5),
  filter: fc.constantFrom(...FILTERS),
  keys: fc.constantFrom(...KEY_SETS),
  batchSize: fc.constantFrom(1, 3, 7, 1000),
});

const diff = new Differential();
let dir = '';
let seq = 0;
beforeAll(async () => {
  await diff.open();
  dir = mkdtempSync(join(tmpdir(), 'eddy-union-'));
});
afterAll(async () => {
  await diff.close();
  rmSync(dir, { recursive: true, force: true });
});

/** b has its own column names, order and types (num BIGINT for v): the union maps them by position and widens. */
function eddySql(q: QuerySpec): string {
  const interval = `INTERVAL '${q.sizeSec}' SECOND`;
  const keys = keyList(q.keys);
  return `SELECT TUMBLE_START(ts, ${interval}) AS ws, ${keys}${AGGS}
    FROM (SELECT k, v, price, ts FROM a UNION ALL SELECT key, num, amount, t FROM b) AS u
    ${q.filter} GROUP BY ${keys}TUMBLE(ts, ${interval})`;
}

function sqliteSql(q: QuerySpec): string {
  const size = q.sizeSec * 1000;
  const keys = keyList(q.keys);
  return `SELECT (ts / ${size}) * ${size} AS ws, ${keys}${AGGS} FROM events ${q.filter} GROUP BY ${keys}ws`;
}

async function eddyRows(a: readonly Event[], b: readonly Event[], q: QuerySpec): Promise<Record<string, unknown>[]> {
  const n = ++seq;
  const pathA = join(dir, `a-${n}.jsonl`);
  const pathB = join(dir, `b-${n}.jsonl`);
  writeFileSync(pathA, a.map((e) => JSON.stringify(e) + '\n').join(''));
  writeFileSync(pathB, b.map((e) => JSON.stringify({ t: new Date(e.ts).toISOString(), amount: e.price, key: e.k, num: e.v }) + '\n').join(''));
  const eddy = await Eddy.open({ onWarning: (m) => expect.fail(`unexpected warning: ${m}`) });
  try {
    await eddy.execute(`CREATE STREAM a (k VARCHAR, v INT, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '${A_DISORDER}' MILLISECOND)
      WITH ('connector' = 'file', 'path' = '${pathA}', 'format' = 'json')`);
    await eddy.execute(`CREATE STREAM b (t TIMESTAMP(3), amount DOUBLE, key VARCHAR, num BIGINT, WATERMARK FOR t AS t - INTERVAL '${B_DISORDER}' MILLISECOND)
      WITH ('connector' = 'file', 'path' = '${pathB}', 'format' = 'json')`);
    await eddy.execute(`SET 'execution.batch-size' = '${q.batchSize}'`);
    return await eddy.query(eddySql(q)).toArray();
  } finally {
    await eddy.close();
  }
}

const check = async (a: readonly Event[], b: readonly Event[], q: QuerySpec): Promise<void> => {
  const got = canonical(await eddyRows(a, b, q), q.keys, ['ws']);
  const want = canonical(await diff.sqlite([...a, ...b], sqliteSql(q)), q.keys, ['ws']);
  expect(got).toEqual(want);
};

describe('windows over UNION ALL vs SQLite over the concatenated rows', () => {
  it('sanity: rows of both inputs land in shared windows; the comparison sees a difference when there is one', async () => {
    const a: Event[] = [{ k: 'a', v: 1, price: 1.5, ts: BASE + 100 }, { k: 'b', v: 2, price: null, ts: BASE + 3100 }];
    const b: Event[] = [{ k: 'a', v: 3, price: 2, ts: BASE + 900 }, { k: null, v: null, price: 4, ts: BASE + 1100 }];
    const q: QuerySpec = { sizeSec: 1, filter: '', keys: ['k'], batchSize: 1 };
    const rows = await eddyRows(a, b, q);
    expect(canonical(rows, q.keys, ['ws'])).toEqual(canonical(await diff.sqlite([...a, ...b], sqliteSql(q)), q.keys, ['ws']));
    expect(rows.find((r) => r['k'] === 'a' && (r['ws'] as Date).getTime() === BASE)?.['n']).toBe(2);
    expect(canonical(rows, q.keys, ['ws'])).not.toEqual(canonical(await diff.sqlite(a, sqliteSql(q)), q.keys, ['ws']));
  });

  it('random inputs, filters, keys and batch sizes', async () => {
    await fc.assert(
      fc.asyncProperty(arbEvents(A_DISORDER), arbEvents(B_DISORDER), arbQuery, async (a, b, q) => check(a, b, q)),
      { seed: SEED, numRuns: RUNS },
    );
  }, 120_000);

  it('one input far ahead of the other: windows wait for the slower one (nothing late)', async () => {
    await fc.assert(
      fc.asyncProperty(arbEvents(A_DISORDER, 20), arbEvents(B_DISORDER, 20), arbQuery, async (a, b, q) => {
        // a starts a minute later than b: alone, its watermark would complete all of b's windows.
        await check(a.map((e) => ({ ...e, ts: e.ts + 60_000 })), b, q);
      }),
      { seed: SEED + 1, numRuns: 10 },
    );
  }, 120_000);
});
