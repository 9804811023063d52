/**
 * Point-in-time queries (Materialize's SELECT from a materialized view, ksqlDB's pull query): a
 * SELECT over one materialized view runs once, as a batch query with arquero's verbs over the
 * view's current contents, and returns a bounded result. The query is bound as any other (so it
 * has the same types, names and errors) against the view's columns; the logical plan is then
 * evaluated node by node: filter with the compiled predicate through arquero's escape(), derive
 * for projections, groupby/rollup with arquero's aggregate ops, orderby, slice for LIMIT.
 * Expressions are Eddy's compiled ones, so a point-in-time WHERE means what a continuous one does.
 * A query may read several relations (materialized views and tables registered with
 * eddy.registerTable) and join them: an equi-join is arquero's join / semijoin / antijoin on a key
 * column derived from the join keys (a key with a NULL never matches, as in SQL).
 */
import { arquero } from '../common/arquero-lib.js';
import type { ColumnTable } from 'arquero';
import { EddyError, assertNever, type Span } from '../common/errors.js';
import { isDecimal, type Column, type Row, type Value } from '../common/types.js';
import type { Query, SelectQuery } from '../parser/ast.js';
import { Catalog } from '../planner/catalog.js';
import { bindQuery } from '../planner/index.js';
import type { AggCall, BoundExpr } from '../planner/bound.js';
import type { LogicalPlan } from '../planner/plan.js';
import { OP_COLUMN, isUpdatingLogical } from '../planner/changelog.js';
import { encodeKey } from '../exec/key.js';
import { compileExpr } from '../exec/expr-compiler.js';

/** ORDER BY of a point-in-time query: output column indices (of the final result), ascending or not. */
export interface PointInTimeOrder {
  readonly column: number;
  readonly descending: boolean;
}

/** A point-in-time result: the output columns and an arquero table of them (names as the query's). */
export interface PointInTimeResult {
  readonly columns: readonly Column[];
  readonly table: ColumnTable;
}

/** Internal column names: by position, so any SQL name (or a repeated one) is safe in arquero. */
const col = (i: number): string => `c${i}`;

/** The view's contents as an arquero table with columns c0..cN-1. */
export function contentsTable(width: number, rows: readonly Row[]): ColumnTable {
  const data: Record<string, Value[]> = {};
  for (let c = 0; c < width; c++) {
    const values = new Array<Value>(rows.length);
    for (let r = 0; r < rows.length; r++) values[r] = rows[r]![c] ?? null;
    data[col(c)] = values;
  }
  return arquero().table(data);
}

/** One relation a point-in-time query reads: a materialized view's contents, or a registered table's rows. */
export interface BatchSource {
  readonly name: string;
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
}

/** Runs `query` (which reads the relations `sources`) over their rows, once. */
export function runPointInTime(query: Query, sources: readonly BatchSource[]): PointInTimeResult {
  const catalog = new Catalog();
  for (const s of sources) catalog.add({ name: s.name, schema: { columns: s.columns }, options: { connector: 'memory' }, ddl: '' });
  const plan = bindQuery(query.kind === 'select' ? withoutOrder(query) : query, catalog);
  const tables = new Map(sources.map((s) => [s.name, () => contentsTable(s.columns.length, s.rows)]));
  const visible = plan.schema.columns.filter((c, i) => !(i === 0 && c.name === OP_COLUMN.name && isUpdating(plan)));
  const order = query.kind === 'select' ? orderOf(query.orderBy ?? [], visible) : [];
  let table = evaluate(plan, tables, query.span);
  let out = plan.schema.columns;
  // An aggregate's result carries op first (the changelog convention); a batch result has no changes to tell.
  if (out[0]?.name === OP_COLUMN.name && plan.kind !== 'scan' && isUpdating(plan)) {
    out = out.slice(1);
    table = renumber(table.select(out.map((_, i) => col(i + 1))), 1);
  }
  if (order.length > 0) table = table.orderby(...order.map((o) => (o.descending ? arquero().desc(col(o.column)) : col(o.column))));
  const limit = outerLimit(plan);
  if (limit !== null) table = table.slice(0, limit);
  // Named as the query's columns (arquero keeps them in order; a repeated name was already made unique by the binder).
  const names: Record<string, string> = {};
  out.forEach((c, i) => (names[col(i)] = c.name));
  return { columns: out, table: table.rename(names) };
}

