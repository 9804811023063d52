/**
 * The practical ceiling: the tumbling query written by hand for exactly this shape of data. One
 * loop, a Map per open window keyed by auction, a watermark that fires windows as it passes them,
 * with the engine's semantics (DESIGN.md §3): W = max(ts - 5 s), a window [s, s+10 s) is complete
 * when W >= s + 10 s - 1, rows for complete windows are late and dropped.
 */
import { DELAY_MS, WINDOW_MS } from './data.js';

interface Acc {
  n: number;
  top: number;
  total: number;
}

/** A result row as the embedding API gives it: window_start is a Date. */
export interface OutRow {
  auction: number;
  window_start: Date;
  n: number;
  top: number;
  total: number;
}

/** Streaming tumbling aggregation over rows with numeric `ts`; fired window rows collect in `out`. */
export class HandwrittenTumble {
  private watermark = -Infinity;
  /** Open windows by start; with bounded disorder there are only ever a few. */
  private readonly windows = new Map<number, Map<number, Acc>>();
  /** The smallest watermark that completes some open window. */
  private nextFire = Infinity;
  lateRows = 0;
  /** Rows of fired windows, in firing order; the caller takes them (an array, not a callback, so
   * the optimized loop never embeds a per-run closure that V8 would later throw the code away for). */
  out: OutRow[] = [];

  push(rows: readonly { auction: number; price: number; ts: number }[]): void {
    const windows = this.windows;
    let watermark = this.watermark;
    let nextFire = this.nextFire;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const ts = r.ts;
      const price = r.price;
      if (price > 1) {
        const ws = ts - (((ts % WINDOW_MS) + WINDOW_MS) % WINDOW_MS);
        const end = ws + WINDOW_MS - 1;
        if (watermark >= end) this.lateRows++;
        else {
          let w = windows.get(ws);
          if (w === undefined) {
            w = new Map();
            windows.set(ws, w);
            if (end < nextFire) nextFire = end;
          }
          const acc = w.get(r.auction);
          if (acc === undefined) w.set(r.auction, { n: 1, top: price, total: price });
          else {
            acc.n++;
            if (price > acc.top) acc.top = price;
            acc.total += price;
          }
        }
      }
      const wm = ts - DELAY_MS;
      if (wm > watermark) {
        watermark = wm;
        if (wm >= nextFire) nextFire = this.fire(wm);
      }
    }
    this.watermark = watermark;
    this.nextFire = nextFire;
  }

  /** Input ended: the watermark goes to +infinity and every open window fires. */
  end(): void {
    this.watermark = Infinity;
    this.nextFire = this.fire(Infinity);
  }

  /** Emits and frees every window the watermark `wm` completes; returns the next firing watermark. */
  private fire(wm: number): number {
    let next = Infinity;
    for (const [ws, groups] of this.windows) {
      const end = ws + WINDOW_MS - 1;
      if (wm >= end) {
        const out = this.out;
        for (const [auction, a] of groups) out.push({ auction, window_start: new Date(ws), n: a.n, top: a.top, total: a.total });
        this.windows.delete(ws);
      } else if (end < next) next = end;
    }
    return next;
  }
}
