/**
 * Real crash tests (issue 3): spawn `eddy -f` over a file large enough to take a while, SIGKILL it
 * at random moments, re-run it to completion with the same --state, and require the sink's output
 * to equal an uninterrupted run's byte for byte (file sink) or row for row (SQLite sink).
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sqlite3 from 'sqlite3';

const CLI = resolve(__dirname, '../../dist/repl/main.js');
const ROWS = 600_000;
const KILLS = 6;

let dir: string;

/** Deterministic bids with disorder below the 5 s watermark delay. */
function writeBids(path: string): void {
  const lines: string[] = [];
  let t = Date.UTC(2024, 0, 1);
  for (let i = 0; i < ROWS; i++) {
    t += 1 + ((i * 7919) % 3);
    const disorder = (i * 104729) % 2000;
    lines.push(JSON.stringify({ auction: (i * 31) % 500, bidder: i % 977, price: ((i * 13) % 400) / 4, channel: ['web', 'app', 'api'][i % 3], ts: t - disorder }));
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

const script = (sink: string) => `
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'bids.jsonl', 'format' = 'json');
SET 'execution.batch-size' = '128';
CREATE STREAM out WITH (${sink}) AS
SELECT auction, TUMBLE_START(ts, INTERVAL '10' SECOND) AS window_start, COUNT(*) AS n, MAX(price) AS top, SUM(price) AS total
FROM bids WHERE price > 1
GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND);
`;

/** Runs the script to completion; returns the checkpoint id it resumed from (0 = started fresh). */
function runToEnd(scriptFile: string, state: string): number {
  const r = spawnSync(process.execPath, [CLI, '-f', scriptFile, '--state', state, '--checkpoint-interval', '50ms'], { cwd: dir, encoding: 'utf8' });
  expect(r.stderr).not.toMatch(/error|warning/i);
  expect(r.status).toBe(0);
  return Number(/resumed from checkpoint (\d+)/.exec(r.stderr)?.[1] ?? 0);
}

interface Attempt {
  readonly outcome: 'killed' | 'finished';
  /** The checkpoint the run resumed from, 0 when it started fresh. */
  readonly resumedFrom: number;
}

/**
 * Starts the CLI with --verbose and SIGKILLs it `delayMs` after it reports its first newly
 * committed checkpoint: the kill lands mid-run, after real progress, at a moment the test does not
 * control exactly (the process keeps working and checkpointing during the delay).
 */
function runAndKill(scriptFile: string, state: string, delayMs: number): Promise<Attempt> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [CLI, '-f', scriptFile, '--state', state, '--checkpoint-interval', '50ms', '--verbose'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!timer && /checkpoint \d+ of query .* complete/.test(stderr)) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const resumedFrom = Number(/resumed from checkpoint (\d+)/.exec(stderr)?.[1] ?? 0);
      if (signal === 'SIGKILL') res({ outcome: 'killed', resumedFrom });
      else if (code === 0) res({ outcome: 'finished', resumedFrom });
      else rej(new Error(`eddy exited ${code}: ${stderr}`));
    });
  });
}

function sqliteRows(path: string): Promise<unknown[]> {
  return new Promise((res, rej) => {
    const db = new sqlite3.Database(path, sqlite3.OPEN_READONLY);
    db.all('SELECT * FROM results ORDER BY window_start, auction', (err, rows) => {
      db.close();
      if (err) rej(err);
      else res(rows);
    });
  });
}

/** Delays after the first checkpoint, from a seeded sequence so a failure can be replayed. */
function killDelays(seed: number): number[] {
  let x = seed;
  return Array.from({ length: KILLS }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % 150;
  });
}

/** At least five kills landed mid-run, and recovery really resumed (starting over would also give identical output). */
function expectRealRecovery(attempts: readonly Attempt[], finalResumedFrom: number): void {
  expect(attempts.filter((a) => a.outcome === 'killed').length).toBeGreaterThanOrEqual(5);
  // Every run after the first starts from the checkpoints its predecessor reported.
  expect(attempts.slice(1).every((a) => a.resumedFrom > 0), JSON.stringify(attempts)).toBe(true);
  expect(finalResumedFrom).toBeGreaterThan(0);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-crash-'));
  writeBids(join(dir, 'bids.jsonl'));
  expect(existsSync(CLI)).toBe(true);
});

describe('crash recovery with exactly-once output', () => {
  it('file sink: output after repeated SIGKILLs equals an uninterrupted run', async () => {
    writeFileSync(join(dir, 'file.sql'), script(`'connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json'`));
    expect(runToEnd('file.sql', 'ref-state.db')).toBe(0);
    const reference = readFileSync(join(dir, 'out.jsonl'));
    expect(reference.length).toBeGreaterThan(1000);
    rmSync(join(dir, 'out.jsonl'));

    const attempts: Attempt[] = [];
    for (const ms of killDelays(42)) attempts.push({ ...(await runAndKill('file.sql', 'crash-state.db', ms)), ms } as Attempt);
    const final = runToEnd('file.sql', 'crash-state.db');
    expectRealRecovery(attempts, final);
    const recovered = readFileSync(join(dir, 'out.jsonl'));
    expect(recovered.length).toBe(reference.length);
    expect(recovered.equals(reference)).toBe(true);
  }, 120_000);

  it('SQLite sink: committed rows after repeated SIGKILLs equal an uninterrupted run', async () => {
    writeFileSync(join(dir, 'sqlite.sql'), script(`'connector' = 'sqlite', 'path' = 'SINKFILE', 'table' = 'results'`));
    const withSink = (name: string) => readFileSync(join(dir, 'sqlite.sql'), 'utf8').replace('SINKFILE', name);
    writeFileSync(join(dir, 'sqlite-ref.sql'), withSink('ref-sink.db'));
    writeFileSync(join(dir, 'sqlite-crash.sql'), withSink('crash-sink.db'));
    expect(runToEnd('sqlite-ref.sql', 'ref-sqlite-state.db')).toBe(0);
    const reference = await sqliteRows(join(dir, 'ref-sink.db'));
    expect(reference.length).toBeGreaterThan(1000);

    const attempts: Attempt[] = [];
    for (const ms of killDelays(7)) attempts.push({ ...(await runAndKill('sqlite-crash.sql', 'crash-sqlite-state.db', ms)), ms } as Attempt);
    const final = runToEnd('sqlite-crash.sql', 'crash-sqlite-state.db');
    expectRealRecovery(attempts, final);
    expect(await sqliteRows(join(dir, 'crash-sink.db'))).toEqual(reference);
  }, 120_000);
});
