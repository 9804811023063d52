import type { Span } from '../common/errors.js';
import { EddyError, assertNever, internalError } from '../common/errors.js';
import type { Expr, FromItem, Ident, SelectQuery, WindowFn } from '../parser/ast.js';
import type { BoundExpr, WindowSpec } from './bound.js';
import type { EventTime } from './bind-from.js';
import { OP_COLUMN } from './changelog.js';
import type { LogicalPlan, WindowEmit } from './plan.js';
import { intervalSql } from './expr-sql.js';
import type { Scope } from './scope.js';
import { resolveColumn } from './scope.js';

/** A window from GROUP BY TUMBLE(...) or FROM TABLE(TUMBLE(...)), with its arguments kept for matching TUMBLE_START(...). */
export interface BoundWindow {
  readonly fn: WindowFn;
  readonly spec: WindowSpec;
  /** Index of the event-time column in the stream's schema. */
  readonly timeIndex: number;
  /** The time column is a processing-time attribute (PROCTIME()): the window fires on the wall clock. */
  readonly proctime?: true;
  /** The interval arguments in milliseconds, as written. */
  readonly argsMs: readonly number[];
  readonly span: Span;
}

const USAGE: Readonly<Record<WindowFn, string>> = {
  TUMBLE: 'size[, offset]',
  HOP: 'slide, size[, offset]',
  CUMULATE: 'step, size[, offset]',
  SESSION: 'gap',
};

/** The window function a call names, if it names one. */
export function asWindowFn(name: string): WindowFn | undefined {
  return name === 'TUMBLE' || name === 'HOP' || name === 'CUMULATE' || name === 'SESSION' ? name : undefined;
}

/** An interval argument in ms; `offset`: the optional last one, which may be zero or negative (Flink's window offset). */
function intervalMs(e: Expr, fn: WindowFn, offset: boolean): number {
  if (e.kind !== 'interval') {
    throw new EddyError('TYPE_MISMATCH', `${fn} arguments must be INTERVAL literals`, e.span, "write an interval such as INTERVAL '10' SECOND");
  }
  if (!offset && e.ms <= 0) {
    throw new EddyError('TYPE_MISMATCH', `${fn} needs a positive interval, got ${e.ms} ms`, e.span, "write an interval such as INTERVAL '10' SECOND");
  }
  return e.ms;
}

/** Builds the WindowSpec of `fn` from its interval arguments (TUMBLE size[, offset]; HOP slide, size[, offset]; CUMULATE step, size[, offset]; SESSION gap). */
export function windowSpecOf(fn: WindowFn, args: readonly Expr[], span: Span, timeName: string): { spec: WindowSpec; argsMs: number[] } {
  const fixed = fn === 'TUMBLE' ? 1 : fn === 'SESSION' ? 1 : 2;
  const max = fn === 'SESSION' ? 1 : fixed + 1;
  if (args.length < fixed || args.length > max) {
    throw new EddyError('TYPE_MISMATCH', `${fn} takes ${fixed === max ? fixed : `${fixed} or ${max}`} interval argument${max > 1 ? 's' : ''}, got ${args.length}`, span, `usage: ${fn}(${timeName}, ${USAGE[fn]})`);
  }
  const ms = args.map((a, i) => intervalMs(a, fn, i >= fixed));
  const offset = ms[fixed] ?? 0;
  switch (fn) {
    case 'TUMBLE':
      if (Math.abs(offset) >= ms[0]!) {
        // Flink's TumblingSliceAssigner: "Tumbling Window parameters must satisfy abs(offset) < size".
        throw new EddyError('TYPE_MISMATCH', `TUMBLE's offset (${intervalSql(offset)}) must be shorter than its size (${intervalSql(ms[0]!)}): abs(offset) < size, as in Flink`, args[1]!.span, `an offset of ${intervalSql(offset % ms[0]!)} places the windows alike`);
      }
      return { spec: { kind: 'tumble', size: ms[0]!, offset }, argsMs: ms };
    case 'HOP':
      return { spec: { kind: 'hop', slide: ms[0]!, size: ms[1]!, offset }, argsMs: ms };
    case 'CUMULATE':
      if (ms[1]! % ms[0]! !== 0) {
        throw new EddyError('TYPE_MISMATCH', `CUMULATE size (${intervalSql(ms[1]!)}) must be a multiple of its step (${intervalSql(ms[0]!)})`, args[1]!.span, 'choose a size that is a whole number of steps');
      }
      return { spec: { kind: 'cumulate', step: ms[0]!, size: ms[1]!, offset }, argsMs: ms };
    case 'SESSION':
      return { spec: { kind: 'session', gap: ms[0]! }, argsMs: ms };
    default:
      return assertNever(fn, 'window function');
  }
}

