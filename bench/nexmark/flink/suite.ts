/**
 * The Nexmark section of `npm run bench` (issues 11, 12): each of nexmark-flink's queries Eddy runs,
 * as written, over the `nexmark` connector in this process (events generated inside the query, into
 * the query's 'blackhole' sink), beside a hand-written JS baseline looping over the same generated
 * events; for some queries also from a JSON Lines file of the events (`eddy -f` beside a
 * hand-written Node program, both child processes); for the join queries the heap per live
 * join-state row. Before a query is timed its baseline is checked equal to Eddy's result on a small
 * run (verify.ts), so a figure is never kept for a baseline computing something else.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CountingOut } from './baseline-api.js';
import { generateOnly, makeBaseline, runGenerated } from './baselines.js';
import { eddyTimed, writeSideInput } from './eddy-runs.js';
import { writeEventsJsonl } from './events.js';
import { benchScript, sideInputText, JOIN_QUERIES, type BenchQuery } from './sql.js';
import { stateBytes, type StateBytes } from './state-bytes.js';
import { verifyQuery } from './verify.js';
import { collectGarbage } from '../memory-path.js';
import { runChild, runEddyCommand } from '../file-path.js';
import { figure, r1, r3, type Figure } from '../figures.js';

export const TARGETS = { memory: 0.4, file: 0.8, bytesPerJoinRow: 200 } as const;

/** Queries whose output is append-only: Eddy's and the baseline's change counts must agree. */
const APPEND_ONLY: readonly BenchQuery[] = ['q0', 'q1', 'q2', 'q3', 'q5', 'q7', 'q8', 'q11', 'q13', 'q20', 'q21', 'q22'];


export interface QueryFigures {
  readonly id: BenchQuery;
  readonly verified: { readonly events: number; readonly rows: number };
  readonly memory: { readonly eddy: Figure; readonly baseline: Figure; readonly ratio: number; readonly eddyChanges: number; readonly baselineChanges: number };
  readonly file: { readonly eddy: Figure; readonly baseline: Figure; readonly ratio: number; readonly peakRssMiB: { readonly eddy: number; readonly baseline: number } } | null;
  readonly state: StateBytes | null;
}

export interface FlinkNexmarkResult {
  readonly events: number;
  readonly tps: number;
  readonly repeat: { readonly memory: number; readonly file: number };
  readonly generatorOnly: Figure;
  readonly inputBytes: number | null;
  readonly targets: typeof TARGETS;
  readonly queries: readonly QueryFigures[];
  readonly notes: readonly string[];
}

export interface FlinkNexmarkOptions {
  readonly root: string;
  readonly events: number;
  readonly tps: number;
  readonly repeat: number;
  readonly fileRepeat: number;
  readonly queries: readonly BenchQuery[];
  readonly fileQueries: readonly BenchQuery[];
  readonly stateEvents: number;
  readonly verifyEvents: number;
  readonly log: (s: string) => void;
}




function baselineTimed(q: BenchQuery, events: number, tps: number): { ms: number; changes: number } {
  const out = new CountingOut();
  const t0 = performance.now();
  runGenerated(makeBaseline(q, out, q === 'q13' ? sideInputText() : ''), events, tps);
  return { ms: performance.now() - t0, changes: out.changes };
}

const rowsOut = (stderr: string) => [...stderr.matchAll(/(\d+) rows out/g)].reduce((n, m) => n + Number(m[1]), 0);

function checkChanges(what: string, q: BenchQuery, eddy: number, baseline: number): void {
  if (APPEND_ONLY.includes(q) && eddy !== baseline) throw new Error(`bench: ${q} ${what}: Eddy wrote ${eddy} rows, the baseline ${baseline}`);
}

