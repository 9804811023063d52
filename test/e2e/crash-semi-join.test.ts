/**
 * Crash recovery of IN / EXISTS subqueries (semi/anti joins): `eddy -f` SIGKILLed at random
 * moments and re-run with the same --state must leave the file sink byte for byte equal to an
 * uninterrupted run, for
 *  - a NOT EXISTS anti join with a residual and an event-time 'state.ttl' (both sides' keyed state,
 *    the outer rows' match counts and the TTL write queue cross checkpoints; rows are taken back);
 *  - a NOT IN over a filtered subquery (null-aware, one worker: the inner side's size is recomputed
 *    from the restored state; a seller arriving later takes back bids already emitted) and an IN
 *    semi join, in one query.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIDS_DDL, bidsJsonl, tempDir } from './checkpoint-helpers.js';
import { expectSameOutputAfterKills, runToEnd as runToEndIn } from './crash-helpers.js';

const ROWS = 40_000;
let dir: string;

/** Auctions over the whole run, ids 0..599 (bids name 0..499), some with a NULL seller. */
function auctionsJsonl(rows: number): string {
  const lines: string[] = [];
  let t = Date.UTC(2024, 0, 1);
  for (let j = 0; j < rows; j++) {
    t += 20;
    lines.push(JSON.stringify({ id: (j * 7) % 600, seller: j % 17 === 0 ? null : j % 13, reserve: (j * 11) % 100, ts: t }));
  }
  return lines.join('\n') + '\n';
}

const AUCTIONS_DDL = `CREATE STREAM auctions (id BIGINT, seller INT, reserve DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'file', 'path' = 'auctions.jsonl', 'format' = 'json');`;

// The anti join's run reads a longer bid file, so that the kills land before it ends.
const ANTI_SCRIPT = `
${BIDS_DDL.replace("'bids.jsonl'", "'bids-long.jsonl'")}
${AUCTIONS_DDL}
SET 'execution.batch-size' = '128';
SET 'state.ttl' = '20s';
CREATE STREAM out_anti WITH ('connector' = 'file', 'path' = 'out-anti.jsonl', 'format' = 'json') AS
SELECT id, seller, reserve FROM auctions a
WHERE NOT EXISTS (SELECT 1 FROM bids b WHERE b.auction = a.id AND b.price > a.reserve);
`;

const IN_SCRIPT = `
${BIDS_DDL}
${AUCTIONS_DDL}
SET 'execution.batch-size' = '128';
CREATE STREAM out_in WITH ('connector' = 'file', 'path' = 'out-in.jsonl', 'format' = 'json') AS
SELECT auction, bidder, price FROM bids
WHERE CAST(bidder AS INT) % 13 NOT IN (SELECT seller FROM auctions WHERE id > 590 AND seller > 9)
  AND auction IN (SELECT id FROM auctions WHERE seller < 3);
`;

const runToEnd = (state: string, file: string): number => runToEndIn(dir, file, state, 30);

beforeAll(() => {
  dir = tempDir('crash-semi-join');
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(ROWS));
  writeFileSync(join(dir, 'bids-long.jsonl'), bidsJsonl(4 * ROWS));
  writeFileSync(join(dir, 'auctions.jsonl'), auctionsJsonl(ROWS / 10));
  writeFileSync(join(dir, 'anti.sql'), ANTI_SCRIPT);
  writeFileSync(join(dir, 'in.sql'), IN_SCRIPT);
});

describe('semi/anti join persistent queries', () => {
  it('NOT EXISTS with a TTL: changelog file after repeated SIGKILLs equals an uninterrupted run', async () => {
    expect(runToEnd('ref-anti.db', 'anti.sql')).toBe(0);
    const reference = readFileSync(join(dir, 'out-anti.jsonl'));
    const lines = reference.toString().trimEnd().split('\n');
    const ops = new Set(lines.map((l) => (JSON.parse(l) as { op: string }).op));
    expect([...ops].sort()).toEqual(['+I', '-D']);
    expect(lines.length).toBeGreaterThan(1000);
    rmSync(join(dir, 'out-anti.jsonl'));
    await expectSameOutputAfterKills(dir, 'anti.sql', 'crash-anti.db', 3, 'out-anti.jsonl', reference, 20_000);
  }, 90_000);

  it('NOT IN and IN: output after repeated SIGKILLs equals an uninterrupted run', async () => {
    expect(runToEnd('ref-in.db', 'in.sql')).toBe(0);
    const reference = readFileSync(join(dir, 'out-in.jsonl'));
    const lines = reference.toString().trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(500);
    expect(lines.some((l) => l.includes('"-D"'))).toBe(true);
    rmSync(join(dir, 'out-in.jsonl'));
    await expectSameOutputAfterKills(dir, 'in.sql', 'crash-in.db', 3, 'out-in.jsonl', reference, 20_000);
  }, 90_000);
});
