/*
 * The public Nexmark event generator (nexmark/nexmark, nexmark-flink's NexmarkGenerator and its
 * model/*Generator classes), ported rule for rule: event ids, the person / auction / bid split by
 * proportion, hot sellers / auctions / bidders, prices 10^(6u) * 100, auction expiry horizons,
 * strings and the padding `extra`, and event time baseTime + eventNumber * 1e6 / first-event.rate us.
 *
 * One deliberate difference: Java draws from one unseeded SplittableRandom, so its stream differs on
 * every run. Here every event draws from its own generator seeded by (seed, event number), so event
 * n is a pure function of the configuration: a source resumes after a crash by its event count and
 * replays byte-identical events. The draws within one event follow Java's order.
 */

import { fmix32 } from '../../common/hash.js';

export interface NexmarkConfig {
  readonly firstEventRate: number;
  readonly nextEventRate: number;
  readonly personProportion: number;
  readonly auctionProportion: number;
  readonly bidProportion: number;
  readonly avgPersonByteSize: number;
  readonly avgAuctionByteSize: number;
  readonly avgBidByteSize: number;
  readonly hotAuctionRatio: number;
  readonly hotSellersRatio: number;
  readonly hotBiddersRatio: number;
  readonly numInFlightAuctions: number;
  readonly numActivePeople: number;
  readonly seed: number;
}

export const FIRST_AUCTION_ID = 1000;
export const FIRST_PERSON_ID = 1000;
export const FIRST_CATEGORY_ID = 10;
/** nexmark-flink's table source: firstEventId = 1, firstEventNumber = 1. */
const FIRST_EVENT_ID = 1;
const FIRST_EVENT_NUMBER = 1;

export interface Person {
  readonly id: number;
  readonly name: string;
  readonly emailAddress: string;
  readonly creditCard: string;
  readonly city: string;
  readonly state: string;
  readonly dateTime: number;
  readonly extra: string;
}

export interface Auction {
  readonly id: number;
  readonly itemName: string;
  readonly description: string;
  readonly initialBid: number;
  readonly reserve: number;
  readonly dateTime: number;
  readonly expires: number;
  readonly seller: number;
  readonly category: number;
  readonly extra: string;
}

export interface Bid {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly channel: string;
  readonly url: string;
  readonly dateTime: number;
  readonly extra: string;
}

/** event_type as nexmark-flink numbers it: 0 person, 1 auction, 2 bid. */
export type NexmarkEvent =
  | { readonly type: 0; readonly person: Person }
  | { readonly type: 1; readonly auction: Auction }
  | { readonly type: 2; readonly bid: Bid };

/** A small fast PRNG (mulberry32) standing in for Java's SplittableRandom. */
class Random {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  private next32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform in [0, bound). */
  nextInt(bound: number): number {
    return Math.floor((this.next32() / 4294967296) * bound);
  }
  /** Uniform in [0, 1) with 53 random bits. */
  nextDouble(): number {
    return ((this.next32() >>> 5) * 67108864 + (this.next32() >>> 6)) / 9007199254740992;
  }
  /** LongGenerator.nextLong: uniform in [0, n). */
  nextLong(n: number): number {
    return n < 2147483647 ? this.nextInt(n) : Math.floor(this.nextDouble() * n);
  }
}

const US_STATES = 'AZ,CA,ID,OR,WA,WY'.split(',');
const US_CITIES = 'Phoenix,Los Angeles,San Francisco,Boise,Portland,Bend,Redmond,Seattle,Kent,Cheyenne'.split(',');
const FIRST_NAMES = 'Peter,Paul,Luke,John,Saul,Vicky,Kate,Julie,Sarah,Deiter,Walter'.split(',');
const LAST_NAMES = 'Shultz,Abrams,Spencer,White,Bartels,Walton,Smith,Jones,Noris'.split(',');
const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];
const CHANNELS_NUMBER = 10_000;
const MIN_STRING_LENGTH = 3;
const NUM_CATEGORIES = 5;
const AUCTION_ID_LEAD = 10;
const PERSON_ID_LEAD = 10;
const HOT_SELLER_RATIO = 100;
const HOT_AUCTION_RATIO = 100;
const HOT_BIDDER_RATIO = 100;
const HOT_CHANNELS_RATIO = 2;

/** StringsGenerator.nextString: 3..maxLength-1 characters of a-z, `special` with probability 1/13, trimmed. */
function nextString(r: Random, maxLength: number, special = ' '): string {
  let len = MIN_STRING_LENGTH + r.nextInt(maxLength - MIN_STRING_LENGTH);
  let s = '';
  while (len-- > 0) s += r.nextInt(13) === 0 ? special : String.fromCharCode(97 + r.nextInt(26));
  return special === ' ' ? s.trim() : s;
}

