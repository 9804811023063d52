import { EddyError } from '../../common/errors.js';
import { gridCeil, gridFloor, type SliceAssigner } from './assigner.js';

/** TUMBLE(size[, offset]): windows [start, start + size), start ≡ offset (mod size); one slice per window. */
export class TumbleAssigner implements SliceAssigner {
  readonly every: number;
  readonly sliceWidth: number;
  readonly foldsPrefix = false;

  constructor(
    readonly size: number,
    readonly offset = 0,
  ) {
    if (!(size > 0) || !Number.isFinite(size)) {
      throw new EddyError('UNSUPPORTED', `TUMBLE window size must be a positive interval, got ${size} ms`);
    }
    this.every = size;
    this.sliceWidth = size;
  }

  sliceEnd(ts: number): number {
    return gridFloor(ts, this.offset, this.size) + this.size;
  }

  lastWindowEnd(sliceEnd: number): number {
    return sliceEnd;
  }

  nextWindowEnd(t: number): number {
    return gridCeil(t, this.offset, this.size);
  }

  windowStart(end: number): number {
    return end - this.size;
  }
}