/** What a window needs of the relation it runs over: its scope and which of its columns are time attributes. */
export interface WindowInput {
  readonly scope: Scope;
  readonly time: EventTime;
}

/** `index` (the position of column `col`) if it is a time attribute of `src` (event time, or processing time: `proctime`); NO_WATERMARK with the reason otherwise. */
export function eventTimeIndex(src: WindowInput, col: Ident, index: number): { readonly index: number; readonly proctime?: true } {
  if (src.time.rowtimes.includes(index)) return { index };
  if (src.time.proctimes?.includes(index)) return { index, proctime: true };
  throw new EddyError('NO_WATERMARK', `column '${col.name}' has no watermark, so it cannot drive an event-time window`, col.span, src.time.whyNot(col.name));
}

/** Binds GROUP BY TUMBLE(ts, size[, offset]) and friends: the time column must be a time attribute of the input. */
export function bindGroupWindow(call: Extract<Expr, { kind: 'call' }>, fn: WindowFn, src: WindowInput): BoundWindow {
  const [time, ...rest] = call.args;
  if (!time || time.kind !== 'column') {
    throw new EddyError('TYPE_MISMATCH', `the first argument of ${fn} must be the event-time column`, time?.span ?? call.span, `usage: ${fn}(ts, ${USAGE[fn]})`);
  }
  const ref = resolveColumn(src.scope, time);
  if (ref.kind !== 'inputRef') throw internalError('column did not resolve to an input');
  const { index: timeIndex, proctime } = eventTimeIndex(src, time.name, ref.index);
  const { spec, argsMs } = windowSpecOf(fn, rest, call.span, time.name.name);
  return { fn, spec, timeIndex, argsMs, span: call.span, ...(proctime ? { proctime } : {}) };
}

/** Binds FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), ...)): the descriptor column must be a time attribute of s. */
export function bindTvfWindow(from: Extract<FromItem, { kind: 'windowTvf' }>, src: WindowInput): BoundWindow {
  const ref = resolveColumn(src.scope, { kind: 'column', name: from.timeCol, span: from.timeCol.span });
  if (ref.kind !== 'inputRef') throw internalError('column did not resolve to an input');
  const { index: timeIndex, proctime } = eventTimeIndex(src, from.timeCol, ref.index);
  const { spec, argsMs } = windowSpecOf(from.fn, from.args, from.span, from.timeCol.name);
  return { fn: from.fn, spec, timeIndex, argsMs, span: from.span, ...(proctime ? { proctime } : {}) };
}