/** Java's Math.abs(Integer.reverse(i)) (abs of MIN_VALUE stays MIN_VALUE). */
function absReverse(i: number): number {
  let r = 0;
  for (let b = 0; b < 32; b++) r = (r << 1) | ((i >>> b) & 1);
  return r === -2147483648 ? r : Math.abs(r);
}

function baseUrl(r: Random): string {
  return `https://www.nexmark.com/${nextString(r, 5, '_')}/${nextString(r, 5, '_')}/${nextString(r, 5, '_')}/item.htm?query=1`;
}

/** The class-level tables of BidGenerator and StringsGenerator, drawn once (from a fixed seed here). */
interface Tables {
  readonly hotUrls: readonly string[];
  readonly channelUrls: readonly string[];
  readonly extra: string;
}
let tables: Tables | undefined;
function getTables(): Tables {
  if (tables) return tables;
  const r = new Random(0x6e65786d);
  const hotUrls = HOT_CHANNELS.map(() => baseUrl(r));
  const channelUrls: string[] = [];
  for (let i = 0; i < CHANNELS_NUMBER; i++) {
    const url = baseUrl(r);
    channelUrls.push(r.nextInt(10) > 0 ? `${url}&channel_id=${absReverse(i)}` : url);
  }
  // REUSABLE_EXTRA_STRING: 1 MiB of a-z.
  const chars = new Uint8Array(1 << 20);
  for (let i = 0; i < chars.length; i++) chars[i] = 97 + r.nextInt(26);
  tables = { hotUrls, channelUrls, extra: Buffer.from(chars).toString('latin1') };
  return tables;
}

function nextExtra(r: Random, currentSize: number, desiredAverageSize: number): string {
  if (currentSize > desiredAverageSize) return '';
  const desired = desiredAverageSize - currentSize;
  const delta = Math.round(desired * 0.2);
  const size = desired - delta + (delta === 0 ? 0 : r.nextInt(2 * delta));
  const pool = getTables().extra;
  const offset = r.nextInt(pool.length - size);
  return pool.slice(offset, offset + size);
}

function nextPrice(r: Random): number {
  return Math.round(Math.pow(10, r.nextDouble() * 6) * 100);
}

export class NexmarkGenerator {
  private readonly total: number;
  private readonly interEventDelayUs: number;

  constructor(
    readonly config: NexmarkConfig,
    /** Event time of event number 0 (epoch ms). */
    readonly baseTime: number,
  ) {
    this.total = config.personProportion + config.auctionProportion + config.bidProportion;
    this.interEventDelayUs = 1_000_000 / config.firstEventRate;
  }

  /** GeneratorConfig.timestampForEvent. */
  timestampForEvent(eventNumber: number): number {
    return this.baseTime + Math.floor(Math.floor(eventNumber * this.interEventDelayUs) / 1000);
  }

  /** The event generated after `count` others (NexmarkGenerator.nextEvent with eventsCountSoFar = count). */
  event(count: number): NexmarkEvent {
    const c = this.config;
    const eventNumber = FIRST_EVENT_NUMBER + count;
    const eventId = FIRST_EVENT_ID + eventNumber;
    const timestamp = this.timestampForEvent(eventNumber);
    const r = new Random(fmix32((c.seed ^ fmix32(eventNumber % 4294967296)) + Math.floor(eventNumber / 4294967296)));
    const rem = eventId % this.total;
    if (rem < c.personProportion) return { type: 0, person: this.person(eventId, r, timestamp) };
    if (rem < c.personProportion + c.auctionProportion) return { type: 1, auction: this.auction(eventNumber, eventId, r, timestamp) };
    return { type: 2, bid: this.bid(eventId, r, timestamp) };
  }

  lastBase0PersonId(eventId: number): number {
    const c = this.config;
    const epoch = Math.floor(eventId / this.total);
    let offset = eventId % this.total;
    if (offset >= c.personProportion) offset = c.personProportion - 1;
    return epoch * c.personProportion + offset;
  }

  lastBase0AuctionId(eventId: number): number {
    const c = this.config;
    let epoch = Math.floor(eventId / this.total);
    let offset = eventId % this.total;
    if (offset < c.personProportion) {
      epoch--;
      offset = c.auctionProportion - 1;
    } else if (offset >= c.personProportion + c.auctionProportion) {
      offset = c.auctionProportion - 1;
    } else {
      offset -= c.personProportion;
    }
    return epoch * c.auctionProportion + offset;
  }

