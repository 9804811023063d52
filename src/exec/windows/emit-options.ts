import { internalError } from '../../common/errors.js';
import type { Row } from '../../common/types.js';

/**
 * How a window operator emits beyond DESIGN.md §3's one final result per window: allowed
 * lateness (keep fired windows and re-emit corrections), early fire (partial results of open
 * windows every delay of processing time) and the late-row side output. Either of the first two
 * makes the result an updating changelog.
 */
export interface WindowEmitOptions {
  /** Event-time ms a fired window is kept: a row with W < end - 1 + allowed still updates it. */
  readonly allowedLatenessMs: number;
  /** Processing-time ms between early firings of open windows; 0 turns early fire off. */
  readonly earlyFireDelayMs: number;
  /** The processing-time clock early fire reads (tests inject a fake one). */
  readonly now: () => number;
  /** Receives each row dropped as late, with the operator's late count after it (1-based). */
  readonly onLateRow: ((row: Row, lateNumber: number) => void) | null;
}

export const DEFAULT_EMIT_OPTIONS: WindowEmitOptions = {
  allowedLatenessMs: 0,
  earlyFireDelayMs: 0,
  now: () => Date.now(),
  onLateRow: null,
};

/** Whether options make a window query's result an updating changelog (the planner adds the `op` column then). */
export function isUpdatingEmit(o: Pick<WindowEmitOptions, 'allowedLatenessMs' | 'earlyFireDelayMs'>): boolean {
  return o.allowedLatenessMs > 0 || o.earlyFireDelayMs > 0;
}

/**
 * The options a window operator's configure() takes on: `emit` over the defaults, refused when they
 * need a changelog the plan does not have; and the processing time of the first early firing.
 */
export function resolveEmit(operator: string, changelog: boolean, emit: Partial<WindowEmitOptions>): { emit: WindowEmitOptions; nextEarly: number } {
  const e: WindowEmitOptions = { ...DEFAULT_EMIT_OPTIONS, ...emit };
  if (!changelog && isUpdatingEmit(e)) throw internalError(`${operator}: allowed lateness or early fire without an op column in the plan`);
  return { emit: e, nextEarly: e.earlyFireDelayMs > 0 ? e.now() + e.earlyFireDelayMs : Infinity };
}
