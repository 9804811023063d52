/**
 * The Nexmark suite (issue 5): for each query, Eddy in memory vs a hand-written loop vs SQLite
 * vs arquero on the same bids, Eddy from a JSON Lines file (`eddy -f`, 1 s checkpoints and none)
 * vs a hand-written file program; for window queries also bytes per live state entry and
 * watermark-to-emit latency. Every contender's result is checked against Eddy's in-memory result
 * (row count + order-independent checksum) before any figure is kept.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_EVENTS_PER_SEC, generateNexmark, writeBidsJsonl, type Bid } from './generator.js';
import { handwritten } from './handwritten.js';
import { ARQUERO_QUERIES, arqueroLoad, arqueroQuery, sqliteClose, sqliteLoad, sqliteQuery } from './baselines.js';
import { INSERT_CHUNK, collectGarbage, eddyInMemory, latencyRun, stateBytes, type LatencyResult, type StateBytesResult } from './memory-path.js';
import { fingerprintFile, runChild, writeScript, runEddyCommand } from './file-path.js';
import { QUERIES, fingerprintOf, type Fingerprint, type NexmarkQuery, type QueryId } from './queries.js';
import { topSelfTime } from '../profile-top.js';
import { figure, median, r1, r3, type Figure } from './figures.js';

export const NEXMARK_TARGETS = {
  memoryTumbleSession: 0.5,
  memoryHop: 0.4,
  file: 0.8,
  checkpointOverhead: 0.1,
  bytesPerStateEntry: 200,
} as const;

export type { Figure } from './figures.js';

export interface QueryResult {
  readonly id: QueryId;
  readonly title: string;
  readonly sql: string;
  readonly result: Fingerprint;
  readonly memory: {
    readonly eddy: Figure;
    readonly eddyInsertMs: number;
    readonly handwritten: Figure;
    readonly sqlite: Figure;
    readonly arquero: Figure | null;
    readonly eddyVsHandwritten: number;
    readonly eddyVsSqlite: number;
    readonly eddyVsArquero: number | null;
    readonly target: number | null;
    /**
     * RSS sampled every 10 ms during the Eddy runs: the largest rise above the RSS at the run's
     * start (the process also holds the bids, the SQLite database and the arquero table, so the
     * absolute peak says little), and that peak.
     */
    readonly eddyRssRiseMiB: number;
    readonly eddyPeakRssMiB: number;
  };
  readonly file: {
    readonly eddy: Figure;
    readonly eddyNoCheckpoints: Figure;
    readonly handwritten: Figure;
    readonly eddyVsHandwritten: number;
    /** (time with 1 s checkpoints - time with --state :memory:) / the latter. */
    readonly checkpointOverhead: number;
    readonly peakRssMiB: { readonly eddy: number; readonly eddyNoCheckpoints: number; readonly handwritten: number };
  } | null;
  readonly state: StateBytesResult | null;
  readonly latency: LatencyResult | null;
  readonly flink: { readonly perCore: readonly [number, number]; readonly multipleFile: readonly [number, number] | null; readonly multipleMemory: readonly [number, number] } | null;
}

export interface NexmarkResult {
  readonly events: number;
  readonly bids: number;
  readonly eventsPerSecEventTime: number;
  readonly repeat: { readonly memory: number; readonly file: number };
  readonly inputBytes: number | null;
  readonly targets: typeof NEXMARK_TARGETS;
  readonly queries: readonly QueryResult[];
  /** CPU profiles: of the worst Eddy/hand-written ratio, and of the worst among window queries. */
  readonly profiles: readonly Profile[];
  readonly notes: readonly string[];
}

export interface Profile {
  readonly query: QueryId;
  readonly path: 'memory' | 'file';
  readonly ratio: number;
  readonly top: readonly { readonly fn: string; readonly ms: number; readonly pct: number }[];
}

export interface NexmarkOptions {
  readonly root: string;
  readonly events: number;
  readonly repeat: number;
  readonly fileRepeat: number;
  readonly queries: readonly QueryId[];
  /** Include the file path (child processes). */
  readonly file: boolean;
  readonly stateKeys: number;
  readonly latencyBids: number;
  readonly profile: boolean;
  readonly log: (s: string) => void;
}

const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;



