/**
 * `eddy flink script.sql`, the way out to Flink: the printed script (spawned CLI, stdout) runs on
 * the real Flink oracle and gives the rows Eddy gives for the same script; Eddy-only statements are
 * reported on stderr with file:line:col and left out; a `memory` stream is refused with a hint.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../../src/index.js';
import { EDDY } from '../e2e/checkpoint-helpers.js';
import { flink, flinkSkip, useFlink } from './flink-env.js';

useFlink();

const dir = mkdtempSync(join(tmpdir(), 'eddy-flink-cmd-'));
const base = Date.UTC(2024, 0, 1);
const stamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const bids = Array.from({ length: 400 }, (_, i) => ({ auction: (i * 7) % 11, price: (i * 13) % 50, ts: stamp(base + i * 97 - ((i * 31) % 5) * 40) }));
writeFileSync(join(dir, 'bids.jsonl'), bids.map((b) => JSON.stringify(b)).join('\n') + '\n');

const SCRIPT = `CREATE STREAM bids (auction BIGINT, price BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'file', 'path' = '${join(dir, 'bids.jsonl')}', 'format' = 'json');
SET 'execution.batch-size' = '64';
SHOW CHECKPOINTS;
SELECT auction, window_start, window_end, COUNT(*) AS n, MAX(price) AS top
FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND))
WHERE price > 3
GROUP BY auction, window_start, window_end;
`;

const eddyFlink = (file: string) => spawnSync(EDDY, ['flink', file], { encoding: 'utf8' });
const canonical = (rows: readonly (readonly unknown[])[]): string[] => rows.map((r) => JSON.stringify(r.map((v) => (v instanceof Date ? stamp(v.getTime()) : v)))).sort();

describe('eddy flink', () => {
  it('prints Flink SQL and reports what it left out, with where', () => {
    writeFileSync(join(dir, 'script.sql'), SCRIPT);
    const r = eddyFlink(join(dir, 'script.sql'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/CREATE TABLE bids/);
    expect(r.stdout).toMatch(/'connector' = 'filesystem'/);
    expect(r.stderr).toMatch(/script\.sql:4:1: warning: SHOW CHECKPOINTS is Eddy-only/);
  });

  it('refuses a memory stream, pointing at it', () => {
    writeFileSync(join(dir, 'memory.sql'), `CREATE STREAM m (a INT) WITH ('connector' = 'memory');\n`);
    const r = eddyFlink(join(dir, 'memory.sql'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/memory\.sql:1:\d+: .*memory/);
  });

  it.skipIf(flinkSkip !== null)('the printed script runs on Flink with the rows Eddy gives', async () => {
    const printed = eddyFlink(join(dir, 'script.sql'));
    expect(printed.status, printed.stderr).toBe(0);
    const results = await flink(printed.stdout);
    const failed = results.find((x) => x.error);
    expect(failed?.error).toBeUndefined();
    const query = results.at(-1)!;
    const flinkRows = query.rows.map((r) => {
      expect(r.op).toBe('+I');
      return r.row;
    });
    const eddy = await Eddy.open({ onWarning: () => undefined });
    try {
      await eddy.execute(SCRIPT.split(';')[0]!);
      const rows = await eddy.query(SCRIPT.split(';').at(-2)!).toArray();
      const eddyRows = rows.map((r) => Object.values(r));
      expect(eddyRows.length).toBeGreaterThan(20);
      expect(canonical(flinkRows)).toEqual(canonical(eddyRows));
    } finally {
      await eddy.close();
    }
  }, 120_000);
});
