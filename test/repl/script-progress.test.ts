/**
 * `eddy -f` with stderr on a real terminal (util-linux `script` allocates a pty) shows a progress
 * line for its file source and ends with the per-query summary; the rows themselves go to stdout.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CLI = resolve(__dirname, '../../dist/repl/main.js');

async function writeRows(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  const t0 = Date.UTC(2024, 0, 1);
  let s = '';
  for (let i = 0; i < n; i++) {
    s += `{"k":${i % 7},"v":${i * 1.5},"ts":"${new Date(t0 + i * 10).toISOString().replace('T', ' ').replace('Z', '')}"}\n`;
    if (s.length > 1 << 20) {
      out.write(s);
      s = '';
    }
  }
  await new Promise<void>((r) => out.end(s, () => r()));
}

function onTerminal(dir: string, shellCommand: string): Promise<{ screen: string; code: number | null }> {
  return new Promise((res) => {
    const child = spawn('script', ['-qfec', shellCommand, '/dev/null'], { cwd: dir, env: { ...process.env, TERM: 'xterm' } });
    let screen = '';
    child.stdout.on('data', (d: Buffer) => (screen += d.toString('utf8')));
    child.on('exit', (code) => res({ screen, code }));
  });
}

describe('eddy -f on a terminal', () => {
  it('shows bytes read of the file, rows/s and ETA while it runs, then one summary line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-progress-'));
    // Enough rows (about 48 MiB) that the run outlasts the first 250 ms redraw on a fast machine.
    const rows = 1_000_000;
    const windows = Math.ceil((rows * 10) / 3_600_000); // one row per 10 ms, 1-hour windows, 7 keys each
    await writeRows(join(dir, 'big.jsonl'), rows);
    writeFileSync(
      join(dir, 'big.sql'),
      "CREATE STREAM big (k BIGINT, v DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'file', 'path' = 'big.jsonl', 'format' = 'json');\n" +
        "SELECT k, COUNT(*) AS n FROM big GROUP BY k, TUMBLE(ts, INTERVAL '1' HOUR);\n",
    );
    const { screen, code } = await onTerminal(dir, `'${process.execPath}' '${CLI}' -f big.sql --state :memory: --format json > out.jsonl`);
    expect(code).toBe(0);
    expect(screen).toMatch(/\r\x1b\[2Kreading [\d.]+ (B|KiB|MiB) of \d+\.\d MiB \(\d+%\) · [\d,]+ rows\/s · ETA /);
    // The line is erased before the summary, which is the last thing printed.
    expect(screen).toMatch(new RegExp(`\\r\\x1b\\[2Keddy: query 'select_1': ${rows} rows in, ${7 * windows} rows out, 0 late, 0 malformed, [\\d.]+s\\r?\\n$`));
    expect(readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n')).toHaveLength(7 * windows);

    const quiet = await onTerminal(dir, `'${process.execPath}' '${CLI}' -f big.sql --state :memory: --format json --quiet > out.jsonl`);
    expect(quiet.code).toBe(0);
    expect(quiet.screen).not.toContain('reading ');
    expect(quiet.screen).not.toContain("query 'select_1'");
  }, 30_000);
});
