/**
 * A slice assigner cuts event time into aligned, disjoint slices such that every window is a run
 * of consecutive slices (Flink's slicing windows): TUMBLE's slice is its window, HOP's is
 * gcd(slide, size), CUMULATE's is its step. A row is added to exactly one slice; a window's result
 * merges its slices when it fires. Slices and windows are identified by their (exclusive) end.
 * Window ends lie on a grid of spacing `every` (every grid point is the end of a window).
 */
export interface SliceAssigner {
  /** Distance between consecutive window ends. */
  readonly every: number;
  /**
   * Whether every later window containing a fired window's slices contains all of them (CUMULATE):
   * then the merged state of a fired window replaces its slices, as one slice ending at the
   * window's end, so each window merges only that prefix and its own new slices.
   */
  readonly foldsPrefix: boolean;
  /** Every slice is [end - sliceWidth, end) (so sliceEnd is constant there); 0 where it is not a range (attached windows: a row's time is its window's end). */
  readonly sliceWidth: number;
  /** The end of the slice containing `ts`. */
  sliceEnd(ts: number): number;
  /** The end of the last window containing the slice ending at `sliceEnd`; below `sliceEnd` when no window contains it (HOP with slide > size). */
  lastWindowEnd(sliceEnd: number): number;
  /** The smallest window end >= t (t an integer or ±Infinity). The windows of a slice are the ends from nextWindowEnd(sliceEnd) to lastWindowEnd(sliceEnd). */
  nextWindowEnd(t: number): number;
  /** The start of the window ending at `end`; its slices are those ending in (start, end] (unless sliceRangeStart says otherwise). */
  windowStart(end: number): number;
  /** Where the slices of the window ending at `end` begin, when not at its start (attached windows: only its own). */
  sliceRangeStart?(end: number): number;
}

/** `x mod m` in [0, m), exact for integers (floor division via floats can be off for large ts). */
export function floorMod(x: number, m: number): number {
  const r = x % m;
  return r < 0 ? r + m : r;
}

/** The smallest point >= t of the grid {phase + k * every}; ±Infinity stays as is. */
export function gridCeil(t: number, phase: number, every: number): number {
  if (!Number.isFinite(t)) return t;
  return t + floorMod(phase - t, every);
}

/** The largest point <= t of the grid {phase + k * every}. */
export function gridFloor(t: number, phase: number, every: number): number {
  return t - floorMod(t - phase, every);
}

/** Greatest common divisor of two positive integers. */
export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
