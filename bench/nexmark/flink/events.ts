/**
 * The events both sides of the Nexmark (nexmark-flink) bench see: Eddy's own generator
 * (src/connectors/nexmark/generator.ts) under the connector's default options with the bench's
 * rate and base time, so the hand-written baselines loop over exactly the events the `nexmark`
 * connector emits; and the same events as JSON Lines in ddl_gen.sql's nested shape for the file path.
 */
import { open } from 'node:fs/promises';
import { NexmarkGenerator, type Auction, type Bid, type NexmarkConfig, type NexmarkEvent, type Person } from '../../../src/connectors/nexmark/generator.js';

export type { Auction, Bid, NexmarkEvent, Person };

/** 2024-05-01 10:00:00 UTC, the base time every run uses (so results are reproducible). */
export const BASE_TIME = Date.UTC(2024, 4, 1, 10);
export const BASE_TIME_TEXT = '2024-05-01 10:00:00';
export const WATERMARK_DELAY_MS = 4000;

/** The connector's defaults (nexmark-source.ts) with ddl_gen.sql's rate and proportions. */
export function nexmarkConfig(tps: number): NexmarkConfig {
  return {
    firstEventRate: tps,
    nextEventRate: tps,
    personProportion: 1,
    auctionProportion: 3,
    bidProportion: 46,
    avgPersonByteSize: 200,
    avgAuctionByteSize: 500,
    avgBidByteSize: 100,
    hotAuctionRatio: 2,
    hotBiddersRatio: 4,
    hotSellersRatio: 4,
    numInFlightAuctions: 100,
    numActivePeople: 1000,
    seed: 0,
  };
}

export function generator(tps: number): NexmarkGenerator {
  return new NexmarkGenerator(nexmarkConfig(tps), BASE_TIME);
}

const p2 = (n: number) => (n < 10 ? '0' + n : String(n));
const p3 = (n: number) => (n < 10 ? '00' + n : n < 100 ? '0' + n : String(n));

/** Epoch ms as `yyyy-MM-dd HH:mm:ss.SSS` (UTC), Eddy's text form of a TIMESTAMP(3). */
export function formatTs(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${p3(d.getUTCMilliseconds())}`;
}

/** `yyyy-MM-dd HH:mm:ss.SSS` (exactly that form) as UTC epoch ms, digit by digit. */
export function parseTs(s: string): number {
  const d = (i: number, n: number) => {
    let v = 0;
    for (let k = i; k < i + n; k++) v = v * 10 + (s.charCodeAt(k) - 48);
    return v;
  };
  return Date.UTC(d(0, 4), d(5, 2) - 1, d(8, 2), d(11, 2), d(14, 2), d(17, 2), d(20, 3));
}

/** One event as a JSON line of ddl_gen.sql's table: event_type and the three ROW columns, two of them null. */
export function eventJson(e: NexmarkEvent): string {
  const n = { person: null as unknown, auction: null as unknown, bid: null as unknown };
  if (e.type === 0) n.person = { ...e.person, dateTime: formatTs(e.person.dateTime) };
  else if (e.type === 1) n.auction = { ...e.auction, dateTime: formatTs(e.auction.dateTime), expires: formatTs(e.auction.expires) };
  else n.bid = { ...e.bid, dateTime: formatTs(e.bid.dateTime) };
  return JSON.stringify({ event_type: e.type, ...n });
}

/** Writes events 0..n-1 as JSON Lines; resolves with the bytes written. */
export async function writeEventsJsonl(path: string, n: number, tps: number): Promise<number> {
  const gen = generator(tps);
  const fh = await open(path, 'w');
  let bytes = 0;
  try {
    let buf = '';
    for (let i = 0; i < n; i++) {
      buf += eventJson(gen.event(i)) + '\n';
      if (buf.length > 1 << 20) {
        bytes += Buffer.byteLength(buf);
        await fh.write(buf);
        buf = '';
      }
    }
    bytes += Buffer.byteLength(buf);
    await fh.write(buf);
  } finally {
    await fh.close();
  }
  return bytes;
}