function withoutOrder(q: SelectQuery): SelectQuery {
  const { orderBy: _o, ...rest } = q;
  return rest;
}

/** ORDER BY items as output column positions: an output column's name (or alias), or a 1-based position, as SQL allows. */
function orderOf(items: NonNullable<SelectQuery['orderBy']>, out: readonly Column[]): PointInTimeOrder[] {
  return items.map((item) => {
    const e = item.expr;
    if (e.kind === 'literal' && e.isInteger && typeof e.value === 'number') {
      if (e.value < 1 || e.value > out.length) throw new EddyError('UNSUPPORTED', `ORDER BY position ${e.value} is not in the select list (1 to ${out.length})`, item.span);
      return { column: e.value - 1, descending: item.descending };
    }
    if (e.kind === 'column' && e.qualifier === undefined) {
      const at = out.findIndex((c) => c.name === e.name.name);
      if (at >= 0) return { column: at, descending: item.descending };
    }
    throw new EddyError('UNSUPPORTED', 'ORDER BY of a point-in-time query takes output columns (a name or alias of the select list, or a position)', item.span, `order by one of: ${out.map((c) => c.name).join(', ')}`);
  });
}

/** The LIMIT on top of the plan: applied after ORDER BY, as SQL does. */
function outerLimit(plan: LogicalPlan): number | null {
  return plan.kind === 'limit' ? plan.count : null;
}

function isUpdating(plan: LogicalPlan): boolean {
  return isUpdatingLogical(plan);
}

/** Renames c{from}.. to c0.. (after dropping leading columns). */
function renumber(t: ColumnTable, from: number): ColumnTable {
  const names: Record<string, string> = {};
  t.columnNames().forEach((n) => (names[n] = col(Number(n.slice(1)) - from)));
  return t.rename(names);
}

/** A compiled expression over an arquero row object (columns c0..cN-1) as an engine row. */
function overObjects(e: BoundExpr, width: number): (d: Record<string, Value>) => Value {
  const f = compileExpr(e);
  const toRow = new Function('d', `return [${Array.from({ length: width }, (_, i) => `d.${col(i)} ?? null`).join(', ')}];`) as (d: Record<string, Value>) => Row;
  return (d) => f(toRow(d));
}

type Tables = ReadonlyMap<string, () => ColumnTable>;

function evaluate(plan: LogicalPlan, contents: Tables, span: Span): ColumnTable {
  switch (plan.kind) {
    case 'scan': {
      const t = contents.get(plan.stream.name);
      if (!t) throw new EddyError('UNKNOWN_STREAM', `'${plan.stream.name}' is not a materialized view or a registered table`, span);
      return t();
    }
    case 'join':
      return join(plan, evaluate(plan.left, contents, span), evaluate(plan.right, contents, span), span);
    case 'filter': {
      const input = evaluate(plan.input, contents, span);
      const pred = overObjects(plan.predicate, plan.input.schema.columns.length);
      // SQL keeps a row whose predicate is TRUE (NULL drops it, as FALSE does).
      return input.filter(arquero().escape((d: Record<string, Value>) => pred(d) === true));
    }
    case 'project': {
      const input = evaluate(plan.input, contents, span);
      return projectTo(input, plan.exprs, plan.input.schema.columns.length);
    }
    case 'limit':
      // The outermost LIMIT is applied after ORDER BY (runPointInTime); an inner one here.
      return evaluate(plan.input, contents, span);
    case 'groupAggregate':
      return aggregate(plan, evaluate(plan.input, contents, span), span);
    case 'windowAssign':
    case 'windowAggregate':
    case 'expand':
    case 'union':
    case 'replicate':
    case 'lookupJoin':
    case 'rank':
    case 'overAggregate':
    case 'unnest':
      throw new EddyError('UNSUPPORTED', `a point-in-time query over a materialized view cannot use ${describe(plan.kind)} yet`, span, 'filter, project, GROUP BY, ORDER BY and LIMIT over one materialized view are supported; for the rest, maintain it in the view itself');
    default:
      return assertNever(plan, 'logical plan');
  }
}

