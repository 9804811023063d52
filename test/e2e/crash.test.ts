/**
 * Real crash tests (issue 3): spawn `eddy -f` over a file large enough to take a while, SIGKILL it
 * at random moments, re-run it to completion with the same --state, and require the sink's output
 * to equal an uninterrupted run's byte for byte (file sink) or row for row (SQLite sink).
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sqlite3 from 'sqlite3';
import { expectRealRecovery, runAndKill as runAndKillIn, runToEnd as runToEndIn, type Attempt } from './crash-helpers.js';

const CLI = resolve(__dirname, '../../dist/repl/main.js');
const runToEnd = (file: string, state: string): number => runToEndIn(dir, file, state, 50);
const ROWS = 1_200_000;
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
    return x % 80;
  });
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
    for (const ms of killDelays(42)) attempts.push({ ...(await runAndKillIn(dir, 'file.sql', 'crash-state.db', ms, 50)), ms } as Attempt);
    const final = runToEnd('file.sql', 'crash-state.db');
    expectRealRecovery(attempts, final, 5);
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
    for (const ms of killDelays(7)) attempts.push({ ...(await runAndKillIn(dir, 'sqlite-crash.sql', 'crash-sqlite-state.db', ms, 50)), ms } as Attempt);
    const final = runToEnd('sqlite-crash.sql', 'crash-sqlite-state.db');
    expectRealRecovery(attempts, final, 5);
    expect(await sqliteRows(join(dir, 'crash-sink.db'))).toEqual(reference);
  }, 120_000);
});
