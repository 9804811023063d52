/**
 * Benchmark input and result checking shared by every contender: the deterministic bid stream,
 * its JSON Lines form, and an order-independent fingerprint of a tumbling-window result set.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { prng } from './prng.js';

export const WINDOW_MS = 10_000;
export const DELAY_MS = 5_000;
/** 2023-11-14 22:13:20 UTC, a window boundary. */
export const BASE_TS = 1_700_000_000_000;
const CHANNELS = ['web', 'mobile', 'api', 'partner'] as const;

export const QUERY =
  "SELECT auction, TUMBLE_START(ts, INTERVAL '10' SECOND) AS window_start, COUNT(*) AS n, MAX(price) AS top, SUM(price) AS total " +
  "FROM bids WHERE price > 1 GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND)";

export const BIDS_COLUMNS =
  "auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND";

export interface Bid {
  auction: number;
  bidder: number;
  price: number;
  channel: string;
  /** Epoch milliseconds. */
  ts: number;
}

/** One result row in a comparable form: window_start as epoch ms. */
export interface ResultTuple {
  readonly auction: number;
  readonly windowStart: number;
  readonly n: number;
  readonly top: number;
  readonly total: number;
}


/**
 * N bids, ~1 ms apart, auctions 1..1000, prices 0..100 with cents. One row in ten is up to 2 s
 * behind the clock: disorder well inside the 5 s watermark delay, so no row is late and a batch
 * engine computes exactly what the streaming one does.
 */
export function generateBids(n: number, seed = 42): Bid[] {
  const rand = prng(seed);
  const out: Bid[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const lag = rand() < 0.1 ? Math.floor(rand() * 2000) : 0;
    out[i] = {
      auction: 1 + Math.floor(rand() * 1000),
      bidder: 1 + Math.floor(rand() * 100_000),
      price: Math.round(rand() * 10_000) / 100,
      channel: CHANNELS[Math.floor(rand() * CHANNELS.length)]!,
      ts: BASE_TS + i - lag,
    };
  }
  return out;
}

/** `yyyy-MM-dd HH:mm:ss.SSS` (UTC), the form Eddy prints and reads for TIMESTAMP(3). */
export function formatTs(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.slice(0, 10) + ' ' + iso.slice(11, 23);
}

/** Writes the bids as JSON Lines with text timestamps, so every reader has to parse them. */
export async function writeBidsJsonl(path: string, bids: readonly Bid[]): Promise<number> {
  const fh = await open(path, 'w');
  let bytes = 0;
  try {
    const CHUNK = 20_000;
    for (let i = 0; i < bids.length; i += CHUNK) {
      let text = '';
      for (let j = i; j < Math.min(i + CHUNK, bids.length); j++) {
        const b = bids[j]!;
        text += `{"auction":${b.auction},"bidder":${b.bidder},"price":${b.price},"channel":"${b.channel}","ts":"${formatTs(b.ts)}"}\n`;
      }
      const buf = Buffer.from(text);
      await fh.write(buf);
      bytes += buf.length;
    }
  } finally {
    await fh.close();
  }
  return bytes;
}

/** Parses `yyyy-MM-dd HH:mm:ss.SSS` as UTC (only the exact form the benchmark writes). */
export function parseTsText(s: string): number {
  return Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10), +s.slice(11, 13), +s.slice(14, 16), +s.slice(17, 19), +s.slice(20, 23));
}

export interface Fingerprint {
  readonly rows: number;
  /** sha256 (first 16 hex digits) of the sorted canonical rows. */
  readonly checksum: string;
  /** Sum of n over all rows: the number of input rows that passed the filter. */
  readonly counted: number;
}

/**
 * Order-independent digest of a result set. Sums are rounded to cents: every price has two
 * decimals, so the exact sum does too, and summation order (which differs between engines)
 * only moves the last bits of the double.
 */
export function fingerprint(rows: Iterable<ResultTuple>): Fingerprint {
  const lines: string[] = [];
  let counted = 0;
  for (const r of rows) {
    lines.push(`${r.auction}|${r.windowStart}|${r.n}|${r.top.toFixed(2)}|${r.total.toFixed(2)}`);
    counted += r.n;
  }
  lines.sort();
  const checksum = createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
  return { rows: lines.length, checksum, counted };
}

/** Reads a JSON Lines result file ({auction, window_start, n, top, total}) into tuples. */
export async function readResultJsonl(path: string): Promise<ResultTuple[]> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(path, 'utf8');
  const out: ResultTuple[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const o = JSON.parse(line) as { auction: number; window_start: string; n: number; top: number; total: number };
    out.push({ auction: o.auction, windowStart: parseTsText(o.window_start), n: o.n, top: o.top, total: o.total });
  }
  return out;
}

/** What the query must compute, by brute force (no watermark logic): the reference every contender is checked against. */
export function expectedFingerprint(bids: readonly Bid[]): Fingerprint {
  const groups = new Map<string, { auction: number; windowStart: number; n: number; top: number; total: number }>();
  for (const b of bids) {
    if (!(b.price > 1)) continue;
    const ws = Math.floor(b.ts / WINDOW_MS) * WINDOW_MS;
    const k = b.auction + ':' + ws;
    const g = groups.get(k);
    if (g) {
      g.n++;
      if (b.price > g.top) g.top = b.price;
      g.total += b.price;
    } else groups.set(k, { auction: b.auction, windowStart: ws, n: 1, top: b.price, total: b.price });
  }
  return fingerprint(groups.values());
}
