/**
 * Eddy in memory through the embedding API, for the Nexmark suite: the timed run, the
 * watermark-to-emit latency run, and the bytes-per-state-entry measurement.
 */
import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Session as InspectorSession } from 'node:inspector/promises';
import { Eddy, type ResultRow } from '../../src/engine.js';
import { parseStatement } from '../../src/parser/index.js';
import type { Row } from '../../src/common/types.js';
import { BASE_TIME, WATERMARK_DELAY_MS, type Bid } from './generator.js';
import { bidStreamDdl, type NexmarkQuery } from './queries.js';

v8.setFlagsFromString('--expose-gc');
export const gc = vm.runInNewContext('gc') as () => void;

/** A full collection, then a pause so concurrent sweeping is over before a clock starts. */
export async function collectGarbage(): Promise<void> {
  gc();
  await new Promise((r) => setTimeout(r, 100));
}

export const INSERT_CHUNK = 10_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface EddyMemoryRun {
  readonly ms: number;
  readonly insertMs: number;
  readonly rows: unknown[][];
  /** Largest RSS sampled every 10 ms during the run, and RSS when it started (bytes). */
  readonly peakRss: number;
  readonly startRss: number;
}

/** Inserts the bids in 10,000-row chunks while reading every result row concurrently, then ends the stream. */
export async function eddyInMemory(q: NexmarkQuery, bids: readonly Bid[], profilePath?: string): Promise<EddyMemoryRun> {
  const eddy = await Eddy.open();
  const profiler = profilePath ? new InspectorSession() : null;
  try {
    await eddy.execute(bidStreamDdl("'connector' = 'memory'"));
    await collectGarbage();
    const startRss = process.memoryUsage.rss();
    let peakRss = startRss;
    // Not while profiling: the sampler's own calls would show up in the profile.
    const sampler = profiler
      ? undefined
      : setInterval(() => {
          const r = process.memoryUsage.rss();
          if (r > peakRss) peakRss = r;
        }, 10);
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    const t0 = performance.now();
    const result = eddy.query(q.select);
    // As a streaming consumer runs: results are read while rows are inserted (the query starts
    // reading when the iteration starts, and insert() then paces the producer to it).
    const out: ResultRow[] = [];
    const consumer = (async () => {
      for await (const r of result) out.push(r);
    })();
    for (let i = 0; i < bids.length; i += INSERT_CHUNK) await eddy.insert('bid', bids.slice(i, i + INSERT_CHUNK));
    eddy.end('bid');
    const insertMs = performance.now() - t0;
    await consumer;
    const ms = performance.now() - t0;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      fs.writeFileSync(profilePath!, JSON.stringify(profile));
    }
    const cols = result.columns;
    const rows = out.map((r) => cols.map((c) => r[c]));
    return { ms, insertMs, rows, peakRss, startRss };
  } finally {
    profiler?.disconnect();
    await eddy.close();
  }
}

export interface LatencyResult {
  /** Offered load: rows per insert, and the insert period. */
  readonly chunkRows: number;
  readonly periodMs: number;
  readonly bids: number;
  /** Result rows measured (those fired by a watermark, not by the end of input). */
  readonly rows: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]! : NaN;
}

/**
 * Watermark-to-emit latency in memory: bids are inserted at a steady offered load (chunkRows every
 * periodMs, on an absolute schedule) while the result iterator is read concurrently. A result
 * row's latency is the time from the start of the insert whose rows first lifted the watermark to
 * window_end - 1 (completing the row's window) until the row is read from the iterator.
 */
export async function latencyRun(q: NexmarkQuery, bids: readonly Bid[], chunkRows = 1000, periodMs = 5): Promise<LatencyResult> {
  const win = q.window!;
  const eddy = await Eddy.open();
  try {
    await eddy.execute(bidStreamDdl("'connector' = 'memory'"));
    await collectGarbage();
    const result = eddy.query(q.select);
    const endCol = result.columns[win.endColumn]!;
    const reads: { end: number; at: number }[] = [];
    const reader = (async () => {
      for await (const r of result) reads.push({ end: (r[endCol] as Date).getTime(), at: performance.now() });
    })();
    const insertAt: number[] = [];
    const wmAfter: number[] = [];
    let wm = -Infinity;
    const t0 = performance.now();
    for (let i = 0, c = 0; i < bids.length; i += chunkRows, c++) {
      const wait = t0 + c * periodMs - performance.now();
      if (wait > 0) await sleep(wait);
      const chunk = bids.slice(i, i + chunkRows);
      for (const b of chunk) if (b.dateTime - WATERMARK_DELAY_MS > wm) wm = b.dateTime - WATERMARK_DELAY_MS;
      insertAt.push(performance.now());
      wmAfter.push(wm);
      await eddy.insert('bid', chunk);
    }
    eddy.end('bid');
    await reader;
    const lat: number[] = [];
    for (const r of reads) {
      // The first chunk after which W >= end - 1 (W is monotone: binary search).
      let lo = 0;
      let hi = wmAfter.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (wmAfter[mid]! >= r.end - 1) hi = mid;
        else lo = mid + 1;
      }
      if (lo < wmAfter.length) lat.push(r.at - insertAt[lo]!);
    }
    lat.sort((a, b) => a - b);
    const r2 = (x: number) => Math.round(x * 100) / 100;
    return { chunkRows, periodMs, bids: bids.length, rows: lat.length, p50Ms: r2(quantile(lat, 0.5)), p99Ms: r2(quantile(lat, 0.99)), maxMs: r2(lat[lat.length - 1] ?? NaN) };
  } finally {
    await eddy.close();
  }
}

