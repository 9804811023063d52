/**
 * Crash recovery of a persistent EXCEPT ALL query (src/planner/bind-set-op.ts): `eddy -f` SIGKILLed
 * at random moments and re-run with the same --state must leave the file sink (an updating
 * changelog) byte for byte equal to an uninterrupted run. The per-side counts live in the group
 * aggregate's keyed state and the replicate step is stateless, so a restore that lost or doubled a
 * count would change how many copies a later change takes back or adds, and so the bytes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bidsJsonl, CLI, tempDir } from './checkpoint-helpers.js';
import { expectSameOutputAfterKills, runToEnd } from './crash-helpers.js';

// Enough that each killed run is still reading when its kill lands (80,000 / 48,000 were read through once reading sped up).
const BIDS = 240_000;
const ASKS = 144_000;
const KILLS = 4;
let dir: string;

/** Asks: (auction, price) pairs of another pace, many of them also bids'. */
function asksJsonl(rows: number): string {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) lines.push(JSON.stringify({ auction: (i * 31) % 500, price: ((i * 7) % 400) / 4 }));
  return lines.join('\n') + '\n';
}

const SCRIPT = `
CREATE STREAM bids (auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3))
WITH ('connector' = 'file', 'path' = 'bids.jsonl', 'format' = 'json');
CREATE STREAM asks (auction BIGINT, price DOUBLE) WITH ('connector' = 'file', 'path' = 'asks.jsonl', 'format' = 'json');
SET 'execution.batch-size' = '256';
CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json') AS
SELECT auction, price FROM bids WHERE price < 50
EXCEPT ALL
SELECT auction, price FROM asks;
`;

beforeAll(() => {
  dir = tempDir('crash-set-operations');
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(BIDS));
  writeFileSync(join(dir, 'asks.jsonl'), asksJsonl(ASKS));
  expect(existsSync(CLI)).toBe(true);
});

describe('EXCEPT ALL persistent query', () => {
  it('output after repeated SIGKILLs equals an uninterrupted run', async () => {
    writeFileSync(join(dir, 'except-all.sql'), SCRIPT);
    expect(runToEnd(dir, 'except-all.sql', 'ref.db', 30)).toBe(0);
    const reference = readFileSync(join(dir, 'out.jsonl'));
    const text = reference.toString();
    // The changelog both adds and takes back copies.
    expect(text).toContain('"op":"+I"');
    expect(text).toMatch(/"op":"-[UD]"/);
    rmSync(join(dir, 'out.jsonl'));
    await expectSameOutputAfterKills(dir, 'except-all.sql', 'crash.db', KILLS, 'out.jsonl', reference);
    rmSync(join(dir, 'out.jsonl'));
  }, 120_000);
});
