/**
 * UNION (distinct), INTERSECT [ALL], EXCEPT [ALL], VALUES and SELECT without FROM against real
 * Flink (a 2.x MiniCluster, test/oracles/flink) over two random files with NULLs and duplicates.
 * Flink plans INTERSECT / EXCEPT as semi / anti joins, Eddy as a counting GROUP BY (README, "Set
 * operations"), so their changelogs' intermediate updates differ: the folded final results are compared.
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

useFlink();

const arbRows = fc.array(fc.record({ k: fc.option(fc.constantFrom('a', 'b', 'c'), { freq: 5 }), v: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 5 }) }), { minLength: 20, maxLength: 40 });

const CASES: readonly string[] = [
  'SELECT k, v FROM l UNION SELECT k, v FROM r',
  'SELECT k, v FROM l INTERSECT SELECT k, v FROM r',
  'SELECT k, v FROM l EXCEPT SELECT k, v FROM r',
  'SELECT k, v FROM l INTERSECT ALL SELECT k, v FROM r',
  'SELECT k, v FROM l EXCEPT ALL SELECT k, v FROM r',
  'SELECT k FROM l EXCEPT SELECT k FROM r INTERSECT SELECT k FROM l WHERE v > 1',
  "SELECT id, name FROM (VALUES (1, 'a'), (2, 'b'), (2, 'b')) AS t(id, name)",
  "SELECT 1 + 1 AS x, 'Hello World' AS y",
];

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-flink-setops-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A result as its folded multiset; an append-only result's rows count as +I. */
const fold = (rows: readonly (readonly unknown[])[]): string[] => foldChangelog(rows as never);

describe.skipIf(flinkSkip !== null)('set operations and VALUES: Eddy vs Flink, folded', () => {
  it('the same final rows over random inputs with NULLs and duplicates', async () => {
    const [left, right] = fc.sample(arbRows, { seed: 20261203, numRuns: 2 });
    const file = (name: string, rows: readonly object[]): string => {
      const path = join(dir, `${name}.jsonl`);
      writeFileSync(path, rows.map((r) => JSON.stringify(r) + '\n').join(''));
      return path;
    };
    const ddl = [
      `CREATE STREAM l (k VARCHAR, v INT) WITH ('connector' = 'file', 'path' = '${file('l', left!)}', 'format' = 'json')`,
      `CREATE STREAM r (k VARCHAR, v INT) WITH ('connector' = 'file', 'path' = '${file('r', right!)}', 'format' = 'json')`,
    ];
    const results = await flink(toFlinkSql([...ddl, ...CASES].join(';\n') + ';').sql);
    const failed = results.find((x) => x.error !== undefined);
    if (failed) throw new Error(`Flink refused statement ${failed.stmt}: ${failed.error}`);
    expect(results).toHaveLength(CASES.length);
    let compared = 0;
    for (const [i, sql] of CASES.entries()) {
      const e = await Eddy.open();
      let got: unknown[][];
      try {
        for (const d of ddl) await e.execute(d);
        await e.execute(`SET 'execution.batch-size' = '${[1, 3, 1000][i % 3]}'`);
        got = (await e.query(sql).toArray()).map((row) => ('op' in row ? Object.values(row) : ['+I', ...Object.values(row)]));
      } finally {
        await e.close();
      }
      const want = results[i]!;
      expect(fold(got), sql).toEqual(fold(want.rows.map((x) => [x.op, ...x.row])));
      compared += fold(got).length;
    }
    expect(compared).toBeGreaterThan(15);
  }, 300_000);
});
