/**
 * Flink's statement sets through the real CLI: `EXECUTE STATEMENT SET BEGIN ...; ...; END;` and the
 * SQL client's `BEGIN STATEMENT SET; ...; END;` run each INSERT (into two file sinks here), and
 * re-running the script resumes each INSERT as its own query rather than starting them over.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './checkpoint-helpers.js';

const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n');

describe('statement sets', () => {
  for (const [label, open, close] of [
    ['EXECUTE STATEMENT SET BEGIN ... END', 'EXECUTE STATEMENT SET\nBEGIN', 'END;'],
    ['BEGIN STATEMENT SET; ... END;', 'BEGIN STATEMENT SET;', 'END;'],
  ] as const) {
    it(`${label}: every INSERT of the set runs into its sink`, () => {
      const dir = tempDir('statement-set');
      writeFileSync(join(dir, 'orders.jsonl'), [1, 2, 3, 4].map((n) => JSON.stringify({ item: `i${n}`, n })).join('\n') + '\n');
      writeFileSync(
        join(dir, 'set.sql'),
        `CREATE TABLE orders (item VARCHAR, n INT) WITH ('connector' = 'filesystem', 'path' = 'orders.jsonl', 'format' = 'json');
CREATE TABLE big (item VARCHAR, n INT) WITH ('connector' = 'filesystem', 'path' = 'big.jsonl', 'format' = 'json');
CREATE TABLE tens (item VARCHAR, t INT) WITH ('connector' = 'filesystem', 'path' = 'tens.jsonl', 'format' = 'json');
${open}
  INSERT INTO big SELECT item, n FROM orders WHERE n > 2;
  INSERT INTO tens SELECT item, n * 10 FROM orders;
${close}
`,
      );
      const r = runCli(dir, ['-f', 'set.sql', '--state', 'state.db'], 30_000);
      expect(r.status, r.stderr).toBe(0);
      expect(`${r.stdout}${r.stderr}`.match(/Query '[^']+' started/g)?.length).toBe(2);
      expect(lines(join(dir, 'big.jsonl'))).toEqual(['{"item":"i3","n":3}', '{"item":"i4","n":4}']);
      expect(lines(join(dir, 'tens.jsonl'))).toEqual([10, 20, 30, 40].map((t, i) => `{"item":"i${i + 1}","t":${t}}`));
      // Run again on the same state: both INSERTs are recognised as finished, nothing is written twice.
      const again = runCli(dir, ['-f', 'set.sql', '--state', 'state.db'], 30_000);
      expect(again.status, again.stderr).toBe(0);
      expect(lines(join(dir, 'big.jsonl'))).toHaveLength(2);
      expect(lines(join(dir, 'tens.jsonl'))).toHaveLength(4);
    }, 60_000);
  }

  it('a set left open is a syntax error pointing at its start', () => {
    const dir = tempDir('statement-set-open');
    writeFileSync(join(dir, 'open.sql'), "CREATE TABLE t (n INT) WITH ('connector' = 'memory');\nEXECUTE STATEMENT SET BEGIN\nINSERT INTO t SELECT n FROM t;\n");
    const r = runCli(dir, ['-f', 'open.sql', '--state', ':memory:'], 30_000);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/open\.sql:2:1: statement set without END/);
  });
});
