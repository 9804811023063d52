/**
 * A deterministic Nexmark event generator after the public spec (nexmark/nexmark, nexmark-flink's
 * GeneratorConfig / BidGenerator): events numbered 0, 1, 2 ... in epochs of 50 (1 person, 3
 * auctions, 46 bids); auction and bidder ids drawn with the spec's hot ratios (hot auction 1 in 2,
 * hot bidder 3 in 4, 100 in-flight auctions, 1000 active people, id leads of 10); prices
 * round(10^(6u) * 100) cents; channel/url half from 4 hot channels, half from 10,000
 * 'channel-N'; `extra` padded to the 100-byte average bid. Event time advances at `eventsPerSec`;
 * one event in ten is delayed by up to 3 s (out of order). The random source is a seeded
 * xorshift, not Java's Random, so the values differ from the Java generator's, the distributions
 * do not. Persons and auctions only advance the id counters: the queries read bids only.
 */
import { open } from 'node:fs/promises';
import { prng } from '../prng.js';

export const PERSON_PROPORTION = 1;
export const AUCTION_PROPORTION = 3;
export const BID_PROPORTION = 46;
const TOTAL_PROPORTION = PERSON_PROPORTION + AUCTION_PROPORTION + BID_PROPORTION;
const FIRST_AUCTION_ID = 1000;
const FIRST_PERSON_ID = 1000;
const HOT_AUCTION_RATIO = 100;
const HOT_BIDDER_RATIO = 100;
const HOT_AUCTION_CHANCE = 2; // config.hotAuctionRatio: 1 - 1/2 of bids go to the hot auction
const HOT_BIDDER_CHANCE = 4; // config.hotBiddersRatio: 1 - 1/4 of bids come from the hot bidder
const HOT_CHANNELS_RATIO = 2;
const CHANNELS_NUMBER = 10_000;
const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'] as const;
const NUM_IN_FLIGHT_AUCTIONS = 100;
const NUM_ACTIVE_PEOPLE = 1000;
const ID_LEAD = 10;
const AVG_BID_BYTES = 100;
export const PROB_DELAYED = 0.1;
export const MAX_DELAY_MS = 3000;
/** Event-time rate: 10,000 events per second of event time, so 1M events span 100 s (10 tumbling windows). */
export const DEFAULT_EVENTS_PER_SEC = 10_000;
/** 2023-11-14 22:13:20 UTC: a multiple of every window size used. */
export const BASE_TIME = 1_700_000_000_000;

export interface Bid {
  auction: number;
  bidder: number;
  /** Cents, an integer (BIGINT in the stream). */
  price: number;
  channel: string;
  url: string;
  /** Epoch milliseconds. */
  dateTime: number;
  extra: string;
}

export const BID_COLUMNS =
  'auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, dateTime TIMESTAMP(3), extra VARCHAR';
export const BID_WATERMARK = "WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND";
export const WATERMARK_DELAY_MS = 4000;

export interface GeneratorOptions {
  readonly seed?: number;
  /** Event-time rate of the whole event stream (persons + auctions + bids). */
  readonly eventsPerSec?: number;
}

export interface Generated {
  readonly bids: Bid[];
  readonly events: number;
  readonly persons: number;
  readonly auctions: number;
}


function lastBase0AuctionId(eventId: number): number {
  let epoch = Math.floor(eventId / TOTAL_PROPORTION);
  let offset = eventId % TOTAL_PROPORTION;
  if (offset < PERSON_PROPORTION) {
    epoch--;
    offset = AUCTION_PROPORTION - 1;
  } else if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) offset = AUCTION_PROPORTION - 1;
  else offset -= PERSON_PROPORTION;
  return epoch * AUCTION_PROPORTION + offset;
}

function lastBase0PersonId(eventId: number): number {
  const epoch = Math.floor(eventId / TOTAL_PROPORTION);
  let offset = eventId % TOTAL_PROPORTION;
  if (offset >= PERSON_PROPORTION) offset = PERSON_PROPORTION - 1;
  return epoch * PERSON_PROPORTION + offset;
}

/** Integer.reverse of a non-negative int, then Math.abs (Java semantics). */
function reverseBits(n: number): number {
  let r = 0;
  for (let i = 0; i < 32; i++) {
    r = (r << 1) | (n & 1);
    n >>>= 1;
  }
  return Math.abs(r | 0);
}

/**
 * The first `events` Nexmark events; returns the bids (about 46 in 50) with their counts. Same
 * seed and options, same bids.
 */
