/**
 * The hand-written baselines' shape: an object fed the events one by one (persons, auctions and
 * bids as the generator makes them, or as parsed from the JSON file), writing its result rows as
 * changes to an Out: add = +I / +U, del = -U / -D. flush() is called every FLUSH_EVERY events, where
 * Eddy's updating aggregates emit the groups a batch changed; end() is the end of input (fire
 * every window, emit what is pending). Timestamps in rows are epoch ms.
 */
import { WATERMARK_DELAY_MS, type Auction, type Bid, type NexmarkEvent, type Person } from './events.js';

export type OutRow = readonly unknown[];

export interface Out {
  add(row: OutRow): void;
  del(row: OutRow): void;
}

/** The blackhole: counts what it is given. */
export class CountingOut implements Out {
  changes = 0;
  add(): void {
    this.changes++;
  }
  del(): void {
    this.changes++;
  }
}

/** Folds the changes into the multiset of rows they leave (for the verification). */
export class FoldingOut implements Out {
  readonly live = new Map<string, number>();
  add(row: OutRow): void {
    const k = JSON.stringify(row);
    this.live.set(k, (this.live.get(k) ?? 0) + 1);
  }
  del(row: OutRow): void {
    const k = JSON.stringify(row);
    const n = this.live.get(k) ?? 0;
    if (n === 0) throw new Error(`baseline retracted a row it never added: ${k}`);
    if (n === 1) this.live.delete(k);
    else this.live.set(k, n - 1);
  }
  rows(): string[] {
    return [...this.live.entries()].flatMap(([k, n]) => Array.from({ length: n }, () => k)).sort();
  }
}

export interface Baseline {
  person(p: Person): void;
  auction(a: Auction): void;
  bid(b: Bid): void;
  flush(): void;
  end(): void;
  /** Rows held in join state (both inputs; for window joins, the rows of windows not yet fired). */
  liveJoinRows(): number;
}

/** A baseline with no-op defaults: a query overrides what it reads. */
export abstract class BaseQuery implements Baseline {
  constructor(protected readonly out: Out) {}
  person(_p: Person): void {}
  auction(_a: Auction): void {}
  bid(_b: Bid): void {}
  flush(): void {}
  end(): void {}
  liveJoinRows(): number {
    return 0;
  }
}

/** Eddy's watermark: the largest dateTime seen minus ddl_gen.sql's 4 s; a window [s, e) fires once it reaches e - 1. */
export class Watermark {
  private max = -Infinity;
  see(ts: number): number {
    if (ts > this.max) this.max = ts;
    return this.max - WATERMARK_DELAY_MS;
  }
}

export const FLUSH_EVERY = 1000;

/** Feeds one event to a baseline. */
export function feed(b: Baseline, e: NexmarkEvent): void {
  if (e.type === 2) b.bid(e.bid);
  else if (e.type === 1) b.auction(e.auction);
  else b.person(e.person);
}

/** Multimap append. */
export function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

export const DAY_MS = 86_400_000;
const p2 = (n: number) => (n < 10 ? '0' + n : String(n));

/** DATE_FORMAT(ts, 'yyyy-MM-dd') of day number floor(ts / DAY_MS), UTC. */
export function dayText(day: number): string {
  const d = new Date(day * DAY_MS);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;
}
