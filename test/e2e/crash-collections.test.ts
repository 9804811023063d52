/**
 * Collections through checkpoints (issue 12): a JSON file of rows with ARRAY, MAP and ARRAY<ROW>
 * columns; persistent queries that GROUP BY an array (an ARRAY state key), aggregate an array
 * element and CARDINALITY, UNNEST into a window aggregate, and keep whole rows with arrays and
 * maps in Top-N state (MAP values in the state codec). `eddy -f` SIGKILLed after checkpoints and
 * re-run must leave every file sink byte for byte equal to an uninterrupted run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './checkpoint-helpers.js';
import { expectSameOutputAfterKills, runToEnd as runToEndIn } from './crash-helpers.js';

const ROWS = 120_000;
let dir: string;

function ordersJsonl(rows: number): string {
  const lines: string[] = [];
  let seed = 7;
  const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  for (let i = 0; i < rows; i++) {
    const tags = Array.from({ length: rnd(4) }, () => `t${rnd(6)}`);
    const attrs: Record<string, number> = {};
    for (let k = rnd(3); k > 0; k--) attrs[`k${rnd(4)}`] = rnd(100);
    const items = Array.from({ length: rnd(3) }, () => ({ sku: `p${rnd(20)}`, qty: rnd(9) + 1 }));
    lines.push(JSON.stringify({ id: i, usr: rnd(50), ts: 1_700_000_000_000 + i * 10, tags, attrs, items }));
  }
  return lines.join('\n') + '\n';
}

const SCRIPT = `
CREATE TABLE orders (
  id BIGINT, usr INT, ts TIMESTAMP(3), tags ARRAY<STRING>, attrs MAP<STRING, INT>, items ARRAY<ROW<sku STRING, qty INT>>,
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'orders.jsonl', 'format' = 'json');
SET 'execution.batch-size' = '256';
CREATE TABLE by_tags WITH ('connector' = 'filesystem', 'path' = 'by_tags.jsonl', 'format' = 'json') AS
SELECT tags, COUNT(*) AS n, MAX(CARDINALITY(items)) AS most_items FROM orders GROUP BY tags;
CREATE VIEW unnested AS SELECT o.ts, t.sku, t.qty FROM orders AS o CROSS JOIN UNNEST(o.items) AS t (sku, qty);
CREATE TABLE sku_windows WITH ('connector' = 'filesystem', 'path' = 'sku_windows.jsonl', 'format' = 'json') AS
SELECT window_start, sku, SUM(qty) AS qty, COUNT(*) AS n
FROM TABLE(TUMBLE(TABLE unnested, DESCRIPTOR(ts), INTERVAL '5' SECOND))
GROUP BY window_start, window_end, sku;
CREATE TABLE latest WITH ('connector' = 'filesystem', 'path' = 'latest.jsonl', 'format' = 'json') AS
SELECT usr, tags, attrs, items FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY usr ORDER BY CARDINALITY(tags) DESC, id ASC) AS rn FROM orders
) WHERE rn <= 1;
`;

const OUTS = ['by_tags.jsonl', 'sku_windows.jsonl', 'latest.jsonl'];
const runToEnd = (state: string): number => runToEndIn(dir, 'q.sql', state, 30);

beforeAll(() => {
  dir = tempDir('crash-collections');
  writeFileSync(join(dir, 'orders.jsonl'), ordersJsonl(ROWS));
  writeFileSync(join(dir, 'q.sql'), SCRIPT);
});

describe('collections in checkpointed state', () => {
  it('array keys, unnested windows and Top-N rows with maps survive SIGKILLs', async () => {
    expect(runToEnd('ref.db')).toBe(0);
    const reference = OUTS.map((f) => readFileSync(join(dir, f)));
    const first = (f: number): Record<string, unknown> => JSON.parse(reference[f]!.toString().split('\n')[0]!) as Record<string, unknown>;
    expect(Array.isArray(first(0)['tags'])).toBe(true);
    expect(first(1)['sku']).toMatch(/^p\d+$/);
    expect(typeof first(2)['attrs']).toBe('object');
    for (const f of OUTS) rmSync(join(dir, f));
    // One kill sequence; every sink is compared after the final run.
    await expectSameOutputAfterKills(dir, 'q.sql', 'crash.db', 4, OUTS[0]!, reference[0]!);
    OUTS.forEach((f, i) => expect(readFileSync(join(dir, f)).equals(reference[i]!), f).toBe(true));
  }, 90_000);
});
