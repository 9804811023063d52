import { EddyError, type Span } from '../common/errors.js';
import type { Column } from '../common/types.js';
import type { Expr, GroupingSet, SelectQuery } from '../parser/ast.js';
import { asWindowFn } from './bind-window.js';
import { bindExpr } from './bind-expr.js';
import type { BoundSource } from './binder.js';
import { inputContext, isTvfColumn } from './binder.js';
import type { BoundExpr } from './bound.js';
import type { LogicalPlan } from './plan.js';

/** The column Expand appends last: the row's grouping set (its position), the aggregate's last key. */
export const SET_ID_COLUMN: Column = { name: '$e', type: 'BIGINT' };

const sameExpr = (a: BoundExpr, b: BoundExpr): boolean => JSON.stringify(a) === JSON.stringify(b);

/** What a grouping set's expression is: a key (bound over the input), a window column / call (in every set of a windowed GROUP BY). */
type SetMember = { readonly kind: 'key'; readonly expr: BoundExpr } | { readonly kind: 'window'; readonly name: string };

function memberOf(e: Expr, src: BoundSource): SetMember {
  if (e.kind === 'call' && asWindowFn(e.name)) return { kind: 'window', name: 'window' };
  if (e.kind === 'column' && isTvfColumn(src, e)) return { kind: 'window', name: e.name.name };
  return { kind: 'key', expr: bindExpr(e, inputContext(src, 'GROUP BY')) };
}

/**
 * Binds the grouping sets of a GROUP BY to positions in its aggregate keys (`keys`, the union of
 * the sets, a window TVF's PARTITION BY keys first and in every set). Over a window TVF
 * window_start and window_end must be in every set, as Flink requires; with a group window
 * (TUMBLE(...) in GROUP BY) grouping sets are refused, as Flink fails on them. Returns undefined
 * for a plain GROUP BY.
 */
export function bindGroupingSets(q: SelectQuery, src: BoundSource, keys: readonly BoundExpr[], windowed: 'tvf' | 'group' | 'attached' | undefined): readonly (readonly number[])[] | undefined {
  if (!q.groupingSets) return undefined;
  if (windowed === 'group') {
    // Flink plans grouping sets in window TVF aggregations only (a group window with them fails in its code generator).
    const call = q.groupBy.find((e) => e.kind === 'call' && asWindowFn(e.name));
    throw new EddyError('UNSUPPORTED', 'GROUPING SETS, ROLLUP and CUBE are not supported with a group window such as TUMBLE(...) in GROUP BY (nor in Flink)', call?.span ?? q.span, 'use a windowing table function: FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), ...)) GROUP BY window_start, window_end, GROUPING SETS (...)');
  }
  const partitionKeys = src.tvf?.partitionKeys ?? [];
  return q.groupingSets.map((set) => {
    const members = set.exprs.map((e) => memberOf(e, src));
    if (windowed === 'tvf') requireWindow(set, members, ['window_start', 'window_end']);
    const exprs = [...partitionKeys, ...members.flatMap((m) => (m.kind === 'key' ? [m.expr] : []))];
    const at = exprs.map((e) => keys.findIndex((k) => sameExpr(k, e))).filter((i) => i >= 0);
    return [...new Set(at)].sort((a, b) => a - b);
  });
}

/** The bound expressions of every set, to tell whether the window columns of a windowed input are in all of them (see attachedWindow). */
export function setKeyExprs(q: SelectQuery, src: BoundSource): readonly (readonly BoundExpr[])[] | undefined {
  return q.groupingSets?.map((set) => set.exprs.flatMap((e) => {
    const m = memberOf(e, src);
    return m.kind === 'key' ? [m.expr] : [];
  }));
}

function requireWindow(set: GroupingSet, members: readonly SetMember[], names: readonly string[]): void {
  const missing = names.filter((n) => !members.some((m) => m.kind === 'window' && m.name === n));
  if (missing.length === 0) return;
  throw new EddyError(
    'UNSUPPORTED',
    `every grouping set of a window aggregation must include window_start and window_end; this one has no ${missing.join(' or ')}`,
    set.span,
    'write them outside the sets: GROUP BY window_start, window_end, GROUPING SETS (...)',
  );
}

