/**
 * BENCH_ONLY=arrow (also part of a full run): the Arrow IPC file source beside the JSON Lines file
 * source in the same run, over the same bids, through the embedding API: a scan (a filter that
 * keeps no row, so the source's decoding is most of the work) and the tumble query. The results of
 * both formats are checked equal. Then a materialized view's state: heap bytes per view row
 * (a GROUP BY maintained as a view, minus the same GROUP BY into a blackhole, so the aggregate's
 * own state is not counted) and checkpoint bytes per view row (the view sink's chunks in SQLite).
 * Env: BENCH_ARROW_ROWS (bids, default 1000000), BENCH_VIEW_KEYS (view rows, default 200000).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as aq from 'arquero';
import sqlite3 from 'sqlite3';
import { float64, int64, timestamp, TimeUnit } from '@uwdata/flechette';
import { Eddy } from '../src/engine.js';
import { BIDS_COLUMNS, QUERY, generateBids, writeBidsJsonl, type Bid } from './data.js';

export interface ArrowBenchResult {
  readonly bids: number;
  readonly jsonBytes: number;
  readonly arrowBytes: number;
  readonly scan: { readonly jsonMs: number; readonly arrowMs: number; readonly jsonEventsPerSec: number; readonly arrowEventsPerSec: number; readonly ratio: number };
  readonly tumble: { readonly jsonMs: number; readonly arrowMs: number; readonly jsonEventsPerSec: number; readonly arrowEventsPerSec: number; readonly ratio: number; readonly outputRows: number };
  readonly view: { readonly rows: number; readonly heapBytesPerRow: number; readonly checkpointBytesPerRow: number; readonly columns: string };
}

const SCAN = 'SELECT auction, price FROM bids WHERE price < 0';
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

async function timedQuery(dir: string, file: string, format: 'json' | 'arrow', sql: string): Promise<{ ms: number; rows: unknown[] }> {
  gc();
  await new Promise((r) => setTimeout(r, 100));
  const eddy = await Eddy.open({ baseDir: dir });
  try {
    await eddy.execute(`CREATE STREAM bids (${BIDS_COLUMNS}) WITH ('connector' = 'file', 'path' = '${file}', 'format' = '${format}')`);
    const t0 = performance.now();
    const rows = await eddy.query(sql).toArray();
    return { ms: performance.now() - t0, rows };
  } finally {
    await eddy.close();
  }
}

async function compare(dir: string, sql: string, n: number, repeat: number, log: (s: string) => void): Promise<{ jsonMs: number; arrowMs: number; jsonEventsPerSec: number; arrowEventsPerSec: number; ratio: number; outputRows: number }> {
  const jsonMs: number[] = [];
  const arrowMs: number[] = [];
  let outputRows = 0;
  for (let r = 0; r < repeat; r++) {
    const j = await timedQuery(dir, 'bids.jsonl', 'json', sql);
    const a = await timedQuery(dir, 'bids.arrows', 'arrow', sql);
    if (JSON.stringify(j.rows) !== JSON.stringify(a.rows)) throw new Error(`arrow bench: Arrow and JSON input differ for ${sql} (${a.rows.length} vs ${j.rows.length} rows)`);
    outputRows = j.rows.length;
    jsonMs.push(j.ms);
    arrowMs.push(a.ms);
    log(`arrow run ${r + 1}: json ${j.ms.toFixed(0)} ms, arrow ${a.ms.toFixed(0)} ms  (${sql.slice(0, 40)}...)`);
  }
  const jm = median(jsonMs);
  const am = median(arrowMs);
  return { jsonMs: Math.round(jm), arrowMs: Math.round(am), jsonEventsPerSec: Math.round(n / (jm / 1000)), arrowEventsPerSec: Math.round(n / (am / 1000)), ratio: Math.round((jm / am) * 100) / 100, outputRows };
}

function arrowFile(bids: readonly Bid[]): Uint8Array {
  const types = { auction: int64(), bidder: int64(), price: float64(), ts: timestamp(TimeUnit.MILLISECOND) };
  return aq.toArrowIPC(aq.from(bids as Bid[]), { types, maxBatchRows: 64 * 1024, format: 'stream' } as never);
}

/** Heap after a GROUP BY over `keys` keys is maintained (as a view, or into a blackhole), and the checkpoint's bytes per operator. */
async function viewState(dir: string, keys: number, asView: boolean): Promise<{ heap: number; chunks: Map<string, number> }> {
  const state = path.join(dir, `view-${asView ? 'mv' : 'bh'}.db`);
  fs.rmSync(state, { force: true });
  const eddy = await Eddy.open({ state, checkpointInterval: '1h' });
  await eddy.execute(`CREATE STREAM ev (k BIGINT, price DOUBLE, name VARCHAR, ts TIMESTAMP(3)) WITH ('connector' = 'memory')`);
  const select = 'SELECT k, name, COUNT(*) AS n, SUM(price) AS total, MAX(ts) AS last_ts FROM ev GROUP BY k, name';
  if (asView) await eddy.execute(`CREATE MATERIALIZED VIEW mv AS ${select}`);
  else {
    await eddy.execute(`CREATE STREAM sink WITH ('connector' = 'blackhole') AS ${select}`);
  }
  const chunk = 10_000;
  for (let i = 0; i < keys * 2; i += chunk) {
    const rows = Array.from({ length: chunk }, (_, j) => ({ k: (i + j) % keys, price: (i + j) / 100, name: `user-${(i + j) % keys}`, ts: 1_700_000_000_000 + i + j }));
    await eddy.insert('ev', rows);
  }
  if (asView) await eddy.caughtUp('mv');
  else await new Promise((r) => setTimeout(r, 500));
  gc();
  await new Promise((r) => setTimeout(r, 200));
  gc();
  const heap = process.memoryUsage().heapUsed;
  if (asView && (eddy.snapshot('SELECT COUNT(*) AS c FROM mv').objects()[0] as { c: number }).c !== keys) throw new Error('arrow bench: the view does not hold one row per key');
  await eddy.close(); // a final checkpoint
  const db = new sqlite3.Database(state);
  const rows = await new Promise<{ op: string; bytes: number }[]>((res, rej) =>
    db.all('SELECT operator_uid AS op, SUM(length(bytes)) AS bytes FROM eddy_chunks GROUP BY operator_uid', (e, r) => (e ? rej(e) : res(r as never))),
  );
  await new Promise<void>((r) => db.close(() => r()));
  return { heap, chunks: new Map(rows.map((r) => [r.op, r.bytes])) };
}

