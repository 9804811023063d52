/**
 * The checkpoint benchmark (issue 3), in process through Session so every checkpoint is observed:
 *  1. Pause and total time per checkpoint of a persistent tumbling query whose open windows hold
 *     K = 10k, 100k, 1M keys: a build phase, a phase changing min(K, 100k) keys per checkpoint,
 *     and an incremental phase changing a few keys per checkpoint.
 *  2. Restore time of the 1M-key state (stopped with a final checkpoint, then reopened).
 *  3. Throughput of the same query over a JSON Lines file with no state db vs 1 s checkpoints.
 * Env: BENCH_CHECKPOINT_KEYS (default 10000,100000,1000000), BENCH_CHECKPOINT_ROUNDS (default 10),
 * BENCH_CHECKPOINT_INTERVAL_MS (default 1000), BENCH_ROWS (throughput rows, default 3000000 here),
 * BENCH_REPEAT (throughput repeats, default 3), BENCH_RESTORE_REPEAT (default 3).
 */
import { persistentQueryId } from '../src/runtime/sink-ownership.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import Table from 'cli-table3';
import type { Row } from '../src/common/types.js';
import { parseScript } from '../src/parser/index.js';
import { CheckpointStore, type LoadedCheckpoint, type WriteCheckpointArgs } from '../src/checkpoint/store.js';
import type { CheckpointInfo } from '../src/checkpoint/types.js';
import { KeyedStateBackend } from '../src/exec/state/index.js';
import { Session } from '../src/runtime/session.js';
import type { PersistentQuery } from '../src/runtime/persistent-query.js';
import { prng } from './prng.js';

const HOUR_MS = 3_600_000;
/** An hour boundary, so every generated row of the state phases falls in one open window. */
const BASE_HOUR = Math.floor(1_700_000_000_000 / HOUR_MS) * HOUR_MS;
const COLUMNS = "k BIGINT, ts TIMESTAMP(3), v DOUBLE, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND";
const SINK_COLUMNS = 'k BIGINT, w TIMESTAMP(3), n BIGINT, s DOUBLE';
export const CHECKPOINT_QUERY =
  "INSERT INTO sink SELECT k, TUMBLE_START(ts, INTERVAL '1' HOUR) AS w, COUNT(*) AS n, SUM(v) AS s FROM src GROUP BY k, TUMBLE(ts, INTERVAL '1' HOUR)";
const QUERY_ID = persistentQueryId('insert_into_sink', CHECKPOINT_QUERY);
const MAX_CHANGED = 100_000;
const FEW_KEYS = 5;

export const TARGETS = { throughputRatio: 0.9, p99PauseMs: 20, restoreMs: 1000 } as const;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
async function collectGarbage(): Promise<void> {
  gc();
  await new Promise((r) => setTimeout(r, 100));
}

type Phase = 'build' | 'changed' | 'few' | 'final';

export interface CheckpointSample {
  readonly id: number;
  readonly phase: Phase;
  /** Distinct keys updated by the rows between the previous checkpoint's cut and this one's. */
  readonly changedKeys: number;
  readonly rows: number;
  readonly pauseMs: number;
  /** Pause + the store's write until its transaction committed (measured around writeCheckpoint). */
  readonly totalMs: number;
  /** What the store itself records as duration_ms (SHOW CHECKPOINTS, --verbose). */
  readonly recordedMs: number;
  readonly bytes: number;
  readonly keyGroups: number;
}

interface Stats {
  readonly checkpoints: number;
  readonly changedKeys: { readonly min: number; readonly max: number };
  readonly pauseMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly totalMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly bytes: { readonly p50: number; readonly max: number };
  readonly keyGroups: { readonly p50: number; readonly max: number };
}

export interface SizeResult {
  readonly keys: number;
  readonly intervalMs: number;
  readonly buildMs: number;
  readonly stateEntries: number;
  readonly phases: Partial<Record<Phase, Stats>>;
  readonly samples: readonly CheckpointSample[];
}

