/**
 * A window assigner maps an event time to the windows containing it. Windows are identified in
 * keyed state by their end (the namespace), so an assigner must be able to recover a window's
 * start from its end: true of TUMBLE, HOP and CUMULATE (sessions merge, and need their own path).
 */
export interface WindowAssigner {
  /** Upper bound on the windows one row can fall into (sizes the reusable output buffer). */
  readonly maxWindowsPerRow: number;
  /** Writes the ends of the windows containing `ts` into `out`, ascending; returns how many. */
  assign(ts: number, out: Float64Array): number;
  /** The start of the window ending at `end`. */
  startOf(end: number): number;
}

/** `x mod m` in [0, m), exact for integers (floor division via floats can be off for large ts). */
export function floorMod(x: number, m: number): number {
  const r = x % m;
  return r < 0 ? r + m : r;
}
