/**
 * BENCH_ONLY=reliability (opt-in: not part of a full run, nor of `npm test`): Eddy under real
 * SIGKILLs and over a long run (issue 13).
 *
 * 1. Kills: `eddy -f` over a script of two persistent queries on two datagen streams (a TUMBLE
 *    aggregation into a file sink, a window join into a SQLite sink) is SIGKILLed at random
 *    moments (a fifth of them anywhere from the spawn on, start-up and restore included; the rest
 *    0-400 ms after the run's first newly committed checkpoint), and each re-run resumes. After
 *    every kill the committed output is checked against an uninterrupted run (the file's bytes up
 *    to the checkpointed position, the SQLite table's rows in insertion order: exact prefixes).
 *    A chain of kills ends when a run gets to the end; its outputs must then equal the
 *    uninterrupted run's byte for byte and row for row, and the next chain starts fresh.
 *    Env: BENCH_RELIABILITY_KILLS (50; 0 skips it), BENCH_RELIABILITY_EVENTS (events per stream, 2000000), BENCH_RELIABILITY_SEED (1).
 * 0. Fuzz (bench/fuzz/): 10^6 mutated SQL statements through parse + plan (+ EXPLAIN), 10^5 mutated
 *    JSON/CSV rows through the file source under each 'on-error' policy; anything but success or a
 *    well-formed EddyError (or counted skips adding up) is a finding. Env: see bench/fuzz/fuzz-pass.ts.
 * 2. RSS: one long uninterrupted run of the same queries (the join into a blackhole sink),
 *    /proc/<pid>/status VmRSS sampled every 250 ms; "start" is the median over 10-20 % of the run
 *    (after start-up and warm-up), "end" the median over its last 10 %.
 *    Env: BENCH_RELIABILITY_RSS_EVENTS (events per stream, 10000000, so 2x that in all; 0 skips it):
 *    issue 13's 50M events are BENCH_RELIABILITY_RSS_EVENTS=25000000.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sqlite3 from 'sqlite3';
import { formatFuzz, runFuzzPass, type FuzzResult } from './fuzz/fuzz-pass.js';

export interface ReliabilityResult {
  /** The fuzz pass (bench/fuzz/fuzz-pass.ts): mutated SQL through parse + plan, mutated rows through the file source. */
  readonly fuzz: FuzzResult;
  readonly eventsPerStream: number;
  readonly kills: null | {
    readonly requested: number;
    /** Runs that were SIGKILLed (a run that reached the end first is not counted). */
    readonly landed: number;
    /** Kills after which the committed output was an exact prefix of the uninterrupted run's. */
    readonly prefixChecksPassed: number;
    /** Kills that landed before the run's first checkpoint (start-up, restore). */
    readonly beforeFirstCheckpoint: number;
    /** Re-runs that resumed from a checkpoint (the rest started over: killed before any checkpoint). */
    readonly resumed: number;
    readonly chains: number;
    /** Chains whose final output equals the uninterrupted run's (file bytes and SQLite rows). */
    readonly chainsIdentical: number;
    readonly referenceMs: number;
    readonly fileBytes: number;
    readonly sqliteRows: number;
  };
  readonly rss: null | {
    readonly eventsPerStream: number;
    readonly seconds: number;
    readonly eventsPerSec: number;
    readonly startMiB: number;
    readonly endMiB: number;
    readonly maxMiB: number;
    readonly driftPercent: number;
    readonly samples: number;
  };
}

