/**
 * GROUPING SETS / ROLLUP / CUBE, Eddy against real Flink (test/oracles/flink): the same script over
 * the same random file (NULL keys and values, rows late for the windows), non-windowed results
 * folded to their final rows, windowed ones as multisets of rows, must be the same.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../../src/index.js';
import { toFlinkSql } from '../../src/flink/translate.js';
import { foldChangelog } from '../exec/changelog.js';
import { flink, flinkSkip, useFlink } from './flink-env.js';
import type { Value } from '../../src/common/types.js';

useFlink();

const BASE = Date.UTC(2024, 4, 1, 10, 0, 0);
const sqlTimestamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

const events = fc.sample(
  fc.array(
    fc.record({
      k: fc.option(fc.constantFrom('a', 'b', 'c'), { freq: 5 }),
      v: fc.option(fc.integer({ min: -2, max: 4 }), { freq: 5 }),
      price: fc.option(fc.integer({ min: -20, max: 40 }).map((q) => q / 4), { freq: 4 }),
      advance: fc.integer({ min: 0, max: 4 }).map((n) => n * 250),
      disorder: fc.integer({ min: 0, max: 8 }).map((n) => n * 250),
    }),
    { minLength: 60, maxLength: 80 },
  ),
  { seed: 20261203, numRuns: 1 },
)[0]!;
let t = BASE + 3000;
const rows = events.map((s) => ({ k: s.k, v: s.v, price: s.price, ts: sqlTimestamp((t += s.advance) - s.disorder) }));
const dir = mkdtempSync(join(tmpdir(), 'eddy-flink-grouping-'));
writeFileSync(join(dir, 'ev.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

const DDL = `CREATE STREAM ev (k VARCHAR, v INT, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'file', 'path' = '${join(dir, 'ev.jsonl')}', 'format' = 'json')`;
const AGG = 'COUNT(*) AS n, SUM(price) AS s, MIN(price) AS mn, MAX(v) AS mx, AVG(price) AS ap';
const TUMBLE = "TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '2' SECOND))";

const CASES: readonly { readonly sql: string; readonly changelog: boolean }[] = [
  { sql: `SELECT k, v, GROUPING_ID(k, v) AS g, ${AGG} FROM ev GROUP BY GROUPING SETS ((k, v), (k), ())`, changelog: true },
  { sql: `SELECT k, v, GROUPING(k) AS gk, GROUPING(v) AS gv, ${AGG} FROM ev GROUP BY ROLLUP (k, v) HAVING COUNT(*) >= 2`, changelog: true },
  { sql: `SELECT k, v, GROUPING(k, v) AS g, ${AGG} FROM ev WHERE price IS NOT NULL OR v > 2 GROUP BY CUBE (k, v)`, changelog: true },
  { sql: `SELECT k, v, ${AGG} FROM ev GROUP BY k, ROLLUP (v)`, changelog: true },
  { sql: `SELECT k, ${AGG} FROM ev GROUP BY GROUPING SETS ((k), (k), ())`, changelog: true },
  { sql: `SELECT window_start, window_end, k, ${AGG} FROM ${TUMBLE} GROUP BY window_start, window_end, GROUPING SETS ((k), ())`, changelog: false },
  { sql: `SELECT window_start, window_end, k, v, GROUPING(v) AS gv, ${AGG} FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '3' SECOND)) GROUP BY window_start, window_end, ROLLUP (k, v)`, changelog: false },
  { sql: `SELECT window_start, k, v, ${AGG} FROM ${TUMBLE} WHERE v IS NOT NULL OR price > 0 GROUP BY window_start, window_end, CUBE (k, v)`, changelog: false },
];

async function eddyRows(sql: string, batchSize: number): Promise<Value[][]> {
  const eddy = await Eddy.open();
  try {
    await eddy.execute(DDL);
    await eddy.execute(`SET 'execution.batch-size' = '${batchSize}'`);
    const out = await eddy.query(sql).toArray();
    return out.map((r) => Object.values(r).map((v) => (v instanceof Date ? sqlTimestamp(v.getTime()) : v)) as Value[]);
  } finally {
    await eddy.close();
  }
}

describe.skipIf(flinkSkip !== null)('GROUPING SETS, ROLLUP, CUBE: Eddy vs Flink', () => {
  it('each query gives the rows Flink gives', async () => {
    const results = await flink(toFlinkSql(`${DDL};\n${CASES.map((c) => c.sql).join(';\n')};`).sql);
    expect(results.map((r) => r.error)).toEqual(CASES.map(() => undefined));
    let compared = 0;
    for (const [i, c] of CASES.entries()) {
      const want = results[i]!;
      const got = await eddyRows(c.sql, [1, 7, 1000][i % 3]!);
      if (c.changelog) {
        expect(foldChangelog(got), c.sql).toEqual(foldChangelog(want.rows.map((r) => [r.op, ...r.row] as Value[])));
      } else {
        expect(new Set(want.rows.map((r) => r.op)), c.sql).toEqual(new Set(['+I']));
        expect(got.map((r) => JSON.stringify(r)).sort(), c.sql).toEqual(want.rows.map((r) => JSON.stringify(r.row)).sort());
      }
      compared += want.rows.length;
    }
    expect(compared).toBeGreaterThan(200);
  }, 300_000);
});
