/** `eddy -f script.sql --metrics-port 0`: the address on stderr, a scrape over HTTP while the script's persistent query runs, exit on SIGTERM. */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { EDDY, expectBuilt } from './eddy-command.js';

describe('eddy --metrics-port', () => {
  it('serves /metrics for the persistent queries of a running script', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-metrics-cli-'));
    writeFileSync(
      join(dir, 'run.sql'),
      "CREATE STREAM g (k BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'rows-per-second' = '500');\n" +
        "SET 'pipeline.name' = 'csas_o';\n" +
        "CREATE STREAM o WITH ('connector' = 'file', 'path' = 'o.jsonl') AS SELECT k FROM g;\n",
    );
    const child = spawn(EDDY, ['-f', 'run.sql', '--state', 'state.db', '--metrics-port', '0', '--checkpoint-interval', '200ms'], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const t0 = Date.now();
    while (!/metrics at (http:\S+)/.test(stderr)) {
      if (Date.now() - t0 > 10_000) throw new Error(`no metrics address; stderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const url = /metrics at (http:\S+)/.exec(stderr)![1]!;
    let text = '';
    for (let i = 0; i < 60 && !/eddy_checkpoints_completed_total\{query="csas_o"\} [1-9]/.test(text); i++) {
      await new Promise((r) => setTimeout(r, 100));
      text = await (await fetch(url)).text();
    }
    expect(text).toMatch(/eddy_query_rows_in_total\{query="csas_o",kind="persistent"\} [1-9]\d*/);
    expect(text).toMatch(/eddy_checkpoints_completed_total\{query="csas_o"\} [1-9]/);
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    // The summary line of the stopped query.
    expect(stderr).toMatch(/eddy: query 'csas_o': \d+ rows in, \d+ rows out, 0 late, 0 malformed, \d+ checkpoints, [\d.]+s\n/);
  }, 20_000);
});
