import type { Row, Value } from '../../common/types.js';
import type { GlobalFieldKind } from '../operator.js';
import type { StateKey } from '../key.js';
import type { RowReader } from '../row-reader.js';
import type { WindowEmitOptions } from './emit-options.js';

/**
 * What a window processor sees of the window operator that runs it (Flink's
 * WindowProcessor.Context): the watermark up to which windows are complete, the emit options,
 * the output buffer, and the late-row counter.
 */
export interface WindowContext {
  /** Every window with end - 1 <= firedW is complete. Raised by the operator after advance() returns. */
  readonly firedW: number;
  readonly emit: WindowEmitOptions;
  /** Output rows not yet sent downstream; replaced when flushed, so read it at each use. */
  readonly pending: Row[];
  /** Counts a row dropped as late and hands it to the late-row output (the reader turns it into a row only if there is one). */
  dropLate<R>(row: R, reader: RowReader<R>): void;
}

/**
 * The window-kind-specific half of a window aggregate (Flink's WindowProcessor beside its
 * WindowAggOperator): where a row's accumulators are, what fires when the watermark rises, early
 * firings, and the state behind them. The operator (operators/window-aggregate.ts) owns the input
 * loop, the watermark, NULL times, late-row counting, the output buffer, processing time and the
 * non-keyed checkpoint fields; it calls the processor in this order for each row with a time:
 * advance (if the row's watermark reached `due`), stateFor, the aggregator's update on what
 * stateFor returned, added.
 *
 * Two implementations: slicing (TUMBLE, HOP, CUMULATE and windows attached to the rows:
 * slicing-processor.ts) and merging (SESSION: merging-processor.ts).
 */
export interface WindowProcessor {
  /** The lowest watermark at which advance() has work (a window to fire, state to free); -Infinity forces a check, Infinity when none. */
  readonly due: number;
  /** The end of the next window to close, or null (none, or not known until the next check); must not change state. */
  readonly nextWindowEnd: number | null;
  /** Non-keyed fields the processor adds to the operator's checkpoint (read by snapshot, given back to restore). */
  readonly globals: Readonly<Record<string, GlobalFieldKind>>;
  /** Called before each batch, watermark and end: rebuilds what a restore left stale, forgets per-batch caches. */
  prepare(): void;
  /**
   * The accumulators the row at `ts` with GROUP BY key `key` goes into (touched for a pending
   * checkpoint), for the operator to update; null when the row goes nowhere: in no window, or late
   * (then the processor has called ctx.dropLate).
   */
  stateFor<R>(ts: number, key: StateKey, row: R, reader: RowReader<R>): Value[] | null;
  /** After the update of what stateFor returned: stores it back if it was a copy, arms timers, emits at once what a row within the allowance changed. */
  added(): void;
  /** The watermark rises to w (> ctx.firedW, >= due): fires every window with firedW < end - 1 <= w, frees what allowed lateness no longer keeps. */
  advance(w: number): void;
  /** Early fire: appends the changed partial results of every open window. */
  fireEarly(): void;
  /** Called after each batch (housekeeping that need not run per row). */
  endBatch(): void;
  /** The processor's declared global fields, for the operator's snapshot. */
  snapshotGlobals(): Record<string, number>;
  /** After a restore (keyed tables restored): takes back the global fields (`field` reads one, checked) and marks derived indexes for rebuilding. */
  restore(field: (name: string) => number): void;
}