function describe(kind: 'windowAssign' | 'windowAggregate' | 'expand' | 'union' | 'replicate' | 'lookupJoin' | 'rank' | 'overAggregate' | 'unnest'): string {
  if (kind === 'expand') return 'GROUPING SETS, ROLLUP or CUBE';
  if (kind === 'replicate') return 'INTERSECT ALL / EXCEPT ALL';
  return kind === 'unnest' ? 'UNNEST' : kind === 'lookupJoin' ? 'a lookup join' : kind === 'union' ? 'UNION ALL' : kind === 'rank' ? 'Top-N' : kind === 'overAggregate' ? 'an OVER aggregate' : 'a window';
}

/** An input's data columns (an updating input's op dropped), as c0... */
function dataOf(plan: LogicalPlan, t: ColumnTable): ColumnTable {
  if (!isUpdating(plan)) return t;
  return renumber(t.select(plan.schema.columns.slice(1).map((_, i) => col(i + 1))), 1);
}

/**
 * A regular equi-join as arquero's join (inner, left, right, full outer), semijoin or antijoin, on
 * one key column per side: the join keys' values encoded together, a unique value when one is NULL.
 * Output as the binder laid it out: [op?, ...left columns, ...right columns] (semi / anti: left only).
 */
function join(plan: Extract<LogicalPlan, { kind: 'join' }>, leftIn: ColumnTable, rightIn: ColumnTable, span: Span): ColumnTable {
  if (plan.interval || plan.window || plan.temporal) {
    throw new EddyError('UNSUPPORTED', 'a point-in-time query cannot use an interval, window or temporal join', span, 'an equi-join (ON a.k = b.k) of views and registered tables is supported');
  }
  if (plan.leftKeys.length === 0) throw new EddyError('UNSUPPORTED', 'a point-in-time join needs an equality between the two sides (ON a.k = b.k)', span);
  const semi = plan.joinType === 'semi' || plan.joinType === 'anti';
  if (plan.nullAware || (plan.residual && plan.joinType !== 'inner')) {
    throw new EddyError('UNSUPPORTED', `a point-in-time ${plan.nullAware ? 'NOT IN' : `${plan.joinType} join`} with conditions beyond key equalities is not supported yet`, span, 'join on key equalities, and filter in WHERE');
  }
  const left = dataOf(plan.left, leftIn);
  const right = dataOf(plan.right, rightIn);
  const lw = left.numCols();
  const rw = right.numCols();
  let unique = 0;
  const keyOf = (keys: readonly BoundExpr[], width: number): ((d: Record<string, Value>) => string | number) => {
    const fs = keys.map((k) => overObjects(k, width));
    return (d) => {
      const values = fs.map((f) => f(d));
      return values.includes(null) ? `\u0000null${unique++}` : encodeKey(values);
    };
  };
  const l = left.derive({ jk$: arquero().escape(keyOf(plan.leftKeys, lw)) } as never);
  const rNames: Record<string, string> = {};
  for (let i = 0; i < rw; i++) rNames[col(i)] = `r${i}`;
  // Keys first: the compiled key expressions read the right side's own columns c0...
  const r = right.derive({ jk$: arquero().escape(keyOf(plan.rightKeys, rw)) } as never).rename(rNames);
  const leftCols = Array.from({ length: lw }, (_, i) => col(i));
  const rightCols = Array.from({ length: rw }, (_, i) => `r${i}`);
  if (semi) {
    const kept = plan.joinType === 'semi' ? l.semijoin(r, ['jk$', 'jk$']) : l.antijoin(r, ['jk$', 'jk$']);
    return withOp(kept.select(leftCols), lw, isUpdating(plan));
  }
  const joined = l.join(r, ['jk$', 'jk$'], [leftCols, rightCols], { left: plan.joinType === 'left' || plan.joinType === 'full', right: plan.joinType === 'right' || plan.joinType === 'full' });
  const names: Record<string, string> = {};
  for (let i = 0; i < rw; i++) names[`r${i}`] = col(lw + i);
  let out = withOp(joined.select([...leftCols, ...rightCols]).rename(names), lw + rw, isUpdating(plan));
  if (plan.residual) {
    const pred = overObjects(plan.residual, plan.schema.columns.length);
    out = out.filter(arquero().escape((d: Record<string, Value>) => pred(d) === true));
  }
  return out;
}