/** The Expand below the aggregate: [...input columns, ...keys (NULL where a set does not group them), $e]. */
export function expandPlan(input: LogicalPlan, keys: readonly BoundExpr[], keyColumns: readonly Column[], sets: readonly (readonly number[])[]): LogicalPlan {
  const schema = { columns: [...input.schema.columns, ...keyColumns, SET_ID_COLUMN] };
  return { kind: 'expand', input, keys, sets, schema };
}

/** The aggregate's keys over the Expand's output: its appended keys, then $e. */
export function expandedKeys(input: LogicalPlan, keys: readonly BoundExpr[], keyColumns: readonly Column[]): BoundExpr[] {
  const n = input.schema.columns.length;
  return [...keys.map((k, i): BoundExpr => ({ kind: 'inputRef', index: n + i, name: keyColumns[i]!.name, type: k.type })), { kind: 'inputRef', index: n + keys.length, name: SET_ID_COLUMN.name, type: 'BIGINT' }];
}

/**
 * GROUPING(e, ...) / GROUPING_ID(e, ...) as an expression over the aggregate's output: per
 * argument a bit, 1 when the row's grouping set does not group it, the first argument the most
 * significant (Calcite's). `setId` is the $e column; without grouping sets every bit is 0.
 */
export function bindGroupingCall(
  e: Extract<Expr, { kind: 'call' }>,
  src: BoundSource,
  keys: readonly BoundExpr[],
  sets: readonly (readonly number[])[] | undefined,
  setId: BoundExpr | undefined,
  /** Grouped in every set without being keys: an attached window's start and end columns. */
  windowColumns: readonly number[] = [],
): BoundExpr {
  if (e.args.length === 0 || e.star || e.distinct) {
    throw new EddyError('SYNTAX', `${e.name} takes one or more grouping columns`, e.span, `write ${e.name}(col, ...) with columns of GROUP BY`);
  }
  // Per argument: its key position, or -1 for a window column (grouped in every set).
  const positions = e.args.map((a) => argPosition(a, e.name, src, keys, windowColumns));
  const valueOf = (set: readonly number[]): number => positions.reduce((v, p) => v * 2 + (p >= 0 && !set.includes(p) ? 1 : 0), 0);
  const literal = (v: number): BoundExpr => ({ kind: 'literal', value: v, type: 'BIGINT' });
  if (!sets || !setId) return literal(0);
  const values = sets.map(valueOf);
  if (values.every((v) => v === values[0])) return literal(values[0]!);
  const whens = values.map((v, s) => ({ when: { kind: 'binary', op: '=', left: setId, right: literal(s), type: 'BOOLEAN' } as BoundExpr, then: literal(v) }));
  return { kind: 'case', whens: whens.slice(0, -1), else: whens[whens.length - 1]!.then, type: 'BIGINT' };
}

function argPosition(a: Expr, fn: string, src: BoundSource, keys: readonly BoundExpr[], windowColumns: readonly number[]): number {
  if (a.kind === 'column' && isTvfColumn(src, a)) {
    if (a.name.name === 'window_time') notGrouping(a.span, fn, 'window_time');
    return -1;
  }
  const bound = bindExpr(a, inputContext(src, `${fn}(...)`));
  if (bound.kind === 'inputRef' && windowColumns.includes(bound.index)) return -1;
  const i = keys.findIndex((k) => sameExpr(k, bound));
  if (i < 0) notGrouping(a.span, fn, a.kind === 'column' ? a.name.name : 'this expression');
  return i;
}

function notGrouping(span: Span, fn: string, what: string): never {
  throw new EddyError('NOT_GROUPED', `the argument of ${fn} must be a grouping expression: ${what} is not in GROUP BY`, span, `${fn} tells whether a GROUP BY column is grouped in a row's grouping set; pass columns of GROUP BY`);
}

/** Whether a call is GROUPING(...) or GROUPING_ID(...). */
export const isGroupingCall = (e: Extract<Expr, { kind: 'call' }>): boolean => (e.name === 'GROUPING' || e.name === 'GROUPING_ID') && !e.over;
