import type { SliceAssigner } from './assigner.js';

/**
 * The windows of rows that already carry a SESSION window (a GROUP BY window_start, window_end over
 * a session aggregate's result; Flink's UnsliceAssigners.windowed): sessions are not on a grid, so
 * a window is [the row's window_start, its window_end) and is never merged again. Every
 * millisecond may end a window (every = 1); the slice of a row is its window_end, shared by every
 * session ending then, whose starts the processor keeps in the state key (see
 * SlicingWindowProcessor's startInKey): the start is not a function of the end here.
 */
export class AttachedSessionAssigner implements SliceAssigner {
  readonly every = 1;
  readonly foldsPrefix = false;
  readonly sliceWidth = 0;

  sliceEnd(windowEnd: number): number {
    return windowEnd;
  }

  lastWindowEnd(sliceEnd: number): number {
    return sliceEnd;
  }

  nextWindowEnd(t: number): number {
    return Number.isFinite(t) ? Math.ceil(t) : t;
  }

  /** Not known from the end: the processor reads each window's start from its state. */
  windowStart(): number {
    return NaN;
  }

  sliceRangeStart(end: number): number {
    return end - 1;
  }
}
