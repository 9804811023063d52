/**
 * JSON Lines files are decoded on a worker thread (ParallelJsonFileSource) unless
 * EDDY_DECODE_THREAD=0: both ways give the same rows, the same skipped-row report and the same
 * error under 'on-error' = 'fail', through the real CLI.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, tempDir } from './checkpoint-helpers.js';

function run(dir: string, sql: string, thread: '0' | '1'): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, '-e', sql, '--state', ':memory:', '--format', 'json'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, EDDY_DECODE_THREAD: thread },
  });
  // Run times differ between runs.
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/\d+\.\d+s\b/g, 'T') };
}

/** 20,000 events in nexmark's nested shape, with blank lines, a byte-order mark and one malformed line in about 200. */
function writeEvents(path: string): void {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const ts = `2024-05-01 10:${String(Math.floor(i / 600) % 60).padStart(2, '0')}:${String(Math.floor(i / 10) % 60).padStart(2, '0')}.000`;
    const r = next();
    if (r < 0.003) lines.push(`{"event_type": 2, "bid": {"auction": "x${i}", "price": 1, "dateTime": "${ts}"}}`);
    else if (r < 0.005) lines.push('{"event_type": 2, "bid": ');
    else if (r < 0.006) lines.push('   ');
    else if (r < 0.5) lines.push(JSON.stringify({ event_type: 2, person: null, bid: { auction: i % 37, price: Math.floor(next() * 1000), dateTime: ts } }));
    else lines.push(JSON.stringify({ event_type: 0, person: { id: i, name: `p${i % 11}`, dateTime: ts }, bid: null }));
  }
  writeFileSync(path, '\ufeff' + lines.join('\n') + '\n');
}

const ddl = (onError: string) => `CREATE TABLE e (
  event_type INT,
  person ROW<id BIGINT, name VARCHAR, \`dateTime\` TIMESTAMP(3)>,
  bid ROW<auction BIGINT, price BIGINT, \`dateTime\` TIMESTAMP(3)>,
  ts AS CASE WHEN event_type = 0 THEN person.\`dateTime\` ELSE bid.\`dateTime\` END,
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'file', 'path' = 'events.jsonl', 'format' = 'json', 'on-error' = '${onError}');`;

const queries = `
SELECT bid.auction, COUNT(*) AS n, SUM(bid.price) AS total, window_end
  FROM TABLE(TUMBLE(TABLE e, DESCRIPTOR(ts), INTERVAL '10' SECOND)) WHERE event_type = 2
  GROUP BY bid.auction, window_start, window_end;
SELECT person.id, person.name, ts FROM e WHERE event_type = 0 AND person.id % 97 = 0;`;

describe('JSON decoding on a worker thread', () => {
  it("gives the same rows and skipped-row report as decoding in the query's thread", () => {
    const dir = tempDir('decode-thread');
    writeEvents(join(dir, 'events.jsonl'));
    const sql = `${ddl('skip')}${queries}`;
    const threaded = run(dir, sql, '1');
    const inline = run(dir, sql, '0');
    expect(threaded.status, threaded.stderr).toBe(0);
    expect(threaded.stdout.split('\n').length).toBeGreaterThan(1000);
    expect(threaded.stderr).toMatch(/note: \d+ malformed rows skipped by select_1:\n {2}events\.jsonl:\d+: /);
    expect(threaded).toEqual(inline);
  });

  it("stops at the same line with the same error under 'on-error' = 'fail'", () => {
    const dir = tempDir('decode-thread-fail');
    writeEvents(join(dir, 'events.jsonl'));
    const sql = `${ddl('fail')}${queries}`;
    const threaded = run(dir, sql, '1');
    const inline = run(dir, sql, '0');
    expect(threaded.status).toBe(1);
    expect(threaded.stderr).toMatch(/events\.jsonl:\d+: /);
    expect(threaded).toEqual(inline);
  });
});
