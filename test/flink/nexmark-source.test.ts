/**
 * The 'nexmark' connector: nexmark-flink's generator rules (event ids and kinds by proportion,
 * person / auction ids, hot sellers and bidders, prices, event time at first-event.rate), its
 * determinism (event n is a function of the configuration), and resuming from a checkpointed offset.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NexmarkSource, nexmarkOptions } from '../../src/connectors/nexmark/nexmark-source.js';
import { NexmarkGenerator } from '../../src/connectors/nexmark/generator.js';
import type { Row, Schema, SqlType } from '../../src/common/types.js';

const COLUMNS: [string, SqlType][] = [
  ['event_type', 'INT'],
  ['person.id', 'BIGINT'],
  ['person.name', 'VARCHAR'],
  ['person.emailaddress', 'VARCHAR'],
  ['person.creditcard', 'VARCHAR'],
  ['person.state', 'VARCHAR'],
  ['person.dateTime', 'TIMESTAMP'],
  ['auction.id', 'BIGINT'],
  ['auction.initialbid', 'BIGINT'],
  ['auction.reserve', 'BIGINT'],
  ['auction.dateTime', 'TIMESTAMP'],
  ['auction.expires', 'TIMESTAMP'],
  ['auction.seller', 'BIGINT'],
  ['auction.category', 'BIGINT'],
  ['bid.auction', 'BIGINT'],
  ['bid.bidder', 'BIGINT'],
  ['bid.price', 'BIGINT'],
  ['bid.channel', 'VARCHAR'],
  ['bid.url', 'VARCHAR'],
  ['bid.dateTime', 'TIMESTAMP'],
  ['bid.extra', 'VARCHAR'],
];
const SCHEMA: Schema = { columns: COLUMNS.map(([name, type]) => ({ name, type })) };
const col = (name: string): number => COLUMNS.findIndex(([n]) => n === name);
const BASE = Date.UTC(2024, 4, 1, 10);

function source(options: Record<string, string>): NexmarkSource {
  return new NexmarkSource(nexmarkOptions({ 'base-time': String(BASE), ...options }, SCHEMA));
}

async function readAll(s: NexmarkSource, batch = 1000): Promise<Row[]> {
  const out: Row[] = [];
  for (let rows = await s.read(batch); rows !== null; rows = await s.read(batch)) out.push(...rows);
  return out;
}

describe('nexmark generator rules', () => {
  it('splits events by proportion per 50 ids, numbers people and auctions consecutively, times events at the rate', async () => {
    const rows = await readAll(source({ 'events.num': '5000', 'first-event.rate': '1000' }));
    expect(rows).toHaveLength(5000);
    const types = rows.map((r) => r[col('event_type')]);
    // Event n has id n + 2 (nexmark-flink's firstEventId = firstEventNumber = 1): id % 50 == 0 is a person, 1..3 auctions.
    types.forEach((t, n) => expect(t).toBe((n + 2) % 50 === 0 ? 0 : (n + 2) % 50 < 4 ? 1 : 2));
    const people = rows.filter((r) => r[col('event_type')] === 0).map((r) => r[col('person.id')]);
    expect(people).toEqual(people.map((_, i) => 1001 + i));
    const auctions = rows.filter((r) => r[col('event_type')] === 1).map((r) => r[col('auction.id')]);
    expect(auctions).toEqual(auctions.map((_, i) => 1001 + i));
    // timestampForEvent: base + eventNumber * 1e6 / rate microseconds, eventNumber = n + 1.
    rows.forEach((r, n) => {
      const t = r[col('event_type')] === 0 ? r[col('person.dateTime')] : r[col('event_type')] === 1 ? r[col('auction.dateTime')] : r[col('bid.dateTime')];
      expect(t).toBe(BASE + (n + 1));
    });
  });

  it('draws prices, bidders, sellers, categories and expiries within the generator ranges', async () => {
    const rows = await readAll(source({ 'events.num': '10000' }));
    const gen = new NexmarkGenerator(nexmarkOptions({}, SCHEMA).config, BASE);
    let hotBids = 0;
    let bids = 0;
    rows.forEach((r, n) => {
      const eventId = n + 2;
      if (r[col('event_type')] === 2) {
        bids++;
        const price = r[col('bid.price')] as number;
        expect(price).toBeGreaterThanOrEqual(100);
        expect(price).toBeLessThanOrEqual(100_000_000);
        const lastAuction = gen.lastBase0AuctionId(eventId);
        const auction = (r[col('bid.auction')] as number) - 1000;
        expect(auction).toBeLessThanOrEqual(lastAuction + 10);
        if (auction === Math.floor(lastAuction / 100) * 100) hotBids++;
        // BidGenerator adds FIRST_PERSON_ID twice.
        expect(r[col('bid.bidder')] as number).toBeGreaterThanOrEqual(2000);
        expect(r[col('bid.bidder')] as number).toBeLessThanOrEqual(gen.lastBase0PersonId(eventId) + 2010);
        const url = r[col('bid.url')] as string;
        expect(url).toMatch(/^https:\/\/www\.nexmark\.com\/[a-z_]+\/[a-z_]+\/[a-z_]+\/item\.htm\?query=1(&channel_id=-?\d+)?$/);
        expect(['Google', 'Facebook', 'Baidu', 'Apple'].includes(r[col('bid.channel')] as string) || /^channel-\d+$/.test(r[col('bid.channel')] as string)).toBe(true);
      }
      if (r[col('event_type')] === 1) {
        const reserve = r[col('auction.reserve')] as number;
        expect(reserve).toBeGreaterThan(r[col('auction.initialbid')] as number);
        expect(r[col('auction.category')] as number).toBeGreaterThanOrEqual(10);
        expect(r[col('auction.category')] as number).toBeLessThan(15);
        expect(r[col('auction.expires')] as number).toBeGreaterThan(r[col('auction.dateTime')] as number);
        expect(r[col('auction.seller')] as number).toBeLessThanOrEqual(gen.lastBase0PersonId(eventId) + 1010);
      }
      if (r[col('event_type')] === 0) {
        expect(r[col('person.creditcard')]).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
        expect(r[col('person.emailaddress')]).toMatch(/^[a-z ]*[a-z]@[a-z ]*[a-z]?\.com$/);
        expect(['AZ', 'CA', 'ID', 'OR', 'WA', 'WY']).toContain(r[col('person.state')]);
      }
    });
    // 'bid.hot-ratio.auctions' = 2: about half the bids go to the hot auction.
    expect(hotBids / bids).toBeGreaterThan(0.45);
    expect(hotBids / bids).toBeLessThan(0.6);
    // Bids carry about 'bid.avg-size' = 100 bytes: 32 fixed plus an extra of 68 - 14 + [0, 28) (nextExtra).
    const extras = rows.filter((r) => r[col('event_type')] === 2).map((r) => (r[col('bid.extra')] as string).length);
    expect(Math.min(...extras)).toBeGreaterThanOrEqual(54);
    expect(Math.max(...extras)).toBeLessThanOrEqual(81);
  });

  it('honours the proportion options', async () => {
    const rows = await readAll(source({ 'events.num': '1000', 'person.proportion': '2', 'auction.proportion': '3', 'bid.proportion': '5' }));
    const count = (t: number): number => rows.filter((r) => r[col('event_type')] === t).length;
    expect([count(0), count(1), count(2)]).toEqual([200, 300, 500]);
  });
});

describe('determinism and resume', () => {
  it('the same options give the same events; another seed gives others', async () => {
    const a = await readAll(source({ 'events.num': '3000' }), 128);
    const b = await readAll(source({ 'events.num': '3000' }), 977);
    expect(b).toEqual(a);
    const c = await readAll(source({ 'events.num': '3000', seed: '7' }));
    expect(c).not.toEqual(a);
  });

  it('a reader seeked to a checkpointed offset continues exactly where the first stopped (any cut)', async () => {
    const all = await readAll(source({ 'events.num': '2000' }));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 300 }), async (cut, batch) => {
        const first = source({ 'events.num': '2000' });
        const head: Row[] = [];
        while (head.length < cut) head.push(...((await first.read(Math.min(batch, cut - head.length))) ?? []));
        const offset = JSON.parse(JSON.stringify(first.offset())) as unknown;
        // The resumed reader has no 'base-time': the checkpointed base time must win over its wall clock.
        const resumed = new NexmarkSource(nexmarkOptions({ 'events.num': '2000' }, SCHEMA));
        await resumed.seek(offset);
        expect([...head, ...(await readAll(resumed, batch))]).toEqual(all);
      }),
      { numRuns: 25 },
    );
  });

  it('without events.num it is unbounded; with rate.limited it paces reads at first-event.rate', async () => {
    const s = source({});
    expect(s.bounded).toBe(false);
    expect(await s.read(10)).toHaveLength(10);
    const paced = source({ 'rate.limited': 'true', 'first-event.rate': '100', 'events.num': '1000' });
    const t0 = Date.now();
    let n = 0;
    while (Date.now() - t0 < 200) n += ((await paced.read(1000)) ?? []).length;
    expect(n).toBeGreaterThan(5);
    expect(n).toBeLessThan(40);
  });

  it('with the columns a query reads, fills those (the same values) and leaves the others NULL', async () => {
    const read = [col('event_type'), col('auction.seller'), col('bid.bidder'), col('bid.dateTime')];
    const all = await readAll(source({ 'events.num': '3000' }));
    const some = await readAll(new NexmarkSource(nexmarkOptions({ 'base-time': String(BASE), 'events.num': '3000' }, SCHEMA, read)));
    expect(some).toEqual(all.map((r) => r.map((v, i) => (read.includes(i) ? v : null))));
    expect(some.filter((r) => r[col('bid.bidder')] !== null).length).toBeGreaterThan(2500);
  });

  it('refuses columns and types the generator does not produce, and unknown options', () => {
    expect(() => nexmarkOptions({}, { columns: [{ name: 'bid.prize', type: 'BIGINT' }] })).toThrow(/no column 'bid.prize'[\s\S]*/);
    expect(() => nexmarkOptions({}, { columns: [{ name: 'bid.price', type: 'VARCHAR' }] })).toThrow(/BIGINT or DOUBLE, not VARCHAR/);
    expect(() => nexmarkOptions({ 'events.number': '5' }, SCHEMA)).toThrow(/unknown option 'events.number'/);
  });
});
