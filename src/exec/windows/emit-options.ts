import type { Row } from '../../common/types.js';
import { APPEND_ONLY_EMIT, type WindowEmit } from '../../planner/plan.js';
import type { OperatorContext } from '../operator.js';

/**
 * How a window operator emits beyond DESIGN.md §3's one final result per window: allowed
 * lateness (keep fired windows and re-emit corrections), early fire (partial results of open
 * windows every delay of processing time), both from the plan, and from the run the clock and
 * the late-row side output. Either of the first two makes the result an updating changelog.
 */
export interface WindowEmitOptions extends WindowEmit {
  /** The processing-time clock early fire reads (tests inject a fake one). */
  readonly now: () => number;
  /** Receives each row dropped as late, with the operator's late count after it (1-based). */
  readonly onLateRow: ((row: Row, lateNumber: number) => void) | null;
}

/** The emit options of a window operator: the plan's settings with the context's clock and late-row output; and the processing time of the first early firing. */
export function resolveEmit(emit: WindowEmit | undefined, ctx: OperatorContext): { emit: WindowEmitOptions; nextEarly: number } {
  const e: WindowEmitOptions = { ...(emit ?? APPEND_ONLY_EMIT), now: ctx.now, onLateRow: ctx.lateRows };
  return { emit: e, nextEarly: e.earlyFireDelayMs > 0 ? e.now() + e.earlyFireDelayMs : Infinity };
}