export interface RestoreResult {
  readonly keys: number;
  readonly checkpointBytes: number;
  readonly totalMs: number;
  readonly openStoreMs: number;
  readonly loadLatestMs: number;
  readonly backendRestoreMs: number;
  /** CREATE STREAM src, sink (catalog writes to the state db). */
  readonly createStreamsMs: number;
  /** The rest of starting the query: plan, lock, query record, source seek, sink restore. */
  readonly otherMs: number;
  readonly restoredEntries: number;
  /** Total of every repeat; the breakdown above is the median one's. */
  readonly samplesMs: readonly number[];
  readonly verified: string;
}

export interface ThroughputResult {
  readonly rows: number;
  readonly keys: number;
  readonly intervalMs: number;
  readonly withoutMs: readonly number[];
  readonly withMs: readonly number[];
  readonly withoutRowsPerSec: number;
  readonly withRowsPerSec: number;
  readonly ratio: number;
  readonly checkpointsPerRun: readonly number[];
  readonly pauseMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly outputRows: number;
}

export interface CheckpointBenchResult {
  readonly query: string;
  readonly targets: typeof TARGETS;
  readonly sizes: readonly SizeResult[];
  readonly restore: RestoreResult | null;
  readonly throughput: ThroughputResult;
  readonly warnings: readonly string[];
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;

function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  // Nearest rank: with ten samples p99 is the largest, which is what a pause target must face.
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

function stats(samples: readonly CheckpointSample[]): Stats {
  const p = (f: (s: CheckpointSample) => number) => samples.map(f);
  const pause = p((s) => s.pauseMs);
  const total = p((s) => s.totalMs);
  const changed = p((s) => s.changedKeys);
  return {
    checkpoints: samples.length,
    changedKeys: { min: Math.min(...changed), max: Math.max(...changed) },
    pauseMs: { p50: r2(quantile(pause, 0.5)), p99: r2(quantile(pause, 0.99)), max: r2(Math.max(...pause)) },
    totalMs: { p50: r1(quantile(total, 0.5)), p99: r1(quantile(total, 0.99)), max: r1(Math.max(...total)) },
    bytes: { p50: quantile(p((s) => s.bytes), 0.5), max: Math.max(...p((s) => s.bytes)) },
    keyGroups: { p50: quantile(p((s) => s.keyGroups), 0.5), max: Math.max(...p((s) => s.keyGroups)) },
  };
}

/** Times the store's write of each checkpoint and remembers the source offset at its cut. */
function instrumentStore(store: CheckpointStore): Map<number, { writeMs: number; offset: unknown }> {
  const seen = new Map<number, { writeMs: number; offset: unknown }>();
  const write = store.writeCheckpoint.bind(store);
  store.writeCheckpoint = async (args: WriteCheckpointArgs): Promise<CheckpointInfo> => {
    const t0 = performance.now();
    const info = await write(args);
    seen.set(args.checkpointId, { writeMs: performance.now() - t0, offset: (args.meta.operators['source-0'] as { state: { offset: unknown } } | undefined)?.state.offset });
    return info;
  };
  return seen;
}

async function exec(session: Session, sql: string): Promise<PersistentQuery | null> {
  let q: PersistentQuery | null = null;
  for (const ps of parseScript(sql)) {
    const r = await session.execute(ps);
    if (r.kind === 'persistent') q = r.query;
  }
  return q;
}

const ddl = (src: string) =>
  `CREATE STREAM src (${COLUMNS}) WITH (${src}); CREATE STREAM sink (${SINK_COLUMNS}) WITH ('connector' = 'memory'); ${CHECKPOINT_QUERY};`;


/** A state-phase row: key k; a millisecond per thousand rows keeps every row inside the first hour. */
const stateRow = (k: number, seq: number): Row => [k, BASE_HOUR + Math.floor(seq / 1000), (seq % 100) / 4];

interface Driven {
  readonly session: Session;
  readonly store: CheckpointStore;
  readonly query: PersistentQuery;
  readonly rows: Row[];
  /** The memory log's incarnation: a restore refills the rows under it, as a durable source would still hold them. */
  readonly incarnation: string;
  readonly result: SizeResult;
}

/** The row index of a memory source offset ({ row, incarnation }; a plain number in older checkpoints). */
function rowOffset(o: unknown): number | null {
  if (typeof o === 'number') return o;
  const row = (o as { row?: unknown } | null)?.row;
  return typeof row === 'number' ? row : null;
}

/** Builds state of `keys` keys, then changes many keys, then few, one checkpoint per round. */
async function driveSize(keys: number, file: string, intervalMs: number, rounds: number, warnings: string[], log: (s: string) => void): Promise<Driven> {
  const store = await CheckpointStore.open(file);
  const writes = instrumentStore(store);
  const samples: CheckpointSample[] = [];
  const rows: Row[] = [];
  let phase: Phase = 'build';
  let lastOffset = 0;
  const mark = new Uint8Array(keys);
  let waiter: (() => void) | null = null;
  const onCheckpoint = (info: CheckpointInfo, pauseMs: number): void => {
    const w = writes.get(info.checkpointId);
    const offset = rowOffset(w?.offset) ?? lastOffset;
    mark.fill(0);
    let changed = 0;
    for (let i = lastOffset; i < offset; i++) {
      const k = rows[i]![0] as number;
      if (!mark[k]) {
        mark[k] = 1;
        changed++;
      }
    }
    samples.push({
      id: info.checkpointId,
      phase,
      changedKeys: changed,
      rows: offset - lastOffset,
      pauseMs,
      totalMs: pauseMs + (w?.writeMs ?? NaN),
      recordedMs: info.durationMs,
      bytes: info.bytes,
      keyGroups: info.keyGroupsWritten,
    });
    lastOffset = offset;
    const wake = waiter;
    waiter = null;
    wake?.();
  };
  const session = new Session({
    store,
    endMemoryWhenDrained: false,
    baseDir: path.dirname(file),
    fresh: true,
    onWarning: (m) => warnings.push(m),
    onCheckpoint,
    checkpointIntervalMs: intervalMs,
  });
  const query = (await exec(session, ddl("'connector' = 'memory'")))!;
  /** Resolves once a committed checkpoint's cut covers every row appended so far. */
  const covered = async (): Promise<void> => {
    while (lastOffset < rows.length) {
      if (query.status !== 'RUNNING') throw new Error(`bench: query is ${query.describeStatus()}`);
      await new Promise<void>((r) => (waiter = r));
    }
  };
  const append = (batch: Row[]) => {
    for (const r of batch) rows.push(r);
    session.memory.append('src', batch);
  };

  const t0 = performance.now();
  const build: Row[] = new Array(keys);
  for (let k = 0; k < keys; k++) build[k] = stateRow(k, k);
  append(build);
  while ((query.metrics()?.rowsIn ?? 0) < rows.length) await new Promise((r) => setTimeout(r, 2));
  const buildMs = performance.now() - t0;
  await covered();

  const changed = Math.min(keys, MAX_CHANGED);
  const rand = prng(keys);
  for (let r = 0; r < rounds; r++) {
    phase = 'changed';
    // A random stride walk: `changed` distinct keys, spread over every key group.
    const start = Math.floor(rand() * keys);
    const batch: Row[] = new Array(changed);
    for (let i = 0; i < changed; i++) batch[i] = stateRow((start + i * 7919) % keys, rows.length + i);
    append(batch);
    await covered();
  }
  for (let r = 0; r < rounds; r++) {
    phase = 'few';
    const batch: Row[] = [];
    for (let i = 0; i < FEW_KEYS; i++) batch.push(stateRow(Math.floor(rand() * keys), rows.length + i));
    append(batch);
    await covered();
  }
  phase = 'final';
  const stateEntries = keys;
  const phases: Partial<Record<Phase, Stats>> = {};
  for (const ph of ['build', 'changed', 'few'] as const) {
    const s = samples.filter((x) => x.phase === ph && x.rows > 0);
    if (s.length) phases[ph] = stats(s);
  }
  log(`  ${keys.toLocaleString('en-US')} keys: build ${buildMs.toFixed(0)} ms, ${samples.length} checkpoints`);
  return { session, store, query, rows, incarnation: session.memory.incarnation('src'), result: { keys, intervalMs, buildMs: r1(buildMs), stateEntries, phases, samples: samples.map((s) => ({ ...s, pauseMs: r2(s.pauseMs), totalMs: r1(s.totalMs) })) } };
}

interface RestoreOnce {
  readonly totalMs: number;
  readonly openStoreMs: number;
  readonly createStreamsMs: number;
  readonly loadLatestMs: number;
  readonly backendRestoreMs: number;
  readonly otherMs: number;
  readonly restoredEntries: number;
}

/** Stops the 1M-key query with a final checkpoint, then reopens the db and times its restore (median of repeats). */
async function measureRestore(d: Driven, file: string, repeat: number, warnings: string[]): Promise<RestoreResult> {
  await d.session.close();
  await d.store.close();
  const bytes = fs.statSync(file).size;
  const runs: RestoreOnce[] = [];
  let verified = '';
  // Each restore but the last stops again with a final checkpoint of unchanged state, so every
  // repeat restores the same 1M keys; the last one ends the input to prove the state is right.
  for (let r = 0; r < repeat; r++) {
    await collectGarbage();
    const last = r === repeat - 1;
    const once = await restoreOnce(d, file, last, warnings);
    runs.push(once.timing);
    if (last) verified = once.verified;
  }
  const best = [...runs].sort((a, b) => a.totalMs - b.totalMs)[runs.length >> 1]!;
  return {
    keys: d.result.keys,
    checkpointBytes: bytes,
    ...Object.fromEntries(Object.entries(best).map(([k, v]) => [k, k === 'restoredEntries' ? v : r1(v)])) as unknown as RestoreOnce,
    samplesMs: runs.map((x) => r1(x.totalMs)),
    verified,
  };
}

async function restoreOnce(d: Driven, file: string, verify: boolean, warnings: string[]): Promise<{ timing: RestoreOnce; verified: string }> {
  const keys = d.result.keys;
  let loadMs = 0;
  let restoreMs = 0;
  let restoredEntries = -1;
  const proto = KeyedStateBackend.prototype;
  const originalRestore = proto.restore;
  proto.restore = function (this: KeyedStateBackend, chunks) {
    const t = performance.now();
    originalRestore.call(this, chunks);
    restoreMs += performance.now() - t;
    restoredEntries = this.size();
  };
  let session: Session | null = null;
  let store: CheckpointStore | null = null;
  try {
    const t0 = performance.now();
    store = await CheckpointStore.open(file);
    const openMs = performance.now() - t0;
    const load = store.loadLatest.bind(store);
    store.loadLatest = async (...args: Parameters<CheckpointStore['loadLatest']>): Promise<LoadedCheckpoint | null> => {
      const t = performance.now();
      const cp = await load(...args);
      loadMs += performance.now() - t;
      return cp;
    };
    const s = new Session({ store, endMemoryWhenDrained: false, baseDir: path.dirname(file), fresh: false, onWarning: (m) => warnings.push(m) });
    session = s;
    // The memory log is not part of the state db: refill it before the clock (a file would just be there).
    s.memory.append('src', d.rows);
    s.memory.adoptIncarnation('src', d.incarnation);
    const t1 = performance.now();
    const [streams, insert] = ddl("'connector' = 'memory'").split(/;\s*(?=INSERT)/);
    await exec(s, streams!);
    const ddlMs = performance.now() - t1;
    const q = (await exec(s, insert!))!;
    const totalMs = performance.now() - t1 + openMs;
    if (q.status !== 'RUNNING' || q.id !== QUERY_ID) throw new Error(`bench: restored query ${q.id} is ${q.describeStatus()}`);
    if (restoredEntries !== keys) throw new Error(`bench: restored ${restoredEntries} entries, expected ${keys}`);
    const timing: RestoreOnce = {
      totalMs,
      openStoreMs: openMs,
      createStreamsMs: ddlMs,
      loadLatestMs: loadMs,
      backendRestoreMs: restoreMs,
      otherMs: totalMs - openMs - ddlMs - loadMs - restoreMs,
      restoredEntries,
    };
    let verified = '';
    if (verify) {
      // Proof the state came back: end the input, so every window fires from the restored counts.
      s.memory.end('src');
      await q.done;
      const out = s.memory.rows('sink');
      let n = 0;
      for (const r of out) n += r[2] as number;
      if (out.length !== keys || n !== d.rows.length) throw new Error(`bench: restored query emitted ${out.length} windows counting ${n} rows; expected ${keys} counting ${d.rows.length}`);
      verified = `${out.length} windows counting ${n} rows, as fed before the stop`;
    }
    await s.close();
    session = null;
    await store.close();
    store = null;
    return { timing, verified };
  } finally {
    proto.restore = originalRestore;
    await session?.close().catch(() => {});
    await store?.close().catch(() => {});
  }
}

/** JSON Lines input for the throughput runs: `keys` keys, a million rows per hour (windows fire). */
function writeThroughputInput(file: string, rows: number, keys: number): void {
  const fd = fs.openSync(file, 'w');
  const rand = prng(7);
  try {
    const CHUNK = 50_000;
    for (let i = 0; i < rows; i += CHUNK) {
      let text = '';
      for (let j = i; j < Math.min(i + CHUNK, rows); j++) {
        const k = Math.floor(rand() * keys);
        const ts = new Date(BASE_HOUR + Math.floor((j * HOUR_MS) / 1_000_000)).toISOString();
        text += `{"k":${k},"ts":"${ts.slice(0, 10)} ${ts.slice(11, 23)}","v":${(j % 100) / 4}}\n`;
      }
      fs.writeSync(fd, text);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** One run of the query over the file to its end; with a state db it checkpoints every intervalMs. */
async function throughputRun(input: string, stateFile: string | null, intervalMs: number, warnings: string[]): Promise<{ ms: number; pauses: number[]; outRows: number }> {
  const store = stateFile ? await CheckpointStore.open(stateFile) : null;
  const pauses: number[] = [];
  const session = new Session({
    store,
    endMemoryWhenDrained: true,
    baseDir: path.dirname(input),
    fresh: true,
    onWarning: (m) => warnings.push(m),
    onCheckpoint: (_info, pauseMs) => pauses.push(pauseMs),
    checkpointIntervalMs: intervalMs,
  });
  try {
    await collectGarbage();
    const t0 = performance.now();
    const q = (await exec(session, ddl(`'connector' = 'file', 'path' = '${input}', 'format' = 'json'`)))!;
    await q.done;
    const ms = performance.now() - t0;
    if (q.status !== 'FINISHED') throw new Error(`bench: throughput query ended ${q.describeStatus()}`);
    return { ms, pauses, outRows: session.memory.rows('sink').length };
  } finally {
    await session.close();
    await store?.close();
  }
}

async function measureThroughput(dir: string, rows: number, repeat: number, intervalMs: number, warnings: string[], log: (s: string) => void): Promise<ThroughputResult> {
  const keys = 100_000;
  const input = path.join(dir, 'throughput.jsonl');
  writeThroughputInput(input, rows, keys);
  log(`  wrote ${rows.toLocaleString('en-US')} rows (${(fs.statSync(input).size / 1e6).toFixed(0)} MB)`);
  // One untimed round of each first, so both are measured with optimized code.
  await throughputRun(input, null, intervalMs, warnings);
  await throughputRun(input, path.join(dir, 'tp-warm.db'), intervalMs, warnings);
  const without: number[] = [];
  const withCp: number[] = [];
  const counts: number[] = [];
  const pauses: number[] = [];
  let outRows = -1;
  for (let r = 0; r < repeat; r++) {
    const a = await throughputRun(input, null, intervalMs, warnings);
    const b = await throughputRun(input, path.join(dir, `tp-${r}.db`), intervalMs, warnings);
    if (a.outRows !== b.outRows || (outRows >= 0 && a.outRows !== outRows)) throw new Error(`bench: throughput runs disagree: ${a.outRows} vs ${b.outRows} rows`);
    outRows = a.outRows;
    without.push(a.ms);
    withCp.push(b.ms);
    counts.push(b.pauses.length);
    pauses.push(...b.pauses);
    log(`  round ${r + 1}/${repeat}: no checkpoints ${a.ms.toFixed(0)} ms, ${intervalMs} ms checkpoints ${b.ms.toFixed(0)} ms (${b.pauses.length} checkpoints)`);
  }
  const med = (xs: number[]) => quantile(xs, 0.5);
  const wo = Math.round(rows / (med(without) / 1000));
  const wi = Math.round(rows / (med(withCp) / 1000));
  return {
    rows,
    keys,
    intervalMs,
    withoutMs: without.map(r1),
    withMs: withCp.map(r1),
    withoutRowsPerSec: wo,
    withRowsPerSec: wi,
    ratio: Math.round((1000 * wi) / wo) / 1000,
    checkpointsPerRun: counts,
    pauseMs: { p50: r2(quantile(pauses, 0.5)), p99: r2(quantile(pauses, 0.99)), max: r2(Math.max(...pauses)) },
    outputRows: outRows,
  };
}

/** Runs the whole checkpoint benchmark; progress goes to `log`. */
export async function runCheckpointBench(log: (s: string) => void = (s) => process.stderr.write(s + '\n')): Promise<CheckpointBenchResult> {
  const sizes = (process.env['BENCH_CHECKPOINT_KEYS'] ?? '10000,100000,1000000').split(',').map(Number);
  const rounds = Math.max(1, Number(process.env['BENCH_CHECKPOINT_ROUNDS'] ?? 10));
  const intervalMs = Number(process.env['BENCH_CHECKPOINT_INTERVAL_MS'] ?? 1000);
  const rows = Number(process.env['BENCH_ROWS'] ?? 3_000_000);
  const repeat = Math.max(1, Number(process.env['BENCH_REPEAT'] ?? 3));
  const restoreRepeat = Math.max(1, Number(process.env['BENCH_RESTORE_REPEAT'] ?? 3));
  const warnings: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-bench-cp-'));
  try {
    const results: SizeResult[] = [];
    let restore: RestoreResult | null = null;
    const largest = Math.max(...sizes);
    for (const keys of sizes) {
      await collectGarbage();
      const file = path.join(dir, `state-${keys}.db`);
      const d = await driveSize(keys, file, intervalMs, rounds, warnings, log);
      results.push(d.result);
      if (keys === largest) {
        log(`  restore of ${keys.toLocaleString('en-US')} keys ...`);
        restore = await measureRestore(d, file, restoreRepeat, warnings);
      } else {
        await d.session.close();
        await d.store.close();
      }
    }
    log('  throughput ...');
    const throughput = await measureThroughput(dir, rows, repeat, intervalMs, warnings, log);
    return { query: CHECKPOINT_QUERY, targets: TARGETS, sizes: results, restore, throughput, warnings };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const fmtKeys = (k: number) => (k >= 1e6 ? `${+(k / 1e6).toFixed(2)}M` : k >= 1e3 ? `${Math.round(k / 1e3)}k` : String(k));
const fmtBytes = (b: number) => (b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : b >= 1e3 ? `${(b / 1e3).toFixed(1)} kB` : `${b} B`);
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

/** The readable tables of a run. */
export function formatCheckpointTables(r: CheckpointBenchResult): string {
  const out: string[] = [];
  const t = new Table({
    head: ['keys', 'phase', 'ckpts', 'changed keys/ckpt', 'pause p50', 'pause p99', 'total p50', 'total p99', 'bytes/ckpt p50', 'key groups p50'],
    style: { head: [], border: [] },
  });
  for (const s of r.sizes) {
    for (const ph of ['build', 'changed', 'few'] as const) {
      const st = s.phases[ph];
      if (!st) continue;
      const changed = st.changedKeys.min === st.changedKeys.max ? fmtKeys(st.changedKeys.min) : `${fmtKeys(st.changedKeys.min)}-${fmtKeys(st.changedKeys.max)}`;
      t.push([fmtKeys(s.keys), ph, st.checkpoints, changed, `${st.pauseMs.p50} ms`, `${st.pauseMs.p99} ms`, `${st.totalMs.p50} ms`, `${st.totalMs.p99} ms`, fmtBytes(st.bytes.p50), st.keyGroups.p50]);
    }
  }
  out.push(`Checkpoints (interval ${r.sizes[0]?.intervalMs ?? '?'} ms, one checkpoint per round; total = sync pause + SQLite transaction until commit; p99 by nearest rank, so with 10 samples the worst one)`);
  out.push(t.toString());
  const at100k = r.sizes.find((s) => s.keys === 100_000)?.phases.changed;
  if (at100k) out.push(`target: p99 pause < ${r.targets.p99PauseMs} ms with 100k changed keys (100k-key state): ${at100k.pauseMs.p99} ms -> ${verdict(at100k.pauseMs.p99 < r.targets.p99PauseMs)}`);
  const at1m = r.sizes.find((s) => s.keys === 1_000_000)?.phases.changed;
  if (at1m) out.push(`        with 100k changed keys in a 1M-key state: p99 pause ${at1m.pauseMs.p99} ms -> ${verdict(at1m.pauseMs.p99 < r.targets.p99PauseMs)}`);
  if (r.restore) {
    const x = r.restore;
    out.push('');
    out.push(`Restore of ${fmtKeys(x.keys)} keys (state db ${fmtBytes(x.checkpointBytes)}): ${x.totalMs} ms until the query runs again (median of ${x.samplesMs.join(', ')} ms; target < ${r.targets.restoreMs} ms -> ${verdict(x.totalMs < r.targets.restoreMs)})`);
    out.push(`  open state db ${x.openStoreMs} ms | CREATE STREAMs ${x.createStreamsMs} ms | loadLatest (SQLite read + checksums) ${x.loadLatestMs} ms | backend restore (decode + load tables) ${x.backendRestoreMs} ms | other (plan, lock, seek, sink) ${x.otherMs} ms`);
    out.push(`  restored ${x.restoredEntries.toLocaleString('en-US')} entries; verified after the restore: ${x.verified}`);
    out.push(`  without the CREATE STREAMs (state alone): ${r1(x.totalMs - x.createStreamsMs)} ms`);
  }
  const tp = r.throughput;
  out.push('');
  out.push(`Throughput over a JSON Lines file (${tp.rows.toLocaleString('en-US')} rows, ${fmtKeys(tp.keys)} keys, ${tp.outputRows.toLocaleString('en-US')} windows out; median of ${tp.withMs.length}):`);
  out.push(`  no state db (no checkpoints)   ${(tp.withoutRowsPerSec / 1e3).toFixed(0)} k rows/s  (${tp.withoutMs.join(', ')} ms)`);
  out.push(`  ${tp.intervalMs} ms checkpoints            ${(tp.withRowsPerSec / 1e3).toFixed(0)} k rows/s  (${tp.withMs.join(', ')} ms; ${tp.checkpointsPerRun.join(', ')} checkpoints; pause p50 ${tp.pauseMs.p50} / p99 ${tp.pauseMs.p99} ms)`);
  out.push(`  ratio ${(tp.ratio * 100).toFixed(1)}% (target >= ${r.targets.throughputRatio * 100}% -> ${verdict(tp.ratio >= r.targets.throughputRatio)})`);
  if (r.warnings.length) out.push(`warnings: ${r.warnings.join(' | ')}`);
  return out.join('\n');
}