/** Columns c0.. shifted to c1.. under an op column of '+I' when the plan's layout has op first. */
function withOp(t: ColumnTable, width: number, updating: boolean): ColumnTable {
  if (!updating) return t;
  const names: Record<string, string> = {};
  for (let i = width - 1; i >= 0; i--) names[col(i)] = `s${i + 1}`;
  const shifted = t.rename(names);
  const back: Record<string, string> = {};
  for (let i = 1; i <= width; i++) back[`s${i}`] = col(i);
  return shifted.derive({ op$: () => '+I' } as never).select(['op$', ...Array.from({ length: width }, (_, i) => `s${i + 1}`)]).rename({ op$: col(0), ...back });
}

/** SELECT-list expressions as columns c0..: plain column references are copied, the rest derived through escape(). */
function projectTo(input: ColumnTable, exprs: readonly BoundExpr[], width: number): ColumnTable {
  const derived: Record<string, unknown> = {};
  exprs.forEach((e, i) => {
    derived[`p${i}`] = arquero().escape(e.kind === 'inputRef' ? (d: Record<string, Value>) => d[col(e.index)] ?? null : overObjects(e, width));
  });
  const out = input.derive(derived as never).select(exprs.map((_, i) => `p${i}`));
  const names: Record<string, string> = {};
  exprs.forEach((_, i) => (names[`p${i}`] = col(i)));
  return out.rename(names);
}

/** GROUP BY as arquero's groupby + rollup; output [op, ...keys, ...aggs] as the streaming operator's. */
function aggregate(plan: Extract<LogicalPlan, { kind: 'groupAggregate' }>, input: ColumnTable, span: Span): ColumnTable {
  const width = plan.input.schema.columns.length;
  const derived: Record<string, unknown> = {};
  plan.keys.forEach((k, i) => (derived[`k${i}`] = arquero().escape(overObjects(k, width))));
  plan.aggs.forEach((a, i) => {
    if (a.arg) derived[`a${i}`] = arquero().escape(overObjects(a.arg, width));
  });
  let t = Object.keys(derived).length > 0 ? input.derive(derived as never) : input;
  if (plan.keys.length > 0) t = t.groupby(plan.keys.map((_, i) => `k${i}`));
  const rollups: Record<string, unknown> = { n$: arquero().op.count() };
  plan.aggs.forEach((a, i) => Object.assign(rollups, rollupOf(a, i, span)));
  const rolled = t.rollup(rollups as never);
  const n = rolled.numRows();
  // Over no rows an ungrouped rollup still gives one row (COUNT(*) = 0), as SQL does; grouped, none.
  const data: Record<string, Value[]> = { [col(0)]: new Array<Value>(n).fill('+I') };
  plan.keys.forEach((_, i) => (data[col(1 + i)] = columnValues(rolled, `k${i}`)));
  plan.aggs.forEach((a, i) => (data[col(1 + plan.keys.length + i)] = finish(a, rolled, i)));
  return arquero().table(data);
}

