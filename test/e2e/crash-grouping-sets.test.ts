/**
 * Crash recovery of GROUPING SETS (an Expand below a non-windowed GROUP BY keyed by the keys and the
 * set id, an updating changelog into a file sink): `eddy -f` SIGKILLed at random moments and re-run
 * with the same --state must leave the file sink byte for byte equal to an uninterrupted run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIDS_DDL, bidsJsonl, tempDir } from './checkpoint-helpers.js';
import { expectSameOutputAfterKills, runToEnd as runToEndIn } from './crash-helpers.js';

const ROWS = 200_000;
const KILLS = 4;
let dir: string;

const SCRIPT = `
${BIDS_DDL}
SET 'execution.batch-size' = '128';
CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json') AS
SELECT channel, bidder % 7 AS b7, GROUPING_ID(channel, bidder % 7) AS g, COUNT(*) AS n, MAX(price) AS top, SUM(price) AS total
FROM bids WHERE price > 1
GROUP BY ROLLUP (channel, bidder % 7);
`;

const runToEnd = (state: string): number => runToEndIn(dir, 'q.sql', state, 30);

beforeAll(() => {
  dir = tempDir('crash-grouping-sets');
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(ROWS));
  writeFileSync(join(dir, 'q.sql'), SCRIPT);
});

describe('GROUPING SETS persistent query', () => {
  it('changelog file after repeated SIGKILLs equals an uninterrupted run', async () => {
    expect(runToEnd('ref.db')).toBe(0);
    const reference = readFileSync(join(dir, 'out.jsonl'));
    const lines = reference.toString().trimEnd().split('\n').map((l) => JSON.parse(l) as { op: string; channel: string | null; b7: number | null; g: number; n: number });
    // Every set of the rollup is there: (channel, b7), (channel), ().
    expect([...new Set(lines.map((l) => l.g))].sort()).toEqual([0, 1, 3]);
    const last = new Map(lines.map((l) => [`${l.g}/${l.channel}/${l.b7}`, l]));
    expect(last.get('3/null/null')!.n).toBe([...last.values()].filter((l) => l.g === 1).reduce((s, l) => s + l.n, 0));
    rmSync(join(dir, 'out.jsonl'));
    await expectSameOutputAfterKills(dir, 'q.sql', 'crash.db', KILLS, 'out.jsonl', reference);
  }, 90_000);
});
