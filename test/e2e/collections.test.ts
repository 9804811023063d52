/**
 * Collections end to end through `eddy -f` (issue 12): a JSON file source with ARRAY, MAP and
 * ARRAY<ROW> columns into a JSON file sink (arrays and objects again) and a SQLite sink (JSON text).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, sql, tempDir } from './checkpoint-helpers.js';
import { Eddy } from '../../src/index.js';

const INPUT = [
  { id: 1, ts: '2024-01-01 00:00:01', tags: ['a', 'b'], attrs: { color: 'red' }, items: [{ sku: 'p1', qty: 2, at: '2024-01-01 00:00:00' }] },
  { id: 2, ts: '2024-01-01 00:00:02', tags: [], attrs: {}, items: [] },
  { id: 3, ts: '2024-01-01 00:00:03', tags: null, attrs: { size: 'L', color: 'blue' }, items: [{ sku: 'p2', qty: 1, at: 1704067200500 }] },
];

const SCRIPT = `
CREATE TABLE orders (
  id INT, ts TIMESTAMP(3), tags ARRAY<STRING>, attrs MAP<STRING, STRING>, items ARRAY<ROW<sku STRING, qty INT, at TIMESTAMP(3)>>
) WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
CREATE TABLE copied WITH ('connector' = 'filesystem', 'path' = 'copied.jsonl', 'format' = 'json') AS
SELECT id, tags, attrs, items, ARRAY[id, CARDINALITY(items)] AS counts FROM orders;
CREATE TABLE lines WITH ('connector' = 'filesystem', 'path' = 'lines.jsonl', 'format' = 'json') AS
SELECT o.id, t.sku, t.qty * 10 AS qty10, t.at FROM orders AS o CROSS JOIN UNNEST(o.items) AS t (sku, qty, at);
CREATE TABLE kept (id INT, tags ARRAY<STRING>, attrs MAP<STRING, STRING>) WITH ('connector' = 'sqlite', 'path' = 'sink.db', 'table' = 'kept');
INSERT INTO kept SELECT id, tags, attrs FROM orders;
`;

const jsonLines = (text: string): unknown[] => text.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);

describe('collections through file and SQLite sinks', () => {
  it('writes arrays, maps and rows as JSON, timestamps inside them as text', async () => {
    const dir = tempDir('collections');
    writeFileSync(join(dir, 'in.jsonl'), INPUT.map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(join(dir, 'q.sql'), SCRIPT);
    const r = runCli(dir, ['-f', 'q.sql', '--state', 'state.db']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(jsonLines(readFileSync(join(dir, 'copied.jsonl'), 'utf8'))).toEqual([
      { id: 1, tags: ['a', 'b'], attrs: { color: 'red' }, items: [{ sku: 'p1', qty: 2, at: '2024-01-01 00:00:00.000' }], counts: [1, 1] },
      { id: 2, tags: [], attrs: {}, items: [], counts: [2, 0] },
      { id: 3, tags: null, attrs: { size: 'L', color: 'blue' }, items: [{ sku: 'p2', qty: 1, at: '2024-01-01 00:00:00.500' }], counts: [3, 1] },
    ]);
    expect(jsonLines(readFileSync(join(dir, 'lines.jsonl'), 'utf8'))).toEqual([
      { id: 1, sku: 'p1', qty10: 20, at: '2024-01-01 00:00:00.000' },
      { id: 3, sku: 'p2', qty10: 10, at: '2024-01-01 00:00:00.500' },
    ]);
    const rows = await sql<{ id: number; tags: string | null; attrs: string }>(join(dir, 'sink.db'), 'SELECT id, tags, attrs FROM kept ORDER BY id');
    expect(rows).toEqual([
      { id: 1, tags: '["a","b"]', attrs: '{"color":"red"}' },
      { id: 2, tags: '[]', attrs: '{}' },
      { id: 3, tags: null, attrs: '{"size":"L","color":"blue"}' },
    ]);
  });

  it('refuses a CSV table with an ARRAY column when it is declared', () => {
    const dir = tempDir('collections-csv');
    writeFileSync(join(dir, 'q.sql'), "CREATE TABLE t (id INT, tags ARRAY<INT>) WITH ('connector' = 'filesystem', 'path' = 'x.csv', 'format' = 'csv');\n");
    const r = runCli(dir, ['-f', 'q.sql', '--state', ':memory:']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("the csv format cannot hold column 'tags' of type ARRAY<INT>");
  });
});

describe('collections through the embedding API', () => {
  it('inserts arrays, Maps and objects, and returns arrays, Maps, row objects and Dates', async () => {
    const eddy = await Eddy.open();
    await eddy.execute("CREATE STREAM s (id INT, tags ARRAY<STRING>, attrs MAP<STRING, INT>, items ARRAY<ROW<sku STRING, at TIMESTAMP(3)>>) WITH ('connector' = 'memory')");
    const q = eddy.query('SELECT id, tags, attrs, items, tag FROM s CROSS JOIN UNNEST(tags) AS t (tag)');
    await eddy.insert('s', [
      { id: 1, tags: ['a', 'b'], attrs: new Map([['x', 1]]), items: [{ sku: 'p', at: 0 }] },
      { id: 2, tags: [], attrs: { y: 2 }, items: [] },
    ]);
    eddy.end('s');
    const rows = await q.toArray();
    await eddy.close();
    const items = [{ sku: 'p', at: new Date(0) }];
    expect(rows).toEqual([
      { id: 1, tags: ['a', 'b'], attrs: new Map([['x', 1]]), items, tag: 'a' },
      { id: 1, tags: ['a', 'b'], attrs: new Map([['x', 1]]), items, tag: 'b' },
    ]);
  });
});
