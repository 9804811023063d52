/**
 * Crash recovery of the partitioned filesystem sink: nexmark-flink's q10 as written (placeholders
 * filled) run by `eddy -f`, SIGKILLed at random moments and re-run with the same --state, must leave
 * the same partition directories, part files and _SUCCESS files, byte for byte, as an uninterrupted
 * run. A second table rolls its part files at 4 KiB, so recovery also truncates and deletes rolled files.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CLI, tempDir } from './checkpoint-helpers.js';
import { expectRealRecovery, runAndKill, runToEnd, type Attempt } from './crash-helpers.js';
import { ddlGen, ddlViews, nexmarkFile } from '../flink/nexmark-files.js';

const EVENTS = 60_000;
let dir: string;

/** Every file under `root`, relative path → contents. */
function tree(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(relative(root, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name)));
  }
  return out;
}

function script(rolling: boolean): string {
  let q = nexmarkFile('q10').replaceAll('${NEXMARK_DIR}', dir).replaceAll('${SUBMIT_TIME}', 'crash');
  if (rolling) q = q.replace("'format' = 'csv',", "'format' = 'csv',\n  'sink.rolling-policy.file-size' = '4kb',");
  // 500 events a second: two minutes of event time, so partitions are committed while the query runs.
  return `${ddlGen({ tps: 500, events: EVENTS })}\nSET 'execution.batch-size' = '256';\n${ddlViews()}\n${q}`;
}

beforeAll(() => {
  dir = tempDir('crash-partitioned');
  expect(existsSync(CLI)).toBe(true);
});

describe.each([['as written', false], ['rolling at 4 KiB', true]])('q10 %s', (name, rolling) => {
  it('partition files after repeated SIGKILLs equal an uninterrupted run', async () => {
    const file = `q10-${rolling ? 'roll' : 'plain'}.sql`;
    const out = join(dir, 'data');
    writeFileSync(join(dir, file), script(rolling));
    expect(runToEnd(dir, file, `${file}-ref.db`, 30)).toBe(0);
    const reference = tree(out);
    const parts = [...reference.keys()];
    expect(parts.filter((p) => p.endsWith('_SUCCESS')).length).toBeGreaterThanOrEqual(2);
    if (rolling) expect(parts.filter((p) => /-0-[1-9]\d*\.csv$/.test(p)).length, name).toBeGreaterThan(5);
    rmSync(out, { recursive: true });
    const attempts: Attempt[] = [];
    for (let i = 0; i < 4; i++) attempts.push(await runAndKill(dir, file, `${file}-crash.db`, 10 + ((i * 37) % 60), 30));
    const final = runToEnd(dir, file, `${file}-crash.db`, 30);
    expectRealRecovery(attempts, final, 3);
    const recovered = tree(out);
    expect([...recovered.keys()].sort()).toEqual(parts.sort());
    for (const [p, bytes] of reference) expect(recovered.get(p)!.equals(bytes), p).toBe(true);
    rmSync(out, { recursive: true });
  }, 120_000);
});
