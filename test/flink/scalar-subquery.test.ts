/**
 * Scalar subqueries in WHERE, Eddy against real Flink (test/oracles/flink): the same script over
 * the same two files, each query's changelog folded to its final rows, must be the same multiset.
 * Covers an uncorrelated aggregate, a correlated MAX, a correlated COUNT (0 for a key with no
 * rows) and an updating outer side, with NULL keys and values.
 */
import { describe, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flinkSkip, useFlink } from './flink-env.js';
import { expectSameFoldAsFlink } from './fold-against-flink.js';

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

describe.skipIf(flinkSkip !== null)('scalar subqueries: Eddy vs Flink', () => {
  it('each query folds to the rows Flink folds to', () => expectSameFoldAsFlink(DDL, QUERIES), 180_000);
});
