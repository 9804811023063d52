/**
 * The practical ceiling: each Nexmark query written by hand for exactly this data, with the
 * engine's time semantics (DESIGN.md §3): after each row W = max(W, dateTime - 4 s); a window is
 * complete, emitted and freed when W >= window_end - 1; a row is late for a window already
 * complete when it arrives (for SESSION: when its own [ts, ts + gap) is complete). Output rows are
 * value arrays in the query's column order, timestamps as epoch ms.
 */
import type { Bid } from './generator.js';
import { WATERMARK_DELAY_MS } from './generator.js';
import type { QueryId } from './queries.js';

export type OutRow = unknown[];

/** A hand-written query: push batches, end the input, take `out` (fired rows so far). */
export interface HandwrittenQuery {
  push(rows: readonly Bid[]): void;
  end(): void;
  out: OutRow[];
  lateRows: number;
}

const SIZE = 10_000;
const SLIDE = 2_000;
const GAP = 10_000;

class Q0 implements HandwrittenQuery {
  out: OutRow[] = [];
  lateRows = 0;
  push(rows: readonly Bid[]): void {
    const out = this.out;
    for (let i = 0; i < rows.length; i++) {
      const b = rows[i]!;
      out.push([b.auction, b.bidder, b.price, b.channel, b.url, b.dateTime, b.extra]);
    }
  }
  end(): void {}
}

class Q1 implements HandwrittenQuery {
  out: OutRow[] = [];
  lateRows = 0;
  push(rows: readonly Bid[]): void {
    const out = this.out;
    for (let i = 0; i < rows.length; i++) {
      const b = rows[i]!;
      out.push([b.auction, b.bidder, 0.908 * b.price, b.dateTime, b.extra]);
    }
  }
  end(): void {}
}

class Q2 implements HandwrittenQuery {
  out: OutRow[] = [];
  lateRows = 0;
  push(rows: readonly Bid[]): void {
    const out = this.out;
    for (let i = 0; i < rows.length; i++) {
      const b = rows[i]!;
      if (b.auction % 123 === 0) out.push([b.auction, b.price]);
    }
  }
  end(): void {}
}

/** TUMBLE 10 s, MAX(price), no key: one accumulator per open window. */
class Q7 implements HandwrittenQuery {
  out: OutRow[] = [];
  lateRows = 0;
  private watermark = -Infinity;
  private nextFire = Infinity;
  private readonly windows = new Map<number, { max: number }>();

  push(rows: readonly Bid[]): void {
    let watermark = this.watermark;
    for (let i = 0; i < rows.length; i++) {
      const b = rows[i]!;
      const ts = b.dateTime;
      const ws = ts - (ts % SIZE);
      if (watermark >= ws + SIZE - 1) this.lateRows++;
      else {
        const w = this.windows.get(ws);
        if (w === undefined) {
          this.windows.set(ws, { max: b.price });
          if (ws + SIZE - 1 < this.nextFire) this.nextFire = ws + SIZE - 1;
        } else if (b.price > w.max) w.max = b.price;
      }
      const wm = ts - WATERMARK_DELAY_MS;
      if (wm > watermark) {
        watermark = wm;
        if (wm >= this.nextFire) this.fire(wm);
      }
    }
    this.watermark = watermark;
  }

  end(): void {
    this.watermark = Infinity;
    this.fire(Infinity);
  }

  private fire(wm: number): void {
    let next = Infinity;
    for (const [ws, w] of this.windows) {
      const last = ws + SIZE - 1;
      if (wm >= last) {
        this.out.push([ws, ws + SIZE, w.max]);
        this.windows.delete(ws);
      } else if (last < next) next = last;
    }
    this.nextFire = next;
  }
}

/**
 * Keyed windows of one size: TUMBLE (slide = size) or HOP, a count per key per window. A HOP row
 * updates each of its size/slide windows (no slicing: what one would write first).
 */
class KeyedCount implements HandwrittenQuery {
  out: OutRow[] = [];
  lateRows = 0;
  private watermark = -Infinity;
  private nextFire = Infinity;
  private readonly windows = new Map<number, Map<number, number>>();

  constructor(
    private readonly key: 'auction' | 'bidder',
    private readonly size: number,
    private readonly slide: number,
  ) {}

  push(rows: readonly Bid[]): void {
    const { size, slide, windows } = this;
    const byAuction = this.key === 'auction';
    let watermark = this.watermark;
    for (let i = 0; i < rows.length; i++) {
      const b = rows[i]!;
      const ts = b.dateTime;
      const k = byAuction ? b.auction : b.bidder;
      let reached = false;
      for (let ws = ts - (ts % slide); ws > ts - size; ws -= slide) {
        const last = ws + size - 1;
        if (watermark >= last) continue;
        reached = true;
        let w = windows.get(ws);
        if (w === undefined) {
          w = new Map();
          windows.set(ws, w);
          if (last < this.nextFire) this.nextFire = last;
        }
        w.set(k, (w.get(k) ?? 0) + 1);
      }
      if (!reached) this.lateRows++;
      const wm = ts - WATERMARK_DELAY_MS;
      if (wm > watermark) {
        watermark = wm;
        if (wm >= this.nextFire) this.fire(wm);
      }
    }
    this.watermark = watermark;
  }

