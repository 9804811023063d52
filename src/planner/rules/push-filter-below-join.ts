import { assertNever } from '../../common/errors.js';
import type { BoundExpr } from '../bound.js';
import { isUpdatingLogical } from '../changelog.js';
import { mapRefs, refsOf } from '../expr-refs.js';
import type { LogicalPlan } from '../plan.js';
import { layoutOf, sideColumn, type JoinNode } from './prune-join-columns.js';
import type { Rule } from './rule.js';

/**
 * filter(join(L, R), p) → filter(join(filter(L, pL), filter(R, pR)), rest): each conjunct of p that
 * reads only one side's columns is evaluated on that side's rows before the join stores them
 * (Flink's FlinkFilterJoinRule for WHERE), so join state and probes shrink to the rows that can
 * pass. As in Flink, a conjunct goes below an INNER join's side, or below the preserved side of an
 * outer join (LEFT's left, RIGHT's right; a semi / anti join's left), never below the null-producing
 * side (there it also rejects the null-padded rows). Narrower than Flink, so that the changelog and
 * the errors stay exactly those of the plan as written: only regular joins (an interval or window
 * join counts and routes its late rows, a temporal join's versions would change), only append-only
 * sides, and only conjuncts that cannot raise an error or change with where they run (comparisons,
 * boolean logic, IS NULL, BETWEEN, IN, CASE over columns and literals: no arithmetic, casts or calls).
 */
export const pushFilterBelowJoin: Rule = {
  name: 'push-filter-below-join',
  apply(node) {
    if (node.kind !== 'filter' || node.input.kind !== 'join') return undefined;
    const j = node.input;
    if (j.interval || j.window || j.temporal) return undefined;
    const t = j.joinType;
    const toLeft = (t === 'inner' || t === 'left' || t === 'semi' || t === 'anti') && !isUpdatingLogical(j.left);
    const toRight = (t === 'inner' || t === 'right') && !isUpdatingLogical(j.right);
    if (!toLeft && !toRight) return undefined;
    const l = layoutOf(j);
    const left: BoundExpr[] = [];
    const right: BoundExpr[] = [];
    const rest: BoundExpr[] = [];
    for (const c of conjuncts(node.predicate)) {
      const side = cannotFail(c) ? sideOf(c, j) : null;
      if (side === 'left' && toLeft) left.push(c);
      else if (side === 'right' && toRight) right.push(c);
      else rest.push(c);
    }
    if (left.length === 0 && right.length === 0) return undefined;
    const onSide = (c: BoundExpr): BoundExpr => mapRefs(c, (i) => sideColumn(i, l.outOp, l)!.index);
    const below = (side: LogicalPlan, cs: readonly BoundExpr[]): LogicalPlan =>
      cs.length === 0 ? side : { kind: 'filter', input: side, predicate: and(cs.map(onSide)), schema: side.schema };
    const join: JoinNode = { ...j, left: below(j.left, left), right: below(j.right, right) };
    return rest.length === 0 ? join : { ...node, input: join, predicate: and(rest) };
  },
};

function conjuncts(e: BoundExpr): BoundExpr[] {
  return e.kind === 'binary' && e.op === 'AND' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

function and(cs: readonly BoundExpr[]): BoundExpr {
  return cs.reduce((a, b) => ({ kind: 'binary', op: 'AND', left: a, right: b, type: 'BOOLEAN' }));
}

/** The one side whose data columns `c` reads; null when it reads both, neither, or the join's op column. */
function sideOf(c: BoundExpr, j: JoinNode): 'left' | 'right' | null {
  const l = layoutOf(j);
  let side: 'left' | 'right' | null = null;
  for (const i of refsOf(c)) {
    const col = sideColumn(i, l.outOp, l);
    if (col === null) return null;
    const s = col.left ? 'left' : 'right';
    if (side !== null && side !== s) return null;
    side = s;
  }
  return side;
}

const LOGIC = new Set(['AND', 'OR', '=', '<>', '<', '<=', '>', '>=']);

/** Whether evaluating `e` on any row gives a value and no error, the same wherever in the plan it runs. */
function cannotFail(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'literal':
    case 'inputRef':
      return true;
    case 'binary':
      return LOGIC.has(e.op) && cannotFail(e.left) && cannotFail(e.right);
    case 'unary':
      return e.op === 'NOT' && cannotFail(e.operand);
    case 'isNull':
      return cannotFail(e.operand);
    case 'between':
      return cannotFail(e.operand) && cannotFail(e.low) && cannotFail(e.high);
    case 'in':
      return cannotFail(e.operand) && e.list.every(cannotFail);
    case 'case':
      return e.whens.every((w) => cannotFail(w.when) && cannotFail(w.then)) && cannotFail(e.else);
    case 'like':
    case 'cast':
    case 'call':
      return false;
    default:
      return assertNever(e, 'bound expression');
  }
}