export async function runArrowBench(log: (s: string) => void, repeat = 3): Promise<ArrowBenchResult> {
  const n = Number(process.env['BENCH_ARROW_ROWS'] ?? 1_000_000);
  const keys = Number(process.env['BENCH_VIEW_KEYS'] ?? 200_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-bench-arrow-'));
  try {
    const bids = generateBids(n);
    await writeBidsJsonl(path.join(dir, 'bids.jsonl'), bids);
    fs.writeFileSync(path.join(dir, 'bids.arrows'), arrowFile(bids));
    const scan = await compare(dir, SCAN, n, repeat, log);
    const tumble = await compare(dir, QUERY, n, repeat, log);
    // Heap measured in this process: the blackhole run first, each after a collection.
    const bh = await viewState(dir, keys, false);
    const mv = await viewState(dir, keys, true);
    const viewOps = [...mv.chunks].filter(([op]) => !bh.chunks.has(op));
    const viewBytes = viewOps.reduce((s, [, b]) => s + b, 0);
    log(`view state: heap ${(mv.heap / 1e6).toFixed(1)} MB as a view vs ${(bh.heap / 1e6).toFixed(1)} MB into a blackhole; view operator chunks ${viewOps.map(([op, b]) => `${op}=${b}`).join(', ')}`);
    return {
      bids: n,
      jsonBytes: fs.statSync(path.join(dir, 'bids.jsonl')).size,
      arrowBytes: fs.statSync(path.join(dir, 'bids.arrows')).size,
      scan: { jsonMs: scan.jsonMs, arrowMs: scan.arrowMs, jsonEventsPerSec: scan.jsonEventsPerSec, arrowEventsPerSec: scan.arrowEventsPerSec, ratio: scan.ratio },
      tumble,
      view: {
        rows: keys,
        heapBytesPerRow: Math.round((mv.heap - bh.heap) / keys),
        checkpointBytesPerRow: Math.round(viewBytes / keys),
        columns: 'k BIGINT, name VARCHAR (user-<k>), n BIGINT, total DOUBLE, last_ts TIMESTAMP',
      },
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function formatArrowTable(r: ArrowBenchResult): string {
  const f = (x: number): string => x.toLocaleString('en-US');
  return [
    `Arrow file source beside JSON Lines, ${f(r.bids)} bids (files: JSON ${f(r.jsonBytes)} B, Arrow ${f(r.arrowBytes)} B)`,
    `  scan   (${SCAN})`,
    `    json  ${f(r.scan.jsonMs)} ms  ${f(r.scan.jsonEventsPerSec)} events/s`,
    `    arrow ${f(r.scan.arrowMs)} ms  ${f(r.scan.arrowEventsPerSec)} events/s   arrow / json throughput: ${r.scan.ratio}x`,
    `  tumble (the tumble query; ${f(r.tumble.outputRows)} result rows)`,
    `    json  ${f(r.tumble.jsonMs)} ms  ${f(r.tumble.jsonEventsPerSec)} events/s`,
    `    arrow ${f(r.tumble.arrowMs)} ms  ${f(r.tumble.arrowEventsPerSec)} events/s   arrow / json throughput: ${r.tumble.ratio}x`,
    `Materialized view state, ${f(r.view.rows)} rows (${r.view.columns})`,
    `  heap ${f(r.view.heapBytesPerRow)} bytes/row (view minus the same GROUP BY into a blackhole), checkpoint ${f(r.view.checkpointBytesPerRow)} bytes/row (the view sink's chunks)`,
  ].join('\n');
}
