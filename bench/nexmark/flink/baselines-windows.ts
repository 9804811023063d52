/**
 * Hand-written q5, q8, q11, q12: windows fired by Eddy's watermark (largest dateTime - 4 s; a
 * window [s, e) once it reaches e - 1), and for q5 / q8 the window join of two windowed results,
 * whose rows live until their window fires.
 */
import { BaseQuery, Watermark } from './baseline-api.js';
import type { Auction, Bid, Person } from './events.js';

const SLIDE = 2000;
const SIZE = 10_000;

/** q5: per HOP(2 s, 10 s) window the auctions with the most bids; counts kept per 2 s slice and summed when a window fires. */
export class Q5 extends BaseQuery {
  private readonly slices = new Map<number, Map<number, number>>();
  private next = Infinity;
  private readonly wm = new Watermark();
  override bid(b: Bid): void {
    const slice = b.dateTime - (b.dateTime % SLIDE);
    let m = this.slices.get(slice);
    if (!m) {
      this.slices.set(slice, (m = new Map()));
      if (slice - SIZE + SLIDE < this.next) this.next = slice - SIZE + SLIDE;
    }
    m.set(b.auction, (m.get(b.auction) ?? 0) + 1);
    this.fire(this.wm.see(b.dateTime));
  }
  private fire(wm: number): void {
    while (this.next + SIZE - 1 <= wm && this.slices.size > 0) {
      const start = this.next;
      const counts = new Map<number, number>();
      for (let s = start; s < start + SIZE; s += SLIDE) {
        for (const [auction, n] of this.slices.get(s) ?? []) counts.set(auction, (counts.get(auction) ?? 0) + n);
      }
      let max = 0;
      for (const n of counts.values()) if (n > max) max = n;
      for (const [auction, n] of counts) if (n >= max) this.out.add([auction, n]);
      // The window starting at a slice is the last to read it.
      this.slices.delete(start);
      this.next = start + SLIDE;
    }
  }
  override end(): void {
    this.fire(Infinity);
  }
}

/** q8: per 10 s tumbling window, the persons (id, name) who also opened an auction (as seller) in it. */
export class Q8 extends BaseQuery {
  private readonly windows = new Map<number, { persons: Map<number, string[]>; sellers: Set<number> }>();
  private readonly wm = new Watermark();
  private rows = 0;
  private window(ts: number): { persons: Map<number, string[]>; sellers: Set<number> } {
    const start = ts - (ts % SIZE);
    let w = this.windows.get(start);
    if (!w) this.windows.set(start, (w = { persons: new Map(), sellers: new Set() }));
    return w;
  }
  override person(p: Person): void {
    const names = this.window(p.dateTime).persons.get(p.id);
    if (!names) {
      this.window(p.dateTime).persons.set(p.id, [p.name]);
      this.rows++;
    } else if (!names.includes(p.name)) {
      names.push(p.name);
      this.rows++;
    }
    this.fire(this.wm.see(p.dateTime));
  }
  override auction(a: Auction): void {
    const w = this.window(a.dateTime);
    if (!w.sellers.has(a.seller)) {
      w.sellers.add(a.seller);
      this.rows++;
    }
    this.fire(this.wm.see(a.dateTime));
  }
  override bid(b: Bid): void {
    this.fire(this.wm.see(b.dateTime));
  }
  private fire(wm: number): void {
    for (const [start, w] of this.windows) {
      if (start + SIZE - 1 > wm) continue;
      for (const [id, names] of w.persons) if (w.sellers.has(id)) for (const name of names) this.out.add([id, name, start]);
      this.rows -= w.sellers.size;
      for (const names of w.persons.values()) this.rows -= names.length;
      this.windows.delete(start);
    }
  }
  override end(): void {
    this.fire(Infinity);
  }
  override liveJoinRows(): number {
    return this.rows;
  }
}

/** q11: per bidder SESSION windows of a 10 s gap (a bid at most 10 s after the session's last extends it), each emitted when it closes. */
export class Q11 extends BaseQuery {
  private readonly sessions = new Map<number, { start: number; last: number; count: number }>();
  override bid(b: Bid): void {
    const s = this.sessions.get(b.bidder);
    if (s && b.dateTime <= s.last + SIZE) {
      s.count++;
      if (b.dateTime > s.last) s.last = b.dateTime;
      return;
    }
    if (s) this.out.add([b.bidder, s.count, s.start, s.last + SIZE]);
    this.sessions.set(b.bidder, { start: b.dateTime, last: b.dateTime, count: 1 });
  }
  override end(): void {
    for (const [bidder, s] of this.sessions) this.out.add([bidder, s.count, s.start, s.last + SIZE]);
    this.sessions.clear();
  }
}

/** q12: bids per bidder in 10 s tumbling windows of processing time (the clock read once per batch, as a source batch shares one). */
export class Q12 extends BaseQuery {
  private counts = new Map<number, number>();
  private start = -1;
  private now = Date.now();
  override bid(b: Bid): void {
    const start = this.now - (this.now % SIZE);
    if (start !== this.start) {
      this.emit();
      this.start = start;
    }
    this.counts.set(b.bidder, (this.counts.get(b.bidder) ?? 0) + 1);
  }
  override flush(): void {
    this.now = Date.now();
  }
  private emit(): void {
    for (const [bidder, n] of this.counts) this.out.add([bidder, n, this.start, this.start + SIZE]);
    this.counts = new Map();
  }
  override end(): void {
    this.emit();
  }
}
