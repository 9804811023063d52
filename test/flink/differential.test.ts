/**
 * Differential tests against real Flink (a 2.x MiniCluster, test/oracles/flink): random event
 * files with disorder beyond the watermark delay (so some rows are late) are read by Eddy and
 * by Flink through the same script (Eddy's, translated by toFlinkSql), and every query's result
 * must be the same:
 *  - windowed and append-only queries: the same multiset of rows (Flink emits a window's rows in
 *    no promised order);
 *  - non-windowed GROUP BY: with one row a batch Eddy's changelog equals Flink's, in order
 *    (Flink, without mini-batch, emits -U/+U for every row and suppresses an unchanged result);
 *    with larger batches Eddy folds a batch's changes per key, so there the folded final result
 *    is compared.
 * Watermarks are deterministic in Flink here: the oracle emits one after every row that advances
 * it (auto-watermark-interval 0) at parallelism 1, so which rows are late does not depend on timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../../src/index.js';
import { toFlinkSql } from '../../src/flink/translate.js';
import { foldChangelog } from '../exec/changelog.js';
import { flink, flinkSkip, useFlink } from './flink-env.js';
import type { FlinkStatementResult } from '../oracles/flink/flink.js';

useFlink();

interface Event {
  readonly k: string | null;
  readonly v: number | null;
  readonly price: number | null;
  readonly ts: number;
}

const BASE = Date.UTC(2024, 4, 1, 10, 0, 0);
const DELAY_MS = 1000;

/** Rows moving forward on a 250 ms grid (some 1 ms early: window edges), with disorder up to `maxDisorder` ms. */
function arbEvents(maxDisorder: number): fc.Arbitrary<Event[]> {
  const step = fc.record({
    k: fc.option(fc.constantFrom('a', 'b', 'c'), { freq: 5 }),
    v: fc.option(fc.integer({ min: -2, max: 5 }), { freq: 5 }),
    price: fc.option(fc.integer({ min: -20, max: 40 }).map((q) => q / 4), { freq: 4 }),
    advance: fc.integer({ min: 0, max: 5 }).map((n) => n * 250),
    disorder: fc.integer({ min: 0, max: Math.floor(maxDisorder / 250) }).map((n) => n * 250),
    early: fc.constantFrom(0, 0, 0, 1),
  });
  return fc.array(step, { minLength: 40, maxLength: 90 }).map((steps) => {
    let t = BASE + maxDisorder;
    return steps.map((s) => {
      t += s.advance;
      return { k: s.k, v: s.v, price: s.price, ts: t - s.disorder - s.early };
    });
  });
}

/** TIMESTAMP as both read it from JSON and print it: `yyyy-MM-dd HH:mm:ss.SSS`. */
const sqlTimestamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

const AGG = 'COUNT(*) AS n, COUNT(price) AS np, SUM(price) AS s, AVG(price) AS ap, MIN(price) AS mn, MAX(price) AS mx, SUM(v) AS sv, AVG(v) AS av, MIN(k) AS mk';
const W = "INTERVAL '2' SECOND";

interface Case {
  readonly name: string;
  readonly sql: string;
  readonly changelog?: boolean;
}

