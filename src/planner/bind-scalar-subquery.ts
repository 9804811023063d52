/**
 * Scalar subqueries in WHERE, as Flink plans them (Calcite's SubQueryRemoveRule and decorrelation,
 * then a regular join with the subquery's aggregate):
 *   `price > (SELECT AVG(price) FROM bids)`                      a join with the one global row
 *   `price = (SELECT MAX(b2.price) FROM bids b2 WHERE b2.auction = b.auction)`
 *                                                                a join on auction with the
 *                                                                per-auction aggregate
 * The subquery's correlation equalities become its GROUP BY and the join keys; the join is a LEFT
 * join, so a row without a matching group sees NULL (COUNT: 0, as Calcite's rewrite gives) and
 * the condition, applied after the join, decides. The aggregate is an updating result, so the
 * filtered rows are too: when the aggregate changes, rows that no longer qualify are retracted.
 */
import { EddyError, assertNever } from '../common/errors.js';
import type { Column } from '../common/types.js';
import type { Expr, Ident, Query, SelectQuery } from '../parser/ast.js';
import { bindCondition, bindExpr, containsCall, type ExprContext } from './bind-expr.js';
import { bindFrom, derivedSource, type BoundSource } from './bind-from.js';
import { conjuncts } from './bind-join.js';
import type { SubqueryContext } from './bind-subquery.js';
import type { BoundExpr } from './bound.js';
import { OP_COLUMN } from './changelog.js';
import { AGGREGATE_FUNCTIONS } from './functions.js';
import type { LogicalPlan } from './plan.js';
import { resolveColumn, type Scope } from './scope.js';

type ScalarNode = Extract<Expr, { kind: 'scalarQuery' }>;

const exprAnd = (e: Expr): readonly [Expr, Expr] | undefined => (e.kind === 'binary' && e.op === 'AND' ? [e.left, e.right] : undefined);

/** Whether a WHERE conjunct holds a scalar subquery anywhere (then it is bound here, after the joins). */
export function hasScalarQuery(e: Expr): boolean {
  let found = false;
  mapExpr(e, (x) => {
    if (x.kind === 'scalarQuery') found = true;
    return undefined;
  });
  return found;
}

/**
 * `src` filtered by `conjunct`, whose scalar subqueries are each LEFT-joined in first; the result
 * has `src`'s columns, op first (an updating result: the aggregates it compares with change).
 */
export function scalarFilter(conjunct: Expr, src: BoundSource, ctx: SubqueryContext): BoundSource {
  const lOff = src.updating ? 1 : 0;
  const outerData = src.scan.schema.columns.slice(lOff);
  let cur = src;
  const nodes: ScalarNode[] = [];
  const rewritten = mapExpr(conjunct, (node) => {
    if (node.kind !== 'scalarQuery') return undefined;
    nodes.push(node);
    return { kind: 'column', name: { name: scalarColumn(nodes.length - 1), quoted: true, span: node.span }, span: node.span };
  });
  const counts: boolean[] = [];
  for (const [i, node] of nodes.entries()) {
    const joined = joinScalar(node, cur, scalarColumn(i), ctx);
    cur = joined.source;
    counts.push(joined.countOfCorrelated);
  }
  // A correlated COUNT of a group that has no rows is 0, not NULL (the "count bug" Calcite's rewrite avoids).
  const condition = mapExpr(rewritten, (col): Expr | undefined => {
    if (col.kind !== 'column' || col.qualifier !== undefined) return undefined;
    const i = nodes.findIndex((_, j) => scalarColumn(j) === col.name.name);
    if (i < 0 || !counts[i]) return undefined;
    const span = col.span;
    return { kind: 'call', name: 'COALESCE', nameSpan: span, args: [col, { kind: 'literal', value: 0, isInteger: true, span }], star: false, distinct: false, span };
  });
  const predicate = bindCondition(condition, ctx.outer(cur), 'the WHERE condition');
  const filtered: LogicalPlan = { kind: 'filter', input: cur.scan, predicate, schema: cur.scan.schema };
  // Back to the outer columns, op first.
  const columns: Column[] = [OP_COLUMN, ...outerData];
  const exprs: BoundExpr[] = [
    { kind: 'inputRef', index: 0, name: OP_COLUMN.name, type: OP_COLUMN.type },
    ...outerData.map((c, i): BoundExpr => ({ kind: 'inputRef', index: 1 + i, name: c.name, type: c.type })),
  ];
  const plan: LogicalPlan = { kind: 'project', input: filtered, exprs, schema: { columns } };
  const qualifiers = src.scope.columnQualifiers?.slice(lOff);
  const scope: Scope = { ...src.scope, schema: { columns }, changeColumn: true, ...(qualifiers ? { columnQualifiers: [[], ...qualifiers] } : {}) };
  return {
    name: src.name,
    scope,
    scan: plan,
    updating: true,
    time: {
      rowtimes: [],
      windows: [],
      whyNot: () => `a row filtered by a scalar subquery (a regular join with its aggregate) has no time attribute, as in Flink; window the input before it`,
    },
  };
}

