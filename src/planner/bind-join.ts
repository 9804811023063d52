import { EddyError } from '../common/errors.js';
import { isDecimal, type Column } from '../common/types.js';
import { promoteNumeric } from './type-rules.js';
import type { Expr, FromItem } from '../parser/ast.js';
import { bindCondition, type ExprContext } from './bind-expr.js';
import type { BoundSource } from './bind-from.js';
import { shiftWindow } from './time-attributes.js';
import { shiftRefs } from './bind-window.js';
import type { BoundExpr } from './bound.js';
import { OP_COLUMN } from './changelog.js';
import { refsOf } from './expr-refs.js';
import type { IntervalBounds, LogicalPlan, TemporalJoin, WindowJoin } from './plan.js';
import { bindTemporalJoin } from './bind-temporal.js';
import { bindLookupJoin, lookupTimeOf, refuseInlineAsOf } from './bind-lookup.js';
import { windowAssignment } from './window-assignment.js';
import { resolveColumn, type Scope } from './scope.js';

type JoinItem = Extract<FromItem, { kind: 'join' }>;

/** The input references of an expression (re-exported: the binders import it from here). */
export { refsOf };

/** The conjuncts of an AND tree, in order. */
export function conjuncts<E extends { readonly kind: string }>(e: E, isAnd: (e: E) => readonly [E, E] | undefined): E[] {
  const parts = isAnd(e);
  return parts ? [...conjuncts(parts[0], isAnd), ...conjuncts(parts[1], isAnd)] : [e];
}
const boundAnd = (e: BoundExpr): readonly [BoundExpr, BoundExpr] | undefined => (e.kind === 'binary' && e.op === 'AND' ? [e.left, e.right] : undefined);
const exprAnd = (e: Expr): readonly [Expr, Expr] | undefined => (e.kind === 'binary' && e.op === 'AND' ? [e.left, e.right] : undefined);

const andAll = (xs: readonly BoundExpr[]): BoundExpr | undefined =>
  xs.length === 0 ? undefined : xs.reduce((a, b) => ({ kind: 'binary', op: 'AND', left: a, right: b, type: 'BOOLEAN' }));

/**
 * Binds `left JOIN right ON ...` (or a comma join, whose equalities come from `where`) to a join
 * node and the scope its output is seen in: every column of both sides, each qualified by its own
 * side's names. Splits the condition into key pairs (`l = r`, each side referring to one input)
 * and a residual over the joined row; leaves the WHERE itself to the caller (it filters above).
 */
export function bindJoin(from: JoinItem, leftItem: BoundSource, rightItem: BoundSource, where: Expr | undefined): BoundSource {
  if (from.right.kind === 'stream' && from.right.asOf) {
    // AS OF a processing-time attribute: a lookup join; of an event-time one: a temporal join.
    refuseInlineAsOf(from.right.asOf);
    const procTime = lookupTimeOf(from.right.asOf, leftItem);
    if (procTime !== undefined) return bindLookupJoin(from, procTime, leftItem, rightItem);
    return bindTemporalJoin(from, from.right.asOf, leftItem, rightItem);
  }
  // A windowing table function joined is its window assignment (a window join's input).
  const left = leftItem.tvf ? windowAssignment(leftItem) : leftItem;
  const right = rightItem.tvf ? windowAssignment(rightItem) : rightItem;
  // First as an append-only join: equal windows make it a window join, time bounds between the two
  // time attributes an interval join.
  const appendInputs = !left.updating && !right.updating;
  if (appendInputs) {
    const asAppend = splitCondition(from, left, right, where, false);
    const window = windowOf(asAppend, left, right);
    if (window) return joinSource(from, left, right, asAppend, { window });
    const interval = intervalOf(asAppend.parts, left, right);
    if (interval) return joinSource(from, left, right, asAppend, { interval });
    if (from.joinType === 'inner') return joinSource(from, left, right, asAppend, {});
  }
  return joinSource(from, left, right, splitCondition(from, left, right, where, true), {});
}

/**
 * A window join's windows (Flink's rule): the keys pair the start and the end of one window of
 * each side (window_start = window_start AND window_end = window_end).
 */
export function windowOf(j: Pick<JoinScope, 'leftKeys' | 'rightKeys'>, left: BoundSource, right: BoundSource): WindowJoin | undefined {
  const refIndex = (e: BoundExpr): number => (e.kind === 'inputRef' ? e.index : -1);
  const paired = (l: number, r: number): boolean => j.leftKeys.some((k, i) => refIndex(k) === l && refIndex(j.rightKeys[i]!) === r);
  for (const lw of left.time.windows) {
    for (const rw of right.time.windows) {
      if (paired(lw.start, rw.start) && paired(lw.end, rw.end)) return { leftEnd: lw.end, rightEnd: rw.end };
    }
  }
  return undefined;
}

export interface JoinScope {
  readonly scope: Scope;
  readonly columns: readonly Column[];
  readonly updating: boolean;
  readonly parts: readonly BoundExpr[];
  readonly leftKeys: readonly BoundExpr[];
  readonly rightKeys: readonly BoundExpr[];
  readonly residual: readonly BoundExpr[];
}

