import { assertNever, internalError } from '../../common/errors.js';
import type { WindowSpec } from '../../planner/bound.js';
import type { SliceAssigner } from './assigner.js';
import { CumulateAssigner } from './cumulate.js';
import { HopAssigner } from './hop.js';
import { TumbleAssigner } from './tumble.js';

/** The slice assigner of an aligned window spec (TUMBLE, HOP, CUMULATE); SESSION windows merge and have their own operator. */
export function assignerFor(spec: WindowSpec): SliceAssigner {
  switch (spec.kind) {
    case 'tumble':
      return new TumbleAssigner(spec.size, spec.offset);
    case 'hop':
      return new HopAssigner(spec.slide, spec.size, spec.offset);
    case 'cumulate':
      return new CumulateAssigner(spec.step, spec.size, spec.offset);
    case 'session':
      throw internalError('SESSION windows have no slice assigner; they run on the merging window processor');
    default:
      return assertNever(spec, 'window spec');
  }
}