function columnValues(t: ColumnTable, name: string): Value[] {
  const c = t.column(name)!;
  const out: Value[] = [];
  for (let i = 0; i < t.numRows(); i++) out.push((c.at(i) as Value | undefined) ?? null);
  return out;
}

/** The arquero rollups of one aggregate (a value and, where SQL's NULL-on-no-input needs it, the count of non-NULL inputs). */
function rollupOf(a: AggCall, i: number, span: Span): Record<string, unknown> {
  if (a.distinct || a.filter) {
    throw new EddyError('UNSUPPORTED', `${a.display}: DISTINCT and FILTER aggregates are not supported in a point-in-time query yet`, span, 'aggregate in the materialized view itself, then read it');
  }
  if (a.fn !== 'COUNT' && a.fn !== 'COUNT_STAR' && a.arg !== undefined && isDecimal(a.arg.type)) {
    // arquero's rollups compute in doubles: over a DECIMAL's unscaled values they would come out wrong.
    throw new EddyError('UNSUPPORTED', `${a.display} over ${a.arg.type} is not supported in a point-in-time query yet`, span, 'aggregate in the materialized view itself, or CAST the argument AS DOUBLE');
  }
  const arg = `a${i}`;
  const valid = { [`v${i}`]: arquero().op.valid(arg) };
  switch (a.fn) {
    case 'COUNT_STAR':
      return { [`r${i}`]: arquero().op.count() };
    case 'COUNT':
      return valid;
    case 'SUM':
      return { [`r${i}`]: arquero().op.sum(arg), ...valid };
    case 'AVG':
      return { [`r${i}`]: arquero().op.mean(arg), ...valid };
    case 'MIN':
      return { [`r${i}`]: arquero().op.min(arg), ...valid };
    case 'MAX':
      return { [`r${i}`]: arquero().op.max(arg), ...valid };
    case 'VAR_POP':
      return { [`r${i}`]: arquero().op.variancep(arg), ...valid };
    case 'VAR_SAMP':
      return { [`r${i}`]: arquero().op.variance(arg), ...valid };
    case 'STDDEV_POP':
      return { [`r${i}`]: arquero().op.stdevp(arg), ...valid };
    case 'STDDEV_SAMP':
      return { [`r${i}`]: arquero().op.stdev(arg), ...valid };
    case 'APPROX_COUNT_DISTINCT':
    case 'FIRST_VALUE':
    case 'LAST_VALUE':
    case 'LISTAGG':
    case 'APPROX_PERCENTILE':
      throw new EddyError('UNSUPPORTED', `${a.display} is not supported in a point-in-time query yet`, span, 'COUNT, SUM, AVG, MIN, MAX, VAR_* and STDDEV_* are; or aggregate in the materialized view itself');
    default:
      return assertNever(a.fn, 'aggregate');
  }
}

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INT', 'INTEGER', 'BIGINT']);

/** An aggregate's SQL result from its rollups: NULL over no non-NULL input, integer AVG truncated (as Flink's AVG of an integer column). */
function finish(a: AggCall, rolled: ColumnTable, i: number): Value[] {
  if (a.fn === 'COUNT_STAR') return columnValues(rolled, `r${i}`);
  const valid = columnValues(rolled, `v${i}`);
  if (a.fn === 'COUNT') return valid;
  const values = columnValues(rolled, `r${i}`);
  const minInputs = a.fn === 'VAR_SAMP' || a.fn === 'STDDEV_SAMP' ? 2 : 1;
  const integer = typeof a.type === 'string' && INTEGER_TYPES.has(a.type);
  return values.map((v, r) => {
    if ((valid[r] as number) < minInputs || v === null || (typeof v === 'number' && Number.isNaN(v))) return null;
    return integer && typeof v === 'number' ? Math.trunc(v) : v;
  });
}
