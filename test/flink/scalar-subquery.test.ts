/**
 * Scalar subqueries in WHERE, Eddy against real Flink (test/oracles/flink): the same script over
 * the same two files, each query's changelog folded to its final rows, must be the same multiset.
 * Covers an uncorrelated aggregate, a correlated MAX, a correlated COUNT (0 for a key with no
 * rows) and an updating outer side, with NULL keys and values.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../../src/index.js';
import { toFlinkSql } from '../../src/flink/translate.js';
import { foldChangelog } from '../exec/changelog.js';
import { flink, flinkSkip, useFlink } from './flink-env.js';
import type { Value } from '../../src/common/types.js';

useFlink();

const dir = mkdtempSync(join(tmpdir(), 'eddy-flink-scalar-'));
// A fixed pseudo-random sequence (LCG): keys 0..4 and values 0..9, about one in seven NULL.
let seed = 7;
const next = (n: number): number | null => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % 7 === 0 ? null : seed % n;
};
const rows = (count: number) => Array.from({ length: count }, () => ({ k: next(5), x: next(10) }));
writeFileSync(join(dir, 'l.jsonl'), rows(60).map((r) => JSON.stringify(r)).join('\n') + '\n');
writeFileSync(join(dir, 'r.jsonl'), rows(40).map((r) => JSON.stringify(r)).join('\n') + '\n');

const DDL = `CREATE STREAM l (k INT, x INT) WITH ('connector' = 'file', 'path' = '${join(dir, 'l.jsonl')}', 'format' = 'json');
CREATE STREAM r (k INT, x INT) WITH ('connector' = 'file', 'path' = '${join(dir, 'r.jsonl')}', 'format' = 'json');`;

const QUERIES = [
  'SELECT k, x FROM l WHERE x > (SELECT AVG(CAST(x AS DOUBLE)) FROM r)',
  'SELECT l.k, l.x FROM l WHERE l.x = (SELECT MAX(r.x) FROM r WHERE r.k = l.k)',
  'SELECT k, x FROM l WHERE x > (SELECT COUNT(*) FROM r WHERE r.k = l.k)',
  'SELECT g.k, g.n FROM (SELECT k, COUNT(*) AS n FROM l GROUP BY k) g WHERE g.n > (SELECT COUNT(*) FROM r WHERE r.k = g.k)',
];

async function eddyFinal(sql: string): Promise<string[]> {
  const eddy = await Eddy.open();
  try {
    await eddy.execute(DDL);
    const out = await eddy.query(sql).toArray();
    return foldChangelog(out.map((r) => Object.values(r) as Value[]));
  } finally {
    await eddy.close();
  }
}

describe.skipIf(flinkSkip !== null)('scalar subqueries: Eddy vs Flink', () => {
  it('each query folds to the rows Flink folds to', async () => {
    const results = await flink(toFlinkSql(`${DDL}\n${QUERIES.join(';\n')};`).sql);
    expect(results.map((r) => r.error)).toEqual(QUERIES.map(() => undefined));
    for (const [i, sql] of QUERIES.entries()) {
      const flinkFinal = foldChangelog(results[i]!.rows.map((c) => [c.op, ...c.row] as Value[]));
      const eddy = await eddyFinal(sql);
      expect(eddy, sql).toEqual(flinkFinal);
      expect(eddy.length, sql).toBeGreaterThan(3);
    }
  }, 180_000);
});
