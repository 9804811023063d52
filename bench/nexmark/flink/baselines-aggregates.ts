/**
 * Hand-written q15, q16, q17 (updating GROUP BYs: the groups a batch changed are emitted at
 * flush(), -U of the old row then +U of the new, as Eddy's aggregate does per batch) and q18, q19
 * (Top-N: keep-last-row dedup per (bidder, auction); the 10 highest prices per auction, equal
 * prices in arrival order, with every rank shift emitted).
 */
import { BaseQuery, DAY_MS, dayText, type OutRow } from './baseline-api.js';
import type { Bid } from './events.js';

/** Rank of a price in q15-q17's FILTER clauses: 0 below 10,000; 1 below 1,000,000; 2 above. */
const rank = (price: number) => (price < 10_000 ? 0 : price < 1_000_000 ? 1 : 2);

/** A group that remembers the row it last emitted. */
abstract class Group {
  emitted: OutRow | null = null;
  abstract row(): OutRow;
}

abstract class UpdatingGroupBy<G extends Group> extends BaseQuery {
  protected readonly dirty = new Set<G>();
  override flush(): void {
    for (const g of this.dirty) {
      const row = g.row();
      if (g.emitted) this.out.del(g.emitted);
      this.out.add(row);
      g.emitted = row;
    }
    this.dirty.clear();
  }
  override end(): void {
    this.flush();
  }
}

/** COUNT(*) / COUNT(DISTINCT bidder) / COUNT(DISTINCT auction), in total and per rank. */
class BidStats extends Group {
  readonly bids = [0, 0, 0];
  readonly bidders = [new Set<number>(), new Set<number>(), new Set<number>()];
  readonly auctions = [new Set<number>(), new Set<number>(), new Set<number>()];
  readonly allBidders = new Set<number>();
  readonly allAuctions = new Set<number>();
  total = 0;
  constructor(readonly key: readonly unknown[]) {
    super();
  }
  add(b: Bid): void {
    const r = rank(b.price);
    this.total++;
    this.bids[r]!++;
    this.bidders[r]!.add(b.bidder);
    this.auctions[r]!.add(b.auction);
    this.allBidders.add(b.bidder);
    this.allAuctions.add(b.auction);
  }
  stats(): unknown[] {
    const [b, d, a] = [this.bids, this.bidders, this.auctions];
    return [this.total, b[0], b[1], b[2], this.allBidders.size, d[0]!.size, d[1]!.size, d[2]!.size, this.allAuctions.size, a[0]!.size, a[1]!.size, a[2]!.size];
  }
  row(): OutRow {
    return [...this.key, ...this.stats()];
  }
}

/** q15: bid statistics per day. */
export class Q15 extends UpdatingGroupBy<BidStats> {
  private readonly days = new Map<number, BidStats>();
  override bid(b: Bid): void {
    const day = Math.floor(b.dateTime / DAY_MS);
    let g = this.days.get(day);
    if (!g) this.days.set(day, (g = new BidStats([dayText(day)])));
    g.add(b);
    this.dirty.add(g);
  }
}

class ChannelStats extends BidStats {
  maxMinute = -1;
  override row(): OutRow {
    const h = Math.floor(this.maxMinute / 60);
    const m = this.maxMinute % 60;
    return [this.key[0], this.key[1], `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`, ...this.stats()];
  }
}

/** q16: bid statistics per channel and day, with the day's latest minute (MAX of 'HH:mm'). */
export class Q16 extends UpdatingGroupBy<ChannelStats> {
  private readonly groups = new Map<string, Map<number, ChannelStats>>();
  override bid(b: Bid): void {
    const day = Math.floor(b.dateTime / DAY_MS);
    let byDay = this.groups.get(b.channel);
    if (!byDay) this.groups.set(b.channel, (byDay = new Map()));
    let g = byDay.get(day);
    if (!g) byDay.set(day, (g = new ChannelStats([b.channel, dayText(day)])));
    g.add(b);
    const minute = Math.floor((b.dateTime - day * DAY_MS) / 60_000);
    if (minute > g.maxMinute) g.maxMinute = minute;
    this.dirty.add(g);
  }
}

class AuctionDay extends Group {
  total = 0;
  readonly ranks = [0, 0, 0];
  min = Infinity;
  max = -Infinity;
  sum = 0;
  constructor(
    readonly auction: number,
    readonly day: string,
  ) {
    super();
  }
  row(): OutRow {
    return [this.auction, this.day, this.total, this.ranks[0], this.ranks[1], this.ranks[2], this.min, this.max, Math.trunc(this.sum / this.total), this.sum];
  }
}

/** q17: per auction and day: counts, MIN / MAX / AVG (BIGINT, truncated) / SUM of price. */
export class Q17 extends UpdatingGroupBy<AuctionDay> {
  private readonly groups = new Map<number, Map<number, AuctionDay>>();
  override bid(b: Bid): void {
    const day = Math.floor(b.dateTime / DAY_MS);
    let byDay = this.groups.get(b.auction);
    if (!byDay) this.groups.set(b.auction, (byDay = new Map()));
    let g = byDay.get(day);
    if (!g) byDay.set(day, (g = new AuctionDay(b.auction, dayText(day))));
    g.total++;
    g.ranks[rank(b.price)]!++;
    if (b.price < g.min) g.min = b.price;
    if (b.price > g.max) g.max = b.price;
    g.sum += b.price;
    this.dirty.add(g);
  }
}

const bidRow = (b: Bid): unknown[] => [b.auction, b.bidder, b.price, b.channel, b.url, b.dateTime, b.extra];

/** q18: per (bidder, auction) the bid of the latest dateTime (a later-arriving bid of an equal dateTime replaces it: keep-last-row). */
export class Q18 extends BaseQuery {
  private readonly last = new Map<number, Map<number, { b: Bid; row: unknown[] }>>();
  override bid(b: Bid): void {
    let byAuction = this.last.get(b.bidder);
    if (!byAuction) this.last.set(b.bidder, (byAuction = new Map()));
    const cur = byAuction.get(b.auction);
    if (cur && b.dateTime < cur.b.dateTime) return;
    const row = bidRow(b);
    if (cur) this.out.del(cur.row);
    this.out.add(row);
    byAuction.set(b.auction, { b, row });
  }
}

/** q19: per auction the 10 highest prices with their rank (equal prices rank in arrival order). */
export class Q19 extends BaseQuery {
  private readonly tops = new Map<number, { price: number; row: unknown[] }[]>();
  override bid(b: Bid): void {
    let top = this.tops.get(b.auction);
    if (!top) this.tops.set(b.auction, (top = []));
    let at = top.length;
    while (at > 0 && top[at - 1]!.price < b.price) at--;
    if (at >= 10) return;
    // Rows at and after the new one's rank shift down one (the 10th falls out).
    for (let i = at; i < top.length; i++) this.out.del(top[i]!.row);
    const base = bidRow(b);
    top.splice(at, 0, { price: b.price, row: [...base, at + 1] });
    if (top.length > 10) top.length = 10;
    for (let i = at; i < top.length; i++) {
      const e = top[i]!;
      if (i > at) e.row = [...e.row.slice(0, 7), i + 1];
      this.out.add(e.row);
    }
  }
}