/** Two datagen streams of `n` events each (event time 1 ms per 1000 events), the aggregation and the window join. */
function script(n: number, opts: { joinSink: string; windowMs: number }): string {
  const gen = (fields: string) =>
    `WITH ('connector' = 'datagen', 'rows-per-second' = '1000000', 'number-of-rows' = '${n}', ${fields}, 'fields.ts.start' = '2024-01-01 00:00:00')`;
  const w = `INTERVAL '${opts.windowMs}' MILLISECOND`;
  return `
CREATE STREAM bids (auction BIGINT, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' MILLISECOND)
${gen("'fields.auction.min' = '1', 'fields.auction.max' = '1000', 'fields.price.min' = '1', 'fields.price.max' = '100'")};
CREATE STREAM auctions (id BIGINT, seller INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' MILLISECOND)
${gen("'seed' = '7', 'fields.id.min' = '1', 'fields.id.max' = '100000', 'fields.seller.min' = '1', 'fields.seller.max' = '50'")};
CREATE STREAM per_window (auction BIGINT, ws TIMESTAMP(3), n BIGINT, top DOUBLE, total DOUBLE)
WITH ('connector' = 'file', 'path' = 'per-window.jsonl', 'format' = 'json');
CREATE STREAM joined (auction BIGINT, price DOUBLE, seller INT, ws TIMESTAMP(3)) WITH (${opts.joinSink});
SET 'pipeline.name' = 'per_window';
INSERT INTO per_window SELECT auction, TUMBLE_START(ts, ${w}), COUNT(*), MAX(price), SUM(price)
FROM bids GROUP BY auction, TUMBLE(ts, ${w});
SET 'pipeline.name' = 'joined';
INSERT INTO joined SELECT B.auction, B.price, A.seller, B.window_start
FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), ${w})) B
JOIN TABLE(TUMBLE(TABLE auctions, DESCRIPTOR(ts), ${w})) A
ON B.window_start = A.window_start AND B.window_end = A.window_end AND B.auction = A.id;
`;
}

