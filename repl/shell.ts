import { createInterface } from 'node:readline';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatError } from '../src/common/errors.js';
import { isCompleteStatement, parseScript, parseStatement } from '../src/parser/index.js';
import { StdoutSink, type PrintFormat } from '../src/connectors/stdout-sink.js';
import type { Session } from '../src/runtime/session.js';
import type { TransientQuery } from '../src/runtime/transient-query.js';
import { printResult } from './print-result.js';

const PROMPT = 'eddy> ';
const CONTINUE = '   -> ';
const HISTORY_LIMIT = 1000;

/** The demo stream a newcomer finds on first start: a built-in generator of auction bids. */
export const DEMO_DDL = `CREATE STREAM IF NOT EXISTS bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'datagen', 'rows-per-second' = '200',
        'fields.auction.min' = '1', 'fields.auction.max' = '5',
        'fields.bidder.min' = '1', 'fields.bidder.max' = '100',
        'fields.price.min' = '1', 'fields.price.max' = '100',
        'fields.channel.values' = 'web,app,api')`;

export const DEMO_QUERY = `SELECT auction, TUMBLE_START(ts, INTERVAL '5' SECOND) AS window_start,
       COUNT(*) AS bids, ROUND(AVG(price), 2) AS avg_price, ROUND(MAX(price), 2) AS top
FROM bids
GROUP BY auction, TUMBLE(ts, INTERVAL '5' SECOND);`;

const HELP = `Statements end with ';' and may span lines. Continuous SELECTs print each window as it
completes; press Ctrl-C to stop one and return here.

  CREATE STREAM s (...) WITH (...);   declare a stream (connectors: datagen, file, memory)
  SELECT ... GROUP BY TUMBLE(ts, INTERVAL '10' SECOND);   run a windowed query
  INSERT INTO sink SELECT ...;        start a persistent, checkpointed query
  SHOW STREAMS;  SHOW QUERIES;  SHOW CHECKPOINTS;  DESCRIBE s;  EXPLAIN SELECT ...;
  SET 'checkpoint.interval' = '1s';   TERMINATE <query>;   DROP STREAM s;

  \\demo   run the demo query over the built-in 'bids' generator
  \\?      this help          \\q   quit (Ctrl-D also quits)
`;

export interface ShellOptions {
  readonly format: PrintFormat;
  readonly statePath: string;
  readonly input?: NodeJS.ReadableStream;
  readonly output?: NodeJS.WritableStream;
}