/** Queries over one stream `ev` with late rows. */
const CASES: readonly Case[] = [
  { name: 'TUMBLE TVF', sql: `SELECT window_start, window_end, k, ${AGG} FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), ${W})) GROUP BY window_start, window_end, k` },
  { name: 'TUMBLE group window, WHERE with NULLs', sql: `SELECT TUMBLE_START(ts, ${W}) AS ws, TUMBLE_END(ts, ${W}) AS we, k, ${AGG} FROM ev WHERE price IS NOT NULL OR v > 2 GROUP BY k, TUMBLE(ts, ${W})` },
  { name: 'HOP TVF', sql: `SELECT window_start, window_end, ${AGG} FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '3' SECOND)) WHERE NOT (v < 3) GROUP BY window_start, window_end` },
  { name: 'HOP group window', sql: `SELECT HOP_START(ts, INTERVAL '1' SECOND, INTERVAL '3' SECOND) AS ws, HOP_END(ts, INTERVAL '1' SECOND, INTERVAL '3' SECOND) AS we, k, ${AGG} FROM ev GROUP BY HOP(ts, INTERVAL '1' SECOND, INTERVAL '3' SECOND), k` },
  { name: 'CUMULATE TVF', sql: `SELECT window_start, window_end, k, ${AGG} FROM TABLE(CUMULATE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '4' SECOND)) GROUP BY window_start, window_end, k` },
  { name: 'SESSION TVF with PARTITION BY', sql: `SELECT window_start, window_end, k, ${AGG} FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k` },
  { name: 'SESSION group window per key', sql: `SELECT SESSION_START(ts, INTERVAL '1' SECOND) AS ws, SESSION_END(ts, INTERVAL '1' SECOND) AS we, k, ${AGG} FROM ev GROUP BY k, SESSION(ts, INTERVAL '1' SECOND)` },
  { name: 'SESSION group window, no key, 500 ms gap', sql: `SELECT SESSION_START(ts, INTERVAL '500' MILLISECOND) AS ws, SESSION_END(ts, INTERVAL '500' MILLISECOND) AS we, ${AGG} FROM ev WHERE v IS NOT NULL GROUP BY SESSION(ts, INTERVAL '500' MILLISECOND)` },
  {
    name: 'GROUP BY k, window_start, window_end over SESSION windows per k (attached session windows, append-only)',
    sql: `SELECT k, window_start, window_end, COUNT(*) AS sessions, SUM(n) AS n, MAX(mx) AS mx FROM (SELECT window_start, window_end, k, COUNT(*) AS n, MAX(price) AS mx FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, k) AS s GROUP BY k, window_start, window_end`,
  },
  { name: 'GROUP BY changelog', sql: 'SELECT k, COUNT(*) AS n, SUM(v) AS sv, MAX(price) AS mx, MIN(price) AS mn FROM ev GROUP BY k', changelog: true },
  { name: 'GROUP BY with WHERE and HAVING', sql: 'SELECT v, COUNT(*) AS n, SUM(price) AS s FROM ev WHERE k IS NOT NULL GROUP BY v HAVING COUNT(*) >= 2', changelog: true },
  { name: 'filter and projection with NULLs', sql: "SELECT k, v * 2 AS v2, price + 1 AS p1, CASE WHEN v IS NULL THEN -1 ELSE v END AS vc, COALESCE(k, 'none') AS kc, ts FROM ev WHERE price > 0 OR v IS NULL OR k = 'b'" },
  { name: 'three-valued NOT', sql: 'SELECT k, v, price FROM ev WHERE NOT (price > 1 AND v < 3)' },
  { name: 'UNION ALL of two filters', sql: 'SELECT k, v, ts FROM ev WHERE v > 2 UNION ALL SELECT k, v, ts FROM ev WHERE price < 0' },
  { name: 'window TVF without GROUP BY', sql: `SELECT k, v, window_start, window_end, window_time FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' SECOND, ${W}))` },
  { name: 'TUMBLE with HAVING', sql: `SELECT TUMBLE_START(ts, ${W}) AS ws, k, COUNT(*) AS n, SUM(v) AS sv FROM ev GROUP BY k, TUMBLE(ts, ${W}) HAVING COUNT(*) > 1 AND (SUM(v) > 0 OR SUM(v) IS NULL)` },
  // FIRST_VALUE/LAST_VALUE order by event time in Eddy, by arrival in Flink: a documented difference, pinned below.
  { name: 'DISTINCT and LISTAGG (arrival order) over TUMBLE', sql: `SELECT window_start, COUNT(DISTINCT k) AS dk, COUNT(DISTINCT v) AS dv, LISTAGG(k) AS ks, LISTAGG(CAST(v AS VARCHAR), ';') AS vs FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), ${W})) GROUP BY window_start, window_end` },
  { name: 'scalar expressions', sql: "SELECT k, v / 2 AS half, MOD(v, 3) AS m, CAST(price AS INT) AS pi, UPPER(k) AS uk, CHAR_LENGTH(k) AS kl, k || '-' || CAST(v AS VARCHAR) AS kv, ABS(price) AS ab, FLOOR(price) AS fp, v BETWEEN 1 AND 3 AS b, k IN ('a', 'b') AS inab, k LIKE 'a%' AS lk, NULLIF(v, 0) AS nz FROM ev" },
  { name: 'global aggregate changelog', sql: 'SELECT COUNT(*) AS n, SUM(price) AS s, MAX(v) AS mx FROM ev', changelog: true },
  { name: 'GROUP BY two keys changelog', sql: 'SELECT k, v, COUNT(*) AS n, SUM(price) AS s FROM ev WHERE price IS NOT NULL GROUP BY k, v', changelog: true },
];

