/**
 * Subqueries in WHERE as semi and anti joins, as Flink plans them (Calcite's SubQueryRemoveRule,
 * then a regular semi/anti join, StreamingSemiAntiJoinOperator):
 *   `x IN (SELECT y ...)`          semi join on x = y
 *   `x NOT IN (SELECT y ...)`      null-aware anti join on x = y (a NULL on either side: UNKNOWN)
 *   `EXISTS (SELECT ... WHERE inner.k = outer.k [AND ...])`      semi join on the correlation
 *   `NOT EXISTS (...)`             anti join on the correlation
 * Only top-level conjuncts of WHERE are subqueries here; anywhere else bindExpr refuses them.
 * The join's output is the outer rows, op first when updating (an anti join always is: a later
 * inner row takes back an outer row already emitted).
 */
import { EddyError, spanCover, type Span } from '../common/errors.js';
import type { Column } from '../common/types.js';
import type { Expr, Query } from '../parser/ast.js';
import { bindCondition, bindExpr, containsCall, type ExprContext } from './bind-expr.js';
import { bindFrom, derivedSource, type BoundSource, type QueryBinder } from './bind-from.js';
import { conjuncts, refsOf, windowOf } from './bind-join.js';
import { shiftRefs } from './bind-window.js';
import { windowAssignment } from './window-assignment.js';
import type { BoundExpr } from './bound.js';
import type { Catalog } from './catalog.js';
import { OP_COLUMN } from './changelog.js';
import { AGGREGATE_FUNCTIONS } from './functions.js';
import type { LogicalPlan, WindowEmit } from './plan.js';
import { resolveColumn, type Scope } from './scope.js';
import { comparable } from './type-rules.js';
import { hasScalarQuery, scalarFilter } from './bind-scalar-subquery.js';

/** One subquery conjunct of WHERE. */
export type SubqueryConjunct =
  | { readonly kind: 'in'; readonly operand: Expr; readonly query: Query; readonly anti: boolean; readonly span: Span }
  | { readonly kind: 'exists'; readonly query: Query; readonly anti: boolean; readonly span: Span }
  /** A condition comparing with scalar subqueries (bind-scalar-subquery.ts). */
  | { readonly kind: 'scalar'; readonly condition: Expr; readonly span: Span };

const exprAnd = (e: Expr): readonly [Expr, Expr] | undefined => (e.kind === 'binary' && e.op === 'AND' ? [e.left, e.right] : undefined);

/** A WHERE split into its subquery conjuncts and the rest (an ordinary filter), both in source order. */
export function splitWhere(where: Expr | undefined): { readonly plain?: Expr; readonly subqueries: readonly SubqueryConjunct[] } {
  if (!where) return { subqueries: [] };
  const rest: Expr[] = [];
  const subqueries: SubqueryConjunct[] = [];
  for (const c of conjuncts(where, exprAnd)) {
    let e = c;
    let negated = false;
    while (e.kind === 'unary' && e.op === 'NOT' && (e.operand.kind === 'unary' || e.operand.kind === 'exists' || e.operand.kind === 'inQuery')) {
      negated = !negated;
      e = e.operand;
    }
    if (hasScalarQuery(c)) subqueries.push({ kind: 'scalar', condition: c, span: c.span });
    else if (e.kind === 'exists') subqueries.push({ kind: 'exists', query: e.query, anti: negated, span: c.span });
    else if (e.kind === 'inQuery') subqueries.push({ kind: 'in', operand: e.operand, query: e.query, anti: negated !== e.negated, span: c.span });
    else rest.push(c);
  }
  const plain = rest.length === 0 ? undefined : rest.reduce((a, b): Expr => ({ kind: 'binary', op: 'AND', left: a, right: b, span: spanCover(a.span, b.span) }));
  return { ...(plain ? { plain } : {}), subqueries };
}

/** What the binder needs to bind a subquery. */
export interface SubqueryContext {
  readonly catalog: Catalog;
  readonly emit: WindowEmit | undefined;
  readonly bind: QueryBinder;
  /** The context names of the outer query are resolved in (WHERE). */
  readonly outer: (src: BoundSource) => ExprContext;
}