  private nextBase0PersonId(eventId: number, r: Random): number {
    const numPeople = this.lastBase0PersonId(eventId) + 1;
    const active = Math.min(numPeople, this.config.numActivePeople);
    return numPeople - active + r.nextLong(active + PERSON_ID_LEAD);
  }

  private nextBase0AuctionId(eventId: number, r: Random): number {
    const max = this.lastBase0AuctionId(eventId);
    const min = Math.max(max - this.config.numInFlightAuctions, 0);
    return min + r.nextLong(max - min + 1 + AUCTION_ID_LEAD);
  }

  private person(eventId: number, r: Random, timestamp: number): Person {
    const id = this.lastBase0PersonId(eventId) + FIRST_PERSON_ID;
    const name = `${FIRST_NAMES[r.nextInt(FIRST_NAMES.length)]!} ${LAST_NAMES[r.nextInt(LAST_NAMES.length)]!}`;
    const emailAddress = `${nextString(r, 7)}@${nextString(r, 5)}.com`;
    const cards: string[] = [];
    for (let i = 0; i < 4; i++) cards.push(String(r.nextInt(10000)).padStart(4, '0'));
    const creditCard = cards.join(' ');
    const city = US_CITIES[r.nextInt(US_CITIES.length)]!;
    const state = US_STATES[r.nextInt(US_STATES.length)]!;
    const size = 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
    const extra = nextExtra(r, size, this.config.avgPersonByteSize);
    return { id, name, emailAddress, creditCard, city, state, dateTime: timestamp, extra };
  }

  private auction(eventNumber: number, eventId: number, r: Random, timestamp: number): Auction {
    const c = this.config;
    const id = this.lastBase0AuctionId(eventId) + FIRST_AUCTION_ID;
    let seller = r.nextInt(c.hotSellersRatio) > 0 ? Math.floor(this.lastBase0PersonId(eventId) / HOT_SELLER_RATIO) * HOT_SELLER_RATIO : this.nextBase0PersonId(eventId, r);
    seller += FIRST_PERSON_ID;
    const category = FIRST_CATEGORY_ID + r.nextInt(NUM_CATEGORIES);
    const initialBid = nextPrice(r);
    // nextAuctionLengthMs: an expiry averaging the time until numInFlightAuctions more auctions exist.
    const numEventsForAuctions = Math.floor((c.numInFlightAuctions * this.total) / c.auctionProportion);
    const horizonMs = this.timestampForEvent(eventNumber + numEventsForAuctions) - timestamp;
    const expires = timestamp + 1 + r.nextLong(Math.max(horizonMs * 2, 1));
    const itemName = nextString(r, 20);
    const description = nextString(r, 100);
    const reserve = initialBid + nextPrice(r);
    const size = 8 + itemName.length + description.length + 8 + 8 + 8 + 8 + 8;
    const extra = nextExtra(r, size, c.avgAuctionByteSize);
    return { id, itemName, description, initialBid, reserve, dateTime: timestamp, expires, seller, category, extra };
  }

  private bid(eventId: number, r: Random, timestamp: number): Bid {
    const c = this.config;
    let auction = r.nextInt(c.hotAuctionRatio) > 0 ? Math.floor(this.lastBase0AuctionId(eventId) / HOT_AUCTION_RATIO) * HOT_AUCTION_RATIO : this.nextBase0AuctionId(eventId, r);
    auction += FIRST_AUCTION_ID;
    let bidder = r.nextInt(c.hotBiddersRatio) > 0 ? Math.floor(this.lastBase0PersonId(eventId) / HOT_BIDDER_RATIO) * HOT_BIDDER_RATIO + 1 : this.nextBase0PersonId(eventId, r);
    bidder += FIRST_PERSON_ID;
    const price = nextPrice(r);
    const t = getTables();
    let channel: string;
    let url: string;
    if (r.nextInt(HOT_CHANNELS_RATIO) > 0) {
      const i = r.nextInt(HOT_CHANNELS.length);
      channel = HOT_CHANNELS[i]!;
      url = t.hotUrls[i]!;
    } else {
      const i = r.nextInt(CHANNELS_NUMBER);
      channel = `channel-${i}`;
      url = t.channelUrls[i]!;
    }
    // BidGenerator adds FIRST_PERSON_ID a second time; kept, so bidder ids match the public generator's.
    bidder += FIRST_PERSON_ID;
    const extra = nextExtra(r, 8 + 8 + 8 + 8, c.avgBidByteSize);
    return { auction, bidder, price, channel, url, dateTime: timestamp, extra };
  }
}
