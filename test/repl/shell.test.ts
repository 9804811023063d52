/**
 * Drives the real shell in a real pseudo-terminal (util-linux `script` allocates it), as a user
 * would: multi-line statements, a continuous query stopped with Ctrl-C, errors with a caret,
 * history kept across runs, and the catalog kept in the state database across restarts.
 */
import { describe, expect, it, beforeAll, afterEach } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { EDDY, expectBuilt } from '../e2e/eddy-command.js';
let dir: string;
/** Shells still open: a failed test must not leave its shell running. */
const open = new Set<ChildProcessWithoutNullStreams>();
afterEach(() => {
  for (const c of open) c.kill('SIGKILL');
  open.clear();
});

/** A shell session in a pty, with helpers to type and to wait for text on the screen. */
class Terminal {
  private readonly child: ChildProcessWithoutNullStreams;
  output = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[]) {
    const cmd = [EDDY, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    this.child = spawn('script', ['-qfec', cmd, '/dev/null'], {
      cwd: dir,
      env: { ...process.env, EDDY_HISTORY: join(dir, 'history'), TERM: 'xterm', COLUMNS: '160' },
    });
    this.child.stdout.on('data', (d: Buffer) => (this.output += d.toString('utf8')));
    open.add(this.child);
    this.exited = new Promise((res) =>
      this.child.on('exit', (code) => {
        open.delete(this.child);
        res(code);
      }),
    );
  }

  type(text: string): void {
    this.child.stdin.write(text);
  }

  /** Resolves once `pattern` appears in the output after position `from`. */
  async waitFor(pattern: RegExp | string, from = 0, timeoutMs = 15_000): Promise<number> {
    const start = Date.now();
    for (;;) {
      const tail = this.output.slice(from);
      const idx = typeof pattern === 'string' ? tail.indexOf(pattern) : tail.search(pattern);
      if (idx >= 0) return from + idx;
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${pattern}; screen so far:\n${this.output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-repl-'));
  expectBuilt();
});

describe('the interactive shell in a real terminal', () => {
  it('runs statements, streams windows, stops a query with Ctrl-C, shows errors, and quits', async () => {
    const t = new Terminal(['--state', 'state.db']);
    await t.waitFor('eddy> ');
    expect(t.output).toContain("A demo stream 'bids' is ready");

    // A statement spanning lines runs once the ';' arrives.
    let mark = t.output.length;
    t.type('SELECT auction, COUNT(*) AS n\r');
    await t.waitFor('-> ', mark);
    t.type("FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '1' SECOND);\r");
    // The demo generator is unbounded: windows keep arriving until Ctrl-C.
    await t.waitFor(/\| +auction +\| +n +\|/, mark);
    await t.waitFor(/\| +\d \| +\d+ \|/, mark);
    t.type('\x03');
    await t.waitFor(/Query stopped: \d+ rows? read, \d+ rows? shown\./, mark);
    await t.waitFor('eddy> ', t.output.length - 20);

    // Errors point at the token and suggest the fix; the shell stays up.
    mark = t.output.length;
    t.type('SELECT pirce FROM bids;\r');
    await t.waitFor("<stdin>:1:8: unknown column 'pirce'", mark);
    await t.waitFor("hint: did you mean 'price'?", mark);
    mark = t.output.length;
    t.type('SELEC 1;\r');
    await t.waitFor('hint: did you mean SELECT?', mark);

    // Ctrl-C at an empty prompt does not kill the shell.
    mark = t.output.length;
    t.type('\x03');
    await t.waitFor('type \\q or press Ctrl-D to quit', mark);

    mark = t.output.length;
    t.type("CREATE STREAM clicks (user_id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory');\r");
    await t.waitFor("Stream 'clicks' created.", mark);
    mark = t.output.length;
    t.type('DESCRIBE clicks;\r');
    await t.waitFor(/\| ts +\| TIMESTAMP\(3\) +\| WATERMARK AS ts/, mark);
    mark = t.output.length;
    t.type('\\?\r');
    await t.waitFor('\\demo', mark);
    t.type('\\q\r');
    expect(await t.exited).toBe(0);

    const history = readFileSync(join(dir, 'history'), 'utf8');
    expect(history).toContain('SELECT pirce FROM bids;');
    // A statement typed over two lines is one history entry, recalled whole by Up.
    expect(history).toContain("SELECT auction, COUNT(*) AS n FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '1' SECOND);\n");
  }, 60_000);

  it('reports a background query finishing above the prompt; a sink that cannot open is an error at once', async () => {
    const t = new Terminal(['--state', 'bg.db']);
    await t.waitFor('eddy> ');
    let mark = t.output.length;
    t.type("CREATE STREAM g (k BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '50', 'rows-per-second' = '1000');\r");
    await t.waitFor("Stream 'g' created.", mark);
    t.type("CREATE STREAM gout WITH ('connector' = 'file', 'path' = 'gout.jsonl') AS SELECT k FROM g;\r");
    await t.waitFor(/\[query 'csas_gout_[0-9a-f]{8}' FINISHED\]/, mark);
    mark = t.output.length;
    // A file where the sink's directory should be: the query cannot open its sink and fails.
    t.type("SET 'restart.attempts' = '0';\r");
    await t.waitFor("Set 'restart.attempts'", mark);
    writeFileSync(join(dir, 'blocked'), 'not a directory');
    t.type("CREATE STREAM bad WITH ('connector' = 'file', 'path' = 'blocked/out.jsonl') AS SELECT k FROM g;\r");
    await t.waitFor(/cannot open 'blocked\/out.jsonl'/, mark);
    t.type('\\q\r');
    expect(await t.exited).toBe(0);
  }, 30_000);

  it('keeps streams across restarts and recalls history with the Up key', async () => {
    const t = new Terminal(['--state', 'state.db']);
    await t.waitFor('eddy> ');
    let mark = t.output.length;
    t.type('SHOW STREAMS;\r');
    await t.waitFor(/\| clicks +\| memory/, mark);
    mark = t.output.length;
    t.type('\x1b[A'); // Up: the last statement of the previous session
    await t.waitFor('SHOW STREAMS;', mark);
    t.type('\x15\\q\r'); // Ctrl-U clears the recalled line
    expect(await t.exited).toBe(0);
  }, 30_000);

  it('shows the header at once and a live status line under the rows, gone when the query stops', async () => {
    const t = new Terminal(['--state', ':memory:']);
    await t.waitFor('eddy> ');
    const mark = t.output.length;
    // One-minute windows: no row for up to a minute, but the header and the status line come at once.
    t.type("SELECT auction, COUNT(*) AS n FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '1' MINUTE);\r");
    const started = Date.now();
    await t.waitFor(/\| auction +\| n +\|/, mark, 2000);
    await t.waitFor(/\d+ rows read · \d+ rows\/s · watermark \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} · next window closes at \d{4}-\d\d-\d\d \d\d:\d\d:00\.000 in ~/, mark, 2500);
    expect(Date.now() - started).toBeLessThan(2500);
    // Redrawn in place: each drawing starts by clearing the line, and the rows read grow.
    const first = Number(/([\d,]+) rows read/.exec(t.output.slice(mark))![1]!.replace(/,/g, ''));
    await new Promise((r) => setTimeout(r, 700));
    const all = [...t.output.slice(mark).matchAll(/\r\x1b\[2K([\d,]+) rows read/g)].map((m) => Number(m[1]!.replace(/,/g, '')));
    expect(all.length).toBeGreaterThan(1);
    expect(all.at(-1)!).toBeGreaterThan(first);
    t.type('\x03');
    const stop = await t.waitFor(/Query stopped: [\d,]+ rows read, 0 rows shown\./, mark);
    // The status line was erased before the table's end and the footer.
    expect(t.output.slice(mark, stop)).toMatch(/ late\r\x1b\[2K\(0 rows\)\r?\n$/);
    t.type('\\q\r');
    expect(await t.exited).toBe(0);
  }, 30_000);

  it('answers HELP, RESET, \\d, \\i, \\timing, \\format and the result modes; Tab completes names', async () => {
    writeFileSync(join(dir, 'script.sql'), "CREATE STREAM m (k BIGINT, v VARCHAR) WITH ('connector' = 'memory');\nINSERT INTO m VALUES (1, 'a'), (2, 'b'), (1, 'c');\n");
    const t = new Terminal(['--state', ':memory:']);
    await t.waitFor('eddy> ');
    let mark = t.output.length;
    t.type('HELP;\r');
    await t.waitFor('\\timing', mark);
    mark = t.output.length;
    t.type('\\i script.sql\r');
    await t.waitFor("Inserted 3 rows into 'm'.", mark);
    mark = t.output.length;
    t.type('\\d\r');
    await t.waitFor(/\| m +\| memory +\| k, v/, mark);
    await t.waitFor('(2 rows)', mark);
    mark = t.output.length;
    t.type('\\d m\r');
    await t.waitFor(/\| k +\| BIGINT/, mark);
    mark = t.output.length;
    // Tab completes a stream's column name.
    t.type('SELECT bidd\t');
    await t.waitFor('SELECT bidder', mark);
    t.type('\x15');
    mark = t.output.length;
    t.type('SELECT k, COUNT(*) AS c FROM m GROUP BY k;\r');
    // The default (tableau) mode prints the changes as they come.
    await t.waitFor(/\| op +\| k +\| c +\|/, mark);
    await t.waitFor(/\+I +\| +2 \| +1 /, mark);
    t.type('\x03');
    await t.waitFor(/Query stopped: 3 rows read, \d rows shown\./, mark);
    mark = t.output.length;
    t.type("SET 'sql-client.execution.result-mode' = 'table';\r");
    await t.waitFor("Set 'sql-client.execution.result-mode' = 'table'.", mark);
    mark = t.output.length;
    t.type('SELECT k, COUNT(*) AS c FROM m GROUP BY k;\r');
    // The table mode shows the result, updated in place: key 1 once, with its final count.
    await t.waitFor(/\| +1 \| +2 \|\r?\n\| +2 \| +1 \|\r?\n\+-+\+-+\+\r?\n\(2 rows\)/, mark);
    t.type('\x03');
    await t.waitFor(/Query stopped: 3 rows read, 2 rows shown\./, mark);
    mark = t.output.length;
    t.type("SET 'sql-client.execution.result-mode' = 'changelog';\r");
    await t.waitFor("= 'changelog'.", mark);
    t.type('SELECT v FROM m;\r');
    await t.waitFor(/\| \+I +\| a +\|/, mark);
    t.type('\x03');
    mark = t.output.length;
    t.type('RESET;\r');
    await t.waitFor('All settings reset to their defaults.', mark);
    t.type('\\format json\r');
    await t.waitFor('Output format is json.', mark);
    t.type('\\timing\r');
    await t.waitFor('Timing is on.', mark);
    mark = t.output.length;
    t.type('SELECT v FROM m;\r');
    await t.waitFor('{"v":"a"}', mark);
    t.type('\x03');
    await t.waitFor(/Time: [\d.]+(ms|s)/, mark);
    mark = t.output.length;
    t.type('\\format table\r');
    // A SELECT without FROM: one row, then the query finishes by itself.
    t.type("SELECT 1 AS one, 'a;b' AS s;\r");
    await t.waitFor(/\| +1 \| a;b +\|/, mark);
    await t.waitFor('Query finished: 1 row read, 1 row shown.', mark);
    mark = t.output.length;
    // Setting names get a did-you-mean.
    t.type("SET 'checkpoint.intervall' = '1s';\r");
    await t.waitFor("did you mean 'checkpoint.interval'?", mark);
    mark = t.output.length;
    // A statement typed over two lines comes back whole with Up.
    t.type('SELECT 7\r');
    t.type('AS seven;\r');
    await t.waitFor('Query finished: 1 row read, 1 row shown.', mark);
    mark = t.output.length;
    t.type('\x1b[A');
    await t.waitFor('SELECT 7 AS seven;', mark);
    t.type('\x15');
    mark = t.output.length;
    // An open parenthesis shows in the continuation prompt.
    t.type('SELECT (k\r');
    await t.waitFor('(> ', mark);
    t.type('\x03\\q\r');
    expect(await t.exited).toBe(0);
  }, 40_000);
});