/** `src` (its rows: `plan`) semi/anti-joined with each subquery in turn: the source the SELECT list then sees. */
export function applySubqueries(subs: readonly SubqueryConjunct[], src: BoundSource, plan: LogicalPlan, ctx: SubqueryContext): BoundSource {
  let cur: BoundSource = { ...src, scan: plan };
  for (const s of subs) cur = s.kind === 'in' ? inJoin(s, cur, ctx) : s.kind === 'exists' ? existsJoin(s, cur, ctx) : scalarFilter(s.condition, cur, ctx);
  return cur;
}

function inJoin(s: Extract<SubqueryConjunct, { kind: 'in' }>, src: BoundSource, ctx: SubqueryContext): BoundSource {
  let inner: BoundSource;
  try {
    inner = derivedSource(s.query, 'subquery', [], ctx.catalog, ctx.emit, ctx.bind);
  } catch (e) {
    if (e instanceof EddyError && e.code === 'UNKNOWN_COLUMN') {
      throw new EddyError(
        'UNSUPPORTED',
        `a correlated IN subquery is not supported (${e.message})`,
        s.query.span,
        'an IN subquery must stand on its own; for a correlated condition write [NOT] EXISTS (SELECT ... WHERE inner.k = outer.k)',
      );
    }
    throw e;
  }
  const rOff = inner.updating ? 1 : 0;
  const innerCols = inner.scan.schema.columns.slice(rOff);
  if (innerCols.length !== 1) {
    throw new EddyError('TYPE_MISMATCH', `an IN subquery must select exactly one column, this one selects ${innerCols.length}`, s.query.span, 'select the one column compared with the left operand of IN');
  }
  const leftKey = bindExpr(s.operand, ctx.outer(src));
  const rightKey: BoundExpr = { kind: 'inputRef', index: rOff, name: innerCols[0]!.name, type: innerCols[0]!.type };
  if (!comparable(leftKey.type, rightKey.type)) {
    throw new EddyError('TYPE_MISMATCH', `cannot compare ${leftKey.type} with ${rightKey.type} in IN`, s.span, `CAST one side so both have the same type, e.g. CAST(... AS ${leftKey.type})`);
  }
  return semiAnti(src, inner, s.anti ? 'anti' : 'semi', [leftKey], [rightKey], undefined, s.anti);
}

