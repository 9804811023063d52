/** Hand-written q0, q1, q2, q13, q21, q22: one row out per bid (or none), no state but q13's side input. */
import { BaseQuery, type Out } from './baseline-api.js';
import type { Bid } from './events.js';

export class Q0 extends BaseQuery {
  override bid(b: Bid): void {
    this.out.add([b.auction, b.bidder, b.price, b.dateTime, b.extra]);
  }
}

export class Q1 extends BaseQuery {
  override bid(b: Bid): void {
    this.out.add([b.auction, b.bidder, 0.908 * b.price, b.dateTime, b.extra]);
  }
}

export class Q2 extends BaseQuery {
  override bid(b: Bid): void {
    if (b.auction % 123 === 0) this.out.add([b.auction, b.price]);
  }
}

/** A lookup join with the side input: its `key,value` lines read once into a map. */
export class Q13 extends BaseQuery {
  private readonly side = new Map<number, string>();
  constructor(out: Out, sideInput: string) {
    super(out);
    for (const line of sideInput.split('\n')) {
      if (!line) continue;
      const comma = line.indexOf(',');
      this.side.set(Number(line.slice(0, comma)), line.slice(comma + 1));
    }
  }
  override bid(b: Bid): void {
    const v = this.side.get(b.auction % 10000);
    // An inner lookup join: a bid without a side-input row is dropped.
    if (v !== undefined) this.out.add([b.auction, b.bidder, b.price, b.dateTime, v]);
  }
}

const CHANNEL_IDS: Record<string, string> = { apple: '0', google: '1', facebook: '2', baidu: '3' };
const CHANNEL_ID = /(&|^)channel_id=([^&]*)/;

export class Q21 extends BaseQuery {
  override bid(b: Bid): void {
    const known = CHANNEL_IDS[b.channel.toLowerCase()];
    const m = CHANNEL_ID.exec(b.url);
    if (m === null && known === undefined) return;
    this.out.add([b.auction, b.bidder, b.price, b.channel, known ?? m![2]!]);
  }
}

export class Q22 extends BaseQuery {
  override bid(b: Bid): void {
    const parts = b.url.split('/');
    this.out.add([b.auction, b.bidder, b.price, b.channel, parts[3] ?? null, parts[4] ?? null, parts[5] ?? null]);
  }
}
