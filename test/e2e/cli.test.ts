/**
 * The `eddy` command end to end: spawns the built CLI (`npm test` builds dist/ first in pretest)
 * in a temp directory and checks stdout, stderr, exit status and sink files exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EDDY, expectBuilt } from './eddy-command.js';

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let dir: string;

/** Runs `eddy ...args` (repl/eddy, from the startup snapshot) in the temp directory. */
function eddy(...args: string[]): Promise<CliRun> {
  return new Promise((res) => {
    execFile(EDDY, args, { cwd: dir, timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      res({ code, stdout, stderr });
    });
  });
}

const BIDS = [
  { auction: 1, price: 2.5, channel: 'web', ts: '2024-05-01 10:00:01' },
  { auction: 2, price: null, channel: 'app', ts: '2024-05-01 10:00:03' },
  { auction: 1, price: 4, channel: 'a,"b"', ts: '2024-05-01 10:00:07' },
  { auction: 1, price: 1.25, channel: 'web', ts: '2024-05-01 10:00:12' },
  { auction: 1, price: 9, channel: 'web', ts: '2024-05-01 10:00:02' },
  { auction: 3, price: 3, channel: 'app', ts: '2024-05-01 10:00:25' },
];

const DECLARE = `CREATE STREAM bids (auction BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
WITH ('connector' = 'file', 'path' = 'data/bids.jsonl');
`;
const SELECT = `SELECT auction, TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, COUNT(*) AS n, MAX(price) AS top
FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND);
`;