/** Windows over the UNION ALL of two files: disorder stays below the delay, since which input Flink reads first is timing-dependent (and so would be the lateness of a row against the minimum watermark). */
const UNION_CASES: readonly Case[] = [
  { name: 'TUMBLE over UNION ALL of two streams', sql: `SELECT TUMBLE_START(ts, ${W}) AS ws, k, COUNT(*) AS n, SUM(v) AS sv, MAX(price) AS mx FROM (SELECT k, v, price, ts FROM ev UNION ALL SELECT k, v, price, ts FROM ev2) GROUP BY k, TUMBLE(ts, ${W})` },
  { name: 'HOP TVF over UNION ALL of two streams', sql: `SELECT window_start, window_end, COUNT(*) AS n, SUM(price) AS s FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '2' SECOND)) GROUP BY window_start, window_end UNION ALL SELECT window_start, window_end, COUNT(*) AS n, SUM(price) AS s FROM TABLE(HOP(TABLE ev2, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '2' SECOND)) GROUP BY window_start, window_end` },
];

interface Result {
  readonly columns: readonly string[];
  /** Each row as its values in column order; an updating result's first value is the op. */
  readonly rows: readonly (readonly unknown[])[];
}

let dir = '';
let seq = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-flink-diff-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeEvents(events: readonly Event[]): string {
  const path = join(dir, `events-${++seq}.jsonl`);
  writeFileSync(path, events.map((e) => JSON.stringify({ ...e, ts: sqlTimestamp(e.ts) }) + '\n').join(''));
  return path;
}

const createStream = (name: string, path: string): string =>
  `CREATE STREAM ${name} (k VARCHAR, v INT, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '${DELAY_MS}' MILLISECOND) WITH ('connector' = 'file', 'path' = '${path}', 'format' = 'json')`;

async function eddy(ddl: readonly string[], sql: string, batchSize: number): Promise<Result> {
  const e = await Eddy.open();
  try {
    for (const d of ddl) await e.execute(d);
    await e.execute(`SET 'execution.batch-size' = '${batchSize}'`);
    const rows = await e.query(sql).toArray();
    const columns = rows.length > 0 ? Object.keys(rows[0]!).filter((c) => c !== 'op') : [];
    return { columns, rows: rows.map((r) => Object.values(r).map((v) => (v instanceof Date ? sqlTimestamp(v.getTime()) : v))) };
  } finally {
    await e.close();
  }
}

/** Flink's answers to every query, over the same streams (one script, one TableEnvironment). */
async function flinkAll(ddl: readonly string[], cases: readonly Case[]): Promise<FlinkStatementResult[]> {
  const script = toFlinkSql([...ddl, ...cases.map((c) => c.sql)].join(';\n') + ';').sql;
  const results = await flink(script);
  const failed = results.find((r) => r.error !== undefined);
  if (failed) throw new Error(`Flink refused statement ${failed.stmt} of\n${script}\n${failed.error}`);
  if (results.length !== cases.length) throw new Error(`Flink answered ${results.length} of ${cases.length} queries of\n${script}`);
  return results;
}

