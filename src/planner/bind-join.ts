import { EddyError, assertNever } from '../common/errors.js';
import type { Column } from '../common/types.js';
import type { Expr, FromItem } from '../parser/ast.js';
import { bindCondition, type ExprContext } from './bind-expr.js';
import type { BoundSource } from './bind-from.js';
import { shiftRefs } from './bind-window.js';
import type { BoundExpr } from './bound.js';
import { OP_COLUMN } from './changelog.js';
import type { LogicalPlan } from './plan.js';
import { resolveColumn, type Scope } from './scope.js';

type JoinItem = Extract<FromItem, { kind: 'join' }>;

/** The input references of an expression. */
function refsOf(e: BoundExpr, out: number[] = []): number[] {
  switch (e.kind) {
    case 'literal':
      return out;
    case 'inputRef':
      out.push(e.index);
      return out;
    case 'binary':
      refsOf(e.left, out);
      return refsOf(e.right, out);
    case 'unary':
    case 'isNull':
    case 'cast':
      return refsOf(e.operand, out);
    case 'between':
      [e.operand, e.low, e.high].forEach((x) => refsOf(x, out));
      return out;
    case 'in':
      [e.operand, ...e.list].forEach((x) => refsOf(x, out));
      return out;
    case 'like':
      refsOf(e.operand, out);
      return refsOf(e.pattern, out);
    case 'case':
      e.whens.forEach((w) => (refsOf(w.when, out), refsOf(w.then, out)));
      return refsOf(e.else, out);
    case 'call':
      e.args.forEach((x) => refsOf(x, out));
      return out;
    default:
      return assertNever(e, 'bound expression');
  }
}

/** The conjuncts of an AND tree, in order. */
function conjuncts<E extends { readonly kind: string }>(e: E, isAnd: (e: E) => readonly [E, E] | undefined): E[] {
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
export function bindJoin(from: JoinItem, left: BoundSource, right: BoundSource, where: Expr | undefined): BoundSource {
  for (const side of [left, right]) {
    if (side.tvf) {
      throw new EddyError('UNSUPPORTED', 'a join of windowing table functions (a window join) is not supported yet', side.tvf.span, 'join the inputs first, or aggregate each window in a derived table and join those');
    }
  }
  const updating = from.joinType !== 'inner' || left.updating || right.updating;
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
        leftKeys.push(shiftRefs(pair[0]!, lOff - out));
        rightKeys.push(shiftRefs(pair[1]!, rOff - out - nl));
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
  const rest = andAll(residual);
  const plan: LogicalPlan = { kind: 'join', joinType: from.joinType, left: left.scan, right: right.scan, leftKeys, rightKeys, ...(rest ? { residual: rest } : {}), schema: { columns } };
  const name = `${left.name} JOIN ${right.name}`;
  return {
    name,
    scope,
    scan: plan,
    updating,
    time: {
      rowtimes: [],
      windows: [],
      whyNot: () => `a regular join's output has no time attribute (as in Flink); window each input before joining, or use an interval join`,
    },
  };
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