beforeAll(() => {
  expectBuilt();
  dir = mkdtempSync(join(tmpdir(), 'eddy-cli-'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data/bids.jsonl'), BIDS.map((b) => JSON.stringify(b) + '\n').join(''));
  writeFileSync(join(dir, 'data/bad.jsonl'), '{"auction": 1, "ts": "2024-05-01 10:00:00"}\n{"auction": 2, "ts": "yesterday"}\n');
  writeFileSync(join(dir, 'select.sql'), DECLARE + SELECT);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('eddy -f / -e', () => {
  it('prints SELECT rows as JSON Lines with --format json; status messages go to stderr', async () => {
    const r = await eddy('-f', 'select.sql', '--state', ':memory:', '--format', 'json');
    expect(r).toEqual({
      code: 0,
      stdout:
        '{"auction":1,"ws":"2024-05-01 10:00:00.000","n":3,"top":9}\n' +
        '{"auction":2,"ws":"2024-05-01 10:00:00.000","n":1,"top":null}\n' +
        '{"auction":1,"ws":"2024-05-01 10:00:10.000","n":1,"top":1.25}\n' +
        '{"auction":3,"ws":"2024-05-01 10:00:20.000","n":1,"top":3}\n',
      stderr: expect.stringMatching(/^Stream 'bids' created\.\neddy: query 'select_1': 6 rows in, 4 rows out, 0 late, 0 malformed, \d+\.\d\ds\n$/),
    });
  });

  it('--quiet leaves out the summary line; no progress line when stderr is not a terminal', async () => {
    const r = await eddy('-f', 'select.sql', '--state', ':memory:', '--format', 'json', '--quiet');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("Stream 'bids' created.\n");
  });

  it('prints CSV with a header, NULL as an empty field and quoted special characters', async () => {
    const r = await eddy('-f', 'select.sql', '--state', ':memory:', '--format', 'csv');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'auction,ws,n,top\n' +
        '1,2024-05-01 10:00:00.000,3,9\n' +
        '2,2024-05-01 10:00:00.000,1,\n' +
        '1,2024-05-01 10:00:10.000,1,1.25\n' +
        '3,2024-05-01 10:00:20.000,1,3\n',
    );
    const q = await eddy('-e', `${DECLARE}SELECT channel FROM bids WHERE auction = 1 AND price > 3;`, '--state', ':memory:', '--format', 'csv');
    expect(q.stdout).toBe('channel\n"a,""b"""\nweb\n');
  });

  it('prints a table with --format table (messages on stdout too)', async () => {
    const r = await eddy('-f', 'select.sql', '--state', ':memory:', '--format', 'table');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^eddy: query 'select_1': 6 rows in, 4 rows out, 0 late, 0 malformed, [\d.]+s\n$/);
    expect(r.stdout).toBe(
      [
        "Stream 'bids' created.",
        '+----------+-------------------------+----------+----------+',
        '| auction  | ws                      | n        | top      |',
        '+----------+-------------------------+----------+----------+',
        '|        1 | 2024-05-01 10:00:00.000 |        3 |        9 |',
        '|        2 | 2024-05-01 10:00:00.000 |        1 |     NULL |',
        '|        1 | 2024-05-01 10:00:10.000 |        1 |     1.25 |',
        '|        3 | 2024-05-01 10:00:20.000 |        1 |        3 |',
        '+----------+-------------------------+----------+----------+',
        '',
      ].join('\n'),
    );
  });

  it('runs statements given with -e', async () => {
    const r = await eddy(
      '-e',
      "CREATE STREAM s (x INT, y VARCHAR) WITH ('connector' = 'memory'); INSERT INTO s VALUES (1, 'a'), (NULL, 'b'); SELECT x + 1 AS x1, y || '!' AS y FROM s WHERE x IS NOT NULL OR y = 'b';",
      '--state',
      ':memory:',
      '--format',
      'json',
    );
    expect(r).toEqual({
      code: 0,
      stdout: '{"x1":2,"y":"a!"}\n{"x1":null,"y":"b!"}\n',
      stderr: expect.stringMatching(/^Stream 's' created\.\nInserted 2 rows into 's'\.\neddy: query 'select_1': 2 rows in, 2 rows out, 0 late, 0 malformed, [\d.]+s\n$/),
    });
  });

  it('reports a syntax error with position, caret and hint, and exits non-zero', async () => {
    writeFileSync(join(dir, 'syntax.sql'), "CREATE STREAM s (x INT) WITH ('connector' = 'memory');\nSELECT x FORM s;\n");
    const r = await eddy('-f', 'syntax.sql', '--state', ':memory:', '--format', 'json');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^syntax\.sql:2:10: .+\n {2}SELECT x FORM s;\n {11}\^{4}\nhint: .*FROM/);
  });

  it('names the -e text <command line> in errors', async () => {
    const r = await eddy('-e', 'SELECT nope FROM nowhere;', '--state', ':memory:');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("<command line>:1:18: unknown stream 'nowhere'\n  SELECT nope FROM nowhere;\n                   ^^^^^^^\nhint: declare it first with CREATE STREAM\n");
  });

  it('stops at a malformed input row with path:line and exits non-zero', async () => {
    // The query reads ts: a column no part of the query reads is not decoded (as Flink's projection pushdown), so its bad values go unnoticed.
    const r = await eddy('-e', "CREATE STREAM b (auction BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'file', 'path' = 'data/bad.jsonl'); SELECT auction, ts FROM b;", '--state', ':memory:', '--format', 'json');
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe("Stream 'b' created.");
    // The reason may go on to list the accepted timestamp forms.
    expect(lines[1]!.startsWith('<command line>: data/bad.jsonl:2: ts: expected TIMESTAMP(3), got "yesterday"')).toBe(true);
    expect(lines.slice(2)).toEqual(["hint: fix the input, or set 'on-error' = 'skip' to skip malformed rows", '']);
  });

  it('prints usage with --help and rejects unknown options', async () => {
    const help = await eddy('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: eddy/);
    expect(help.stdout).toContain('--format table|json|csv');
    const bad = await eddy('--frobnicate');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--frobnicate'");
  });

  it("-D applies a setting before the script: 'execution.source.rate-limit' paces the reads and changes no result", async () => {
    const rows = Array.from({ length: 6000 }, (_, i) => JSON.stringify({ auction: i % 7, price: i, channel: 'web', ts: `2024-05-01 10:${String(Math.floor(i / 100)).padStart(2, '0')}:00` }) + '\n');
    writeFileSync(join(dir, 'data/paced.jsonl'), rows.join(''));
    const script = DECLARE.replace('data/bids.jsonl', 'data/paced.jsonl') + SELECT;
    const free = await eddy('--state', ':memory:', '--format', 'json', '-e', script);
    const t0 = performance.now();
    const paced = await eddy('--state', ':memory:', '--format', 'json', '-D', 'execution.source.rate-limit=10000', '-D', 'execution.batch-size=500', '-e', script);
    const ms = performance.now() - t0;
    expect(paced.code, paced.stderr).toBe(0);
    expect(paced.stdout).toBe(free.stdout);
    expect(free.stdout.split('\n').length).toBeGreaterThan(50);
    // 6,000 rows at 10,000 a second: the reads of all but the last batch take 0.55 s at least.
    expect(ms).toBeGreaterThanOrEqual(550);
    const shown = await eddy('--state', ':memory:', '--format', 'csv', '-D', 'execution.source.rate-limit = 7', '-e', 'SET;');
    expect(shown.stdout).toContain('execution.source.rate-limit,7');
    expect((await eddy('--state', ':memory:', '-e', 'SET;')).stdout).not.toContain('rate-limit');
  });

  it('-D refuses an unknown setting, a bad value and a missing =, exit 2, before opening the state database', async () => {
    const unknown = await eddy('-D', 'execution.batchsize=5', '--state', 'refused-set.db', '-e', 'SELECT 1;');
    expect(unknown.code).toBe(2);
    // Refused before anything is opened: no state database was created.
    expect(existsSync(join(dir, 'refused-set.db'))).toBe(false);
    expect(unknown.stderr).toContain("eddy: unknown setting 'execution.batchsize'");
    expect(unknown.stderr).toContain("did you mean 'execution.batch-size'?");
    const value = await eddy('-D', 'execution.source.rate-limit=fast', '-e', 'SELECT 1;');
    expect(value.code).toBe(2);
    expect(value.stderr).toContain("setting 'execution.source.rate-limit' needs a whole number, got 'fast'");
    const noEq = await eddy('--set', 'execution.batch-size', '-e', 'SELECT 1;');
    expect(noEq.code).toBe(2);
    expect(noEq.stderr).toContain("-D needs KEY=VALUE, got 'execution.batch-size'");
  });
});

describe.concurrent('persistent queries into file sinks', () => {
  const TOTALS = `${DECLARE}CREATE STREAM totals (auction BIGINT, window_end TIMESTAMP(3), n BIGINT, top DOUBLE)
WITH ('connector' = 'file', 'path' = 'out/totals.jsonl', 'format' = 'json');
`;
  const EXPECTED_TOTALS =
    '{"auction":1,"window_end":"2024-05-01 10:00:10.000","n":3,"top":9}\n' +
    '{"auction":2,"window_end":"2024-05-01 10:00:10.000","n":1,"top":null}\n' +
    '{"auction":1,"window_end":"2024-05-01 10:00:20.000","n":1,"top":1.25}\n' +
    '{"auction":3,"window_end":"2024-05-01 10:00:30.000","n":1,"top":3}\n';

  it('INSERT INTO a file sink over a bounded file source writes every window, once, and resumes without duplicates', async () => {
    const script = `${TOTALS}INSERT INTO totals
SELECT auction, TUMBLE_END(ts, INTERVAL '10' SECOND) AS window_end, COUNT(*) AS n, MAX(price) AS top
FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND);
`;
    writeFileSync(join(dir, 'insert.sql'), script);
    const r = await eddy('-f', 'insert.sql', '--state', 'state-insert/state.db', '--format', 'json');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Query 'insert_into_totals_[0-9a-f]{8}' started/);
    expect(readFileSync(join(dir, 'out/totals.jsonl'), 'utf8')).toBe(EXPECTED_TOTALS);
    expect(existsSync(join(dir, 'state-insert/state.db'))).toBe(true);
    // The same command again resumes the finished query from its state: the sink is unchanged.
    const again = await eddy('-f', 'insert.sql', '--state', 'state-insert/state.db', '--format', 'json');
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 'out/totals.jsonl'), 'utf8')).toBe(EXPECTED_TOTALS);
    // --fresh starts over and truncates the sink: the same content again, not appended.
    const fresh = await eddy('-f', 'insert.sql', '--state', 'state-insert/state.db', '--fresh', '--format', 'json');
    expect(fresh.code).toBe(0);
    expect(readFileSync(join(dir, 'out/totals.jsonl'), 'utf8')).toBe(EXPECTED_TOTALS);
  });

  it('INSERT INTO writes by position: the sink file uses the target stream column names', async () => {
    // Flink semantics: unaliased query columns land in the target's columns in order.
    writeFileSync(
      join(dir, 'insert-positional.sql'),
      `${TOTALS.replace('out/totals.jsonl', 'out/positional.jsonl')}INSERT INTO totals
SELECT auction, TUMBLE_END(ts, INTERVAL '10' SECOND), COUNT(*), MAX(price)
FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND);
`,
    );
    const r = await eddy('-f', 'insert-positional.sql', '--state', 'state-positional/state.db');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'out/positional.jsonl'), 'utf8')).toBe(EXPECTED_TOTALS);
  });

  it('CREATE STREAM ... AS SELECT writes a CSV sink with the query columns', async () => {
    writeFileSync(
      join(dir, 'csas.sql'),
      `${DECLARE}CREATE STREAM per_window WITH ('connector' = 'file', 'path' = 'out/per_window.csv', 'format' = 'csv') AS
SELECT window_start, window_end, COUNT(*) AS n, SUM(price) AS s, MIN(channel) AS first_channel
FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
`,
    );
    const r = await eddy('-f', 'csas.sql', '--state', 'state-csas/state.db', '--checkpoint-interval', '50ms');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Query 'csas_per_window_[0-9a-f]{8}' started/);
    const expected =
      'window_start,window_end,n,s,first_channel\n' +
      '2024-05-01 10:00:00.000,2024-05-01 10:00:10.000,4,15.5,"a,""b"""\n' +
      '2024-05-01 10:00:10.000,2024-05-01 10:00:20.000,1,1.25,web\n' +
      '2024-05-01 10:00:20.000,2024-05-01 10:00:30.000,1,3,app\n';
    expect(readFileSync(join(dir, 'out/per_window.csv'), 'utf8')).toBe(expected);
    const again = await eddy('-f', 'csas.sql', '--state', 'state-csas/state.db');
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 'out/per_window.csv'), 'utf8')).toBe(expected);
  });
});
