import { parseArgs } from 'node:util';
import { readFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EddyError, formatError } from '../src/common/errors.js';
import { parseStatement } from '../src/parser/index.js';
import { CheckpointStore } from '../src/checkpoint/store.js';
import type { CheckpointInfo } from '../src/checkpoint/types.js';
import type { PrintFormat } from '../src/connectors/stdout-sink.js';
import { Settings, parseDuration } from '../src/runtime/settings.js';
import { Session } from '../src/runtime/session.js';
import { runScript } from './script-runner.js';
// The interactive shell, `eddy flink` and prom-client (--metrics-port) load only when used
// (dynamic imports below): a script run needs none of them.
import type { MetricsServer } from '../src/runtime/metrics.js';
import { tuneGcForStreaming } from '../src/runtime/gc-tuning.js';

const USAGE = `Usage: eddy [options]            interactive SQL shell
       eddy -f script.sql [options] run a script; exits once every query over bounded input has finished
       eddy -e "SQL; SQL;" [options] run statements given on the command line
       eddy flink script.sql         print the script as Flink SQL (to run it on Flink)
       eddy flink --gateway URL script.sql   run it on Flink through its SQL Gateway

Options:
  -f, --file PATH               SQL script to run
  -e, --execute SQL             statements to run
      --state PATH              checkpoint database (SQLite); default .eddy/state.db; ':memory:' for none
      --format table|json|csv   how SELECT rows print (table in a terminal, json otherwise)
      --checkpoint-interval DUR e.g. 500ms, 10s (default 10s)
      --fresh                   discard saved state of persistent queries and start them over
  -D, --set KEY=VALUE           a setting, as SET 'KEY' = 'VALUE' before the first statement (repeatable)
      --verbose                 report each completed checkpoint on stderr
      --metrics-port N          serve Prometheus metrics at http://127.0.0.1:N/metrics (0: any free port)
  -q, --quiet                   no summary line per query at the end of a script
  -h, --help                    show this help
  -v, --version                 show the version
`;