  end(): void {
    this.watermark = Infinity;
    this.fire(Infinity);
  }

  private fire(wm: number): void {
    let next = Infinity;
    const size = this.size;
    for (const [ws, groups] of this.windows) {
      const last = ws + size - 1;
      if (wm >= last) {
        for (const [k, n] of groups) this.out.push([k, ws, ws + size, n]);
        this.windows.delete(ws);
      } else if (last < next) next = last;
    }
    this.nextFire = next;
  }
}

interface Session {
  start: number;
  end: number;
  count: number;
  live: boolean;
}

/** SESSION 10 s per bidder: open sessions per key, a min-heap of session ends (lazy deletion). */
class Q11 implements HandwrittenQuery {
  out: OutRow[] = [];
  lateRows = 0;
  private watermark = -Infinity;
  private readonly open = new Map<number, Session[]>();
  private readonly heapEnd: number[] = [];
  private readonly heapSession: Session[] = [];
  private readonly heapKey: number[] = [];

  push(rows: readonly Bid[]): void {
    for (let i = 0; i < rows.length; i++) {
      const b = rows[i]!;
      const ts = b.dateTime;
      if (ts + GAP - 1 <= this.watermark) this.lateRows++;
      else this.add(b.bidder, ts);
      const wm = ts - WATERMARK_DELAY_MS;
      if (wm > this.watermark) {
        this.watermark = wm;
        if (this.heapEnd.length > 0 && this.heapEnd[0]! - 1 <= wm) this.fire(wm);
      }
    }
  }

  private add(key: number, ts: number): void {
    let list = this.open.get(key);
    if (list === undefined) {
      list = [];
      this.open.set(key, list);
    }
    let into: Session | null = null;
    let endBefore = 0;
    for (let j = 0; j < list.length; j++) {
      const s = list[j]!;
      if (!(ts < s.end && s.start < ts + GAP)) continue;
      if (into === null) {
        into = s;
        endBefore = s.end;
        if (ts < s.start) s.start = ts;
        if (ts + GAP > s.end) s.end = ts + GAP;
        s.count++;
      } else {
        // The row bridges `into` and `s`: one session.
        into.start = Math.min(into.start, s.start);
        into.end = Math.max(into.end, s.end);
        into.count += s.count;
        s.live = false;
        list.splice(j--, 1);
      }
    }
    if (into === null) {
      into = { start: ts, end: ts + GAP, count: 1, live: true };
      list.push(into);
      this.heapPush(into.end, into, key);
    } else if (into.end !== endBefore) this.heapPush(into.end, into, key);
  }

  end(): void {
    this.watermark = Infinity;
    this.fire(Infinity);
  }

  private fire(wm: number): void {
    while (this.heapEnd.length > 0 && this.heapEnd[0]! - 1 <= wm) {
      const end = this.heapEnd[0]!;
      const s = this.heapSession[0]!;
      const key = this.heapKey[0]!;
      this.heapPop();
      if (!s.live || s.end !== end) continue; // merged away, or extended (a newer entry exists)
      s.live = false;
      this.out.push([key, s.start, s.end, s.count]);
      const list = this.open.get(key)!;
      if (list.length === 1) this.open.delete(key);
      else list.splice(list.indexOf(s), 1);
    }
  }

  private heapPush(end: number, s: Session, key: number): void {
    const e = this.heapEnd;
    const ss = this.heapSession;
    const ks = this.heapKey;
    let i = e.length;
    e.push(end);
    ss.push(s);
    ks.push(key);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (e[p]! <= end) break;
      e[i] = e[p]!;
      ss[i] = ss[p]!;
      ks[i] = ks[p]!;
      i = p;
    }
    e[i] = end;
    ss[i] = s;
    ks[i] = key;
  }

  private heapPop(): void {
    const e = this.heapEnd;
    const ss = this.heapSession;
    const ks = this.heapKey;
    const end = e.pop()!;
    const s = ss.pop()!;
    const key = ks.pop()!;
    const n = e.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && e[c + 1]! < e[c]!) c++;
      if (e[c]! >= end) break;
      e[i] = e[c]!;
      ss[i] = ss[c]!;
      ks[i] = ks[c]!;
      i = c;
    }
    e[i] = end;
    ss[i] = s;
    ks[i] = key;
  }
}

/** A fresh hand-written implementation of query `id`. */
export function handwritten(id: QueryId): HandwrittenQuery {
  switch (id) {
    case 'q0':
      return new Q0();
    case 'q1':
      return new Q1();
    case 'q2':
      return new Q2();
    case 'q5':
      return new KeyedCount('auction', SIZE, SLIDE);
    case 'q7':
      return new Q7();
    case 'q11':
      return new Q11();
    case 'q12':
      return new KeyedCount('bidder', SIZE, SIZE);
  }
}