function check(name: string, got: Fingerprint, want: Fingerprint): void {
  if (got.rows !== want.rows || got.checksum !== want.checksum) {
    throw new Error(`bench: ${name} computed a different result: ${JSON.stringify(got)}, Eddy's is ${JSON.stringify(want)}`);
  }
}

function handwrittenInMemory(q: NexmarkQuery, bids: readonly Bid[]): { ms: number; rows: unknown[][] } {
  const t0 = performance.now();
  const op = handwritten(q.id);
  for (let i = 0; i < bids.length; i += INSERT_CHUNK) op.push(bids.slice(i, i + INSERT_CHUNK));
  op.end();
  const ms = performance.now() - t0;
  if (op.lateRows !== 0) throw new Error(`bench: hand-written ${q.id} saw ${op.lateRows} late rows; the generator's disorder should stay inside the watermark delay`);
  return { ms, rows: op.out };
}

/** Runs the suite; progress goes to opts.log. */
export async function runNexmarkBench(opts: NexmarkOptions): Promise<NexmarkResult> {
  const { log } = opts;
  const gen = generateNexmark(opts.events);
  const bids = gen.bids;
  const n = bids.length;
  log(`nexmark: ${opts.events.toLocaleString('en-US')} events -> ${n.toLocaleString('en-US')} bids (${gen.persons} persons, ${gen.auctions} auctions skipped)`);
  const notes: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-nexmark-'));
  const results: QueryResult[] = [];
  let inputBytes: number | null = null;
  const sqlDb = await sqliteLoad(bids);
  const aqTable = arqueroLoad(bids);
  try {
    const input = path.join(dir, 'bids.jsonl');
    if (opts.file) {
      inputBytes = await writeBidsJsonl(input, bids);
      log(`  wrote ${input} (${(inputBytes / 1e6).toFixed(0)} MB)`);
    }
    const warm = bids.slice(0, Math.min(n, 100_000));
    for (const id of opts.queries) {
      const q = QUERIES.find((x) => x.id === id)!;
      log(`${q.title}`);
      for (let i = 0; i < 2; i++) {
        await eddyInMemory(q, warm);
        handwrittenInMemory(q, warm);
      }
      const eng: number[] = [];
      const engInsert: number[] = [];
      const hand: number[] = [];
      let want: Fingerprint | null = null;
      let peakRss = 0;
      let rssRise = 0;
      for (let r = 0; r < opts.repeat; r++) {
        const e = await eddyInMemory(q, bids);
        eng.push(e.ms);
        engInsert.push(e.insertMs);
        peakRss = Math.max(peakRss, e.peakRss);
        rssRise = Math.max(rssRise, e.peakRss - e.startRss);
        const fp = fingerprintOf(q, e.rows);
        if (want) check(`Eddy ${q.id} (round ${r + 1})`, fp, want);
        else want = fp;
        await collectGarbage();
        const h = handwrittenInMemory(q, bids);
        hand.push(h.ms);
        check(`hand-written ${q.id}`, fingerprintOf(q, h.rows), want);
        log(`  memory round ${r + 1}/${opts.repeat}: eddy ${e.ms.toFixed(0)} ms, hand-written ${h.ms.toFixed(0)} ms`);
      }
      const sq: number[] = [];
      const aqMs: number[] = [];
      for (let r = 0; r < opts.repeat; r++) {
        await collectGarbage();
        let t0 = performance.now();
        const s = await sqliteQuery(sqlDb, q.id);
        sq.push(performance.now() - t0);
        check(`SQLite ${q.id}`, fingerprintOf(q, s), want!);
        if (ARQUERO_QUERIES.includes(q.id)) {
          await collectGarbage();
          t0 = performance.now();
          const a = arqueroQuery(aqTable, q.id);
          aqMs.push(performance.now() - t0);
          check(`arquero ${q.id}`, fingerprintOf(q, a), want!);
        }
      }
      log(`  SQLite ${median(sq).toFixed(0)} ms${aqMs.length ? `, arquero ${median(aqMs).toFixed(0)} ms` : ''}`);
      const eddyFig = figure(eng, n);
      const handFig = figure(hand, n);
      const sqFig = figure(sq, n);
      const aqFig = aqMs.length ? figure(aqMs, n) : null;

      let state: StateBytesResult | null = null;
      let latency: LatencyResult | null = null;
      if (q.window) {
        latency = await latencyRun(q, bids.slice(0, Math.min(n, opts.latencyBids)));
        log(`  latency p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms over ${latency.rows} rows`);
        if (q.window.keyColumn !== null) {
          await collectGarbage();
          state = await stateBytes(q, opts.stateKeys);
          log(`  state: ${state.bytesPerStateEntry} bytes per state entry (${state.keys} keys)`);
        }
      }

      let file: QueryResult['file'] = null;
      if (opts.file) {
        const eddyOut = path.join(dir, `${q.id}-eddy.jsonl`);
        const eddyMemOut = path.join(dir, `${q.id}-eddy-nostate.jsonl`);
        const handOut = path.join(dir, `${q.id}-hand.jsonl`);
        const script = writeScript(q, dir, input, eddyOut);
        const scriptNoState = writeScript(q, dir, input, eddyMemOut, `${q.id}-nostate`);
        const fe: number[] = [];
        const fm: number[] = [];
        const fh: number[] = [];
        const rss = { eddy: 0, eddyNoCheckpoints: 0, handwritten: 0 };
        for (let r = 0; r < opts.fileRepeat; r++) {
          const state = path.join(dir, `${q.id}-state-${r}.db`);
          const a = await runEddyCommand(opts.root, ['-f', script, '--state', state, '--checkpoint-interval', '1s', '--format', 'json'], dir);
          const b = await runEddyCommand(opts.root, ['-f', scriptNoState, '--state', ':memory:', '--format', 'json'], dir);
          const c = await runChild(opts.root, [path.join(opts.root, 'dist/bench/nexmark/handwritten-file.js'), q.id, input, handOut], dir);
          fe.push(a.ms);
          fm.push(b.ms);
          fh.push(c.ms);
          rss.eddy = Math.max(rss.eddy, a.maxRss);
          rss.eddyNoCheckpoints = Math.max(rss.eddyNoCheckpoints, b.maxRss);
          rss.handwritten = Math.max(rss.handwritten, c.maxRss);
          fs.rmSync(state, { force: true });
          log(`  file round ${r + 1}/${opts.fileRepeat}: eddy -f ${a.ms.toFixed(0)} ms (1 s checkpoints), ${b.ms.toFixed(0)} ms (no state), hand-written ${c.ms.toFixed(0)} ms`);
        }
        check(`eddy -f ${q.id}`, fingerprintFile(q, eddyOut), want!);
        check(`eddy -f --state :memory: ${q.id}`, fingerprintFile(q, eddyMemOut), want!);
        check(`hand-written file ${q.id}`, fingerprintFile(q, handOut), want!);
        for (const f of [eddyOut, eddyMemOut, handOut]) fs.rmSync(f, { force: true });
        const e = figure(fe, n);
        const m = figure(fm, n);
        const h = figure(fh, n);
        file = {
          eddy: e,
          eddyNoCheckpoints: m,
          handwritten: h,
          eddyVsHandwritten: r3(e.eventsPerSec / h.eventsPerSec),
          checkpointOverhead: r3((e.ms - m.ms) / m.ms),
          peakRssMiB: { eddy: mib(rss.eddy), eddyNoCheckpoints: mib(rss.eddyNoCheckpoints), handwritten: mib(rss.handwritten) },
        };
      }
      const target = q.window ? (q.window.kind === 'hop' ? NEXMARK_TARGETS.memoryHop : NEXMARK_TARGETS.memoryTumbleSession) : null;
      const flink = q.flinkPerCore
        ? {
            perCore: q.flinkPerCore,
            multipleFile: file ? ([r1(file.eddy.eventsPerSec / q.flinkPerCore[1]), r1(file.eddy.eventsPerSec / q.flinkPerCore[0])] as const) : null,
            multipleMemory: [r1(eddyFig.eventsPerSec / q.flinkPerCore[1]), r1(eddyFig.eventsPerSec / q.flinkPerCore[0])] as const,
          }
        : null;
      results.push({
        id: q.id,
        title: q.title,
        sql: q.select,
        result: want!,
        memory: {
          eddy: eddyFig,
          eddyInsertMs: r1(median(engInsert)),
          handwritten: handFig,
          sqlite: sqFig,
          arquero: aqFig,
          eddyVsHandwritten: r3(eddyFig.eventsPerSec / handFig.eventsPerSec),
          eddyVsSqlite: r3(eddyFig.eventsPerSec / sqFig.eventsPerSec),
          eddyVsArquero: aqFig ? r3(eddyFig.eventsPerSec / aqFig.eventsPerSec) : null,
          target,
          eddyRssRiseMiB: mib(rssRise),
          eddyPeakRssMiB: mib(peakRss),
        },
        file,
        state,
        latency,
        flink,
      });
    }
  } finally {
    await sqliteClose(sqlDb);
  }

  const profiles: Profile[] = [];
  if (opts.profile && results.length) {
    const worst = await profileWorst(opts, results, bids, dir);
    profiles.push(worst);
    const windows = results.filter((r) => r.state || r.latency);
    if (windows.length && !windows.some((r) => r.id === worst.query)) profiles.push(await profileWorst(opts, windows, bids, dir));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  notes.push(
    'events/s = input bids / median wall time; persons and auctions are generated (ids) but not fed',
    'in memory: SQLite and arquero are timed on the query only (data loaded beforehand); Eddy includes insert() of objects, with the results read by a concurrent consumer while the bids are inserted (the query starts when its iteration starts); the hand-written loop yields value arrays, Eddy result objects with Dates',
    'in memory: the bench process runs with 32 MiB semi-spaces (--max-semi-space-size=32, as the README recommends for embedding and the eddy CLI sets for itself); every in-process contender shares it',
    'file: whole child processes (node start-up included), JSON Lines in, JSON Lines out, fsync at the end',
    "Flink's per-core Nexmark figures (the nexmark repository's README) were measured with Flink's in-process Nexmark source, not Kafka: events are generated inside the job, as Eddy's in-memory path inserts them; Eddy's file path also parses JSON Lines, so its multiple is the more conservative one; both are indicative only (other hardware, other run)",
  );
  return { events: opts.events, bids: n, eventsPerSecEventTime: DEFAULT_EVENTS_PER_SEC, repeat: { memory: opts.repeat, file: opts.fileRepeat }, inputBytes, targets: NEXMARK_TARGETS, queries: results, profiles, notes };
}

/** CPU profile of the worst Eddy/hand-written ratio (memory: inspector around one run; file: node --cpu-prof on eddy -f). */
async function profileWorst(opts: NexmarkOptions, results: readonly QueryResult[], bids: readonly Bid[], dir: string): Promise<Profile> {
  let worst: { id: QueryId; path: 'memory' | 'file'; ratio: number } | null = null;
  for (const r of results) {
    if (!worst || r.memory.eddyVsHandwritten < worst.ratio) worst = { id: r.id, path: 'memory', ratio: r.memory.eddyVsHandwritten };
    if (r.file && r.file.eddyVsHandwritten < worst.ratio) worst = { id: r.id, path: 'file', ratio: r.file.eddyVsHandwritten };
  }
  const q = QUERIES.find((x) => x.id === worst!.id)!;
  opts.log(`profiling ${q.id} (${worst!.path}, ratio ${worst!.ratio})`);
  let file: string;
  if (worst!.path === 'memory') {
    file = path.join(dir, `profile-${q.id}.cpuprofile`);
    await eddyInMemory(q, bids, file);
  } else {
    const input = path.join(dir, 'bids.jsonl');
    const out = path.join(dir, 'profile-out.jsonl');
    const script = writeScript(q, dir, input, out);
    const profDir = path.join(dir, `prof-${q.id}`);
    await runChild(opts.root, [path.join(opts.root, 'dist/repl/main.js'), '-f', script, '--state', path.join(dir, `profile-${q.id}.db`), '--checkpoint-interval', '1s', '--format', 'json'], dir, ['--cpu-prof', '--cpu-prof-dir', profDir]);
    file = path.join(profDir, fs.readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))!);
  }
  const cwd = process.cwd();
  process.chdir(opts.root);
  try {
    const top = topSelfTime(JSON.parse(fs.readFileSync(file, 'utf8')), 10).map((t) => ({ fn: t.fn, ms: r1(t.ms), pct: r1(t.pct) }));
    return { query: q.id, path: worst!.path, ratio: worst!.ratio, top };
  } finally {
    process.chdir(cwd);
  }
}
