/**
 * Eddy's side of the Nexmark bench, in this process: a query file run as written through the
 * script runner (the path of `eddy -f`, with the `nexmark` connector generating the events inside
 * the query), its SELECT's changelog folded for the verification, and the heap its state holds.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Session } from '../../../src/runtime/session.js';
import { runScript } from '../../../repl/script-runner.js';
import { benchScript, selectScript, sideInputText, type BenchQuery, type Source } from './sql.js';
import { parseTs } from './events.js';

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** Writes q13's side input under `flinkHome`/data (as nexmark's SideInputGenerator does under FLINK_HOME). */
export function writeSideInput(flinkHome: string): void {
  mkdirSync(join(flinkHome, 'data'), { recursive: true });
  writeFileSync(join(flinkHome, 'data', 'side_input.txt'), sideInputText());
}

async function run(script: string, flinkHome: string, name: string): Promise<{ ms: number; out: string; err: string }> {
  const session = new Session({ store: null, endMemoryWhenDrained: true, baseDir: flinkHome, fresh: false, onWarning: () => undefined });
  const out = new Collect();
  const err = new Collect();
  const t0 = performance.now();
  const status = await runScript(session, script, { out, err, format: 'json', file: name, quiet: false }, { stopped: false });
  const ms = performance.now() - t0;
  await session.close();
  if (status !== 0) throw new Error(`bench: ${name} failed (status ${status}):\n${err.text}`);
  return { ms, out: out.text, err: err.text };
}

/** Changes the queries wrote, from the runner's `N rows out` summary lines. */
function rowsOut(err: string): number {
  let n = 0;
  for (const m of err.matchAll(/(\d+) rows out/g)) n += Number(m[1]);
  return n;
}

/** The query file as written (INSERT INTO its blackhole sink) over the `nexmark` connector: wall time and changes written. */
export async function eddyTimed(root: string, q: BenchQuery, events: number, tps: number, flinkHome: string): Promise<{ ms: number; changes: number }> {
  const src: Source = { tps, from: { kind: 'nexmark', events } };
  const r = await run(benchScript(root, q, src, flinkHome), flinkHome, `${q}.sql`);
  return { ms: r.ms, changes: rowsOut(r.err) };
}

const TS_TEXT = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/;

/** A printed row's values in column order, TIMESTAMP text as epoch ms (the baselines' form). */
function normalize(row: Record<string, unknown>): unknown[] {
  return Object.values(row).map((v) => (typeof v === 'string' && TS_TEXT.test(v) ? parseTs(v) : v));
}

/**
 * The rows the query's changelog leaves (its SELECT run as a continuous query, changes folded), as
 * sorted JSON arrays; and the changes counted.
 */
export async function eddyResult(root: string, q: BenchQuery, events: number, tps: number, flinkHome: string): Promise<{ rows: string[]; changes: number }> {
  const r = await run(selectScript(root, q, { tps, from: { kind: 'nexmark', events } }, flinkHome), flinkHome, `${q}-select.sql`);
  const live = new Map<string, number>();
  let changes = 0;
  for (const line of r.out.split('\n')) {
    if (!line.startsWith('{')) continue;
    changes++;
    const { op, ...row } = JSON.parse(line) as Record<string, unknown>;
    const key = JSON.stringify(normalize(row));
    const n = live.get(key) ?? 0;
    if (op === undefined || op === '+I' || op === '+U') live.set(key, n + 1);
    else if (n === 0) throw new Error(`bench: ${q}: Eddy retracted a row it never emitted: ${key}`);
    else if (n === 1) live.delete(key);
    else live.set(key, n - 1);
  }
  return { rows: [...live.entries()].flatMap(([k, n]) => Array.from({ length: n }, () => k)).sort(), changes };
}
