/**
 * BENCH_ONLY=join (also part of a full run): a regular INNER equi-join of bids with auctions
 * (`SELECT b.auction, b.price, a.seller FROM bid b JOIN auction a ON b.auction = a.id`) in
 * memory through the embedding API, beside a hand-written symmetric hash join over the same rows
 * in the same order (both sides kept, as a streaming join must). Both results are checked against
 * each other (row count and checksum). Env: BENCH_JOIN_ROWS (bids, default 300000).
 */
import { Eddy, type ResultRow } from '../src/engine.js';
import { BASE_TS, generateBids, type Bid } from './data.js';

export interface JoinBenchResult {
  readonly bids: number;
  readonly auctions: number;
  readonly query: string;
  readonly eddyMs: number;
  readonly handwrittenMs: number;
  readonly eddyEventsPerSec: number;
  readonly handwrittenEventsPerSec: number;
  readonly ratio: number;
  readonly outputRows: number;
}

interface Auction {
  id: number;
  seller: number;
  ts: number;
}

const QUERY = 'SELECT b.auction, b.price, a.seller FROM bid b JOIN auction a ON b.auction = a.id';
const CHUNK = 10_000;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const checksum = (rows: readonly (readonly [number, number, number])[]): number => rows.reduce((s, r) => (s + r[0] * 7 + Math.round(r[1] * 100) * 3 + r[2]) % 1_000_000_007, 0);

async function eddyRun(auctions: readonly Auction[], bids: readonly Bid[]): Promise<{ ms: number; rows: [number, number, number][] }> {
  const eddy = await Eddy.open();
  try {
    await eddy.execute("CREATE STREAM bid (auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3)) WITH ('connector' = 'memory')");
    await eddy.execute("CREATE STREAM auction (id BIGINT, seller BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'memory')");
    const t0 = performance.now();
    const result = eddy.query(QUERY);
    const out: ResultRow[] = [];
    const consumer = (async () => {
      for await (const r of result) out.push(r);
    })();
    await eddy.insert('auction', auctions.slice());
    eddy.end('auction');
    for (let i = 0; i < bids.length; i += CHUNK) await eddy.insert('bid', bids.slice(i, i + CHUNK));
    eddy.end('bid');
    await consumer;
    const ms = performance.now() - t0;
    return { ms, rows: out.map((r) => [r['auction'] as number, r['price'] as number, r['seller'] as number]) };
  } finally {
    await eddy.close();
  }
}

/** The same join by hand: each arriving row is stored under its key and matched against the other side's rows. */
function handwritten(auctions: readonly Auction[], bids: readonly Bid[]): { ms: number; rows: [number, number, number][] } {
  const t0 = performance.now();
  const byId = new Map<number, Auction[]>();
  const bidsBy = new Map<number, Bid[]>();
  const out: [number, number, number][] = [];
  for (const a of auctions) {
    let l = byId.get(a.id);
    if (!l) byId.set(a.id, (l = []));
    l.push(a);
    for (const b of bidsBy.get(a.id) ?? []) out.push([b.auction, b.price, a.seller]);
  }
  for (const b of bids) {
    let l = bidsBy.get(b.auction);
    if (!l) bidsBy.set(b.auction, (l = []));
    l.push(b);
    for (const a of byId.get(b.auction) ?? []) out.push([b.auction, b.price, a.seller]);
  }
  return { ms: performance.now() - t0, rows: out };
}

export async function runJoinBench(log: (s: string) => void, repeat = 3): Promise<JoinBenchResult> {
  const n = Number(process.env['BENCH_JOIN_ROWS'] ?? 300_000);
  const bids = generateBids(n, 7);
  const auctions: Auction[] = Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, seller: (i * 37) % 997, ts: BASE_TS + i }));
  const eddyMs: number[] = [];
  const handMs: number[] = [];
  let outputRows = 0;
  for (let r = 0; r < repeat; r++) {
    const h = handwritten(auctions, bids);
    const e = await eddyRun(auctions, bids);
    if (e.rows.length !== h.rows.length || checksum(e.rows) !== checksum(h.rows)) {
      throw new Error(`join bench: Eddy gave ${e.rows.length} rows (checksum ${checksum(e.rows)}), hand-written ${h.rows.length} (${checksum(h.rows)})`);
    }
    outputRows = e.rows.length;
    handMs.push(h.ms);
    eddyMs.push(e.ms);
    log(`join run ${r + 1}: eddy ${e.ms.toFixed(0)} ms, hand-written ${h.ms.toFixed(0)} ms`);
  }
  const events = n + auctions.length;
  const em = median(eddyMs);
  const hm = median(handMs);
  return {
    bids: n,
    auctions: auctions.length,
    query: QUERY,
    eddyMs: Math.round(em),
    handwrittenMs: Math.round(hm),
    eddyEventsPerSec: Math.round(events / (em / 1000)),
    handwrittenEventsPerSec: Math.round(events / (hm / 1000)),
    ratio: Math.round((hm / em) * 1000) / 1000,
    outputRows,
  };
}

export function formatJoinTable(r: JoinBenchResult): string {
  const f = (x: number): string => x.toLocaleString('en-US');
  return [
    `Regular join, in memory: ${f(r.bids)} bids JOIN ${f(r.auctions)} auctions -> ${f(r.outputRows)} rows`,
    `  ${r.query}`,
    `  eddy         ${f(r.eddyMs)} ms  ${f(r.eddyEventsPerSec)} events/s`,
    `  hand-written ${f(r.handwrittenMs)} ms  ${f(r.handwrittenEventsPerSec)} events/s`,
    `  eddy / hand-written throughput: ${r.ratio}x`,
  ].join('\n');
}