export async function runFlinkNexmarkBench(opts: FlinkNexmarkOptions): Promise<FlinkNexmarkResult> {
  const { log, root, events, tps } = opts;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-nexmark-flink-'));
  writeSideInput(home);
  const results: QueryFigures[] = [];
  let inputBytes: number | null = null;
  try {
    const gen: number[] = [];
    generateOnly(Math.min(events, 50_000), tps);
    for (let r = 0; r < opts.repeat; r++) {
      const t0 = performance.now();
      generateOnly(events, tps);
      gen.push(performance.now() - t0);
    }
    const generatorOnly = figure(gen, events);
    log(`nexmark: ${events.toLocaleString('en-US')} events at ${tps} events/s of event time; the generator alone ${Math.round(generatorOnly.eventsPerSec / 1000)} k events/s`);
    const input = path.join(home, 'events.jsonl');
    if (opts.fileQueries.length) {
      inputBytes = await writeEventsJsonl(input, events, tps);
      log(`  wrote ${input} (${(inputBytes / 1e6).toFixed(0)} MB)`);
    }
    for (const q of opts.queries) {
      const v = await verifyQuery(root, q, opts.verifyEvents, tps, home);
      if (!v.equal) throw new Error(`bench: the ${q} baseline differs from Eddy on ${opts.verifyEvents} events: only Eddy ${JSON.stringify(v.onlyEddy)}, only the baseline ${JSON.stringify(v.onlyBaseline)}`);
      log(`${q}: baseline verified (${v.eddyRows} rows on ${opts.verifyEvents} events)`);
      const warm = Math.min(events, 20_000);
      await eddyTimed(root, q, warm, tps, home);
      baselineTimed(q, warm, tps);
      const eng: number[] = [];
      const hand: number[] = [];
      let eddyChanges = 0;
      let baselineChanges = 0;
      for (let r = 0; r < opts.repeat; r++) {
        await collectGarbage();
        const e = await eddyTimed(root, q, events, tps, home);
        await collectGarbage();
        const h = baselineTimed(q, events, tps);
        eng.push(e.ms);
        hand.push(h.ms);
        eddyChanges = e.changes;
        baselineChanges = h.changes;
        if (q !== 'q12') checkChanges('in memory', q, e.changes, h.changes);
        log(`  memory ${r + 1}/${opts.repeat}: eddy ${e.ms.toFixed(0)} ms, hand-written ${h.ms.toFixed(0)} ms`);
      }
      const eddy = figure(eng, events);
      const baseline = figure(hand, events);
      let file: QueryFigures['file'] = null;
      if (opts.fileQueries.includes(q)) {
        const script = path.join(home, `${q}-file.sql`);
        fs.writeFileSync(script, benchScript(root, q, { tps, from: { kind: 'file', path: input } }, home));
        const fe: number[] = [];
        const fh: number[] = [];
        const rss = { eddy: 0, baseline: 0 };
        for (let r = 0; r < opts.fileRepeat; r++) {
          const a = await runEddyCommand(root, ['-f', script, '--state', ':memory:', '--format', 'json'], home);
          const b = await runChild(root, [path.join(root, 'dist/bench/nexmark/flink/handwritten-file.js'), q, input, home], home);
          const changes = (JSON.parse(b.stdout) as { changes: number }).changes;
          if (q !== 'q12') checkChanges('from a file', q, rowsOut(a.stderr), changes);
          fe.push(a.ms);
          fh.push(b.ms);
          rss.eddy = Math.max(rss.eddy, r1(a.maxRss / 2 ** 20));
          rss.baseline = Math.max(rss.baseline, r1(b.maxRss / 2 ** 20));
          log(`  file ${r + 1}/${opts.fileRepeat}: eddy -f ${a.ms.toFixed(0)} ms, hand-written ${b.ms.toFixed(0)} ms`);
        }
        const e = figure(fe, events);
        const h = figure(fh, events);
        file = { eddy: e, baseline: h, ratio: r3(e.eventsPerSec / h.eventsPerSec), peakRssMiB: rss };
      }
      let state: StateBytes | null = null;
      if (JOIN_QUERIES.includes(q) && opts.stateEvents > 0) {
        await collectGarbage();
        state = await stateBytes(root, q, opts.stateEvents, tps, home);
        log(`  join state: ${state.eddyJoinRows} / ${state.liveJoinRows} live rows (Eddy / hand), Eddy ${state.eddyBytesPerRow} B/row (marginal ${state.eddyMarginalBytesPerRow}), hand-written ${state.baselineBytesPerRow} (${state.baselineMarginalBytesPerRow})`);
      }
      results.push({ id: q, verified: { events: opts.verifyEvents, rows: v.eddyRows }, memory: { eddy, baseline, ratio: r3(eddy.eventsPerSec / baseline.eventsPerSec), eddyChanges, baselineChanges }, file, state });
    }
    const notes = [
      "events/s = events of the whole stream (persons + auctions + bids, nexmark-flink's measure) / median wall time",
      "in memory: Eddy runs the query file as written (ddl_gen.sql's 'nexmark' table with events.num, ddl_views.sql, INSERT INTO the 'blackhole' sink) through the script runner in this process, DDL and planning included; the baseline loops over the same generator's events and counts its output changes",
      'both in-memory sides generate the events (the same generator): "generator alone" is the floor under both',
      'from a file: `eddy -f` (--state :memory:, run as users run it: repl/eddy, node from the startup snapshot) and the hand-written program (node) are child processes reading the same JSON Lines file of the events (ddl_gen.sql nested shape), node start-up included',
      'join state: heap (used + external) after full collections, with the input read and its last windows still open, divided by the rows the join holds (Eddy: its join operators\' liveRows; the baseline: its own, after the filters a hand-written program applies before storing); "marginal" is the growth from half the events (three quarters where the rows at half are within a tenth of those at the end) to all of them, per added row; the target is checked on Eddy\'s marginal figure',
      "every baseline is checked equal to Eddy's result (the folded changelog of the query's SELECT) before its query is timed; q12 (processing time) by per-bidder totals",
    ];
    return { events, tps, repeat: { memory: opts.repeat, file: opts.fileRepeat }, generatorOnly, inputBytes, targets: TARGETS, queries: results, notes };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}