/** The `eddy` command: parses arguments, opens the state database, runs a script, -e text or the shell. */
async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'flink') return (await import('./flink-command.js')).runFlinkCommand(argv.slice(1));
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        file: { type: 'string', short: 'f' },
        execute: { type: 'string', short: 'e' },
        state: { type: 'string' },
        format: { type: 'string' },
        'checkpoint-interval': { type: 'string' },
        fresh: { type: 'boolean' },
        set: { type: 'string', short: 'D', multiple: true },
        verbose: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        'metrics-port': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    process.stderr.write(`eddy: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.version) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`eddy ${pkg.version}\n`);
    return 0;
  }
  const format = (args.format ?? (process.stdout.isTTY ? 'table' : 'json')) as PrintFormat;
  if (!['table', 'json', 'csv'].includes(format)) {
    process.stderr.write(`eddy: --format must be table, json or csv (got '${format}')\n`);
    return 2;
  }
  if (args.file !== undefined && args.execute !== undefined) {
    process.stderr.write('eddy: give either -f or -e, not both\n');
    return 2;
  }
  let sets: [string, string][];
  try {
    sets = settingsOf(args.set ?? []);
  } catch (e) {
    process.stderr.write(formatError(e, undefined, 'eddy') + '\n');
    return 2;
  }
  let intervalMs: number | undefined;
  let store: CheckpointStore | null = null;
  try {
    if (args['checkpoint-interval'] !== undefined) {
      // A bare number is ambiguous on a command line (seconds? milliseconds?): a unit is required.
      if (/^\s*\d+(\.\d+)?\s*$/.test(args['checkpoint-interval'])) {
        process.stderr.write(`eddy: --checkpoint-interval needs a unit, e.g. ${args['checkpoint-interval'].trim()}s or ${args['checkpoint-interval'].trim()}ms\n`);
        return 2;
      }
      intervalMs = parseDuration(args['checkpoint-interval'], '--checkpoint-interval');
    }
    const statePath = args.state ?? '.eddy/state.db';
    if (statePath !== ':memory:') {
      mkdirSync(dirname(resolve(statePath)), { recursive: true });
      store = await CheckpointStore.open(statePath);
    }
  } catch (e) {
    process.stderr.write(formatError(e, undefined, 'eddy') + '\n');
    return 1;
  }
  const lineStart = process.stderr.isTTY === true && !args.quiet ? '\r\x1b[2K' : '';
  const scripted = args.file !== undefined || args.execute !== undefined || !process.stdin.isTTY;
  const session = new Session({
    store,
    endMemoryWhenDrained: scripted,
    baseDir: process.cwd(),
    fresh: args.fresh ?? false,
    // On a terminal a progress line may stand on stderr: messages clear it first (it is redrawn).
    onWarning: (m) => process.stderr.write(`${lineStart}warning: ${m}\n`),
    onInfo: (m) => process.stderr.write(`${lineStart}eddy: ${m}\n`),
    ...(args.verbose
      ? {
          onCheckpoint: (c: CheckpointInfo, pauseMs: number) =>
            process.stderr.write(`eddy: checkpoint ${c.checkpointId} of query '${c.queryId}' complete: ${c.keyGroupsWritten} key groups, ${c.bytes} bytes, pause ${pauseMs.toFixed(1)} ms, ${c.durationMs} ms total\n`),
        }
      : {}),
    ...(intervalMs !== undefined ? { checkpointIntervalMs: intervalMs } : {}),
  });
  for (const [key, value] of sets) session.settings.set(key, value);
  let metrics: MetricsServer | null = null;
  try {
    if (args['metrics-port'] !== undefined) {
      const port = Number(args['metrics-port']);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        process.stderr.write(`eddy: --metrics-port must be a port number (got '${args['metrics-port']}')\n`);
        return 2;
      }
      const { startMetricsServer } = await import('../src/runtime/metrics.js');
      metrics = await startMetricsServer(session, port);
      process.stderr.write(`eddy: metrics at http://127.0.0.1:${metrics.port}/metrics\n`);
    }
    if (!scripted) {
      const { runShell } = await import('./shell.js');
      return await runShell(session, { format, statePath: args.state ?? '.eddy/state.db' });
    }
    // A script has no prompt to show a restart above: say on stderr why the query restarts.
    session.onQueryStatus = (q) => {
      if (q.status !== 'RESTARTING') return;
      process.stderr.write(`${lineStart}warning: query '${q.id}' ${q.describeStatus()} after: ${q.error instanceof Error ? q.error.message : String(q.error)}\n`);
    };
    // One catalog per state database: scripts see the streams the shell and other scripts saved.
    try {
      await session.loadCatalog(parseStatement);
    } catch (e) {
      process.stderr.write(formatError(e, undefined, 'eddy') + '\n');
      return 1;
    }
    let text: string;
    let file: string;
    if (args.file !== undefined) {
      file = args.file;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        process.stderr.write(`eddy: cannot read ${file}: ${(e as Error).message}\n`);
        return 1;
      }
    } else if (args.execute !== undefined) {
      text = args.execute;
      file = '<command line>';
    } else {
      // Asynchronously: a synchronous read of a pipe whose writer is slow fails with a bare EAGAIN.
      text = await readStdin();
      file = '<stdin>';
    }
    const signal: { stopped: boolean; onStop?: () => void } = { stopped: false };
    let exitOnSignal = 0;
    const onSignal = (code: number) => () => {
      if (signal.stopped) process.exit(code); // a second signal: leave at once
      signal.stopped = true;
      exitOnSignal = code;
      signal.onStop?.();
    };
    process.on('SIGINT', onSignal(130));
    process.on('SIGTERM', onSignal(143));
    const status = await runScript(session, text, { out: process.stdout, err: process.stderr, format, file, ...(args.file !== undefined ? { dir: dirname(resolve(args.file)) } : {}), quiet: args.quiet ?? false, progress: !args.quiet && process.stderr.isTTY === true, sharedTerminal: process.stdout.isTTY === true }, signal);
    await session.close();
    return exitOnSignal || status;
  } catch (e) {
    process.stderr.write(formatError(e, undefined, 'eddy') + '\n');
    return 1;
  } finally {
    await metrics?.close();
    await store?.close().catch(() => {});
  }
}

/** The -D KEY=VALUE pairs, each checked as SET would check it (before anything is opened). */
function settingsOf(pairs: readonly string[]): [string, string][] {
  const check = new Settings();
  return pairs.map((kv) => {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new EddyError('INVALID_OPTION', `-D needs KEY=VALUE, got '${kv}'`, undefined, "e.g. -D 'execution.batch-size=256'");
    const pair: [string, string] = [kv.slice(0, eq).trim(), kv.slice(eq + 1).trim()];
    check.set(...pair);
    return pair;
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Exits once stdout has taken everything written, even if a stray handle would keep Node alive. */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

/** Runs the `eddy` command with its arguments (after node's own) and exits with its status. */
export function runCli(argv: string[]): void {
  tuneGcForStreaming();
  main(argv).then(exitAfterFlush, (e: unknown) => {
    process.stderr.write(formatError(e, undefined, 'eddy') + '\n');
    exitAfterFlush(1);
  });
}
