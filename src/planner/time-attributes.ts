import { assertNever } from '../common/errors.js';
import type { BoundExpr, WindowSpec } from './bound.js';
import { isUpdatingLogical } from './changelog.js';
import type { StreamDef } from './catalog.js';
import type { LogicalPlan } from './plan.js';

/** The start and end columns of one window, in a windowed result. */
export interface WindowColumns {
  readonly start: number;
  readonly end: number;
  /** The window that produced them: a GROUP BY over both columns aggregates per that window. */
  readonly spec: WindowSpec;
  /**
   * A SESSION window's key columns (Flink's SessionWindowSpec partition keys): its sessions are
   * per these, so a GROUP BY over the window is a window aggregate only when its other keys are
   * exactly these (Flink's WindowUtil.validGroupKeyPartitionKey). A projection dropping one loses
   * the window, as in Flink.
   */
  readonly sessionKeys?: readonly number[];
}

/**
 * What a plan's output says about event time: whether it carries a watermark, which columns are
 * time attributes (their values follow the watermark, so an event-time window may run over them:
 * a stream's watermarked column passed through unchanged, and window_end / window_time of an
 * append-only windowed result), and which column pairs are a window's start and end (so a GROUP
 * BY over them can be a window aggregate, as Flink plans cascaded window aggregations).
 */
export interface TimeAttributes {
  readonly watermarked: boolean;
  readonly rowtimes: readonly number[];
  readonly windows: readonly WindowColumns[];
  /** window_end columns (window_time is window_end - 1 ms of one of them). */
  readonly windowEnds: readonly number[];
  /**
   * Processing-time attributes (Flink's TIMESTAMP_LTZ(3) *PROCTIME*): a computed column `p AS
   * PROCTIME()`, a `PROCTIME()` in a SELECT list, or one of them passed through unchanged. A window
   * over one fires on the wall clock; a lookup join's FOR SYSTEM_TIME AS OF names one.
   */
  readonly proctimes?: readonly number[];
}

const NONE: TimeAttributes = { watermarked: false, rowtimes: [], windows: [], windowEnds: [] };

/** Whether a bound expression is the call PROCTIME(). */
export const isProctimeCall = (e: BoundExpr): boolean => e.kind === 'call' && e.fn === 'PROCTIME';

/** The stream's processing-time attributes: its computed columns `AS PROCTIME()`. */
export function streamProctimes(stream: StreamDef): number[] {
  return (stream.computed ?? []).filter((c) => c.expr.kind === 'call' && c.expr.name.toUpperCase() === 'PROCTIME' && c.expr.args.length === 0).map((c) => c.index);
}

