import type { SliceAssigner } from './assigner.js';

/**
 * The windows of rows that already carry one (a GROUP BY window_start, window_end over a windowed
 * result): the row's time is its window_end, its window the one of `windows` ending there. Each
 * window is one slice, identified by that end, even where the windows overlap (HOP): a window
 * reads only its own slice, never its neighbours' (sliceRangeStart).
 */
export class AttachedAssigner implements SliceAssigner {
  readonly every: number;
  readonly foldsPrefix = false;
  readonly sliceWidth = 0;

  constructor(private readonly windows: SliceAssigner) {
    this.every = windows.every;
  }

  sliceEnd(windowEnd: number): number {
    return windowEnd;
  }

  lastWindowEnd(sliceEnd: number): number {
    return sliceEnd;
  }

  nextWindowEnd(t: number): number {
    return this.windows.nextWindowEnd(t);
  }

  windowStart(end: number): number {
    return this.windows.windowStart(end);
  }

  sliceRangeStart(end: number): number {
    return end - 1;
  }
}