export function generateNexmark(events: number, opts: GeneratorOptions = {}): Generated {
  const rand = prng(opts.seed ?? 42);
  const delayUs = 1e6 / (opts.eventsPerSec ?? DEFAULT_EVENTS_PER_SEC);
  const int = (n: number) => Math.floor(rand() * n);
  // Built from char codes in one call: `s += c` per character would leave a rope of ~100 nodes per
  // string (about 2 GB for 1M bids), which every major GC of the benchmark process then traverses.
  const codes: number[] = [];
  const nextString = (len: number) => {
    codes.length = 0;
    for (let i = 0; i < len; i++) codes.push(rand() < 0.07 ? 95 /* _ */ : 97 + int(26));
    return String.fromCharCode(...codes);
  };
  const baseUrl = () => `https://www.nexmark.com/${nextString(5)}/${nextString(5)}/${nextString(5)}/item.htm?query=1`;
  const hotUrls = HOT_CHANNELS.map(baseUrl);
  const channelUrls = new Map<number, string>();
  const extraBase = AVG_BID_BYTES - 32;
  const extraDelta = Math.round(extraBase * 0.2);

  const bids: Bid[] = [];
  let persons = 0;
  let auctions = 0;
  for (let eventId = 0; eventId < events; eventId++) {
    const offset = eventId % TOTAL_PROPORTION;
    if (offset < PERSON_PROPORTION) {
      persons++;
      continue;
    }
    if (offset < PERSON_PROPORTION + AUCTION_PROPORTION) {
      auctions++;
      continue;
    }
    let auction: number;
    const lastAuction = lastBase0AuctionId(eventId);
    if (int(HOT_AUCTION_CHANCE) > 0) auction = Math.floor(lastAuction / HOT_AUCTION_RATIO) * HOT_AUCTION_RATIO;
    else {
      const min = Math.max(lastAuction - NUM_IN_FLIGHT_AUCTIONS, 0);
      auction = min + int(lastAuction - min + 1 + ID_LEAD);
    }
    auction += FIRST_AUCTION_ID;
    let bidder: number;
    const lastPerson = lastBase0PersonId(eventId);
    if (int(HOT_BIDDER_CHANCE) > 0) bidder = Math.floor(lastPerson / HOT_BIDDER_RATIO) * HOT_BIDDER_RATIO + 1;
    else {
      const numPeople = lastPerson + 1;
      const active = Math.min(numPeople, NUM_ACTIVE_PEOPLE);
      bidder = numPeople - active + int(active + ID_LEAD);
    }
    bidder += FIRST_PERSON_ID;
    const price = Math.round(Math.pow(10, rand() * 6) * 100);
    let channel: string;
    let url: string;
    if (int(HOT_CHANNELS_RATIO) > 0) {
      const i = int(HOT_CHANNELS.length);
      channel = HOT_CHANNELS[i]!;
      url = hotUrls[i]!;
    } else {
      const c = int(CHANNELS_NUMBER);
      channel = `channel-${c}`;
      let u = channelUrls.get(c);
      if (u === undefined) {
        u = baseUrl();
        if (int(10) > 0) u += `&channel_id=${reverseBits(c)}`;
        channelUrls.set(c, u);
      }
      url = u;
    }
    const extra = nextString(extraBase - extraDelta + int(2 * extraDelta));
    let dateTime = BASE_TIME + Math.floor((eventId * delayUs) / 1000);
    if (rand() < PROB_DELAYED) dateTime -= int(MAX_DELAY_MS);
    bids.push({ auction, bidder, price, channel, url, dateTime, extra });
  }
  return { bids, events, persons, auctions };
}

/** `yyyy-MM-dd HH:mm:ss.SSS` (UTC), the text form Eddy reads and writes for TIMESTAMP(3). */
export function formatTs(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.slice(0, 10) + ' ' + iso.slice(11, 23);
}

/** The bids as JSON Lines with text timestamps (every reader has to parse them); returns bytes written. */
export async function writeBidsJsonl(path: string, bids: readonly Bid[]): Promise<number> {
  const fh = await open(path, 'w');
  let bytes = 0;
  try {
    const CHUNK = 20_000;
    for (let i = 0; i < bids.length; i += CHUNK) {
      let text = '';
      for (let j = i; j < Math.min(i + CHUNK, bids.length); j++) {
        const b = bids[j]!;
        text += `{"auction":${b.auction},"bidder":${b.bidder},"price":${b.price},"channel":${JSON.stringify(b.channel)},"url":${JSON.stringify(b.url)},"dateTime":"${formatTs(b.dateTime)}","extra":${JSON.stringify(b.extra)}}\n`;
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
