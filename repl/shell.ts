import { createInterface } from 'node:readline';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatError } from '../src/common/errors.js';
import { isCompleteStatement, parseScript, parseStatement } from '../src/parser/index.js';
import { StdoutSink, type PrintFormat } from '../src/connectors/stdout-sink.js';
import type { Session } from '../src/runtime/session.js';
import type { TransientQuery } from '../src/runtime/transient-query.js';
import { printResult } from './print-result.js';
import { LiveStatus, humanDuration } from './live-status.js';
import { TableView } from './table-view.js';
import { shellCompleter } from './completer.js';
import type { ExpandedMode } from '../src/connectors/printers.js';
import { EddyError } from '../src/common/errors.js';

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

  SET 'sql-client.execution.result-mode' = 'tableau' | 'table' | 'changelog';   RESET;  HELP;

  \\demo   run the demo query over the built-in 'bids' generator
  \\d      list streams        \\d name   describe one       \\i file.sql   run a script
  \\format table|json|csv      \\x [on|off|auto]  expanded rows  \\timing   time each statement
  \\e      edit the last statement in $EDITOR, then run it
  \\?      this help          \\q   quit (Ctrl-D also quits)       Tab completes names
`;

/** Flink SQL client result modes: a streaming table (tableau), changes with their op (changelog), a table updated in place (table). */
type ResultMode = 'tableau' | 'table' | 'changelog';
const RESULT_MODE_KEY = 'sql-client.execution.result-mode';

/** What the shell itself keeps between statements (\\format, \\x, \\timing, the result mode). */
interface ShellState {
  format: PrintFormat;
  expanded: ExpandedMode;
  timing: boolean;
  resultMode: ResultMode;
  last: string;
}

export interface ShellOptions {
  readonly format: PrintFormat;
  readonly statePath: string;
  readonly input?: NodeJS.ReadableStream;
  readonly output?: NodeJS.WritableStream;
}

/** The interactive shell: reads statements, runs them, prints results; Ctrl-C stops the running query. */
export async function runShell(session: Session, opts: ShellOptions): Promise<number> {
  const out = (opts.output ?? process.stdout) as NodeJS.WritableStream & { write(s: string): boolean; columns?: number; rows?: number };
  // A pty may report a 0x0 size (util-linux script does): then $COLUMNS / $LINES, then a usual size.
  const columns = () => out.columns || Number(process.env['COLUMNS']) || 100;
  const height = () => out.rows || Number(process.env['LINES']) || 30;
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
    completer: shellCompleter(session.catalog, () => session.settings.entries().map(([k]) => k), () => session.materialized.values()),
  });
  const state: ShellState = { format: opts.format, expanded: 'auto', timing: false, resultMode: 'tableau', last: '' };

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
    rl.setPrompt(buffer ? continuationPrompt(buffer) : PROMPT);
    rl.prompt();
  };

  // Background queries report trouble and completion as it happens, above the prompt.
  session.onQueryStatus = (q) => {
    if (q.status !== 'FAILED' && q.status !== 'RESTARTING' && q.status !== 'FINISHED') return;
    out.write(`\n[query '${q.id}' ${q.describeStatus()}]\n`);
    if (!running && !busy) rl.prompt(true);
  };

  /** Runs a continuous SELECT: header at once, rows as they come, a live status line under them, a footer. */
  const runSelect = async (query: TransientQuery): Promise<'finished' | 'cancelled'> => {
    running = query;
    const status = new LiveStatus(out, () => query.metrics(), columns);
    const above = { write: (text: string) => (status.write(text), true) };
    let shown: () => number;
    let how: 'finished' | 'cancelled';
    if (state.resultMode === 'table' && state.format === 'table') {
      const view = new TableView(query.schema.columns, (t) => above.write(t), height);
      view.draw();
      status.start();
      // Changes that came within one redraw interval show at the next tick, not only with the next batch.
      const redraw = setInterval(() => view.draw(), 200);
      try {
        how = await query.start((rows) => view.apply(rows));
      } finally {
        clearInterval(redraw);
        status.stop();
      }
      view.draw();
      shown = () => view.size;
    } else {
      const schema = state.resultMode === 'changelog' && query.schema.columns[0]?.name !== 'op' ? withOpColumn(query.schema) : query.schema;
      const sink = new StdoutSink(schema, state.format, above as never, { maxWidth: columns(), expanded: state.expanded });
      const addOp = schema !== query.schema;
      sink.begin();
      status.start();
      try {
        how = await query.start((rows) => sink.write(addOp ? rows.map((r) => ['+I', ...r]) : rows));
      } finally {
        status.stop();
      }
      await sink.close();
      shown = () => sink.printedRows;
    }
    running = null;
    const m = query.metrics();
    const late = m && m.lateRows > 0 ? `, ${plural(m.lateRows, 'late row')} dropped` : '';
    const bad = m && m.skippedRows > 0 ? `, ${plural(m.skippedRows, 'malformed row')} skipped` : '';
    out.write(`${how === 'cancelled' ? 'Query stopped' : 'Query finished'}: ${plural(m?.rowsIn ?? 0, 'row')} read, ${plural(shown(), 'row')} shown${late}${bad}.\n`);
    return how;
  };

  /** Statements the shell answers itself (Flink's SQL client does): HELP, RESET, the result mode. */
  const shellStatement = (text: string): boolean => {
    const t = text.trim().replace(/;\s*$/, '').trim();
    if (/^help$/i.test(t)) {
      out.write(HELP);
      return true;
    }
    const reset = /^reset(?:\s+'([^']*)')?$/i.exec(t);
    if (reset) {
      const key = reset[1];
      if (key === undefined || key === RESULT_MODE_KEY) state.resultMode = 'tableau';
      if (key === undefined) session.settings.reset();
      else if (key !== RESULT_MODE_KEY) session.settings.reset(key);
      out.write(key === undefined ? 'All settings reset to their defaults.\n' : `'${key}' reset to its default.\n`);
      return true;
    }
    const mode = /^set\s+'sql-client\.execution\.result-mode'\s*=\s*'([^']*)'$/i.exec(t);
    if (mode) {
      const v = mode[1]!.toLowerCase();
      if (v !== 'tableau' && v !== 'table' && v !== 'changelog') {
        throw new EddyError('INVALID_OPTION', `'${RESULT_MODE_KEY}' must be 'tableau', 'table' or 'changelog', got '${mode[1]}'`);
      }
      state.resultMode = v;
      out.write(`Set '${RESULT_MODE_KEY}' = '${v}'.\n`);
      return true;
    }
    return false;
  };

  const runText = async (text: string, file = '<stdin>') => {
    let statements;
    try {
      // HELP and RESET are the shell's own (not SQL the parser knows).
      if (shellStatement(text)) return;
      statements = parseScript(text);
    } catch (e) {
      out.write(formatError(e, text, file) + '\n');
      return;
    }
    for (const ps of statements) {
      const t0 = performance.now();
      try {
        if (shellStatement(ps.text)) continue;
        const r = await session.execute(ps);
        if (r.kind === 'select') {
          const how = await runSelect(r.query);
          if (state.timing) out.write(`Time: ${humanDuration(performance.now() - t0)}\n`);
          if (how === 'cancelled') return;
          continue;
        }
        if (r.kind === 'table' && ps.stmt.kind === 'set' && state.format === 'table') {
          printResult({ ...r, rows: [...r.rows, [RESULT_MODE_KEY, state.resultMode]] }, state.format, out as never, out as never, { maxWidth: columns(), expanded: state.expanded });
        } else printResult(r, state.format, out as never, out as never, { maxWidth: columns(), expanded: state.expanded });
        if (state.timing) out.write(`Time: ${(performance.now() - t0).toFixed(3)} ms\n`);
      } catch (e) {
        running = null;
        out.write(formatError(e, text, file) + '\n');
        return;
      }
    }
  };

  /** Backslash commands (psql's). Returns false to quit. */
  const command = async (trimmed: string): Promise<boolean> => {
    const [cmd, ...rest] = trimmed.split(/\s+/);
    const arg = rest.join(' ');
    switch (cmd) {
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
      case '\\d':
        await runText(arg ? `DESCRIBE ${arg.replace(/;$/, '')};` : 'SHOW STREAMS;');
        return true;
      case '\\i': {
        if (!arg) {
          out.write('usage: \\i file.sql\n');
          return true;
        }
        let text: string;
        try {
          text = readFileSync(arg, 'utf8');
        } catch (e) {
          out.write(`cannot read ${arg}: ${(e as Error).message}\n`);
          return true;
        }
        await runText(text, arg);
        return true;
      }
      case '\\timing':
        state.timing = arg === '' ? !state.timing : arg === 'on';
        out.write(`Timing is ${state.timing ? 'on' : 'off'}.\n`);
        return true;
      case '\\format':
        if (arg !== 'table' && arg !== 'json' && arg !== 'csv') out.write(`usage: \\format table|json|csv (now ${state.format})\n`);
        else {
          state.format = arg;
          out.write(`Output format is ${arg}.\n`);
        }
        return true;
      case '\\x':
        if (arg === '') state.expanded = state.expanded === 'on' ? 'off' : 'on';
        else if (arg === 'on' || arg === 'off' || arg === 'auto') state.expanded = arg;
        else {
          out.write('usage: \\x [on|off|auto]\n');
          return true;
        }
        out.write(`Expanded display is ${state.expanded}.\n`);
        return true;
      case '\\e': {
        const edited = editInEditor(state.last);
        if (edited === null) out.write('no editor: set $EDITOR (or $VISUAL)\n');
        else if (edited.trim()) {
          out.write(edited.trimEnd() + '\n');
          state.last = edited.trim();
          appendHistory(historyFile, historyEntry(state.last));
          // Up then recalls the edited statement, not the \e that produced it.
          const h = (rl as unknown as { history?: string[] }).history;
          if (Array.isArray(h) && h[0] === trimmed) h[0] = historyEntry(state.last);
          await runText(isCompleteStatement(edited) ? edited : edited.trimEnd() + ';');
        }
        return true;
      }
      default:
        out.write(`unknown command ${trimmed}; \\? lists the commands\n`);
        return true;
    }
  };

  const handleLine = async (line: string): Promise<boolean> => {
    const trimmed = line.trim();
    if (!buffer && trimmed.startsWith('\\')) return command(trimmed);
    if (!buffer && /^(exit|quit)\s*;?$/i.test(trimmed)) return false;
    if (!trimmed && !buffer) return true;
    buffer += (buffer ? '\n' : '') + line;
    if (!isCompleteStatement(buffer)) return true;
    const text = buffer;
    buffer = '';
    appendHistory(historyFile, historyEntry(text));
    // Up recalls the whole statement, not its last line.
    recallWhole(rl, text);
    state.last = text;
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

/** The continuation prompt, psql style: it shows an open quote or parenthesis the statement is still inside. */
export function continuationPrompt(text: string): string {
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const close = text.indexOf(ch, i + 1);
      if (close < 0) return `   ${ch}> `;
      i = close + 1;
      continue;
    }
    if (ch === '-' && text[i + 1] === '-') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol + 1;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return '   *> ';
      i = close + 2;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    i++;
  }
  return depth > 0 ? '   (> ' : CONTINUE;
}

/** The schema with Flink's `op` column in front (the changelog result mode shows +I for append-only rows too). */
function withOpColumn(schema: import('../src/common/types.js').Schema): import('../src/common/types.js').Schema {
  return { ...schema, columns: [{ name: 'op', type: 'VARCHAR' }, ...schema.columns] };
}

/** A statement's history form: one line, so Up recalls it whole (and the history file stores it the same way). */
const historyEntry = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

/** Replaces the per-line history entries readline made for a multi-line statement with the whole statement. */
function recallWhole(rl: import('node:readline').Interface, text: string): void {
  const h = (rl as unknown as { history?: string[] }).history;
  if (!Array.isArray(h)) return;
  const lines = text.split('\n').filter((l) => l.trim() !== '').length;
  h.splice(0, Math.min(lines, h.length), historyEntry(text));
}

/** Opens `text` in $VISUAL / $EDITOR and returns what was saved; null without an editor. */
function editInEditor(text: string): string | null {
  const editor = process.env['VISUAL'] ?? process.env['EDITOR'];
  if (!editor) return null;
  const file = join(tmpdir(), `eddy-edit-${process.pid}.sql`);
  writeFileSync(file, text + '\n');
  const r = spawnSync(`${editor} '${file.replace(/'/g, `'\\''`)}'`, { shell: true, stdio: 'inherit' });
  if (r.status !== 0) return '';
  return readFileSync(file, 'utf8');
}