/** The join's output scope (op first when `updating`) and its condition split into key pairs and a residual. */
export function splitCondition(from: JoinItem, left: BoundSource, right: BoundSource, where: Expr | undefined, updating: boolean): JoinScope {
  const lOff = left.updating ? 1 : 0;
  const rOff = right.updating ? 1 : 0;
  const leftCols = left.scan.schema.columns.slice(lOff);
  const rightCols = right.scan.schema.columns.slice(rOff);
  const out = updating ? 1 : 0;
  const qualifiersOf = (s: BoundSource, i: number): readonly string[] => s.scope.columnQualifiers?.[i] ?? s.scope.qualifiers;
  const columns: Column[] = [...(updating ? [OP_COLUMN] : []), ...leftCols, ...rightCols];
  const scope: Scope = {
    schema: { columns },
    qualifiers: [...left.scope.qualifiers, ...right.scope.qualifiers],
    changeColumn: updating,
    columnQualifiers: [...(updating ? [[]] : []), ...leftCols.map((_, i) => qualifiersOf(left, i + lOff)), ...rightCols.map((_, i) => qualifiersOf(right, i + rOff))],
  };
  const ctx: ExprContext = { scope, clause: 'ON', column: (c) => resolveColumn(scope, c) };
  const nl = leftCols.length;
  const sideOf = (e: BoundExpr): 'left' | 'right' | 'both' | 'none' => {
    const refs = refsOf(e);
    if (refs.length === 0) return 'none';
    if (refs.every((i) => i >= out && i < out + nl)) return 'left';
    if (refs.every((i) => i >= out + nl)) return 'right';
    return 'both';
  };

  let parts: BoundExpr[];
  if (from.on) parts = conjuncts(bindCondition(from.on, ctx, 'the join condition'), boundAnd);
  else parts = where ? conjuncts(where, exprAnd).flatMap((c) => bindableHere(c, ctx)) : [];

  const leftKeys: BoundExpr[] = [];
  const rightKeys: BoundExpr[] = [];
  const residual: BoundExpr[] = [];
  for (const p of parts) {
    if (p.kind === 'binary' && p.op === '=') {
      const a = sideOf(p.left);
      const b = sideOf(p.right);
      const pair = a === 'left' && b === 'right' ? [p.left, p.right] : a === 'right' && b === 'left' ? [p.right, p.left] : undefined;
      if (pair) {
        const [l, r] = sameKeyForm(pair[0]!, pair[1]!);
        leftKeys.push(shiftRefs(l, lOff - out));
        rightKeys.push(shiftRefs(r, rOff - out - nl));
        continue;
      }
    }
    // A comma join's other WHERE conjuncts are applied by the WHERE filter above the join.
    if (from.on) residual.push(p);
  }
  if (leftKeys.length === 0) {
    throw new EddyError(
      'UNSUPPORTED',
      from.on ? 'a join needs an equality between a column of each side' : 'a comma join needs an equality between the two sides in WHERE',
      from.on?.span ?? from.span,
      from.on ? 'write ON a.key = b.key [AND ...]; a join without one would pair every row with every other' : 'write WHERE a.key = b.key; a join without one would pair every row with every other',
    );
  }
  return { scope, columns, updating, parts, leftKeys, rightKeys, residual };
}

export function joinSource(
  from: JoinItem,
  left: BoundSource,
  right: BoundSource,
  j: JoinScope,
  time: { readonly interval?: IntervalBounds; readonly window?: WindowJoin; readonly temporal?: TemporalJoin },
): BoundSource {
  const { interval, window, temporal } = time;
  const rest = andAll(j.residual);
  const plan: LogicalPlan = {
    kind: 'join',
    joinType: from.joinType,
    left: left.scan,
    right: right.scan,
    leftKeys: j.leftKeys,
    rightKeys: j.rightKeys,
    ...(rest ? { residual: rest } : {}),
    ...(interval ? { interval } : {}),
    ...(window ? { window } : {}),
    ...(temporal ? { temporal } : {}),
    schema: { columns: j.columns },
  };
  if (temporal) {
    // The left side's time attributes pass through (Flink: a temporal join keeps the probe side's rowtime).
    return { name: `${left.name} JOIN ${right.name}`, scope: j.scope, scan: plan, updating: false, time: { rowtimes: left.time.rowtimes, windows: [], whyNot: left.time.whyNot, ...(left.time.proctimes ? { proctimes: left.time.proctimes } : {}) } };
  }
  const nl = left.scan.schema.columns.length;
  if (window) {
    // Both sides' windows and time attributes pass through: a GROUP BY window_start, window_end over it is a window aggregate.
    return {
      name: `${left.name} JOIN ${right.name}`,
      scope: j.scope,
      scan: plan,
      updating: false,
      time: {
        rowtimes: [...left.time.rowtimes, ...right.time.rowtimes.map((i) => i + nl)],
        windows: [...left.time.windows, ...right.time.windows.map((w) => shiftWindow(w, nl))],
        whyNot: left.time.whyNot,
      },
    };
  }
  return {
    name: `${left.name} JOIN ${right.name}`,
    scope: j.scope,
    scan: plan,
    updating: j.updating,
    time: interval
      ? { rowtimes: [...left.time.rowtimes, ...right.time.rowtimes.map((i) => i + nl)], windows: [], whyNot: left.time.whyNot }
      : {
          rowtimes: [],
          windows: [],
          whyNot: () => `a regular join's output has no time attribute (as in Flink); window each input before joining, or bound the join in time (an interval join)`,
        },
  };
}

