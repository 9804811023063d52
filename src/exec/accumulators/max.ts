import type { Accumulator } from './accumulator.js';
import { extremum } from './min-max.js';

/** MAX(x): largest non-NULL value (strings by code point, FALSE < TRUE); NULL for none. */
export function max(strings: boolean): Accumulator {
  return extremum(false, strings);
}
