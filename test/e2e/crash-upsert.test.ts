/**
 * Crash recovery of an updating GROUP BY into a 'sqlite' table with a PRIMARY KEY (upserts and
 * deletes committed in the checkpoint's transaction): `eddy -f` SIGKILLed repeatedly after
 * observed checkpoints and re-run with the same --state must leave the table equal to an
 * uninterrupted run's (and to SQLite's own GROUP BY over the input).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { bidsJsonl, tempDir } from './checkpoint-helpers.js';
import { expectRealRecovery, runAndKill, runToEnd, type Attempt } from './crash-helpers.js';

const ROWS = 300_000;
const KILLS = 4;
let dir: string;

const script = (db: string): string => `
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'bids.jsonl', 'format' = 'json');
SET 'execution.batch-size' = '128';
CREATE TABLE per_bidder (bidder BIGINT, n BIGINT, top DOUBLE, total DOUBLE, PRIMARY KEY (bidder) NOT ENFORCED)
  WITH ('connector' = 'sqlite', 'path' = '${db}', 'table' = 'per_bidder');
INSERT INTO per_bidder
SELECT bidder, COUNT(*) AS n, MAX(price) AS top, SUM(price) AS total
FROM bids WHERE price > 1
GROUP BY bidder
HAVING COUNT(*) < 250 OR COUNT(*) > 303;
`;

function table(file: string): Promise<Record<string, unknown>[]> {
  return new Promise((res, rej) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY);
    db.all('SELECT * FROM per_bidder ORDER BY bidder', (e: Error | null, rows: Record<string, unknown>[]) => db.close(() => (e ? rej(e) : res(rows))));
  });
}

beforeAll(() => {
  dir = tempDir('crash-upsert');
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(ROWS));
  writeFileSync(join(dir, 'ref.sql'), script('ref-out.db'));
  writeFileSync(join(dir, 'q.sql'), script('out.db'));
});

describe('updating GROUP BY into a PRIMARY KEY sqlite sink', () => {
  it('the table after repeated SIGKILLs equals an uninterrupted run', async () => {
    expect(runToEnd(dir, 'ref.sql', 'ref.db', 30)).toBe(0);
    const reference = await table(join(dir, 'ref-out.db'));
    // Some bidders dropped out through HAVING (deleted), some stayed.
    expect(reference.length).toBeGreaterThan(50);
    expect(reference.length).toBeLessThan(977);
    const attempts: Attempt[] = [];
    for (let i = 0; i < KILLS; i++) attempts.push(await runAndKill(dir, 'q.sql', 'crash.db', 10 + ((i * 37) % 60), 30));
    const final = runToEnd(dir, 'q.sql', 'crash.db', 30);
    expectRealRecovery(attempts, final, 3);
    expect(await table(join(dir, 'out.db'))).toEqual(reference);
  }, 90_000);

  it('the sink in the state database itself recovers the same way', async () => {
    writeFileSync(join(dir, 'same.sql'), script('same.db'));
    const attempts: Attempt[] = [];
    for (let i = 0; i < 3; i++) attempts.push(await runAndKill(dir, 'same.sql', 'same.db', 15 + i * 20, 30));
    const final = runToEnd(dir, 'same.sql', 'same.db', 30);
    expectRealRecovery(attempts, final, 2);
    expect(await table(join(dir, 'same.db'))).toEqual(await table(join(dir, 'ref-out.db')));
  }, 90_000);
});
