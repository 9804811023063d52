/**
 * Crash recovery over the 'nexmark' connector: nexmark-flink's ddl_gen.sql / ddl_views.sql and its
 * q11 (per-bidder SESSION windows) and q22 (stateless) run by `eddy -f`, SIGKILLed at random moments
 * and re-run with the same --state, must leave the file sink byte for byte equal to an uninterrupted
 * run. The source resumes from its checkpointed event count, so events replay identically.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, sql, tempDir } from './checkpoint-helpers.js';
import { expectSameOutputAfterKills, runAndKill, runToEnd } from './crash-helpers.js';
import { ddlGen, ddlViews, queryFile } from '../flink/nexmark-files.js';

const EVENTS = 100_000;
let dir: string;

function script(q: string): string {
  const sink = "'connector' = 'filesystem', 'path' = 'out.json', 'format' = 'json'";
  return `${ddlGen({ tps: 10_000, events: EVENTS })}\nSET 'execution.batch-size' = '256';\n${ddlViews()}\n${queryFile(q, sink)}`;
}

beforeAll(() => {
  dir = tempDir('crash-nexmark');
  expect(existsSync(CLI)).toBe(true);
});

describe.each([['q11'], ['q22']])('nexmark %s', (q) => {
  it('output after repeated SIGKILLs equals an uninterrupted run', async () => {
    const file = `${q}.sql`;
    writeFileSync(join(dir, file), script(q));
    expect(runToEnd(dir, file, `${q}-ref.db`, 30)).toBe(0);
    const reference = readFileSync(join(dir, 'out.json'));
    expect(reference.length).toBeGreaterThan(1000);
    rmSync(join(dir, 'out.json'));
    await expectSameOutputAfterKills(dir, file, `${q}-crash.db`, 4, 'out.json', reference, 30_000);
    rmSync(join(dir, 'out.json'));
  }, 90_000);
});

describe('checkpoint contents', () => {
  it("records the nexmark source's event count and base time", async () => {
    writeFileSync(join(dir, 'inspect.sql'), script('q22'));
    const attempt = await runAndKill(dir, 'inspect.sql', 'inspect.db', 5, 30);
    expect(attempt.killed).toBe(true);
    const rows = await sql<{ meta: string }>(join(dir, 'inspect.db'), 'SELECT meta FROM eddy_checkpoints ORDER BY checkpoint_id DESC LIMIT 1');
    const meta = JSON.parse(rows[0]!.meta) as { operators: Record<string, { state: { offset: { count: number; baseTime: number } } }> };
    const offset = meta.operators['source-0']!.state.offset;
    expect(offset.count).toBeGreaterThan(0);
    expect(offset.count).toBeLessThanOrEqual(EVENTS);
    expect(offset.baseTime).toBe(Date.UTC(2024, 4, 1, 10));
    rmSync(join(dir, 'out.json'), { force: true });
  }, 30_000);
});
