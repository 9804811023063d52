import type { Accumulator } from './accumulator.js';
import { countStar } from './count-star.js';

/** COUNT(x): counts non-NULL values (the compiled loop skips NULLs before `add`); 0 for none. */
export function count(): Accumulator {
  return countStar();
}