/** The time attributes of a logical plan's output (see TimeAttributes). */
export function timeAttributes(plan: LogicalPlan): TimeAttributes {
  switch (plan.kind) {
    case 'scan': {
      const wm = plan.watermark;
      const proctimes = streamProctimes(plan.stream);
      const base = wm ? { watermarked: true, rowtimes: [wm.timeIndex], windows: [], windowEnds: [] } : NONE;
      return proctimes.length > 0 ? { ...base, proctimes } : base;
    }
    case 'filter':
    case 'limit':
    case 'unnest':
    case 'expand':
      // UNNEST and Expand append their columns after the input's, which keep their positions.
      return timeAttributes(plan.input);
    case 'lookupJoin': {
      // As Flink: the probe side's time attributes pass through (its columns come first).
      const l = timeAttributes(plan.input);
      return { watermarked: l.watermarked, rowtimes: l.rowtimes, windows: [], windowEnds: [], ...(l.proctimes ? { proctimes: l.proctimes } : {}) };
    }
    case 'project':
      return projected(plan.exprs, timeAttributes(plan.input));
    case 'windowAssign': {
      const input = timeAttributes(plan.input);
      const n = plan.input.schema.columns.length;
      if (plan.proctime) return { watermarked: input.watermarked, rowtimes: input.rowtimes, windows: [], windowEnds: [], ...(input.proctimes ? { proctimes: input.proctimes } : {}) };
      return { watermarked: input.watermarked, rowtimes: [...input.rowtimes, n + 1, n + 2], windows: [{ start: n, end: n + 1, spec: plan.window }], windowEnds: [n + 1], ...(input.proctimes ? { proctimes: input.proctimes } : {}) };
    }
    case 'windowAggregate': {
      // A processing-time window's result has no time attribute here (no cascading over its window_time).
      if (plan.proctime) return { ...NONE, watermarked: true };
      if (isUpdatingLogical(plan)) return { ...NONE, watermarked: true };
      const end = plan.keys.length + 1;
      const sessionKeys = plan.window.kind === 'session' ? { sessionKeys: plan.keys.map((_, i) => i) } : {};
      return { watermarked: true, rowtimes: [end], windows: [{ start: end - 1, end, spec: plan.window, ...sessionKeys }], windowEnds: [end] };
    }
    case 'groupAggregate':
    case 'replicate':
      return { ...NONE, watermarked: timeAttributes(plan.input).watermarked };
    case 'union': {
      const each = plan.inputs.map(timeAttributes);
      const common = (f: (t: TimeAttributes) => readonly number[]): number[] => f(each[0]!).filter((i) => each.every((t) => f(t).includes(i)));
      return {
        watermarked: each.every((t) => t.watermarked),
        rowtimes: common((t) => t.rowtimes),
        windows: each[0]!.windows.filter((w) => each.every((t) => t.windows.some((x) => x.start === w.start && x.end === w.end && JSON.stringify(x.spec) === JSON.stringify(w.spec) && JSON.stringify(x.sessionKeys) === JSON.stringify(w.sessionKeys)))),
        windowEnds: common((t) => t.windowEnds),
      };
    }
    case 'join': {
      const l = timeAttributes(plan.left);
      const r = timeAttributes(plan.right);
      const watermarked = l.watermarked && r.watermarked;
      // An interval join keeps both sides' time attributes (its watermark is held back by its bounds);
      // as in Flink, a regular join's output has none.
      // A temporal join keeps the left side's time attributes (as Flink): its rows are emitted as the watermark passes them.
      if (plan.temporal) return { watermarked, rowtimes: l.rowtimes, windows: [], windowEnds: [], ...(l.proctimes ? { proctimes: l.proctimes } : {}) };
      if (!plan.interval && !plan.window) return { ...NONE, watermarked };
      // A window semi/anti join's rows are the left side's, with its time attributes and windows.
      if (plan.joinType === 'semi' || plan.joinType === 'anti') return { ...l, watermarked };
      const nl = plan.left.schema.columns.length;
      const rowtimes = [...l.rowtimes, ...r.rowtimes.map((i) => i + nl)];
      if (plan.interval) return { watermarked, rowtimes, windows: [], windowEnds: [] };
      // A window join: both sides' windows pass through (cascaded window aggregates over it, as in Flink).
      return { watermarked, rowtimes, windows: [...l.windows, ...r.windows.map((w) => shiftWindow(w, nl))], windowEnds: [...l.windowEnds, ...r.windowEnds.map((i) => i + nl)] };
    }
    case 'overAggregate':
      // The input's time attributes stay where they were (the aggregates are appended), as in Flink.
      return timeAttributes(plan.input);
    case 'rank':
      // A window Top-N keeps its input's columns in place (the rank comes last) and their time attributes, as Flink's WindowRank.
      if (plan.window) return timeAttributes(plan.input);
      // As Flink's Rank: an updating result without time attributes.
      return { ...NONE, watermarked: timeAttributes(plan.input).watermarked };
    default:
      return assertNever(plan, 'logical plan');
  }
}

/** window_time as the binder writes it: window_end - 1 ms. */
function isWindowTime(e: BoundExpr, windowEnds: readonly number[]): boolean {
  return e.kind === 'binary' && e.op === '-' && e.left.kind === 'inputRef' && windowEnds.includes(e.left.index) && e.right.kind === 'literal' && e.right.type === 'INTERVAL' && e.right.value === 1;
}

function projected(exprs: readonly BoundExpr[], input: TimeAttributes): TimeAttributes {
  const at = (index: number): number[] => exprs.flatMap((e, i) => (e.kind === 'inputRef' && e.index === index ? [i] : []));
  const rowtimes: number[] = [];
  exprs.forEach((e, i) => {
    if ((e.kind === 'inputRef' && input.rowtimes.includes(e.index)) || isWindowTime(e, input.windowEnds)) rowtimes.push(i);
  });
  const windowEnds = input.windowEnds.flatMap(at);
  const windows = input.windows.flatMap((w) => {
    const sessionKeys = w.sessionKeys?.map((k) => at(k)[0]);
    // A session window whose key is projected away is lost (Flink's validWindowProperties).
    if (sessionKeys?.some((k) => k === undefined)) return [];
    const keys = sessionKeys ? { sessionKeys: sessionKeys as number[] } : {};
    return at(w.start).flatMap((start) => at(w.end).map((end) => ({ start, end, spec: w.spec, ...keys })));
  });
  const inputProc = input.proctimes ?? [];
  const proctimes = exprs.flatMap((e, i) => ((e.kind === 'inputRef' && inputProc.includes(e.index)) || isProctimeCall(e) ? [i] : []));
  return { watermarked: input.watermarked, rowtimes, windows, windowEnds, ...(proctimes.length > 0 ? { proctimes } : {}) };
}

/** A window's columns `by` further right (the right side of a join). */
export function shiftWindow(w: WindowColumns, by: number): WindowColumns {
  return { ...w, start: w.start + by, end: w.end + by, ...(w.sessionKeys ? { sessionKeys: w.sessionKeys.map((k) => k + by) } : {}) };
}
