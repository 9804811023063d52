/**
 * Collections holding exact numbers (the ARRAY/MAP and DECIMAL/BIGINT work meeting): an
 * ARRAY<DECIMAL(10, 2)> and a MAP of BIGINTs read from JSON, written back to JSON exactly (scale
 * kept, 2^63 - 1 as its digits), printed in Flink's text, subscripted into decimal arithmetic and
 * unnested, through the real CLI.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './checkpoint-helpers.js';

describe('collections of exact numbers', () => {
  it('round-trip, print, subscript and UNNEST keep every digit', () => {
    const dir = tempDir('collections-exact');
    writeFileSync(join(dir, 'in.jsonl'), '{"id": 9223372036854775807, "prices": [1.5, 2.25], "m": {"a": 9007199254740993}}\n{"id": 1, "prices": [], "m": {}}\n');
    writeFileSync(
      join(dir, 'q.sql'),
      `CREATE TABLE t (id BIGINT, prices ARRAY<DECIMAL(10, 2)>, m MAP<STRING, BIGINT>) WITH ('connector' = 'filesystem', 'path' = 'in.jsonl', 'format' = 'json');
CREATE TABLE o (id BIGINT, prices ARRAY<DECIMAL(10, 2)>, m MAP<STRING, BIGINT>) WITH ('connector' = 'filesystem', 'path' = 'out.jsonl', 'format' = 'json');
CREATE TABLE p (id BIGINT, prices ARRAY<DECIMAL(10, 2)>, total DECIMAL(20, 2)) WITH ('connector' = 'print');
INSERT INTO o SELECT * FROM t;
INSERT INTO p SELECT id, prices, prices[1] + prices[2] FROM t;
SELECT id, x FROM t CROSS JOIN UNNEST(prices) AS u (x);
`,
    );
    const r = runCli(dir, ['-f', 'q.sql', '--state', ':memory:', '--format', 'json'], 30_000);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'out.jsonl'), 'utf8')).toBe('{"id":9223372036854775807,"prices":[1.50,2.25],"m":{"a":9007199254740993}}\n{"id":1,"prices":[],"m":{}}\n');
    expect(r.stdout).toContain('+I[9223372036854775807, [1.50, 2.25], 3.75]');
    expect(r.stdout).toContain('+I[1, [], null]');
    expect(r.stdout).toContain('{"id":9223372036854775807,"x":1.50}\n{"id":9223372036854775807,"x":2.25}');
  });
});
