/**
 * Differential tests of tumbling windows: random event files run through Eddy (both window
 * syntaxes, WHERE filters with NULLs, all six aggregates, random batch sizes) must give the same
 * multiset of rows as the real SQLite computing the equivalent GROUP BY in batch.
 * Prices are multiples of 0.25, so every float sum is exact and AVG = SUM / COUNT exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import sqlite3 from 'sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../../src/index.js';

interface Event {
  readonly k: string | null;
  readonly v: number | null;
  readonly price: number | null;
  readonly ts: number;
}

type Cell = string | number | null;

const BASE = Date.UTC(2024, 4, 1, 10, 0, 0);
const SEED = 20240501;
const RUNS = 25;

/** Filters valid in both dialects; several are unknown (NULL) on some rows. */
const FILTERS = [
  '',
  'WHERE price > 0',
  'WHERE price IS NULL',
  'WHERE price IS NOT NULL OR v > 2',
  'WHERE NOT (v < 3)',
  "WHERE k = 'a' OR price <= 1.5",
  'WHERE v <> 2 AND price >= -2',
  "WHERE k IS NULL OR NOT (k = 'b')",
] as const;

const AGGS = 'COUNT(*) AS n, COUNT(price) AS np, SUM(price) AS s, AVG(price) AS a, MIN(price) AS mn, MAX(price) AS mx, SUM(v) AS sv, MIN(k) AS mk';
const AGG_NAMES = ['n', 'np', 's', 'a', 'mn', 'mx', 'sv', 'mk'];

const KEY_SETS: readonly (readonly string[])[] = [[], ['k'], ['k', 'v']];

interface QuerySpec {
  readonly sizeSec: number;
  readonly filter: string;
  readonly keys: readonly string[];
  readonly tvf: boolean;
  readonly batchSize: number;
}

const arbQuery: fc.Arbitrary<QuerySpec> = fc.record({
  sizeSec: fc.constantFrom(1, 2, 5, 10),
  filter: fc.constantFrom(...FILTERS),
  keys: fc.constantFrom(...KEY_SETS),
  tvf: fc.boolean(),
  batchSize: fc.constantFrom(1, 3, 7, 1000),
});

/**
 * Rows whose timestamps move forward with disorder below `maxDisorder` ms. Times sit on a 250 ms
 * grid, some 1 ms early, so rows often land exactly on window edges and on W = window_end - 1.
 */
function arbEvents(maxDisorder: number, minLength = 0): fc.Arbitrary<Event[]> {
  const step = fc.record({
    k: fc.option(fc.constantFrom('a', 'b', 'c'), { freq: 5 }),
    v: fc.option(fc.integer({ min: 0, max: 5 }), { freq: 5 }),
    price: fc.option(fc.integer({ min: -20, max: 40 }).map((q) => q / 4), { freq: 4 }),
    advance: fc.integer({ min: 0, max: 6 }).map((n) => n * 250),
    disorder: fc.integer({ min: 0, max: Math.floor((maxDisorder - 2) / 250) }).map((n) => n * 250),
    early: fc.constantFrom(0, 0, 1),
  });
  return fc.array(step, { minLength, maxLength: 80, size: 'medium' }).map((steps) => {
    let t = BASE + maxDisorder;
    return steps.map((s) => {
      t += s.advance;
      return { k: s.k, v: s.v, price: s.price, ts: t - s.disorder - s.early };
    });
  });
}

let dir: string;
let fileSeq = 0;
let db: sqlite3.Database;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-diff-'));
  db = new sqlite3.Database(':memory:');
  await run('CREATE TABLE events (k TEXT, v INTEGER, price REAL, ts INTEGER)');
});
afterAll(async () => {
  await new Promise<void>((res, rej) => db.close((e) => (e ? rej(e) : res())));
  rmSync(dir, { recursive: true, force: true });
});

function run(sql: string, params: unknown[] = []): Promise<void> {
  return new Promise((res, rej) => db.run(sql, params, (e: Error | null) => (e ? rej(e) : res())));
}

function all(sql: string): Promise<Record<string, Cell>[]> {
  return new Promise((res, rej) => db.all(sql, (e: Error | null, rows: Record<string, Cell>[]) => (e ? rej(e) : res(rows))));
}

/** Writes the events as JSON Lines, alternating epoch-ms and ISO-8601 timestamps. */
function writeEvents(events: readonly Event[]): string {
  const path = join(dir, `events-${++fileSeq}.jsonl`);
  const lines = events.map((e, i) => JSON.stringify({ ...e, ts: i % 2 === 0 ? e.ts : new Date(e.ts).toISOString() }));
  writeFileSync(path, lines.map((l) => l + '\n').join(''));
  return path;
}

function eddySql(q: QuerySpec): string {
  const interval = `INTERVAL '${q.sizeSec}' SECOND`;
  const keys = q.keys.map((k) => `${k}, `).join('');
  if (q.tvf) {
    return `SELECT window_start AS ws, ${keys}${AGGS} FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), ${interval})) ${q.filter} GROUP BY ${keys}window_start, window_end`;
  }
  return `SELECT TUMBLE_START(ts, ${interval}) AS ws, ${keys}${AGGS} FROM events ${q.filter} GROUP BY ${keys}TUMBLE(ts, ${interval})`;
}

