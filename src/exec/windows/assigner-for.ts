import { EddyError, assertNever } from '../../common/errors.js';
import type { WindowSpec } from '../../planner/bound.js';
import type { WindowAssigner } from './assigner.js';
import { TumbleAssigner } from './tumble.js';

/** The assigner of a window spec; window kinds not yet implemented are refused with UNSUPPORTED. */
export function assignerFor(spec: WindowSpec): WindowAssigner {
  switch (spec.kind) {
    case 'tumble':
      return new TumbleAssigner(spec.size, spec.offset);
    case 'hop':
    case 'cumulate':
    case 'session':
      throw new EddyError('UNSUPPORTED', `${spec.kind.toUpperCase()} windows are not supported yet`, undefined, 'use TUMBLE for now');
    default:
      return assertNever(spec, 'window spec');
  }
}
