/**
 * Crash recovery of persistent UNION ALL queries: `eddy -f` SIGKILLed at random moments and re-run
 * with the same --state must leave the file sink byte for byte equal to an uninterrupted run. The
 * checkpoint holds every input's offset and watermark, the union's watermark and its round-robin
 * read position: the stateless union's output order is the interleaving itself, and the window
 * query's late rows depend on the union watermark before each row, so a restore that got any of
 * them wrong would change the bytes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bidsJsonl, CLI, sql, tempDir } from './checkpoint-helpers.js';
import { expectSameOutputAfterKills, runAndKill, runToEnd as runToEndIn } from './crash-helpers.js';

const BIDS = 200_000;
const ASKS = 120_000;
const KILLS = 4;
let dir: string;

/** Asks: another pace, and disorder up to 3 s under a 1 s watermark delay, so some are late on their own. */
function asksJsonl(rows: number): string {
  const lines: string[] = [];
  let t = Date.UTC(2024, 0, 1) + 700;
  for (let i = 0; i < rows; i++) {
    t += 2 + ((i * 7907) % 4);
    const disorder = i % 7 === 0 ? (i * 104723) % 3000 : 0;
    lines.push(JSON.stringify({ auction: (i * 17) % 500, price: ((i * 11) % 400) / 4, ts: t - disorder }));
  }
  return lines.join('\n') + '\n';
}

const STREAMS = `
CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'bids.jsonl', 'format' = 'json');
CREATE STREAM asks (auction BIGINT, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'file', 'path' = 'asks.jsonl', 'format' = 'json');
SET 'execution.batch-size' = '128';
`;

const WINDOWED = `${STREAMS}
CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json') AS
SELECT auction, TUMBLE_START(ts, INTERVAL '2' SECOND) AS window_start, COUNT(*) AS n, SUM(price) AS total, MIN(side) AS first_side
FROM (SELECT auction, price, ts, 'bid' AS side FROM bids WHERE price > 1 UNION ALL SELECT auction, price, ts, 'ask' FROM asks)
GROUP BY auction, TUMBLE(ts, INTERVAL '2' SECOND);
`;

const STATELESS = `${STREAMS}
CREATE STREAM out (side VARCHAR, auction BIGINT, price DOUBLE, ts TIMESTAMP(3)) WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json');
INSERT INTO out
SELECT 'bid', auction, price, ts FROM bids WHERE price > 10
UNION ALL
SELECT 'ask', auction, price, ts FROM asks WHERE auction < 450;
`;

const runToEnd = (file: string, state: string): number => runToEndIn(dir, file, state, 30);

beforeAll(() => {
  dir = tempDir('crash-union');
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(BIDS));
  writeFileSync(join(dir, 'asks.jsonl'), asksJsonl(ASKS));
  expect(existsSync(CLI)).toBe(true);
});

describe.each([
  ['windowed', WINDOWED],
  ['stateless', STATELESS],
])('%s UNION ALL persistent query', (name, script) => {
  it('output after repeated SIGKILLs equals an uninterrupted run', async () => {
    const file = `${name}.sql`;
    writeFileSync(join(dir, file), script);
    expect(runToEnd(file, `${name}-ref.db`)).toBe(0);
    const reference = readFileSync(join(dir, 'out.jsonl'));
    expect(reference.length).toBeGreaterThan(1000);
    const text = reference.toString();
    // Both inputs reach the output.
    expect(text).toContain('"bid"');
    expect(text).toContain('"ask"');
    rmSync(join(dir, 'out.jsonl'));
    await expectSameOutputAfterKills(dir, file, `${name}-crash.db`, KILLS, 'out.jsonl', reference);
    rmSync(join(dir, 'out.jsonl'));
  }, 90_000);
});

describe('checkpoint contents of a union query', () => {
  it("records each input's offset and watermark, and the union's per-input and combined watermarks", async () => {
    writeFileSync(join(dir, 'inspect.sql'), STATELESS);
    const attempt = await runAndKill(dir, 'inspect.sql', 'inspect.db', 5, 30);
    expect(attempt.killed).toBe(true);
    const rows = await sql<{ meta: string }>(join(dir, 'inspect.db'), 'SELECT meta FROM eddy_checkpoints ORDER BY checkpoint_id DESC LIMIT 1');
    const meta = JSON.parse(rows[0]!.meta) as { format: number; operators: Record<string, { state: unknown; inputs?: unknown }> };
    expect(meta.format).toBe(2);
    // One source per input, in input order (bids, then asks), each with its offset and watermark.
    for (const uid of ['source-0', 'source-1']) {
      expect(meta.operators[uid]!.state).toMatchObject({ offset: { byte: expect.any(Number), line: expect.any(Number) }, ended: expect.any(Boolean) });
      expect(meta.operators[uid]!.state).toHaveProperty('watermark');
    }
    expect(meta.operators['union-0']!.inputs).toMatchObject({ watermarks: [expect.anything(), expect.anything()], ended: [expect.any(Boolean), expect.any(Boolean)] });
    expect(meta.operators['union-0']!.inputs).toHaveProperty('watermark');
    rmSync(join(dir, 'out.jsonl'), { force: true });
  }, 30_000);
});