function sqliteSql(q: QuerySpec): string {
  const size = q.sizeSec * 1000;
  const keys = q.keys.map((k) => `${k}, `).join('');
  return `SELECT (ts / ${size}) * ${size} AS ws, ${keys}${AGGS} FROM events ${q.filter} GROUP BY ${keys}ws`;
}

/** Rows as sorted JSON strings of [ws, ...keys, ...aggregates], with Dates as epoch ms. */
function canonical(rows: readonly Record<string, unknown>[], q: QuerySpec): string[] {
  const cols = ['ws', ...q.keys, ...AGG_NAMES];
  return rows
    .map((r) =>
      JSON.stringify(
        cols.map((c) => {
          const v = r[c];
          if (v === undefined) throw new Error(`result row lacks column ${c}: ${JSON.stringify(r)}`);
          return v instanceof Date ? v.getTime() : v;
        }),
      ),
    )
    .sort();
}

async function eddyRows(events: readonly Event[], q: QuerySpec, delayMs: number): Promise<Record<string, unknown>[]> {
  const path = writeEvents(events);
  const eddy = await Eddy.open({ onWarning: (m) => expect.fail(`unexpected warning: ${m}`) });
  try {
    await eddy.execute(`CREATE STREAM events (k VARCHAR, v INT, price DOUBLE, ts TIMESTAMP(3),
      WATERMARK FOR ts AS ts - INTERVAL '${delayMs / 1000}' SECOND)
      WITH ('connector' = 'file', 'path' = '${path}', 'format' = 'json')`);
    await eddy.execute(`SET 'execution.batch-size' = '${q.batchSize}'`);
    return await eddy.query(eddySql(q)).toArray();
  } finally {
    await eddy.close();
  }
}

/** SQLite's batch GROUP BY over exactly `events`. */
async function sqliteRows(events: readonly Event[], q: QuerySpec): Promise<Record<string, Cell>[]> {
  await run('DELETE FROM events');
  await run('BEGIN');
  for (const e of events) await run('INSERT INTO events VALUES (?, ?, ?, ?)', [e.k, e.v, e.price, e.ts]);
  await run('COMMIT');
  return all(sqliteSql(q));
}

/**
 * DESIGN.md §3 replayed by hand: W starts at -infinity; a row is late when W >= its window's
 * end - 1 at arrival (before the row updates W); then W = max(W, ts - delay).
 */
function onTimeRows(events: readonly Event[], sizeMs: number, delayMs: number): Event[] {
  let w = -Infinity;
  const kept: Event[] = [];
  for (const e of events) {
    const end = Math.floor(e.ts / sizeMs) * sizeMs + sizeMs;
    if (!(w >= end - 1)) kept.push(e);
    w = Math.max(w, e.ts - delayMs);
  }
  return kept;
}

describe('tumbling windows vs SQLite', () => {
  it('sanity: the comparison sees a difference when there is one', async () => {
    const events: Event[] = [
      { k: 'a', v: 1, price: 1.5, ts: BASE + 100 },
      { k: 'a', v: null, price: null, ts: BASE + 1200 },
    ];
    const q: QuerySpec = { sizeSec: 1, filter: '', keys: ['k'], tvf: false, batchSize: 1 };
    const got = canonical(await eddyRows(events, q, 2000), q);
    expect(got).toEqual(canonical(await sqliteRows(events, q), q));
    expect(got).toEqual([
      JSON.stringify([BASE, 'a', 1, 1, 1.5, 1.5, 1.5, 1.5, 1, 'a']),
      JSON.stringify([BASE + 1000, 'a', 1, 0, null, null, null, null, null, 'a']),
    ]);
    expect(canonical(await sqliteRows(events.slice(1), q), q)).not.toEqual(got);
  });

  it('matches SQLite when no row is late (disorder < watermark delay)', async () => {
    const delayMs = 2000;
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(arbEvents(delayMs, 5), arbQuery, async (events, q) => {
        const got = canonical(await eddyRows(events, q, delayMs), q);
        const want = canonical(await sqliteRows(events, q), q);
        expect(got).toEqual(want);
        compared += want.length;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(compared).toBeGreaterThan(200);
  });

  it('drops exactly the late rows when disorder exceeds the delay', async () => {
    const delayMs = 1000;
    let someLate = 0;
    await fc.assert(
      fc.asyncProperty(arbEvents(6000, 10), arbQuery, async (events, q) => {
        const kept = onTimeRows(events, q.sizeSec * 1000, delayMs);
        someLate += events.length - kept.length;
        const got = canonical(await eddyRows(events, q, delayMs), q);
        const want = canonical(await sqliteRows(kept, q), q);
        expect(got).toEqual(want);
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
    // The property must actually exercise late rows, or it proves nothing about them.
    expect(someLate).toBeGreaterThan(50);
  });
});
