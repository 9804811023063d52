/**
 * Hand-written q3, q4, q7, q9, q20: symmetric hash joins with Eddy's state retention (a regular
 * join without 'state.ttl' keeps every row of both inputs, after the filters pushed below it), and
 * the aggregates / Top-N over them. The state holds the generator's event objects by reference.
 */
import { BaseQuery, Watermark, push } from './baseline-api.js';
import type { Auction, Bid, Person } from './events.js';

const Q3_STATES = new Set(['OR', 'ID', 'CA']);

/** q3: auctions of category 10 joined with persons of OR / ID / CA on seller = id. */
export class Q3 extends BaseQuery {
  private readonly persons = new Map<number, Person[]>();
  private readonly auctions = new Map<number, number[]>();
  private rows = 0;
  override person(p: Person): void {
    if (!Q3_STATES.has(p.state)) return;
    push(this.persons, p.id, p);
    this.rows++;
    for (const id of this.auctions.get(p.id) ?? []) this.out.add([p.name, p.city, p.state, id]);
  }
  override auction(a: Auction): void {
    if (a.category !== 10) return;
    push(this.auctions, a.seller, a.id);
    this.rows++;
    for (const p of this.persons.get(a.seller) ?? []) this.out.add([p.name, p.city, p.state, a.id]);
  }
  override liveJoinRows(): number {
    return this.rows;
  }
}

/** q4 and q9's join: auction x bid on id = auction, then B.dateTime BETWEEN A.dateTime AND A.expires. */
abstract class AuctionBidJoin extends BaseQuery {
  private readonly auctions = new Map<number, Auction[]>();
  private readonly bids = new Map<number, Bid[]>();
  private rows = 0;
  protected abstract joined(a: Auction, b: Bid): void;
  override auction(a: Auction): void {
    push(this.auctions, a.id, a);
    this.rows++;
    for (const b of this.bids.get(a.id) ?? []) if (b.dateTime >= a.dateTime && b.dateTime <= a.expires) this.joined(a, b);
  }
  override bid(b: Bid): void {
    push(this.bids, b.auction, b);
    this.rows++;
    for (const a of this.auctions.get(b.auction) ?? []) if (b.dateTime >= a.dateTime && b.dateTime <= a.expires) this.joined(a, b);
  }
  override liveJoinRows(): number {
    return this.rows;
  }
}

/** q4: MAX(price) per auction over the join, then AVG of those per category (BIGINT: truncated); groups emitted per batch. */
export class Q4 extends AuctionBidJoin {
  private readonly finals = new Map<number, number>();
  private readonly categories = new Map<number, { sum: number; count: number; emitted: number | null }>();
  private readonly dirty = new Set<number>();
  protected joined(a: Auction, b: Bid): void {
    const old = this.finals.get(a.id);
    if (old !== undefined && b.price <= old) return;
    this.finals.set(a.id, b.price);
    let c = this.categories.get(a.category);
    if (!c) this.categories.set(a.category, (c = { sum: 0, count: 0, emitted: null }));
    if (old === undefined) {
      c.sum += b.price;
      c.count++;
    } else c.sum += b.price - old;
    this.dirty.add(a.category);
  }
  override flush(): void {
    for (const cat of this.dirty) {
      const c = this.categories.get(cat)!;
      const avg = Math.trunc(c.sum / c.count);
      if (avg === c.emitted) continue;
      if (c.emitted !== null) this.out.del([cat, c.emitted]);
      this.out.add([cat, avg]);
      c.emitted = avg;
    }
    this.dirty.clear();
  }
  override end(): void {
    this.flush();
  }
}

/** q9: per auction the joined bid of the highest price (then the earliest dateTime, then the first to arrive). */
export class Q9 extends AuctionBidJoin {
  private readonly best = new Map<number, { b: Bid; row: unknown[] }>();
  protected joined(a: Auction, b: Bid): void {
    const cur = this.best.get(a.id);
    if (cur && (b.price < cur.b.price || (b.price === cur.b.price && b.dateTime >= cur.b.dateTime))) return;
    const row = [a.id, a.itemName, a.description, a.initialBid, a.reserve, a.dateTime, a.expires, a.seller, a.category, a.extra, b.auction, b.bidder, b.price, b.dateTime, b.extra];
    if (cur) this.out.del(cur.row);
    this.out.add(row);
    this.best.set(a.id, { b, row });
  }
}

/** q7: each bid joined on price with every 10 s tumbling window's MAX(price) (a regular join: both sides kept), bid time within the window's 10 s. */
export class Q7 extends BaseQuery {
  private readonly bids = new Map<number, Bid[]>();
  /** Fired windows by their maximum price: their window_end. */
  private readonly maxima = new Map<number, number[]>();
  private readonly open = new Map<number, number>();
  private readonly wm = new Watermark();
  private rows = 0;
  override bid(b: Bid): void {
    const start = b.dateTime - (b.dateTime % 10_000);
    const m = this.open.get(start);
    if (m === undefined || b.price > m) this.open.set(start, b.price);
    push(this.bids, b.price, b);
    this.rows++;
    for (const end of this.maxima.get(b.price) ?? []) this.match(b, end);
    this.fire(this.wm.see(b.dateTime));
  }
  private match(b: Bid, end: number): void {
    if (b.dateTime >= end - 10_000 && b.dateTime <= end) this.out.add([b.auction, b.price, b.bidder, b.dateTime, b.extra]);
  }
  private fire(wm: number): void {
    for (const [start, max] of this.open) {
      const end = start + 10_000;
      if (end - 1 > wm) continue;
      this.open.delete(start);
      push(this.maxima, max, end);
      this.rows++;
      for (const b of this.bids.get(max) ?? []) this.match(b, end);
    }
  }
  override end(): void {
    this.fire(Infinity);
  }
  override liveJoinRows(): number {
    return this.rows;
  }
}

/** q20: every bid joined with the auctions of category 10 on auction = id (all bids kept: a bid may precede its auction). */
export class Q20 extends BaseQuery {
  private readonly bids = new Map<number, Bid[]>();
  private readonly auctions = new Map<number, Auction[]>();
  private rows = 0;
  private emit(b: Bid, a: Auction): void {
    this.out.add([b.auction, b.bidder, b.price, b.channel, b.url, b.dateTime, b.extra, a.itemName, a.description, a.initialBid, a.reserve, a.dateTime, a.expires, a.seller, a.category, a.extra]);
  }
  override bid(b: Bid): void {
    push(this.bids, b.auction, b);
    this.rows++;
    for (const a of this.auctions.get(b.auction) ?? []) this.emit(b, a);
  }
  override auction(a: Auction): void {
    if (a.category !== 10) return;
    push(this.auctions, a.id, a);
    this.rows++;
    for (const b of this.bids.get(a.id) ?? []) this.emit(b, a);
  }
  override liveJoinRows(): number {
    return this.rows;
  }
}