function existsJoin(s: Extract<SubqueryConjunct, { kind: 'exists' }>, src: BoundSource, ctx: SubqueryContext): BoundSource {
  const q = s.query;
  const aggregating = q.kind === 'select' && (q.groupBy.length > 0 || q.having !== undefined || q.items.some((i) => i.kind === 'expr' && containsCall(i.expr, (n) => AGGREGATE_FUNCTIONS.has(n))));
  if (q.kind !== 'select' || aggregating || q.limit !== undefined) {
    throw new EddyError(
      'UNSUPPORTED',
      'EXISTS is supported over a plain SELECT ... FROM ... WHERE (no UNION, GROUP BY, aggregate or LIMIT)',
      q.span,
      'correlate a plain SELECT: EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND ...)',
    );
  }
  // A windowing table function is its window assignment (a window semi/anti join's inner side).
  const boundFrom = bindFrom(q.from, ctx.catalog, ctx.emit, ctx.bind);
  const innerFrom = boundFrom.tvf ? windowAssignment(boundFrom) : boundFrom;
  // Conjuncts that bind over the subquery alone filter it; the others name outer columns: the correlation.
  const local: BoundExpr[] = [];
  const correlated: Expr[] = [];
  const innerCtx: ExprContext = { scope: innerFrom.scope, clause: 'WHERE', column: (c) => resolveColumn(innerFrom.scope, c) };
  for (const c of q.where ? conjuncts(q.where, exprAnd) : []) {
    try {
      local.push(bindCondition(c, innerCtx, 'the WHERE condition'));
    } catch (e) {
      if (e instanceof EddyError && e.code === 'UNKNOWN_COLUMN') correlated.push(c);
      else throw e;
    }
  }
  let innerPlan = innerFrom.scan;
  if (local.length > 0) {
    const predicate = local.reduce((a, b): BoundExpr => ({ kind: 'binary', op: 'AND', left: a, right: b, type: 'BOOLEAN' }));
    innerPlan = { kind: 'filter', input: innerPlan, predicate, schema: innerPlan.schema };
  }
  const inner: BoundSource = { ...innerFrom, scan: innerPlan };
  // The correlation, over [...outer data columns, ...inner data columns].
  const lOff = src.updating ? 1 : 0;
  const rOff = inner.updating ? 1 : 0;
  const leftCols = src.scope.schema.columns.slice(lOff);
  const rightCols = inner.scope.schema.columns.slice(rOff);
  const qualifiersOf = (b: BoundSource, i: number): readonly string[] => b.scope.columnQualifiers?.[i] ?? b.scope.qualifiers;
  const scope: Scope = {
    schema: { columns: [...leftCols, ...rightCols] },
    qualifiers: [...src.scope.qualifiers, ...inner.scope.qualifiers],
    columnQualifiers: [...leftCols.map((_, i) => qualifiersOf(src, i + lOff)), ...rightCols.map((_, i) => qualifiersOf(inner, i + rOff))],
  };
  const both: ExprContext = { scope, clause: 'WHERE', column: (c) => resolveColumn(scope, c) };
  const nl = leftCols.length;
  const sideOf = (e: BoundExpr): 'left' | 'right' | 'both' | 'none' => {
    const refs = refsOf(e);
    if (refs.length === 0) return 'none';
    if (refs.every((i) => i < nl)) return 'left';
    if (refs.every((i) => i >= nl)) return 'right';
    return 'both';
  };
  const leftKeys: BoundExpr[] = [];
  const rightKeys: BoundExpr[] = [];
  const residual: BoundExpr[] = [];
  for (const c of correlated) {
    const p = bindCondition(c, both, 'the WHERE condition');
    if (p.kind === 'binary' && p.op === '=') {
      const a = sideOf(p.left);
      const b = sideOf(p.right);
      const pair = a === 'left' && b === 'right' ? [p.left, p.right] : a === 'right' && b === 'left' ? [p.right, p.left] : undefined;
      if (pair) {
        leftKeys.push(shiftRefs(pair[0]!, lOff));
        rightKeys.push(shiftRefs(pair[1]!, rOff - nl));
        continue;
      }
    }
    residual.push(p);
  }
  if (leftKeys.length === 0) {
    throw new EddyError(
      'UNSUPPORTED',
      'an EXISTS subquery needs an equality between one of its columns and an outer column',
      q.span,
      'correlate it: EXISTS (SELECT 1 FROM b WHERE b.k = a.k); an uncorrelated EXISTS would need every row of both sides on one worker',
    );
  }
  const rest = residual.length === 0 ? undefined : residual.reduce((a, b): BoundExpr => ({ kind: 'binary', op: 'AND', left: a, right: b, type: 'BOOLEAN' }));
  return semiAnti(src, inner, s.anti ? 'anti' : 'semi', leftKeys, rightKeys, rest, false);
}

/** The semi/anti join node and the source the rest of the query sees: the outer columns, op first when updating. */
function semiAnti(src: BoundSource, inner: BoundSource, joinType: 'semi' | 'anti', leftKeys: readonly BoundExpr[], rightKeys: readonly BoundExpr[], residual: BoundExpr | undefined, nullAware: boolean): BoundSource {
  // Flink's window semi/anti join: both sides windowed, the correlation pairing their window_start
  // and window_end; the outer rows of a window are emitted (or not) once it completes, append-only.
  const window = !src.updating && !inner.updating && !nullAware ? windowOf({ leftKeys, rightKeys }, src, inner) : undefined;
  const updating = window ? false : joinType === 'anti' || src.updating || inner.updating;
  const lOff = src.updating ? 1 : 0;
  const data = src.scan.schema.columns.slice(lOff);
  const columns: Column[] = [...(updating ? [OP_COLUMN] : []), ...data];
  const plan: LogicalPlan = {
    kind: 'join',
    joinType,
    ...(nullAware ? { nullAware: true as const } : {}),
    left: src.scan,
    right: inner.scan,
    leftKeys,
    rightKeys,
    ...(residual ? { residual } : {}),
    ...(window ? { window } : {}),
    schema: { columns },
  };
  const qualifiers = src.scope.columnQualifiers?.slice(lOff);
  const scope: Scope = {
    ...src.scope,
    schema: { columns },
    changeColumn: updating,
    ...(qualifiers ? { columnQualifiers: [...(updating ? [[]] : []), ...qualifiers] } : {}),
  };
  return {
    name: src.name,
    scope,
    scan: plan,
    updating,
    time: window
      ? src.time
      : {
      rowtimes: [],
      windows: [],
      whyNot: () => `a row filtered by an IN / EXISTS subquery (a regular semi/anti join) has no time attribute, as in Flink; window the input before it`,
    },
  };
}
