import type { Writable } from 'node:stream';
import { EddyError, formatError } from '../src/common/errors.js';
import { parseScript } from '../src/parser/index.js';
import { StdoutSink, type PrintFormat } from '../src/connectors/stdout-sink.js';
import type { Session } from '../src/runtime/session.js';
import type { PersistentQuery } from '../src/runtime/persistent-query.js';
import { printResult } from './print-result.js';
import { ScriptProgress, sumProgress } from './script-progress.js';
import type { QueryMetrics } from '../src/runtime/running-query.js';

export interface ScriptIo {
  readonly out: Writable;
  readonly err: Writable;
  readonly format: PrintFormat;
  /** Name shown in error positions: the script path, or <command line>. */
  readonly file: string;
  /** The script's directory: CREATE FUNCTION ... LANGUAGE JAVASCRIPT resolves relative module paths against it (default: the session's base directory). */
  readonly dir?: string;
  /** --quiet: no per-query summary lines. */
  readonly quiet?: boolean;
  /** Show a progress line on stderr (a terminal): bytes of the file sources read, rows/s, ETA. */
  readonly progress?: boolean;
  /** stdout is the same terminal as stderr: rows clear the progress line before they print. */
  readonly sharedTerminal?: boolean;
}

/** The one-line end-of-query summary `eddy -f` prints on stderr. */
export function summaryLine(id: string, m: QueryMetrics | null, elapsedMs: number, checkpoints: number | null): string {
  const parts = [`${m?.rowsIn ?? 0} rows in`, `${m?.rowsOut ?? 0} rows out`, `${m?.lateRows ?? 0} late`, `${m?.skippedRows ?? 0} malformed`];
  if (checkpoints !== null) parts.push(`${checkpoints} checkpoints`);
  parts.push(`${(elapsedMs / 1000).toFixed(2)}s`);
  return `eddy: query '${id}': ${parts.join(', ')}\n`;
}

/**
 * Runs a script's statements in order: SELECTs print their rows and block until their input ends;
 * persistent queries run in the background and are awaited at the end. Returns the exit status.
 */
export async function runScript(session: Session, text: string, io: ScriptIo, signal: { stopped: boolean; onStop?: () => void }): Promise<number> {
  let statements;
  try {
    statements = parseScript(text);
  } catch (e) {
    io.err.write(formatError(e, text, io.file) + '\n');
    return 1;
  }
  const started: PersistentQuery[] = [];
  const progress = io.progress
    ? new ScriptProgress(io.err, () => sumProgress([...session.persistent.values(), ...session.transient.values()].map((q) => q.metrics())))
    : null;
  const out: Writable = progress && io.sharedTerminal ? ({ write: (t: string) => (progress.clear(), io.out.write(t)) } as unknown as Writable) : io.out;
  progress?.start();
  try {
    return await runStatements();
  } finally {
    progress?.stop();
  }

  async function runStatements(): Promise<number> {
  for (const ps of statements!) {
    if (signal.stopped) break;
    try {
      const r = await session.execute(ps, io.dir === undefined ? {} : { moduleDir: io.dir });
      if (r.kind === 'select') {
        const sink = new StdoutSink(r.query.schema, io.format, out);
        signal.onStop = () => r.query.cancel();
        const t0 = performance.now();
        await r.query.start((rows) => sink.write(rows));
        signal.onStop = undefined;
        progress?.clear();
        await sink.close();
        const m = r.query.metrics();
        // Cleared just before the notes, which are written synchronously: no redraw can come between.
        progress?.clear();
        if (m && m.lateRows > 0) io.err.write(`note: ${m.lateRows} late row${m.lateRows === 1 ? '' : 's'} dropped by ${r.query.id}\n`);
        if (m) reportSkipped(m, r.query.id, io.err);
        if (!io.quiet) io.err.write(summaryLine(r.query.id, m, performance.now() - t0, null));
      } else {
        if (r.kind === 'persistent') started.push(r.query);
        progress?.clear();
        printResult(r, io.format, out, io.err);
      }
    } catch (e) {
      progress?.stop();
      io.err.write(formatError(e, text, io.file) + '\n');
      await session.close();
      return 1;
    }
  }
  signal.onStop = () => void session.close();
  if (signal.stopped) await session.close();
  await Promise.all(started.map((q) => q.done));
  progress?.stop();
  let status = 0;
  for (const q of started) {
    const m = q.metrics();
    if (m) reportSkipped(m, q.id, io.err);
    if (!io.quiet) io.err.write(summaryLine(q.id, m, Date.now() - q.createdAt, session.checkpointStats.of(q.id).completed));
    if (q.status === 'FAILED') {
      io.err.write(`${io.file}: query '${q.id}' failed: ${describe(q.error, text, io.file)}\n`);
      status = 1;
    }
  }
  return status;
  }
}

/** The count of malformed rows a query skipped, and the first few by file and line. */
function reportSkipped(m: { readonly skippedRows: number; readonly skippedSamples: readonly string[] }, id: string, err: Writable): void {
  if (m.skippedRows === 0) return;
  const more = m.skippedRows > m.skippedSamples.length ? `\n  ... and ${m.skippedRows - m.skippedSamples.length} more` : '';
  err.write(`note: ${m.skippedRows} malformed row${m.skippedRows === 1 ? '' : 's'} skipped by ${id}:\n${m.skippedSamples.map((s) => `  ${s}\n`).join('')}${more ? more.slice(1) + '\n' : ''}`);
}

function describe(err: unknown, text: string, file: string): string {
  if (err instanceof EddyError && !err.span) return err.message + (err.hint ? `\nhint: ${err.hint}` : '');
  return formatError(err, text, file);
}