const sortedRows = (rows: readonly (readonly unknown[])[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

/**
 * Flink's changelog with its unpaired updates named as Eddy names them (a documented difference,
 * README "Differences from Flink"): HAVING filters the aggregate's changes one by one, so where a
 * group starts to pass it Flink emits a +U whose -U was filtered out, and where it stops passing a
 * -U whose +U was; Eddy emits +I and -D there, so every -U is followed by its +U.
 */
function pairedKinds(rows: readonly (readonly unknown[])[]): unknown[][] {
  return rows.map((r, i) => {
    if (r[0] === '+U' && rows[i - 1]?.[0] !== '-U') return ['+I', ...r.slice(1)];
    if (r[0] === '-U' && rows[i + 1]?.[0] !== '+U') return ['-D', ...r.slice(1)];
    return [...r];
  });
}

/** Compares one query's results; returns how many rows were compared. */
function compare(c: Case, got: Result, want: FlinkStatementResult, batchSize: number): number {
  const flinkRows = want.rows.map((r) => (c.changelog ? [r.op, ...r.row] : r.row));
  if (got.rows.length > 0) expect(got.columns, c.name).toEqual(want.columns);
  if (!c.changelog) {
    expect(new Set(want.rows.map((r) => r.op)), `${c.name}: Flink's result is append-only`).toEqual(new Set(want.rows.length ? ['+I'] : []));
    expect(sortedRows(got.rows), c.name).toEqual(sortedRows(flinkRows));
  } else if (batchSize === 1) {
    expect(got.rows.map((r) => JSON.stringify(r)), `${c.name}: the changelog, row by row`).toEqual(pairedKinds(flinkRows).map((r) => JSON.stringify(r)));
  } else {
    expect(foldChangelog(got.rows as unknown[][] as never), `${c.name}: the folded result`).toEqual(foldChangelog(flinkRows as never));
  }
  return want.rows.length;
}

describe.skipIf(flinkSkip !== null)('Eddy vs Flink on the same script', () => {
  const datasets = fc.sample(arbEvents(3000), { seed: 20261202, numRuns: 3 });
  // Every file's Flink run is asked for up front: the JVM works through them while Eddy computes.
  const flinkRuns: Promise<FlinkStatementResult[]>[] = [];
  const ddls: string[][] = [];
  beforeAll(() => {
    for (const events of datasets) {
      const ddl = [createStream('ev', writeEvents(events))];
      ddls.push(ddl);
      const run = flinkAll(ddl, CASES);
      run.catch(() => {}); // reported by the test that awaits it
      flinkRuns.push(run);
    }
  });
  it.each(datasets.map((events, d) => ({ events, d, file: String(d + 1) })))('windows, GROUP BY changelogs, filters, NULLs and UNION ALL over random file $file with late rows', async ({ events, d }) => {
    const ddl = ddls[d]!;
    const eddyResults: Result[] = [];
    for (const [i, c] of CASES.entries()) eddyResults.push(await eddy(ddl, c.sql, [1, 1, 7, 1000][(i + d) % 4]!));
    const want = await flinkRuns[d]!;
    let compared = 0;
    for (const [i, c] of CASES.entries()) compared += compare(c, eddyResults[i]!, want[i]!, [1, 1, 7, 1000][(i + d) % 4]!);
    // The file must have late rows for this test to mean anything: count rows behind the watermark.
    let late = 0;
    let w = -Infinity;
    for (const e of events) {
      if (e.ts <= w) late++;
      w = Math.max(w, e.ts - DELAY_MS);
    }
    expect(late).toBeGreaterThan(2);
    expect(compared).toBeGreaterThan(300);
  }, 60_000);

  it('documented difference (README, Differences from Flink): FIRST_VALUE/LAST_VALUE take the earliest/latest event time in Eddy, the first/last arrival in Flink', async () => {
    const events: Event[] = [
      { k: 'a', v: 2, price: 1, ts: BASE + 500 },
      { k: 'a', v: 1, price: 1, ts: BASE + 100 },
      { k: 'a', v: 3, price: 1, ts: BASE + 300 },
    ];
    const ddl = [createStream('ev', writeEvents(events))];
    const c: Case = { name: 'FIRST_VALUE/LAST_VALUE', sql: `SELECT window_start, FIRST_VALUE(v) AS fv, LAST_VALUE(v) AS lv FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), ${W})) GROUP BY window_start, window_end` };
    const [want] = await flinkAll(ddl, [c]);
    expect(want!.rows.map((r) => r.row)).toEqual([[sqlTimestamp(BASE), 2, 3]]);
    expect((await eddy(ddl, c.sql, 1)).rows).toEqual([[sqlTimestamp(BASE), 1, 2]]);
  });

  it('windows over UNION ALL of two files', async () => {
    const [a, b] = fc.sample(arbEvents(750), { seed: 20261203, numRuns: 2 });
    const ddl = [createStream('ev', writeEvents(a!)), createStream('ev2', writeEvents(b!))];
    const want = await flinkAll(ddl, UNION_CASES);
    let compared = 0;
    for (const [i, c] of UNION_CASES.entries()) compared += compare(c, await eddy(ddl, c.sql, [1, 7][i % 2]!), want[i]!, 1);
    expect(compared).toBeGreaterThan(20);
  }, 120_000);
});
