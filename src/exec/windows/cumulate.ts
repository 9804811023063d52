import { EddyError } from '../../common/errors.js';
import { gridCeil, gridFloor, type SliceAssigner } from './assigner.js';

/**
 * CUMULATE(step, size[, offset]): for each period [b, b + size), b ≡ offset (mod size), the windows
 * [b, b + step), [b, b + 2*step) ... [b, b + size). Slices are the steps; a window merges the
 * slices of its period up to its end.
 */
export class CumulateAssigner implements SliceAssigner {
  readonly every: number;
  readonly sliceWidth: number;
  readonly foldsPrefix = true;

  constructor(
    readonly step: number,
    readonly size: number,
    readonly offset = 0,
  ) {
    if (!(step > 0) || !Number.isInteger(step) || !(size > 0) || size % step !== 0) {
      throw new EddyError('UNSUPPORTED', `CUMULATE needs a positive step and a size that is a multiple of it, got step ${step} ms, size ${size} ms`);
    }
    this.every = step;
    this.sliceWidth = step;
  }

  sliceEnd(ts: number): number {
    return gridFloor(ts, this.offset, this.step) + this.step;
  }

  lastWindowEnd(sliceEnd: number): number {
    return this.windowStart(sliceEnd) + this.size;
  }

  nextWindowEnd(t: number): number {
    return gridCeil(t, this.offset, this.step);
  }

  windowStart(end: number): number {
    return gridFloor(end - this.step, this.offset, this.size);
  }
}