/** The interactive shell: reads statements, runs them, prints results; Ctrl-C stops the running query. */
export async function runShell(session: Session, opts: ShellOptions): Promise<number> {
  const out = (opts.output ?? process.stdout) as NodeJS.WritableStream & { write(s: string): boolean };
  const historyFile = process.env['EDDY_HISTORY'] ?? join(homedir(), '.eddy_history');
  const history = loadHistory(historyFile);
  const rl = createInterface({
    input: opts.input ?? process.stdin,
    output: out,
    prompt: PROMPT,
    history,
    historySize: HISTORY_LIMIT,
    removeHistoryDuplicates: true,
    terminal: true,
  });

  out.write(`Eddy — streaming SQL with crash-safe windows. State: ${opts.statePath}\n`);
  try {
    await session.loadCatalog(parseStatement);
    await session.execute(parseScript(DEMO_DDL)[0]!);
    await resumePersistentQueries(session, out);
  } catch (e) {
    out.write(formatError(e, undefined, 'eddy') + '\n');
  }
  out.write(`A demo stream 'bids' is ready. Type \\demo to see windowed results, \\? for help, \\q to quit.\n\n`);

  let buffer = '';
  let running: TransientQuery | null = null;
  let busy = false;
  const queue: string[] = [];

  const prompt = () => {
    rl.setPrompt(buffer ? CONTINUE : PROMPT);
    rl.prompt();
  };

  // Background queries report trouble and completion as it happens, above the prompt.
  session.onQueryStatus = (q) => {
    if (q.status !== 'FAILED' && q.status !== 'RESTARTING' && q.status !== 'FINISHED') return;
    out.write(`\n[query '${q.id}' ${q.describeStatus()}]\n`);
    if (!running && !busy) rl.prompt(true);
  };

  const runText = async (text: string) => {
    let statements;
    try {
      statements = parseScript(text);
    } catch (e) {
      out.write(formatError(e, text, '<stdin>') + '\n');
      return;
    }
    for (const ps of statements) {
      try {
        const r = await session.execute(ps);
        if (r.kind === 'select') {
          running = r.query;
          const sink = new StdoutSink(r.query.schema, opts.format, out as never);
          const how = await r.query.start((rows) => sink.write(rows));
          await sink.close();
          const m = r.query.metrics();
          const late = m && m.lateRows > 0 ? `, ${plural(m.lateRows, 'late row')} dropped` : '';
          out.write(`${how === 'cancelled' ? 'Query stopped' : 'Query finished'} (${plural(m?.rowsOut ?? 0, 'row')}${late}).\n`);
          running = null;
          if (how === 'cancelled') return;
        } else {
          printResult(r, opts.format, out as never, out as never);
        }
      } catch (e) {
        running = null;
        out.write(formatError(e, text, '<stdin>') + '\n');
        return;
      }
    }
  };

  const handleLine = async (line: string): Promise<boolean> => {
    const trimmed = line.trim();
    if (!buffer && trimmed.startsWith('\\')) {
      switch (trimmed.split(/\s+/)[0]) {
        case '\\q':
          return false;
        case '\\?':
        case '\\h':
          out.write(HELP);
          return true;
        case '\\demo':
          out.write(DEMO_QUERY + '\n');
          await runText(DEMO_QUERY);
          return true;
        default:
          out.write(`unknown command ${trimmed}; \\? lists the commands\n`);
          return true;
      }
    }
    if (!buffer && /^(exit|quit)\s*;?$/i.test(trimmed)) return false;
    if (!trimmed && !buffer) return true;
    buffer += (buffer ? '\n' : '') + line;
    if (!isCompleteStatement(buffer)) return true;
    const text = buffer;
    buffer = '';
    appendHistory(historyFile, text);
    await runText(text);
    return true;
  };

  return await new Promise<number>((resolveShell) => {
    let closing = false;
    const finish = async () => {
      if (closing) return;
      closing = true;
      out.write('\nStopping queries (persistent ones take a final checkpoint)...\n');
      running?.cancel();
      await session.close();
      rl.close();
      resolveShell(0);
    };
    const pump = async () => {
      if (busy) return;
      busy = true;
      while (queue.length > 0) {
        const line = queue.shift()!;
        const keepGoing = await handleLine(line);
        if (!keepGoing) {
          busy = false;
          await finish();
          return;
        }
      }
      busy = false;
      if (!closing) prompt();
    };
    rl.on('line', (line) => {
      queue.push(line);
      void pump();
    });
    rl.on('SIGINT', () => {
      if (running) {
        running.cancel();
        return;
      }
      queue.length = 0;
      if (buffer) {
        buffer = '';
        out.write('^C\n');
      } else {
        out.write('^C (type \\q or press Ctrl-D to quit)\n');
      }
      prompt();
    });
    rl.on('close', () => void finish());
    prompt();
  });
}

/** Restarts the persistent queries that were running when the shell last exited, from their checkpoints. */
async function resumePersistentQueries(session: Session, out: NodeJS.WritableStream): Promise<void> {
  const store = session.opts.store;
  if (!store) return;
  for (const q of await store.listQueries()) {
    if (q.status !== 'RUNNING' && q.status !== 'RESTARTING') continue;
    // Two shells on one state database: a query the other one runs stays there (SHOW QUERIES lists it).
    const pid = await store.lockHolder(q.queryId);
    if (pid !== null) {
      out.write(`Query '${q.queryId}' is running in process ${pid}; not resumed here.\n`);
      continue;
    }
    try {
      const stmt = parseScript(q.sql)[0]!;
      const r = await session.execute(stmt, { queryId: q.queryId });
      if (r.kind === 'persistent') out.write(`Resumed query '${r.query.id}' from its last checkpoint.\n`);
    } catch (e) {
      out.write(`Could not resume query '${q.queryId}':\n${formatError(e, q.sql, q.queryId)}\n`);
    }
  }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function loadHistory(file: string): string[] {
  try {
    // readline wants newest first; entries are stored one per line with newlines escaped.
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => l.replace(/\\n/g, '\n')).reverse().slice(0, HISTORY_LIMIT);
  } catch {
    return [];
  }
}

function appendHistory(file: string, entry: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, entry.replace(/\n/g, '\\n') + '\n');
  } catch {
    // History is a convenience; a read-only home must not break the shell.
  }
}
