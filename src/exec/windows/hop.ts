import { EddyError } from '../../common/errors.js';
import { gcd, gridCeil, gridFloor, type SliceAssigner } from './assigner.js';

/**
 * HOP(slide, size[, offset]): windows [s, s + size) for every s ≡ offset (mod slide). Slices of
 * gcd(slide, size) ms (usually the slide): each row updates one slice and a fired window merges
 * size/slice slices, so the per-row cost does not grow with size/slide.
 */
export class HopAssigner implements SliceAssigner {
  readonly every: number;
  readonly sliceWidth: number;
  readonly foldsPrefix = false;
  readonly slice: number;
  /** Window ends are ≡ offset + size (mod slide). */
  private readonly endPhase: number;

  constructor(
    readonly slide: number,
    readonly size: number,
    readonly offset = 0,
  ) {
    for (const [what, v] of [['slide', slide], ['size', size]] as const) {
      if (!(v > 0) || !Number.isInteger(v)) {
        throw new EddyError('UNSUPPORTED', `HOP window ${what} must be a positive whole number of milliseconds, got ${v} ms`);
      }
    }
    this.every = slide;
    this.slice = gcd(slide, size);
    this.sliceWidth = this.slice;
    this.endPhase = offset + size;
  }

  sliceEnd(ts: number): number {
    return gridFloor(ts, this.offset, this.slice) + this.slice;
  }

  lastWindowEnd(sliceEnd: number): number {
    return gridFloor(sliceEnd - this.slice + this.size, this.endPhase, this.slide);
  }

  nextWindowEnd(t: number): number {
    return gridCeil(t, this.endPhase, this.slide);
  }

  windowStart(end: number): number {
    return end - this.size;
  }
}