const SQLITE_SINK = `'connector' = 'sqlite', 'path' = 'joined.db', 'table' = 'joined'`;

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** A seeded generator (mulberry32), so a failing sequence of kills can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function spawnEddy(cli: string, dir: string, args: readonly string[]) {
  const child = spawn(process.execPath, [cli, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const listeners: ((s: string) => void)[] = [];
  child.stderr!.on('data', (d) => {
    stderr += d;
    for (const l of listeners) l(stderr);
  });
  const exited = new Promise<Exit>((res) => child.on('close', (code, signal) => res({ code, signal, stderr })));
  return { child, exited, onStderr: (l: (s: string) => void) => listeners.push(l) };
}

const runArgs = (interval: string) => ['-f', 'q.sql', '--state', 'state.db', '--checkpoint-interval', interval, '--verbose', '-q'];
const resumedFrom = (stderr: string): number => Number(/resumed from checkpoint (\d+)/.exec(stderr)?.[1] ?? 0);

/** One run, SIGKILLed at a random moment (unless it reaches the end first). */
async function runAndKill(cli: string, dir: string, rand: () => number): Promise<{ killed: boolean; early: boolean; resumed: boolean; exit: Exit }> {
  const p = spawnEddy(cli, dir, runArgs('100ms'));
  const early = rand() < 0.2;
  let timer: NodeJS.Timeout | undefined;
  if (early) timer = setTimeout(() => p.child.kill('SIGKILL'), rand() * 1500);
  else {
    const delay = rand() * 400;
    p.onStderr((s) => {
      if (!timer && /checkpoint \d+ of query '[^']+' complete/.test(s)) timer = setTimeout(() => p.child.kill('SIGKILL'), delay);
    });
  }
  const exit = await p.exited;
  clearTimeout(timer);
  if (exit.signal !== 'SIGKILL' && exit.code !== 0) throw new Error(`reliability: eddy exited ${exit.code}:\n${exit.stderr}`);
  const landedEarly = exit.signal === 'SIGKILL' && !/checkpoint \d+ of query '[^']+' complete/.test(exit.stderr);
  return { killed: exit.signal === 'SIGKILL', early: landedEarly, resumed: resumedFrom(exit.stderr) > 0, exit };
}

function all<T>(db: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return new Promise((res, rej) => {
    const c = new sqlite3.Database(db, sqlite3.OPEN_READONLY);
    c.all(sql, params, (err, rows) => c.close(() => (err ? rej(err) : res(rows as T[]))));
  });
}

/** The JSON text of every row of the join's SQLite table, in insertion order ([] when it does not exist yet). */
async function joinedRows(db: string): Promise<string[]> {
  if (!fs.existsSync(db)) return [];
  try {
    return (await all<Record<string, unknown>>(db, 'SELECT auction, price, seller, ws FROM joined ORDER BY rowid')).map((r) => JSON.stringify(r));
  } catch (e) {
    if (/no such table/.test((e as Error).message)) return [];
    throw e;
  }
}

/** The file sink's committed position: its bytes in the latest complete checkpoint of query 'per_window' (0 without one). */
async function committedFileBytes(state: string): Promise<number> {
  if (!fs.existsSync(state)) return 0;
  const rows = await all<{ meta: string }>(state, "SELECT meta FROM eddy_checkpoints WHERE query_id = 'per_window' AND complete = 1 ORDER BY checkpoint_id DESC LIMIT 1");
  if (rows.length === 0) return 0;
  const ops = JSON.parse(rows[0]!.meta).operators as Record<string, { state?: { bytes?: number } }>;
  const sink = Object.entries(ops).find(([uid]) => uid.startsWith('sink'))?.[1];
  return sink?.state?.bytes ?? 0;
}

const isPrefix = (a: Buffer, b: Buffer): boolean => a.length <= b.length && a.equals(b.subarray(0, a.length));

async function killLoop(cli: string, events: number, kills: number, seed: number, log: (s: string) => void): Promise<ReliabilityResult['kills']> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-reliability-'));
  try {
    const refDir = path.join(base, 'ref');
    fs.mkdirSync(refDir);
    fs.writeFileSync(path.join(refDir, 'q.sql'), script(events, { joinSink: SQLITE_SINK, windowMs: 10 }));
    const t0 = performance.now();
    const ref = await spawnEddy(cli, refDir, runArgs('100ms')).exited;
    const referenceMs = performance.now() - t0;
    if (ref.code !== 0) throw new Error(`reliability: the reference run failed:\n${ref.stderr}`);
    const refFile = fs.readFileSync(path.join(refDir, 'per-window.jsonl'));
    const refRows = await joinedRows(path.join(refDir, 'joined.db'));
    log(`reference: ${(referenceMs / 1000).toFixed(1)} s, ${refFile.length} bytes in the file sink, ${refRows.length} rows in the SQLite sink`);

    let landed = 0;
    let prefixOk = 0;
    let early = 0;
    let resumed = 0;
    let chains = 0;
    let identical = 0;
    const rand = prng(seed);
    let dir = '';
    const newChain = () => {
      chains++;
      dir = path.join(base, `chain-${chains}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'q.sql'), script(events, { joinSink: SQLITE_SINK, windowMs: 10 }));
    };
    const endChain = async () => {
      const same = fs.readFileSync(path.join(dir, 'per-window.jsonl')).equals(refFile) && JSON.stringify(await joinedRows(path.join(dir, 'joined.db'))) === JSON.stringify(refRows);
      if (same) identical++;
      log(`chain ${chains}: output ${same ? 'identical to' : 'DIFFERENT from'} the uninterrupted run`);
      fs.rmSync(dir, { recursive: true, force: true });
    };
    newChain();
    while (landed < kills) {
      const a = await runAndKill(cli, dir, rand);
      if (a.resumed) resumed++;
      if (!a.killed) {
        await endChain();
        newChain();
        continue;
      }
      landed++;
      if (a.early) early++;
      // Committed output only: the file up to the checkpointed byte, the SQLite table as committed.
      const bytes = await committedFileBytes(path.join(dir, 'state.db'));
      const file = fs.existsSync(path.join(dir, 'per-window.jsonl')) ? fs.readFileSync(path.join(dir, 'per-window.jsonl')) : Buffer.alloc(0);
      const rows = await joinedRows(path.join(dir, 'joined.db'));
      const ok = file.length >= bytes && isPrefix(file.subarray(0, bytes), refFile) && rows.length <= refRows.length && rows.every((r, i) => r === refRows[i]);
      if (ok) prefixOk++;
      else log(`kill ${landed}: committed output is NOT a prefix of the uninterrupted run's (file ${bytes} bytes, ${rows.length} rows)`);
      if (landed % 10 === 0) log(`${landed} kills, ${prefixOk} committed prefixes exact, chain ${chains}`);
    }
    // The last chain runs to the end.
    const fin = await spawnEddy(cli, dir, runArgs('100ms')).exited;
    if (fin.code !== 0) throw new Error(`reliability: the final run failed:\n${fin.stderr}`);
    if (resumedFrom(fin.stderr) > 0) resumed++;
    await endChain();
    return { requested: kills, landed, prefixChecksPassed: prefixOk, beforeFirstCheckpoint: early, resumed, chains, chainsIdentical: identical, referenceMs: Math.round(referenceMs), fileBytes: refFile.length, sqliteRows: refRows.length };
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

function rssKiB(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

async function rssRun(cli: string, events: number, log: (s: string) => void): Promise<NonNullable<ReliabilityResult['rss']>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-rss-'));
  try {
    fs.writeFileSync(path.join(dir, 'q.sql'), script(events, { joinSink: `'connector' = 'blackhole'`, windowMs: 100 }));
    const t0 = performance.now();
    const p = spawnEddy(cli, dir, runArgs('1s'));
    const samples: { t: number; kib: number }[] = [];
    const timer = setInterval(() => {
      const kib = rssKiB(p.child.pid!);
      if (kib !== null) samples.push({ t: performance.now() - t0, kib });
    }, 250);
    const exit = await p.exited;
    clearInterval(timer);
    const ms = performance.now() - t0;
    if (exit.code !== 0) throw new Error(`reliability: the RSS run failed:\n${exit.stderr}`);
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
    const window = (from: number, to: number) => samples.filter((s) => s.t >= from * ms && s.t <= to * ms).map((s) => s.kib);
    const start = med(window(0.1, 0.2));
    const end = med(window(0.9, 1));
    const mib = (k: number) => Math.round((k / 1024) * 10) / 10;
    const r = {
      eventsPerStream: events,
      seconds: Math.round(ms / 100) / 10,
      eventsPerSec: Math.round((2 * events) / (ms / 1000)),
      startMiB: mib(start),
      endMiB: mib(end),
      maxMiB: mib(Math.max(...samples.map((s) => s.kib))),
      driftPercent: start === 0 ? 0 : Math.round(((end - start) / start) * 1000) / 10,
      samples: samples.length,
    };
    log(`RSS run: ${2 * events} events in ${r.seconds} s; RSS ${r.startMiB} MiB at 10-20 %, ${r.endMiB} MiB at the end (${r.driftPercent} %), max ${r.maxMiB} MiB`);
    return r;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function runReliabilityBench(root: string, log: (s: string) => void): Promise<ReliabilityResult> {
  const env = process.env;
  const cli = path.join(root, 'dist/repl/main.js');
  const events = Number(env['BENCH_RELIABILITY_EVENTS'] ?? 2_000_000);
  const kills = Number(env['BENCH_RELIABILITY_KILLS'] ?? 50);
  const rssEvents = Number(env['BENCH_RELIABILITY_RSS_EVENTS'] ?? 10_000_000);
  const fuzz = await runFuzzPass(root, env, log);
  if (kills > 0) log(`reliability: ${kills} SIGKILLs over ${events} events per stream ...`);
  const k = kills > 0 ? await killLoop(cli, events, kills, Number(env['BENCH_RELIABILITY_SEED'] ?? 1), log) : null;
  if (rssEvents > 0) log(`reliability: RSS over ${2 * rssEvents} events (${rssEvents} per stream) ...`);
  const rss = rssEvents > 0 ? await rssRun(cli, rssEvents, log) : null;
  return { fuzz, eventsPerStream: events, kills: k, rss };
}

export function formatReliability(r: ReliabilityResult): string {
  const k = r.kills;
  const lines = [`Reliability (${r.eventsPerStream.toLocaleString('en-US')} events per stream; TUMBLE aggregation -> file sink, window join -> SQLite sink):`, ...formatFuzz(r.fuzz)];
  if (k) {
    lines.push(
      `  kills survived: ${k.prefixChecksPassed} of ${k.landed} SIGKILLs left committed output that is an exact prefix of an uninterrupted run (${k.beforeFirstCheckpoint} before the run's first checkpoint; ${k.resumed} re-runs resumed from a checkpoint)`,
      `  final output: ${k.chainsIdentical} of ${k.chains} chains of kills ended byte-identical (file, ${k.fileBytes.toLocaleString('en-US')} bytes) and row-identical (SQLite, ${k.sqliteRows.toLocaleString('en-US')} rows) to the uninterrupted run (${(k.referenceMs / 1000).toFixed(1)} s)`,
    );
  }
  if (r.rss) {
    const s = r.rss;
    lines.push(`  RSS over ${(2 * s.eventsPerStream).toLocaleString('en-US')} events (${s.seconds} s, ${s.eventsPerSec.toLocaleString('en-US')} events/s): ${s.startMiB} MiB at 10-20 % of the run, ${s.endMiB} MiB in its last 10 %, drift ${s.driftPercent} %, max ${s.maxMiB} MiB`);
  }
  return lines.join('\n');
}
