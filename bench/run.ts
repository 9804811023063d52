/**
 * `npm run bench`: the tumbling-window query measured side by side in one run.
 *  1. In memory: Eddy's embedding API vs a hand-written loop (the ceiling) vs arquero and SQLite
 *     computing the same result in batch.
 *  2. From a JSON Lines file: `eddy -f` vs a hand-written streaming program, both child processes.
 * Every contender's result is checked against a brute-force reference (row count and checksum).
 * Env: BENCH_ROWS (default 1000000), BENCH_REPEAT (default 5 in memory, 3 from a file),
 * BENCH_ONLY=memory|file|engine|checkpoint|nexmark|nexmark-bids|kafka|join|arrow|reliability (reliability: bench/reliability.ts, opt-in and never part
 * of a full run: random SIGKILLs of `eddy -f` with exactly-once output checked, and RSS drift over a long run, merged under "reliability"; arrow: bench/arrow.ts, the Arrow file source beside the JSON one and a materialized view's bytes per row; join: bench/join.ts, a regular join beside a hand-written hash join; engine: only Eddy in memory; kafka: bench/kafka.ts,
 * Eddy between two topics of a real broker beside the Kafka client alone, merged under "kafka"; checkpoint: only the
 * checkpoint benchmark of bench/checkpoint.ts, whose figures are merged into latest.json under
 * "checkpoint"), BENCH_PROFILE=out.cpuprofile (CPU profile of the timed Eddy in-memory runs only;
 * summarize with dist/bench/profile-top.js).
 *  3. Checkpoints: pause and total time per checkpoint at 10k/100k/1M keys, restore of 1M keys,
 *     throughput with 1 s checkpoints against none (bench/checkpoint.ts).
 *  4. Nexmark (bench/nexmark/flink/): nexmark-flink's queries as written (q0-q5, q7-q9, q11-q13,
 *     q15-q22) over the `nexmark` connector in memory, and some from a JSON Lines file of the same
 *     events, each beside a hand-written JS baseline checked equal to Eddy on a small run first; for
 *     the join queries the heap per live join-state row. Merged into latest.json under "nexmark".
 *     BENCH_ONLY=nexmark runs only it. Env: BENCH_NEXMARK_EVENTS (events per query, default
 *     100000), BENCH_NEXMARK_TPS (events/s of event time, 10000), NEXMARK_QUERIES or
 *     BENCH_NEXMARK_QUERIES (e.g. q3,q8; default all), BENCH_NEXMARK_FILE_QUERIES (default
 *     q0,q1,q2,q5,q7,q11,q12; 'all'; BENCH_NEXMARK_FILE=0 for none), BENCH_NEXMARK_STATE_EVENTS
 *     (200000; 0 skips the join-state measurement), BENCH_NEXMARK_VERIFY_EVENTS (10000); repeats
 *     BENCH_REPEAT (3 in memory) and BENCH_FILE_REPEAT (2).
 *     BENCH_ONLY=nexmark-bids (opt-in, not in a full run): the older bid-only suite of
 *     bench/nexmark/suite.ts (Nexmark-style q0 q1 q2 q5 q7 q11 q12 against hand-written, SQLite and
 *     arquero, window state bytes, latency, checkpoint overhead), under "nexmarkBids", with the
 *     same BENCH_NEXMARK_EVENTS / BENCH_NEXMARK_QUERIES and its BENCH_NEXMARK_STATE_KEYS,
 *     BENCH_NEXMARK_LATENCY_BIDS, BENCH_NEXMARK_PROFILE=0.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Session as InspectorSession } from 'node:inspector/promises';
import Table from 'cli-table3';
import { Eddy, type ResultRow } from '../src/engine.js';
import { BIDS_COLUMNS, QUERY, expectedFingerprint, fingerprint, generateBids, readResultJsonl, writeBidsJsonl, type Bid, type Fingerprint, type ResultTuple } from './data.js';
import { HandwrittenTumble, type OutRow } from './handwritten.js';
import { arqueroLoad, arqueroQuery, sqliteClose, sqliteLoad, sqliteQuery, timed } from './baselines.js';
import { formatCheckpointTables, runCheckpointBench, type CheckpointBenchResult } from './checkpoint.js';
import { runNexmarkBench, type NexmarkResult } from './nexmark/suite.js';
import { formatNexmarkTables } from './nexmark/report.js';
import type { QueryId } from './nexmark/queries.js';
import { runFlinkNexmarkBench, type FlinkNexmarkResult } from './nexmark/flink/suite.js';
import { formatFlinkNexmarkTables } from './nexmark/flink/report.js';
import { BENCH_QUERIES, DEFAULT_FILE_QUERIES, isBenchQuery, type BenchQuery } from './nexmark/flink/sql.js';
import { tuneGcForStreaming } from '../src/runtime/gc-tuning.js';
import { formatKafkaTable, runKafkaBench } from './kafka.js';
import { formatJoinTable, runJoinBench, type JoinBenchResult } from './join.js';
import { formatArrowTable, runArrowBench, type ArrowBenchResult } from './arrow.js';
import { formatReliability, runReliabilityBench } from './reliability.js';

// The configuration the README recommends for embedding; every in-process contender shares it.
tuneGcForStreaming();

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const N = Number(process.env['BENCH_ROWS'] ?? 1_000_000);
// In-memory runs are short and, on a busy machine, noisy: more of them, median reported.
const REPEAT = Math.max(1, Number(process.env['BENCH_REPEAT'] ?? 5));
const FILE_REPEAT = Math.max(1, Number(process.env['BENCH_REPEAT'] ?? 3));
const ONLY = process.env['BENCH_ONLY'] ?? 'all';
const PROFILE = process.env['BENCH_PROFILE'];
const INSERT_CHUNK = 10_000;

// A full collection before each timed run, so no contender pays for the previous one's garbage;
// then a pause, so the collector's concurrent sweeping is over before the clock starts.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
async function collectGarbage(): Promise<void> {
  gc();
  await new Promise((r) => setTimeout(r, 100));
}

interface Figure {
  readonly id: string;
  readonly label: string;
  readonly group: 'memory' | 'part' | 'file' | 'load';
  /** Median over the repeats. */
  readonly ms: number;
  readonly samplesMs: readonly number[];
  readonly bestMs: number;
  readonly eventsPerSec: number;
  readonly result?: Fingerprint;
}