/** A time term: a time attribute of one side, plus a constant offset (ts, ts + INTERVAL ..., ts - INTERVAL ...). */
function timeTerm(e: BoundExpr, times: ReadonlyMap<number, 'left' | 'right'>): { side: 'left' | 'right'; index: number; offset: number } | undefined {
  if (e.kind === 'inputRef') {
    const side = times.get(e.index);
    return side ? { side, index: e.index, offset: 0 } : undefined;
  }
  if (e.kind === 'binary' && (e.op === '+' || e.op === '-') && e.right.kind === 'literal' && e.right.type === 'INTERVAL' && typeof e.right.value === 'number') {
    const t = timeTerm(e.left, times);
    return t ? { ...t, offset: t.offset + (e.op === '+' ? e.right.value : -e.right.value) } : undefined;
  }
  return undefined;
}

/**
 * The time bounds of an interval join, as Flink finds them: conjuncts comparing a time attribute
 * of each side (each plus a constant interval) that together bound leftTime - rightTime from
 * below and above. Strict comparisons are tightened by 1 ms (event time has ms precision).
 */
function intervalOf(parts: readonly BoundExpr[], left: BoundSource, right: BoundSource): IntervalBounds | undefined {
  const nl = left.scan.schema.columns.length;
  const times = new Map<number, 'left' | 'right'>([...left.time.rowtimes.map((i) => [i, 'left'] as const), ...right.time.rowtimes.map((i) => [i + nl, 'right'] as const)]);
  if (left.time.rowtimes.length === 0 || right.time.rowtimes.length === 0) return undefined;
  let lower = -Infinity;
  let upper = Infinity;
  let leftTime = -1;
  let rightTime = -1;
  const compare = (a: BoundExpr, op: string, b: BoundExpr): boolean => {
    const x = timeTerm(a, times);
    const y = timeTerm(b, times);
    if (!x || !y || x.side === y.side) return false;
    const [l, r, flipped] = x.side === 'left' ? [x, y, false] : [y, x, true];
    // l.t + l.off OP r.t + r.off  <=>  l.t - r.t OP r.off - l.off (the OP mirrored when the left time was on the right)
    const c = r.offset - l.offset;
    const o = flipped ? ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as Record<string, string>)[op]! : op;
    if ((leftTime >= 0 && leftTime !== l.index) || (rightTime >= 0 && rightTime !== r.index - nl)) return false;
    leftTime = l.index;
    rightTime = r.index - nl;
    if (o === '<') upper = Math.min(upper, c - 1);
    else if (o === '<=') upper = Math.min(upper, c);
    else if (o === '>') lower = Math.max(lower, c + 1);
    else if (o === '>=') lower = Math.max(lower, c);
    return true;
  };
  for (const p of parts) {
    if (p.kind === 'binary' && (p.op === '<' || p.op === '<=' || p.op === '>' || p.op === '>=')) compare(p.left, p.op, p.right);
    else if (p.kind === 'between' && !p.negated) {
      compare(p.operand, '>=', p.low);
      compare(p.operand, '<=', p.high);
    }
  }
  if (lower === -Infinity || upper === Infinity) return undefined;
  return { leftTime, rightTime, lower, upper };
}

/** A WHERE conjunct bound over a comma join's scope, or nothing when it names a column of a later FROM item. */
function bindableHere(c: Expr, ctx: ExprContext): BoundExpr[] {
  try {
    return [bindCondition(c, ctx, 'the WHERE condition')];
  } catch (e) {
    if (e instanceof EddyError && e.code === 'UNKNOWN_COLUMN') return [];
    throw e;
  }
}

/**
 * Join keys whose values must encode alike on both sides: a DECIMAL against a DECIMAL of another
 * scale, an integer or a DOUBLE is cast to their common type (values are unscaled integers, see
 * exact.ts); other pairs share one representation already.
 */
function sameKeyForm(l: BoundExpr, r: BoundExpr): [BoundExpr, BoundExpr] {
  if (l.type === r.type || (!isDecimal(l.type) && !isDecimal(r.type)) || l.type === 'NULL' || r.type === 'NULL') return [l, r];
  const t = promoteNumeric(l.type, r.type);
  const cast = (e: BoundExpr): BoundExpr => (e.type === t ? e : { kind: 'cast', operand: e, type: t });
  return [cast(l), cast(r)];
}