const scalarColumn = (i: number): string => `$scalar${i}`;

/** `src` LEFT-joined with the subquery's aggregate (grouped by its correlation columns); the aggregate's value is the last column, named `name`. */
function joinScalar(node: ScalarNode, src: BoundSource, name: string, ctx: SubqueryContext): { source: BoundSource; countOfCorrelated: boolean } {
  const q = checkShape(node.query);
  const item = q.items[0] as Extract<SelectQuery['items'][number], { kind: 'expr' }>;
  const innerFrom = bindFrom(q.from, ctx.catalog, ctx.emit, ctx.bind);
  if (innerFrom.tvf) throw new EddyError('UNSUPPORTED', 'a scalar subquery over a windowing table function is not supported', q.from.span, 'compare with a windowed aggregate through a window join instead');
  const innerCtx: ExprContext = { scope: innerFrom.scope, clause: 'WHERE', column: (c) => resolveColumn(innerFrom.scope, c) };
  const outerCtx = ctx.outer(src);
  const local: Expr[] = [];
  const innerKeys: Expr[] = [];
  const outerKeys: BoundExpr[] = [];
  for (const c of q.where ? conjuncts(q.where, exprAnd) : []) {
    if (binds(c, innerCtx)) {
      local.push(c);
      continue;
    }
    const pair = c.kind === 'binary' && c.op === '=' ? correlation(c.left, c.right, innerCtx, outerCtx) ?? correlation(c.right, c.left, innerCtx, outerCtx) : undefined;
    if (!pair) {
      throw new EddyError(
        'UNSUPPORTED',
        'a correlated scalar subquery may refer to the outer query only in equalities of its WHERE (inner.k = outer.k)',
        c.span,
        'correlate it on keys: (SELECT MAX(b2.price) FROM bids b2 WHERE b2.auction = b.auction)',
      );
    }
    innerKeys.push(pair.inner);
    outerKeys.push(pair.outer);
  }
  const alias = (n: string): Ident => ({ name: n, quoted: true, span: item.span });
  const decorrelated: SelectQuery = {
    ...q,
    items: [...innerKeys.map((e, j) => ({ kind: 'expr' as const, expr: e, alias: alias(`${name}_k${j}`), span: e.span })), { ...item, alias: alias(name) }],
    ...(local.length > 0 ? { where: local.reduce((a, b): Expr => ({ kind: 'binary', op: 'AND', left: a, right: b, span: a.span })) } : { where: undefined }),
    groupBy: innerKeys,
  };
  const inner = derivedSource(decorrelated, name, [], ctx.catalog, ctx.emit, ctx.bind);
  const rOff = inner.updating ? 1 : 0;
  const innerData = inner.scan.schema.columns.slice(rOff);
  // Uncorrelated: every row pairs with the one global row, through one constant key.
  const one: BoundExpr = { kind: 'literal', value: 1, type: 'INT' };
  const leftKeys = outerKeys.length > 0 ? outerKeys : [one];
  const rightKeys: BoundExpr[] = outerKeys.length > 0 ? innerData.slice(0, -1).map((c, j): BoundExpr => ({ kind: 'inputRef', index: rOff + j, name: c.name, type: c.type })) : [one];
  const lOff = src.updating ? 1 : 0;
  const outerData = src.scan.schema.columns.slice(lOff);
  const columns: Column[] = [OP_COLUMN, ...outerData, ...innerData];
  const plan: LogicalPlan = { kind: 'join', joinType: 'left', left: src.scan, right: inner.scan, leftKeys, rightKeys, schema: { columns } };
  const qualifiersOf = (i: number): readonly string[] => src.scope.columnQualifiers?.[i] ?? src.scope.qualifiers;
  const scope: Scope = {
    schema: { columns },
    qualifiers: src.scope.qualifiers,
    changeColumn: true,
    columnQualifiers: [[], ...outerData.map((_, i) => qualifiersOf(i + lOff)), ...innerData.map(() => [])],
  };
  const isCount = item.expr.kind === 'call' && item.expr.name === 'COUNT' && item.expr.over === undefined;
  return { source: { ...src, scope, scan: plan, updating: true }, countOfCorrelated: isCount && outerKeys.length > 0 };
}