export interface StateBytesResult {
  readonly keys: number;
  /** State entries the engine holds: (key, window) for TUMBLE, (key, slice) for HOP, sessions for SESSION. */
  readonly stateEntries: number;
  /** Live (key, window) pairs: for HOP each key is in size/slide = 5 open windows. */
  readonly keyWindows: number;
  readonly heapDeltaBytes: number;
  readonly externalDeltaBytes: number;
  readonly bytesPerStateEntry: number;
  readonly bytesPerKeyWindow: number;
  readonly verifiedOutputRows: number;
}

/**
 * Bytes per live state entry: `keys` bids with distinct keys, all at one dateTime inside one
 * window (and one HOP slice), so every entry stays open. Heap (+ external) is read after a full
 * collection just after the insert (the rows are then in the stream's log, not yet in the query)
 * and again once the query has consumed every row; the difference is the query's state. The
 * stream is then ended and the output checked: one row per key (five per key for HOP).
 */
export async function stateBytes(q: NexmarkQuery, keys: number): Promise<StateBytesResult> {
  const win = q.window!;
  // A memory stream keeps fewer than 8192 consumed rows (for a later SELECT), which would count as state.
  if (keys < 20_000) throw new Error(`bench: state measurement needs at least 20000 keys (BENCH_NEXMARK_STATE_KEYS), got ${keys}`);
  const eddy = await Eddy.open();
  try {
    await eddy.execute(bidStreamDdl("'connector' = 'memory'"));
    const stmt = parseStatement(q.select);
    if (stmt.kind !== 'query') throw new Error(`bench: ${q.id} is not a query`);
    const tq = eddy.session.transientQuery(stmt.query, q.select);
    let outRows = 0;
    const running = tq.start((rows: Row[]) => {
      outRows += rows.length;
    });
    await sleep(50);
    const ts = BASE_TIME + 1000;
    const bids: Bid[] = new Array(keys);
    for (let k = 0; k < keys; k++) bids[k] = { auction: 1000 + k, bidder: 1000 + k, price: 100 + (k % 1000), channel: 'Google', url: 'https://www.nexmark.com/a/b/c/item.htm?query=1', dateTime: ts, extra: '' };
    // The baseline is taken before the insert: insert() lets the query catch up, so state is
    // built while it runs. The converted rows are released once read (checked below), so the
    // difference is the query's state (and its timers), not the input.
    gc();
    const before = process.memoryUsage();
    await eddy.insert('bid', bids);
    while ((tq.metrics()?.rowsIn ?? 0) < keys) await sleep(20);
    await sleep(50);
    gc();
    const after = process.memoryUsage();
    // Keep the input objects alive until here: freed during the run, they would offset the state.
    if (bids.length !== keys) throw new Error('bench: lost the input');
    const retained = eddy.session.memory.rows('bid').length;
    if (retained !== 0) throw new Error(`bench: ${q.id} state run: the memory stream still holds ${retained} input rows`);
    eddy.end('bid');
    await running;
    const windowsPerKey = win.kind === 'hop' ? 5 : 1;
    if (outRows !== keys * windowsPerKey) throw new Error(`bench: ${q.id} state run emitted ${outRows} rows, expected ${keys * windowsPerKey}`);
    const heapDelta = after.heapUsed - before.heapUsed;
    const extDelta = after.external - before.external;
    const total = heapDelta + extDelta;
    return {
      keys,
      stateEntries: keys,
      keyWindows: keys * windowsPerKey,
      heapDeltaBytes: heapDelta,
      externalDeltaBytes: extDelta,
      bytesPerStateEntry: Math.round(total / keys),
      bytesPerKeyWindow: Math.round(total / (keys * windowsPerKey)),
      verifiedOutputRows: outRows,
    };
  } finally {
    await eddy.close();
  }
}
