/** Timing figures shared by the Nexmark bench sections: median wall time over repeats, and events/s at it. */

export interface Figure {
  /** Median wall time over the repeats. */
  readonly ms: number;
  readonly samplesMs: readonly number[];
  /** Events counted by the section / median seconds. */
  readonly eventsPerSec: number;
}

export const r1 = (x: number): number => Math.round(x * 10) / 10;
export const r3 = (x: number): number => Math.round(x * 1000) / 1000;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The figure of `samples` (ms) for `n` events. */
export function figure(samples: readonly number[], n: number): Figure {
  const ms = median(samples);
  return { ms: r1(ms), samplesMs: samples.map(r1), eventsPerSec: Math.round(n / (ms / 1000)) };
}
