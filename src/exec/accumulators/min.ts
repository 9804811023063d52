import type { Accumulator } from './accumulator.js';
import { extremum } from './min-max.js';

/** MIN(x): smallest non-NULL value (strings by code point, FALSE < TRUE); NULL for none. */
export function min(strings: boolean): Accumulator {
  return extremum(true, strings);
}
