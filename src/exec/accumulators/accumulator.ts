import type { Value } from '../../common/types.js';

/**
 * An aggregate's accumulator (arquero's op objects: init/add/retract/merge/result). Its state is
 * `width` slots of a flat array shared by all aggregates of one group (and window), so a group's
 * whole aggregation state is one plain JSON-able array: one allocation per group, trivially
 * checkpointed. `at` is the first slot of this aggregate.
 */
export interface Accumulator {
  readonly width: number;
  init(s: Value[], at: number): void;
  /** Adds one non-NULL input value (COUNT(*) ignores it). */
  add(s: Value[], at: number, v: Value): void;
  /** Removes a previously added value, for aggregates that can (used by future retracting windows). */
  retract?(s: Value[], at: number, v: Value): void;
  /** Folds the state at `from` into `into` (same layout), e.g. for session window merges. */
  merge(into: Value[], from: readonly Value[], at: number): void;
  result(s: readonly Value[], at: number): Value;
  /**
   * JS source equivalent to `add` for the compiled update loop: `s` names the state array, `v` a
   * local holding a non-NULL value; `bind` binds a helper as a constant and returns its name.
   */
  addSource(s: string, at: number, v: string, bind: (x: unknown) => string): string;
}