/** Checks that TUMBLE_START(ts, size) etc. names the same window as the GROUP BY; NOT_GROUPED otherwise. */
export function checkAuxMatches(call: Extract<Expr, { kind: 'call' }>, fn: string, window: BoundWindow, scope: Scope, timeName: string): void {
  const expected = `${window.fn}(${timeName}, ${window.argsMs.map(intervalSql).join(', ')})`;
  const mismatch = (): never => {
    throw new EddyError('NOT_GROUPED', `${call.name}(...) does not match the GROUP BY window ${expected}`, call.span, `use the same arguments as in GROUP BY: ${call.name}(${timeName}, ${window.argsMs.map(intervalSql).join(', ')})`);
  };
  if (fn !== window.fn) mismatch();
  const [time, ...rest] = call.args;
  if (!time || time.kind !== 'column') return mismatch();
  const ref = resolveColumn(scope, time);
  if (ref.kind !== 'inputRef' || ref.index !== window.timeIndex) mismatch();
  const ms = rest.map((a) => (a.kind === 'interval' ? a.ms : NaN));
  // An omitted zero offset still names the same window.
  const norm = (xs: readonly number[]): string => JSON.stringify(xs.length > 0 && xs.length === (window.fn === 'TUMBLE' ? 2 : 3) && xs[xs.length - 1] === 0 ? xs.slice(0, -1) : xs);
  if (norm(ms) !== norm(window.argsMs)) mismatch();
}

export type { WindowEmit } from './plan.js';

/**
 * With allowed lateness or early fire, a windowed aggregate's plan (windowAggregate → [HAVING
 * filter] → project; any window, SESSION included) becomes an updating changelog: the window aggregate outputs
 * [op, ...keys, window_start, window_end, ...aggs], the references above it shift by one, and the
 * project outputs op first. Any other plan is returned unchanged.
 */
export function asWindowChangelog(plan: LogicalPlan, emit: WindowEmit | undefined, q: SelectQuery): LogicalPlan {
  if (!emit || (emit.allowedLatenessMs <= 0 && emit.earlyFireDelayMs <= 0) || plan.kind !== 'project') return plan;
  const below = plan.input.kind === 'filter' ? plan.input.input : plan.input;
  if (below.kind !== 'windowAggregate') return plan;
  const clash = plan.schema.columns.findIndex((c) => c.name === OP_COLUMN.name);
  if (clash >= 0) {
    throw new EddyError('AMBIGUOUS_COLUMN', `output column '${OP_COLUMN.name}' clashes with the change kind column of an updating result`, q.span, `with allowed lateness or early fire a window query outputs '${OP_COLUMN.name}' (+I, -U, +U, -D) first; give this column another name with AS`);
  }
  const aggSchema = { columns: [OP_COLUMN, ...below.schema.columns] };
  let input: LogicalPlan = { ...below, emit, schema: aggSchema };
  if (plan.input.kind === 'filter') input = { kind: 'filter', input, predicate: shiftRefs(plan.input.predicate, 1), schema: aggSchema };
  const op: BoundExpr = { kind: 'inputRef', index: 0, name: OP_COLUMN.name, type: OP_COLUMN.type };
  return { kind: 'project', input, exprs: [op, ...plan.exprs.map((e) => shiftRefs(e, 1))], schema: { columns: [OP_COLUMN, ...plan.schema.columns] } };
}

/** `e` with every input reference moved `by` columns to the right. */
export function shiftRefs(e: BoundExpr, by: number): BoundExpr {
  const s = (x: BoundExpr): BoundExpr => shiftRefs(x, by);
  switch (e.kind) {
    case 'literal':
      return e;
    case 'inputRef':
      return { ...e, index: e.index + by };
    case 'binary':
      return { ...e, left: s(e.left), right: s(e.right) };
    case 'unary':
    case 'isNull':
    case 'cast':
      return { ...e, operand: s(e.operand) } as BoundExpr;
    case 'between':
      return { ...e, operand: s(e.operand), low: s(e.low), high: s(e.high) };
    case 'in':
      return { ...e, operand: s(e.operand), list: e.list.map(s) };
    case 'like':
      return { ...e, operand: s(e.operand), pattern: s(e.pattern) };
    case 'case':
      return { ...e, whens: e.whens.map((w) => ({ when: s(w.when), then: s(w.then) })), else: s(e.else) };
    case 'call':
      return { ...e, args: e.args.map(s) };
    default:
      return assertNever(e, 'bound expression');
  }
}
