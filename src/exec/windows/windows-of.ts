import { assertNever, internalError } from '../../common/errors.js';
import type { WindowSpec } from '../../planner/bound.js';
import { gridFloor } from './assigner.js';

/**
 * The windows containing event time `ts`, as Flink's window table functions list them: appends
 * [start, end) pairs to `out` (flat: start0, end0, start1, end1 ...). TUMBLE: the one window; HOP:
 * every [s, s + size) with s ≡ offset (mod slide), latest start first; CUMULATE: the windows of
 * ts's period [p, p + size) that end after ts, shortest first.
 */
export function windowsOf(spec: WindowSpec, ts: number, out: number[]): void {
  switch (spec.kind) {
    case 'tumble': {
      const start = gridFloor(ts, spec.offset, spec.size);
      out.push(start, start + spec.size);
      return;
    }
    case 'hop':
      for (let s = gridFloor(ts, spec.offset, spec.slide); s > ts - spec.size; s -= spec.slide) out.push(s, s + spec.size);
      return;
    case 'cumulate': {
      const p = gridFloor(ts, spec.offset, spec.size);
      for (let end = p + (Math.floor((ts - p) / spec.step) + 1) * spec.step; end <= p + spec.size; end += spec.step) out.push(p, end);
      return;
    }
    case 'session':
      throw internalError('session windows are not assigned per row');
    default:
      return assertNever(spec, 'window');
  }
}
