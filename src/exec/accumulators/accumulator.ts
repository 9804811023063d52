import type { Value } from '../../common/types.js';

/**
 * An aggregate's accumulator (arquero's op objects: init/add/retract/merge/result). Its state is
 * `width` slots of a flat array shared by all aggregates of one group (and window), so a group's
 * whole aggregation state is one plain array: one allocation per group, checkpointed by the tagged
 * codec (src/exec/state/tagged-value.ts). `at` is the first slot of this aggregate. A slot holds a
 * Value or, for variable-size state (DISTINCT sets, sketches), a plain array of numbers, strings
 * and nulls, owned by this slot: `merge` copies what it takes from `from`, never aliases it, so
 * `init` + `merge` is a deep copy.
 */
export interface Accumulator {
  readonly width: number;
  /**
   * When true, the call's `args[0]` is evaluated per row and passed as `t` to `add` (FIRST_VALUE /
   * LAST_VALUE: the row's event time); rows where it is NULL are skipped like NULL inputs.
   */
  readonly rowArg?: boolean;
  init(s: Value[], at: number): void;
  /** Adds one non-NULL input value (COUNT(*) ignores it). */
  add(s: Value[], at: number, v: Value, t?: Value): void;
  /** Removes a previously added value, for aggregates that can (used by future retracting windows). */
  retract?(s: Value[], at: number, v: Value): void;
  /**
   * Folds the state at `from` into `into` (same layout) as if `from`'s rows had arrived after
   * `into`'s: merge(a, b) then result equals aggregating a's rows followed by b's (exactly, or
   * within the documented error for sketches). Used for HOP slices and session merges.
   */
  merge(into: Value[], from: readonly Value[], at: number): void;
  result(s: readonly Value[], at: number): Value;
  /**
   * JS source equivalent to `add` for the compiled update loop: `s` names the state array, `v` a
   * local holding a non-NULL value, `t` the per-row argument (rowArg only); `bind` binds a helper
   * as a constant and returns its name.
   */
  addSource(s: string, at: number, v: string, bind: (x: unknown) => string, t?: string): string;
}

/** The nested array held in a slot (see Accumulator): typed as a Value for the flat state array. */
export const slotArray = <T>(s: readonly Value[], at: number): T[] => s[at] as unknown as T[];
