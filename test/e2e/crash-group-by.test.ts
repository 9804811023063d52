/**
 * Crash recovery of a non-windowed GROUP BY (an updating changelog into a file sink, with HAVING
 * and an event-time 'state.ttl'): `eddy -f` SIGKILLed at random moments and re-run with the same
 * --state must leave the file sink byte for byte equal to an uninterrupted run. The sink writes
 * the op column as data: an append-only changelog file.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bidsJsonl, CLI, tempDir } from './checkpoint-helpers.js';

const ROWS = 150_000;
const KILLS = 4;
let dir: string;

const SCRIPT = `
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'bids.jsonl', 'format' = 'json');
SET 'execution.batch-size' = '128';
SET 'state.ttl' = '3s';
CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json') AS
SELECT bidder, COUNT(*) AS n, MAX(price) AS top, SUM(price) AS total
FROM bids WHERE price > 1
GROUP BY bidder
HAVING COUNT(*) < 3 OR MAX(price) > 95;
`;

function runToEnd(state: string): number {
  const r = spawnSync(process.execPath, [CLI, '-f', 'q.sql', '--state', state, '--checkpoint-interval', '30ms'], { cwd: dir, encoding: 'utf8' });
  expect(r.stderr).not.toMatch(/error|warning/i);
  expect(r.status).toBe(0);
  return Number(/resumed from checkpoint (\d+)/.exec(r.stderr)?.[1] ?? 0);
}

function runAndKill(state: string, delayMs: number): Promise<{ killed: boolean; resumedFrom: number }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [CLI, '-f', 'q.sql', '--state', state, '--checkpoint-interval', '30ms', '--verbose'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!timer && /checkpoint \d+ of query .* complete/.test(stderr)) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const resumedFrom = Number(/resumed from checkpoint (\d+)/.exec(stderr)?.[1] ?? 0);
      if (signal === 'SIGKILL') res({ killed: true, resumedFrom });
      else if (code === 0) res({ killed: false, resumedFrom });
      else rej(new Error(`eddy exited ${code}: ${stderr}`));
    });
  });
}

beforeAll(() => {
  dir = tempDir('crash-group-by');
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(ROWS));
  writeFileSync(join(dir, 'q.sql'), SCRIPT);
});

describe('non-windowed GROUP BY persistent query', () => {
  it('changelog file after repeated SIGKILLs equals an uninterrupted run', async () => {
    expect(runToEnd('ref.db')).toBe(0);
    const reference = readFileSync(join(dir, 'out.jsonl'));
    const lines = reference.toString().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\{"op":"\+I","bidder":/);
    const ops = new Set(lines.map((l) => (JSON.parse(l) as { op: string }).op));
    // Inserts, updates, HAVING's deletes; ttl-dropped keys come back as +I.
    expect([...ops].sort()).toEqual(['+I', '+U', '-D', '-U']);
    rmSync(join(dir, 'out.jsonl'));
    const attempts: { killed: boolean; resumedFrom: number }[] = [];
    for (let i = 0; i < KILLS; i++) attempts.push(await runAndKill('crash.db', 10 + ((i * 37) % 60)));
    const final = runToEnd('crash.db');
    expect(attempts.filter((a) => a.killed).length, JSON.stringify(attempts)).toBeGreaterThanOrEqual(3);
    expect(attempts.slice(1).every((a) => a.resumedFrom > 0), JSON.stringify(attempts)).toBe(true);
    expect(final).toBeGreaterThan(0);
    const recovered = readFileSync(join(dir, 'out.jsonl'));
    expect(recovered.length).toBe(reference.length);
    expect(recovered.equals(reference)).toBe(true);
  }, 60_000);
});
