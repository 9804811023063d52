import { EddyError } from '../../common/errors.js';
import { floorMod, type WindowAssigner } from './assigner.js';

/** TUMBLE(size[, offset]): each row is in exactly one window [start, start + size), start = floor((ts - offset)/size)*size + offset. */
export class TumbleAssigner implements WindowAssigner {
  readonly maxWindowsPerRow = 1;

  constructor(
    readonly size: number,
    readonly offset = 0,
  ) {
    if (!(size > 0) || !Number.isFinite(size)) {
      throw new EddyError('UNSUPPORTED', `TUMBLE window size must be a positive interval, got ${size} ms`);
    }
  }

  /** The start of the window containing `ts`. */
  startFor(ts: number): number {
    return ts - floorMod(ts - this.offset, this.size);
  }

  assign(ts: number, out: Float64Array): number {
    out[0] = ts - floorMod(ts - this.offset, this.size) + this.size;
    return 1;
  }

  startOf(end: number): number {
    return end - this.size;
  }
}
