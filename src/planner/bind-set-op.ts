import { internalError } from '../common/errors.js';
import type { Column } from '../common/types.js';
import type { Query, SelectQuery, SetOpQuery } from '../parser/ast.js';
import type { AggCall, BoundExpr } from './bound.js';
import type { Catalog } from './catalog.js';
import { isUpdatingLogical, OP_COLUMN } from './changelog.js';
import { bindUnion } from './bind-union.js';
import type { LogicalPlan, WindowEmit } from './plan.js';

const ref = (index: number, c: Column): BoundExpr => ({ kind: 'inputRef', index, name: c.name, type: c.type });
const lit = (value: number | boolean | null, type: 'BIGINT' | 'BOOLEAN'): BoundExpr => ({ kind: 'literal', value, type });
const bin = (op: '>' | '=' | '<' | '-' | 'AND', left: BoundExpr, right: BoundExpr): BoundExpr => ({ kind: 'binary', op, left, right, type: op === '-' ? 'BIGINT' : 'BOOLEAN' });
const COUNT_TYPE = 'BIGINT' as const;

/** A set operation's operand as a union branch: a SELECT as it is, anything else as `SELECT * FROM (...)`. */
function asBranch(q: Query): SelectQuery {
  if (q.kind === 'select') return q;
  return { kind: 'select', items: [{ kind: 'star', span: q.span }], from: { kind: 'subquery', query: q, span: q.span }, groupBy: [], span: q.span };
}

/** COUNT of a side's marker column (TRUE on that side's rows, NULL on the other's), as Flink's RewriteIntersectAllRule counts. */
function countOf(marker: BoundExpr, display: string): AggCall {
  return { fn: 'COUNT', arg: marker, distinct: false, type: COUNT_TYPE, display };
}

/**
 * Binds `l UNION r`, `l INTERSECT [ALL] r`, `l EXCEPT [ALL] r` as Flink's planner rewrites them
 * (Calcite's UnionToDistinctRule, Flink's RewriteIntersectAllRule / RewriteMinusAllRule), on the
 * ordinary operators, so state, checkpoints and 'state.ttl' are those of a GROUP BY:
 * - UNION: union all → groupAggregate over every column, no aggregates (a row once, however often it comes).
 * - INTERSECT / EXCEPT [ALL]: union all of both sides, each row tagged with a marker per side →
 *   groupAggregate over every column counting each side's rows (cl, cr) → filter → project:
 *   INTERSECT keeps cl > 0 AND cr > 0, EXCEPT cl > 0 AND cr = 0; the ALL forms keep
 *   min(cl, cr) > 0 / cl > cr and replicate each row min(cl, cr) / cl - cr times (a replicate node,
 *   Flink's REPLICATE_ROWS table function).
 * Grouping makes NULLs equal (IS NOT DISTINCT FROM), as set operations need. The result is an
 * updating changelog (op first) whether or not the inputs are; an updating input's retractions
 * count down.
 */
export function bindSetOp(q: SetOpQuery, catalog: Catalog, emit: WindowEmit | undefined): { readonly plan: LogicalPlan } {
  const label = `${q.op.toUpperCase()}${q.all ? ' ALL' : ''}`;
  const branches = [asBranch(q.left), asBranch(q.right)];
  const union = bindUnion({ kind: 'union', branches, span: q.span }, catalog, emit, label).plan;
  if (union.kind !== 'union') throw internalError('bindUnion returned no union');
  const lead = isUpdatingLogical(union) ? 1 : 0;
  const all = union.schema.columns;
  const data = all.slice(lead);
  const keys = data.map((c, i) => ref(i + lead, c));
  if (q.op === 'union') {
    return { plan: { kind: 'groupAggregate', input: union, keys, aggs: [], schema: { columns: [OP_COLUMN, ...data] } } };
  }
  const leftMark: Column = { name: '$left_marker', type: 'BOOLEAN' };
  const rightMark: Column = { name: '$right_marker', type: 'BOOLEAN' };
  const tagged: LogicalPlan[] = union.inputs.map((input, side) => ({
    kind: 'project',
    input,
    exprs: [...all.map((c, i) => ref(i, c)), lit(side === 0 ? true : null, 'BOOLEAN'), lit(side === 1 ? true : null, 'BOOLEAN')],
    schema: { columns: [...all, leftMark, rightMark] },
  }));
  const both: LogicalPlan = { kind: 'union', inputs: tagged, schema: { columns: [...all, leftMark, rightMark] } };
  const leftCount: Column = { name: '$left_count', type: COUNT_TYPE };
  const rightCount: Column = { name: '$right_count', type: COUNT_TYPE };
  const n = data.length;
  const aggs = [countOf(ref(all.length, leftMark), 'COUNT($left_marker)'), countOf(ref(all.length + 1, rightMark), 'COUNT($right_marker)')];
  const grouped: LogicalPlan = { kind: 'groupAggregate', input: both, keys, aggs, schema: { columns: [OP_COLUMN, ...data, leftCount, rightCount] } };
  // Over the grouped row [op, ...data, cl, cr].
  const cl = ref(n + 1, leftCount);
  const cr = ref(n + 2, rightCount);
  const zero = lit(0, 'BIGINT');
  const predicate =
    q.op === 'intersect' ? bin('AND', bin('>', cl, zero), bin('>', cr, zero)) : q.all ? bin('>', cl, cr) : bin('AND', bin('>', cl, zero), bin('=', cr, zero));
  const kept: LogicalPlan = { kind: 'filter', input: grouped, predicate, schema: grouped.schema };
  const op = ref(0, OP_COLUMN);
  const dataRefs = data.map((c, i) => ref(i + 1, c));
  const out: Column[] = [OP_COLUMN, ...data];
  if (!q.all) return { plan: { kind: 'project', input: kept, exprs: [op, ...dataRefs], schema: { columns: out } } };
  const copies: BoundExpr = q.op === 'intersect' ? { kind: 'case', whens: [{ when: bin('<', cl, cr), then: cl }], else: cr, type: COUNT_TYPE } : bin('-', cl, cr);
  const counted: LogicalPlan = { kind: 'project', input: kept, exprs: [op, copies, ...dataRefs], schema: { columns: [OP_COLUMN, { name: '$copies', type: COUNT_TYPE }, ...data] } };
  return { plan: { kind: 'replicate', input: counted, countIndex: 1, schema: { columns: out } } };
}