const figures: Figure[] = [];

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function addFigure(id: string, label: string, group: Figure['group'], samplesMs: number[], result?: Fingerprint): void {
  const ms = median(samplesMs);
  const r1 = (x: number) => Math.round(x * 10) / 10;
  figures.push({ id, label, group, ms: r1(ms), samplesMs: samplesMs.map(r1), bestMs: r1(Math.min(...samplesMs)), eventsPerSec: Math.round(N / (ms / 1000)), ...(result ? { result } : {}) });
}

function check(name: string, got: Fingerprint, want: Fingerprint): void {
  if (got.rows !== want.rows || got.checksum !== want.checksum || got.counted !== want.counted) {
    throw new Error(`bench: ${name} computed a different result: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
}

function resultTupleOf(r: ResultRow | OutRow): ResultTuple {
  return { auction: r['auction'] as number, windowStart: (r['window_start'] as Date).getTime(), n: r['n'] as number, top: r['top'] as number, total: r['total'] as number };
}

/** Eddy in memory: insert the bids in chunks into a memory stream while reading every result row, then end it. */
async function engineInMemory(bids: readonly Bid[], profilePath?: string): Promise<{ ms: number; insertMs: number; rows: ResultRow[] }> {
  const eddy = await Eddy.open();
  const profiler = profilePath ? new InspectorSession() : null;
  try {
    await eddy.execute(`CREATE STREAM bids (${BIDS_COLUMNS}) WITH ('connector' = 'memory')`);
    await collectGarbage();
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const t0 = performance.now();
    const q = eddy.query(QUERY);
    // A streaming consumer: results are read while the rows are inserted (see nexmark/memory-path.ts).
    const rows: ResultRow[] = [];
    const consumer = (async () => {
      for await (const r of q) rows.push(r);
    })();
    for (let i = 0; i < bids.length; i += INSERT_CHUNK) await eddy.insert('bids', bids.slice(i, i + INSERT_CHUNK));
    eddy.end('bids');
    const insertMs = performance.now() - t0;
    await consumer;
    const ms = performance.now() - t0;
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      fs.writeFileSync(profilePath!, JSON.stringify(profile));
    }
    return { ms, insertMs, rows };
  } finally {
    profiler?.disconnect();
    await eddy.close();
  }
}

/** The hand-written loop over the same objects, fed in the same chunks. */
function handwrittenInMemory(bids: readonly Bid[]): { ms: number; rows: OutRow[] } {
  const t0 = performance.now();
  const agg = new HandwrittenTumble();
  for (let i = 0; i < bids.length; i += INSERT_CHUNK) agg.push(bids.slice(i, i + INSERT_CHUNK));
  agg.end();
  const rows = agg.out;
  const ms = performance.now() - t0;
  if (agg.lateRows !== 0) throw new Error(`bench: the hand-written loop saw ${agg.lateRows} late rows; the data should have none`);
  return { ms, rows };
}

async function inMemory(bids: readonly Bid[], want: Fingerprint): Promise<void> {
  const eng: number[] = [];
  const engInsert: number[] = [];
  const hand: number[] = [];
  let engFp: Fingerprint | undefined;
  let handFp: Fingerprint | undefined;
  // Two untimed rounds on a slice first, so both sides are measured with their code optimized. Two,
  // because code optimized in the first round is often specialized to objects that then die, and
  // V8 throws it away at the next full collection ("weak objects" deopts).
  const warm = bids.slice(0, Math.min(bids.length, 200_000));
  for (let i = 0; i < 2; i++) {
    await engineInMemory(warm);
    await collectGarbage();
    handwrittenInMemory(warm);
  }
  for (let r = 0; r < REPEAT; r++) {
    const e = await engineInMemory(bids, PROFILE ? PROFILE.replace(/(\.cpuprofile)?$/, `-${r + 1}.cpuprofile`) : undefined);
    eng.push(e.ms);
    engInsert.push(e.insertMs);
    engFp = fingerprint(e.rows.map(resultTupleOf));
    check('Eddy (in memory)', engFp, want);
    if (ONLY === 'engine') continue;
    await collectGarbage();
    const h = handwrittenInMemory(bids);
    hand.push(h.ms);
    handFp = fingerprint(h.rows.map(resultTupleOf));
    check('hand-written loop', handFp, want);
    process.stderr.write(`  round ${r + 1}/${REPEAT}: eddy ${e.ms.toFixed(0)} ms (insert ${e.insertMs.toFixed(0)} ms), hand-written ${h.ms.toFixed(0)} ms\n`);
  }
  addFigure('memory.eddy', 'Eddy, embedding API (insert + query)', 'memory', eng, engFp);
  addFigure('part.eddy-insert', '  of which until the last insert() returned (results read meanwhile)', 'part', engInsert);
  addFigure('part.eddy-after-insert', '  of which after the last insert() returned', 'part', eng.map((ms, i) => ms - engInsert[i]!));
  if (ONLY === 'engine') return;
  addFigure('memory.handwritten', 'hand-written JS loop', 'memory', hand, handFp);

  const aqLoad = await timed(() => arqueroLoad(bids));
  const aqRuns: number[] = [];
  let aqFp: Fingerprint | undefined;
  for (let r = 0; r < REPEAT; r++) {
    await collectGarbage();
    const t = await timed(() => arqueroQuery(aqLoad.value));
    aqRuns.push(t.ms);
    aqFp = fingerprint(t.value);
    check('arquero', aqFp, want);
  }
  addFigure('memory.arquero', 'arquero (batch, compute only)', 'memory', aqRuns, aqFp);
  addFigure('load.arquero', 'arquero: build table (not compared)', 'load', [aqLoad.ms]);

  const sqLoad = await timed(() => sqliteLoad(bids));
  const sqRuns: number[] = [];
  let sqFp: Fingerprint | undefined;
  try {
    for (let r = 0; r < REPEAT; r++) {
      await collectGarbage();
      const t = await timed(() => sqliteQuery(sqLoad.value));
      sqRuns.push(t.ms);
      sqFp = fingerprint(t.value);
      check('SQLite', sqFp, want);
    }
  } finally {
    await sqliteClose(sqLoad.value);
  }
  addFigure('memory.sqlite', 'SQLite :memory: (batch, GROUP BY only)', 'memory', sqRuns, sqFp);
  addFigure('load.sqlite', 'SQLite: bulk insert in one transaction (not compared)', 'load', [sqLoad.ms]);
}

interface ChildRun {
  readonly ms: number;
  readonly stdout: string;
}

/** Runs `node <args>`, or with `command` that program (repl/eddy, the `eddy` command as users run it). */
function runChild(args: string[], cwd: string, command = process.execPath): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) reject(new Error(`bench: 'node ${args.join(' ')}' exited with ${code}\n${stderr}${stdout}`));
      else resolve({ ms, stdout });
    });
  });
}

async function fromFile(bids: readonly Bid[], want: Fingerprint, dir: string): Promise<void> {
  const input = path.join(dir, 'bids.jsonl');
  const t = await timed(() => writeBidsJsonl(input, bids));
  process.stderr.write(`  wrote ${input} (${(t.value / 1e6).toFixed(1)} MB) in ${t.ms.toFixed(0)} ms\n`);
  const eddyOut = path.join(dir, 'eddy-out.jsonl');
  const handOut = path.join(dir, 'hand-out.jsonl');
  const script = path.join(dir, 'script.sql');
  fs.writeFileSync(
    script,
    `CREATE STREAM bids (${BIDS_COLUMNS}) WITH ('connector' = 'file', 'path' = '${input}', 'format' = 'json');\n` +
      `CREATE STREAM top_bids (auction BIGINT, window_start TIMESTAMP(3), n BIGINT, top DOUBLE, total DOUBLE) WITH ('connector' = 'file', 'path' = '${eddyOut}', 'format' = 'json');\n` +
      // OVERWRITE: each round writes the whole result again (INSERT INTO would append to the last round's).
      `INSERT OVERWRITE top_bids ${QUERY};\n`,
  );
  const eng: number[] = [];
  const hand: number[] = [];
  for (let r = 0; r < FILE_REPEAT; r++) {
    // A fresh state database each time: an existing one would resume (and skip) the finished query.
    const state = path.join(dir, `state-${r}.db`);
    const e = await runChild(['-f', script, '--state', state, '--format', 'json'], dir, path.join(ROOT, 'repl/eddy'));
    eng.push(e.ms);
    const h = await runChild([path.join(ROOT, 'dist/bench/handwritten-file.js'), input, handOut], dir);
    hand.push(h.ms);
    process.stderr.write(`  round ${r + 1}/${FILE_REPEAT}: eddy -f ${e.ms.toFixed(0)} ms, hand-written ${h.ms.toFixed(0)} ms\n`);
  }
  const engFp = fingerprint(await readResultJsonl(eddyOut));
  const handFp = fingerprint(await readResultJsonl(handOut));
  check('eddy -f', engFp, want);
  check('hand-written file program', handFp, want);
  addFigure('file.eddy', 'eddy -f (file source -> file sink)', 'file', eng, engFp);
  addFigure('file.handwritten', 'hand-written Node program', 'file', hand, handFp);
}

function fmtRate(x: number): string {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)} M/s` : `${(x / 1e3).toFixed(0)} k/s`;
}

function fmtRatio(f: Figure, baseId: string): string {
  const base = figures.find((g) => g.id === baseId);
  if (!base || base.id === f.id) return '';
  return `${(f.eventsPerSec / base.eventsPerSec).toFixed(2)}x`;
}

function ratioOf(a: string, b: string): number | null {
  const fa = figures.find((f) => f.id === a);
  const fb = figures.find((f) => f.id === b);
  return fa && fb ? Math.round((1000 * fa.eventsPerSec) / fb.eventsPerSec) / 1000 : null;
}

function printTable(): void {
  const table = new Table({ head: ['figure', 'median ms', 'best ms', 'events/s', 'vs hand-written', 'vs SQLite', 'vs arquero'], style: { head: [], border: [] } });
  const sections = [
    { title: `In memory (${N.toLocaleString('en-US')} rows)`, groups: ['memory', 'part'], hand: 'memory.handwritten' },
    { title: `From a JSON Lines file (${N.toLocaleString('en-US')} rows, child processes, end to end)`, groups: ['file'], hand: 'file.handwritten' },
    { title: 'Batch baselines: load time (not part of their figures above)', groups: ['load'], hand: '' },
  ];
  for (const sec of sections) {
    const rows = figures.filter((f) => sec.groups.includes(f.group));
    if (rows.length === 0) continue;
    table.push([{ colSpan: 7, content: sec.title }]);
    for (const f of rows) {
      const compared = f.group === 'memory' || f.group === 'file';
      table.push([
        f.label,
        f.ms.toFixed(0),
        f.samplesMs.length > 1 ? f.bestMs.toFixed(0) : '',
        compared ? fmtRate(f.eventsPerSec) : '',
        compared ? fmtRatio(f, sec.hand) : '',
        f.group === 'memory' ? fmtRatio(f, 'memory.sqlite') : '',
        f.group === 'memory' ? fmtRatio(f, 'memory.arquero') : '',
      ]);
    }
  }
  console.log(table.toString());
  console.log('ratios: throughput of the row / throughput of the column (below 1x = slower than that baseline)');
}

/** Rewrites latest.json keeping what is there, so a partial run (BENCH_ONLY=checkpoint) adds to it. */
function writeResults(update: Record<string, unknown>): void {
  const resultsDir = path.join(ROOT, 'bench', 'results');
  const file = path.join(resultsDir, 'latest.json');
  fs.mkdirSync(resultsDir, { recursive: true });
  let previous: Record<string, unknown> = {};
  try {
    previous = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // No previous results (or unreadable ones): start a new file.
  }
  fs.writeFileSync(file, JSON.stringify({ ...previous, ...update }, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

async function checkpointOnly(): Promise<void> {
  const cpus = os.cpus();
  console.log(`Eddy checkpoint benchmark; load ${os.loadavg()[0]!.toFixed(1)}; ${cpus[0]?.model ?? '?'} x${cpus.length}, node ${process.version}`);
  const cp = await runCheckpointBench();
  console.log(formatCheckpointTables(cp));
  writeResults({ checkpoint: { date: new Date().toISOString(), loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100), ...cp } });
}

/** A comma-separated list of bench queries; 'all' for every one. */
function queryList(text: string): BenchQuery[] {
  if (text.trim() === 'all') return [...BENCH_QUERIES];
  const ids = text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = ids.filter((q) => !isBenchQuery(q));
  if (bad.length) throw new Error(`bench: unknown Nexmark queries ${bad.join(', ')}; the bench runs ${BENCH_QUERIES.join(' ')}`);
  return ids as BenchQuery[];
}

async function nexmark(): Promise<FlinkNexmarkResult> {
  const env = process.env;
  const queries = queryList(env['NEXMARK_QUERIES'] ?? env['BENCH_NEXMARK_QUERIES'] ?? 'all');
  const fileQueries = env['BENCH_NEXMARK_FILE'] === '0' ? [] : queryList(env['BENCH_NEXMARK_FILE_QUERIES'] ?? DEFAULT_FILE_QUERIES.join(','));
  return runFlinkNexmarkBench({
    root: ROOT,
    events: Number(env['BENCH_NEXMARK_EVENTS'] ?? 100_000),
    tps: Number(env['BENCH_NEXMARK_TPS'] ?? 10_000),
    repeat: Math.max(1, Number(env['BENCH_REPEAT'] ?? 3)),
    fileRepeat: Math.max(1, Number(env['BENCH_FILE_REPEAT'] ?? 2)),
    queries,
    fileQueries: fileQueries.filter((q) => queries.includes(q)),
    stateEvents: Number(env['BENCH_NEXMARK_STATE_EVENTS'] ?? 200_000),
    verifyEvents: Number(env['BENCH_NEXMARK_VERIFY_EVENTS'] ?? 10_000),
    log: (s) => process.stderr.write(s + '\n'),
  });
}

/** BENCH_ONLY=nexmark-bids: the older bid-only suite (bench/nexmark/suite.ts). */
async function nexmarkBids(): Promise<NexmarkResult> {
  const env = process.env;
  return runNexmarkBench({
    root: ROOT,
    events: Number(env['BENCH_NEXMARK_EVENTS'] ?? N),
    repeat: Math.max(1, Number(env['BENCH_REPEAT'] ?? 3)),
    fileRepeat: Math.max(1, Number(env['BENCH_FILE_REPEAT'] ?? 3)),
    queries: (env['BENCH_NEXMARK_QUERIES'] ?? 'q0,q1,q2,q5,q7,q11,q12').split(',').map((s) => s.trim() as QueryId),
    file: env['BENCH_NEXMARK_FILE'] !== '0',
    stateKeys: Number(env['BENCH_NEXMARK_STATE_KEYS'] ?? 200_000),
    latencyBids: Number(env['BENCH_NEXMARK_LATENCY_BIDS'] ?? Infinity),
    profile: env['BENCH_NEXMARK_PROFILE'] !== '0',
    log: (s) => process.stderr.write(s + '\n'),
  });
}

function nexmarkEntry(r: NexmarkResult | FlinkNexmarkResult): Record<string, unknown> {
  const cpus = os.cpus();
  return { date: new Date().toISOString(), machine: { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100), node: process.version }, ...r };
}

async function nexmarkOnly(): Promise<void> {
  const cpus = os.cpus();
  console.log(`Eddy Nexmark benchmark; load ${os.loadavg()[0]!.toFixed(1)}; ${cpus[0]?.model ?? '?'} x${cpus.length}, node ${process.version}`);
  const r = await nexmark();
  console.log(formatFlinkNexmarkTables(r));
  writeResults({ nexmark: nexmarkEntry(r) });
}

async function nexmarkBidsOnly(): Promise<void> {
  const cpus = os.cpus();
  console.log(`Eddy Nexmark-style bid-only benchmark; load ${os.loadavg()[0]!.toFixed(1)}; ${cpus[0]?.model ?? '?'} x${cpus.length}, node ${process.version}`);
  const r = await nexmarkBids();
  console.log(formatNexmarkTables(r));
  writeResults({ nexmarkBids: nexmarkEntry(r) });
}

/**
 * The tumble query in memory and from a file. Its own function, so its million bids are garbage
 * once it returns: kept alive, they would slow every later section's collections.
 */
async function tumbleSections(): Promise<Fingerprint> {
  const gen = await timed(() => generateBids(N));
  const bids = gen.value;
  const want = expectedFingerprint(bids);
  console.log(`generated in ${gen.ms.toFixed(0)} ms; expected result: ${want.rows.toLocaleString('en-US')} rows, checksum ${want.checksum}, ${want.counted.toLocaleString('en-US')} rows pass the filter`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-bench-'));
  try {
    if (ONLY === 'all' || ONLY === 'memory' || ONLY === 'engine') {
      process.stderr.write('in memory ...\n');
      await inMemory(bids, want);
    }
    if (ONLY === 'all' || ONLY === 'file') {
      process.stderr.write('from a file ...\n');
      await fromFile(bids, want, dir);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return want;
}

/** BENCH_ONLY=kafka: Eddy between two Kafka topics beside the client alone (bench/kafka.ts); needs Java and Maven. */
async function kafkaOnly(): Promise<void> {
  const cpus = os.cpus();
  console.log(`Eddy Kafka benchmark; load ${os.loadavg()[0]!.toFixed(1)}; ${cpus[0]?.model ?? '?'} x${cpus.length}, node ${process.version}`);
  const r = await runKafkaBench((s) => process.stderr.write(s + '\n'));
  console.log(formatKafkaTable(r));
  writeResults({ kafka: { date: new Date().toISOString(), loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100), ...r } });
}

/** BENCH_ONLY=join: the regular join beside a hand-written hash join (bench/join.ts), merged under "join". */
async function joinOnly(): Promise<void> {
  const r = await runJoinBench((s) => process.stderr.write(s + '\n'));
  console.log(formatJoinTable(r));
  writeResults({ join: { date: new Date().toISOString(), loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100), ...r } });
}

/** BENCH_ONLY=arrow: the Arrow file source beside the JSON Lines one, and a view's bytes per row (bench/arrow.ts), merged under "arrow". */
async function arrowOnly(): Promise<void> {
  const r = await runArrowBench((s) => process.stderr.write(s + '\n'));
  console.log(formatArrowTable(r));
  writeResults({ arrow: { date: new Date().toISOString(), loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100), ...r } });
}

/** BENCH_ONLY=reliability: SIGKILLs and RSS drift (bench/reliability.ts), merged under "reliability". */
async function reliabilityOnly(): Promise<void> {
  const cpus = os.cpus();
  console.log(`Eddy reliability benchmark; load ${os.loadavg()[0]!.toFixed(1)}; ${cpus[0]?.model ?? '?'} x${cpus.length}, node ${process.version}`);
  const r = await runReliabilityBench(ROOT, (s) => process.stderr.write(s + '\n'));
  console.log(formatReliability(r));
  writeResults({ reliability: { date: new Date().toISOString(), loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100), ...r } });
}

async function main(): Promise<void> {
  if (ONLY === 'reliability') return reliabilityOnly();
  if (ONLY === 'checkpoint') return checkpointOnly();
  if (ONLY === 'arrow') return arrowOnly();
  if (ONLY === 'join') return joinOnly();
  if (ONLY === 'kafka') return kafkaOnly();
  if (ONLY === 'nexmark') return nexmarkOnly();
  if (ONLY === 'nexmark-bids') return nexmarkBidsOnly();
  const cpus = os.cpus();
  console.log(`Eddy benchmark: ${N.toLocaleString('en-US')} bids, ${REPEAT} runs in memory / ${FILE_REPEAT} from a file, median reported; load ${os.loadavg()[0]!.toFixed(1)}; ${cpus[0]?.model ?? '?'} x${cpus.length}, node ${process.version}`);
  console.log(`query: ${QUERY}`);
  const want = await tumbleSections();
  let cp: CheckpointBenchResult | null = null;
  let nx: FlinkNexmarkResult | null = null;
  let jn: JoinBenchResult | null = null;
  let ar: ArrowBenchResult | null = null;
  if (ONLY === 'all') {
    process.stderr.write('arrow ...\n');
    ar = await runArrowBench((s) => process.stderr.write(s + '\n'));
    process.stderr.write('join ...\n');
    jn = await runJoinBench((s) => process.stderr.write(s + '\n'));
    process.stderr.write('checkpoints ...\n');
    cp = await runCheckpointBench();
    process.stderr.write('nexmark ...\n');
    nx = await nexmark();
  }
  printTable();
  console.log(`all results verified: ${want.rows.toLocaleString('en-US')} rows, checksum ${want.checksum}`);
  if (cp) console.log(formatCheckpointTables(cp));
  if (nx) console.log(formatFlinkNexmarkTables(nx));
  if (jn) console.log(formatJoinTable(jn));
  if (ar) console.log(formatArrowTable(ar));
  if (ONLY !== 'all') return;
  const out = {
    date: new Date().toISOString(),
    machine: { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100), memoryGiB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()} ${os.arch()}`, node: process.version },
    rows: N,
    repeat: { memory: REPEAT, file: FILE_REPEAT },
    note: 'events/s = input rows / median wall time; in memory the batch baselines are timed on computation only (load times separate); file figures are whole child processes',
    query: QUERY,
    expected: want,
    figures,
    ratios: {
      memoryEddyVsHandwritten: ratioOf('memory.eddy', 'memory.handwritten'),
      memoryEddyVsSqlite: ratioOf('memory.eddy', 'memory.sqlite'),
      memoryEddyVsArquero: ratioOf('memory.eddy', 'memory.arquero'),
      fileEddyVsHandwritten: ratioOf('file.eddy', 'file.handwritten'),
    },
  };
  writeResults({ ...out, ...(cp ? { checkpoint: { date: out.date, loadAverage: out.machine.loadAverage, ...cp } } : {}), ...(nx ? { nexmark: nexmarkEntry(nx) } : {}), ...(jn ? { join: { date: out.date, ...jn } } : {}), ...(ar ? { arrow: { date: out.date, ...ar } } : {}) });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