/** The subquery as Eddy binds it: one aggregate over a plain FROM ... WHERE (no GROUP BY, UNION or LIMIT). */
function checkShape(q: Query): SelectQuery {
  const hint = 'a scalar subquery selects one aggregate: (SELECT MAX(price) FROM bids [WHERE inner.k = outer.k])';
  if (q.kind !== 'select') throw new EddyError('UNSUPPORTED', 'a scalar subquery must be one SELECT (no UNION)', q.span, hint);
  if (q.items.length !== 1 || q.items[0]!.kind !== 'expr') {
    throw new EddyError('TYPE_MISMATCH', `a scalar subquery must select exactly one value, this one selects ${q.items[0]?.kind === 'star' ? '*' : q.items.length}`, q.span, hint);
  }
  const item = q.items[0]!;
  if (q.groupBy.length > 0 || q.having !== undefined || q.limit !== undefined || !containsCall(item.expr, (n) => AGGREGATE_FUNCTIONS.has(n))) {
    throw new EddyError(
      'UNSUPPORTED',
      'a scalar subquery is supported when it aggregates into one value per correlation (no GROUP BY, HAVING or LIMIT)',
      q.span,
      `${hint}; Flink would check at run time that a non-aggregating one returns at most one row, Eddy refuses it`,
    );
  }
  return q;
}

function binds(e: Expr, ctx: ExprContext): boolean {
  try {
    bindExpr(e, ctx);
    return true;
  } catch (err) {
    if (err instanceof EddyError && (err.code === 'UNKNOWN_COLUMN' || err.code === 'UNKNOWN_STREAM')) return false;
    throw err;
  }
}

/** `inner = outer` when `innerSide` binds over the subquery and `outerSide` over the outer query. */
function correlation(innerSide: Expr, outerSide: Expr, innerCtx: ExprContext, outerCtx: ExprContext): { inner: Expr; outer: BoundExpr } | undefined {
  if (!binds(innerSide, innerCtx) || !binds(outerSide, outerCtx)) return undefined;
  return { inner: innerSide, outer: bindExpr(outerSide, outerCtx) };
}

/**
 * The expression rebuilt bottom-up except where `f` answers for a node (its answer replaces the
 * node). The queries of IN / EXISTS / scalar subqueries are their own scopes and are not visited.
 */
function mapExpr(e: Expr, f: (x: Expr) => Expr | undefined): Expr {
  const own = f(e);
  if (own) return own;
  const m = (x: Expr): Expr => mapExpr(x, f);
  switch (e.kind) {
    case 'scalarQuery':
    case 'literal':
    case 'interval':
    case 'column':
    case 'exists':
      return e;
    case 'binary':
      return { ...e, left: m(e.left), right: m(e.right) };
    case 'unary':
    case 'isNull':
    case 'cast':
      return { ...e, operand: m(e.operand) };
    case 'between':
      return { ...e, operand: m(e.operand), low: m(e.low), high: m(e.high) };
    case 'in':
      return { ...e, operand: m(e.operand), list: e.list.map(m) };
    case 'inQuery':
      return { ...e, operand: m(e.operand) };
    case 'like':
      return { ...e, operand: m(e.operand), pattern: m(e.pattern) };
    case 'case':
      return { ...e, ...(e.operand ? { operand: m(e.operand) } : {}), whens: e.whens.map((w) => ({ when: m(w.when), then: m(w.then) })), ...(e.else ? { else: m(e.else) } : {}) };
    case 'call':
      return { ...e, args: e.args.map(m), ...(e.filter ? { filter: m(e.filter) } : {}) };
    default:
      return assertNever(e, 'expression');
  }
}
