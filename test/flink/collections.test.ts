/**
 * Collections (issue 12), Eddy against real Flink (test/oracles/flink): ARRAY, MAP and ARRAY<ROW>
 * columns read from one JSON file; subscripts (in and out of range), map lookups, CARDINALITY,
 * ELEMENT, array equality and UNNEST (of an array, a map, an ARRAY<ROW>, WITH ORDINALITY, into a
 * GROUP BY). Each query's changelog folded to its final rows must be the same multiset.
 */
import { describe, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flinkSkip, useFlink } from './flink-env.js';
import { expectSameFoldAsFlink } from './fold-against-flink.js';

useFlink();

const dir = mkdtempSync(join(tmpdir(), 'eddy-flink-collections-'));
let seed = 11;
// The LCG's low bits cycle quickly: take the high ones.
const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), Math.floor(seed / 65536) % n);
const rows = Array.from({ length: 40 }, (_, id) => {
  const tags = next(6) === 0 ? null : Array.from({ length: next(4) }, () => (next(9) === 0 ? null : `t${next(4)}`));
  const attrs: Record<string, number> | null = next(7) === 0 ? null : {};
  if (attrs) for (let k = next(3); k > 0; k--) attrs[`k${next(3)}`] = next(50);
  const items = Array.from({ length: next(3) }, () => ({ sku: `p${next(5)}`, qty: next(9) }));
  return { id, tags, attrs, items };
});
writeFileSync(join(dir, 'orders.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

const DDL = `CREATE TABLE orders (id INT, tags ARRAY<STRING>, attrs MAP<STRING, INT>, items ARRAY<ROW<sku STRING, qty INT>>)
WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'orders.jsonl')}', 'format' = 'json');`;

const QUERIES = [
  "SELECT id, tags[1] AS t1, tags[3] AS t3, attrs['k1'] AS k1, CARDINALITY(tags) AS nt, CARDINALITY(attrs) AS na, items[1].sku AS sku, ELEMENT(ARRAY[id]) AS e FROM orders",
  "SELECT id, tags = ARRAY['t1', 't2'] AS same, tags IS NULL AS no_tags FROM orders",
  'SELECT id, tag FROM orders CROSS JOIN UNNEST(tags) AS t (tag)',
  'SELECT id, k, v FROM orders CROSS JOIN UNNEST(attrs) AS t (k, v)',
  'SELECT id, sku, qty FROM orders CROSS JOIN UNNEST(items) AS t (sku, qty)',
  'SELECT id, tag, pos FROM orders CROSS JOIN UNNEST(tags) WITH ORDINALITY AS t (tag, pos)',
  'SELECT tag, COUNT(*) AS n, SUM(id) AS s FROM orders CROSS JOIN UNNEST(tags) AS t (tag) GROUP BY tag',
];

describe.skipIf(flinkSkip !== null)('collections: Eddy vs Flink', () => {
  it('each query folds to the rows Flink folds to', () => expectSameFoldAsFlink(DDL, QUERIES), 300_000);
});
