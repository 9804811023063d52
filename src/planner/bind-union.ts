import type { Span } from '../common/errors.js';
import { EddyError, internalError } from '../common/errors.js';
import type { Column, SqlType } from '../common/types.js';
import type { Expr, FromItem, Query, SelectQuery, UnionQuery } from '../parser/ast.js';
import { containsCall } from './bind-expr.js';
import type { BoundSource } from './binder.js';
import { bindSelect } from './binder.js';
import type { BoundExpr } from './bound.js';
import type { Catalog, StreamDef } from './catalog.js';
import { exprToSql } from './expr-sql.js';
import { AGGREGATE_FUNCTIONS } from './functions.js';
import type { LogicalPlan, UnionTime } from './plan.js';
import { castAllowed, unifyTypes } from './type-rules.js';

type ProjectPlan = Extract<LogicalPlan, { kind: 'project' }>;

/** One bound input of a union or derived table: a stateless SELECT over one stream. */
interface BoundBranch {
  readonly query: SelectQuery;
  readonly stream: StreamDef;
  readonly plan: ProjectPlan;
  /** How messages name it: "branch 2 of the UNION ALL" or "the subquery in FROM". */
  readonly label: string;
  /** 1-based position in the union. */
  readonly number: number;
}

/** A bound UNION ALL (or derived table): its plan, event time, and the hint for a window it cannot support. */
interface BoundDerived extends UnionTime {
  readonly plan: LogicalPlan;
  /** Why no column can drive an event-time window (set when `timeIndex` is absent). */
  readonly noTimeHint?: string;
}

const isAggregate = (name: string): boolean => AGGREGATE_FUNCTIONS.has(name);

/**
 * Binds one branch: it must read one stream and be stateless (projection and filter only), since
 * the runtime feeds every branch's rows straight into the operators above the union.
 */
function bindBranch(q: SelectQuery, catalog: Catalog, number: number, union: boolean): BoundBranch {
  const label = union ? `branch ${number} of the UNION ALL` : 'the subquery in FROM';
  const over = union ? 'aggregate over the union: SELECT ... FROM (SELECT ... UNION ALL SELECT ...) GROUP BY ...' : 'aggregate in the outer query instead';
  if (q.from.kind !== 'stream') {
    const what = q.from.kind === 'windowTvf' ? 'a windowing table function' : 'a subquery';
    throw new EddyError('UNSUPPORTED', `${label} reads ${what}; it must read a stream directly`, q.from.span, union ? 'write each input as SELECT ... FROM <stream> [WHERE ...], and window over the union' : 'select from the stream directly');
  }
  if (q.groupBy.length > 0 || q.having !== undefined || q.items.some((i) => i.kind === 'expr' && containsCall(i.expr, isAggregate))) {
    throw new EddyError('UNSUPPORTED', `${label} aggregates; only projections and filters are supported there`, q.span, over);
  }
  if (q.limit !== undefined) {
    throw new EddyError('UNSUPPORTED', `LIMIT in ${label} is not supported`, q.span, union ? 'limit the query over the union instead: SELECT * FROM (SELECT ... UNION ALL SELECT ...) LIMIT n' : 'put LIMIT on the outer query');
  }
  const plan = bindSelect(q, catalog);
  if (plan.kind !== 'project') throw internalError(`a stateless SELECT bound to ${plan.kind}, not project`);
  return { query: q, stream: catalog.get(q.from.name.name, q.from.name.span), plan, label, number };
}

/** The span of a branch's output column `i` (its SELECT item, or the whole branch when `*` makes positions unclear). */
function itemSpan(b: BoundBranch, i: number): Span {
  const items = b.query.items;
  return items.every((x) => x.kind === 'expr') && items[i] ? items[i]!.span : b.query.span;
}

/** Whether output column `i` of a branch is its stream's watermarked column, passed through unchanged. */
function isRowtime(b: BoundBranch, i: number): boolean {
  const e = b.plan.exprs[i];
  const wm = b.stream.watermark;
  return wm !== undefined && e?.kind === 'inputRef' && b.plan.input.schema.columns[e.index]?.name === wm.column;
}

/** The event time of the branches together: watermarked when each stream has a WATERMARK; the time attribute at the first position that is every branch's rowtime. */
function unionTime(branches: readonly BoundBranch[], width: number, union: boolean): UnionTime & { readonly noTimeHint?: string } {
  const unwatermarked = branches.find((b) => b.stream.watermark === undefined);
  if (unwatermarked) {
    return {
      watermarked: false,
      noTimeHint: union
        ? `stream '${unwatermarked.stream.name}' (${unwatermarked.label}) declares no WATERMARK; a window over a UNION ALL needs one on every input`
        : `stream '${unwatermarked.stream.name}' declares no WATERMARK; declare one in its CREATE STREAM`,
    };
  }
  for (let i = 0; i < width; i++) if (branches.every((b) => isRowtime(b, i))) return { watermarked: true, timeIndex: i };
  const columns = branches.map((b) => `${b.stream.name}.${b.stream.watermark!.column}`).join(', ');
  return {
    watermarked: true,
    noTimeHint: union
      ? `a window over a UNION ALL needs a column that is every branch's own watermarked column (${columns}), selected unchanged at the same position`
      : `select the watermarked column ${columns} unchanged in the subquery`,
  };
}

/** `e` converted to `type` (a widening chosen by unifyTypes). */
function widen(e: BoundExpr, type: SqlType): BoundExpr {
  if (e.type === type) return e;
  if (e.kind === 'literal') return { ...e, type };
  return { kind: 'cast', operand: e, type };
}

/**
 * Binds `q1 UNION ALL q2 ...` to a union of stateless branch plans. Every branch has as many
 * columns as the first; column types must be equal or widen (INT → BIGINT → DOUBLE, NULL to
 * anything), and narrower branches get a CAST. Output names come from the first branch.
 */
export function bindUnion(u: UnionQuery, catalog: Catalog): BoundDerived {
  const branches = u.branches.map((q, i) => bindBranch(q, catalog, i + 1, true));
  const first = branches[0]!;
  const names = first.plan.schema.columns.map((c) => c.name);
  const width = names.length;
  for (const b of branches.slice(1)) {
    const cols = b.plan.schema.columns;
    if (cols.length !== width) {
      throw new EddyError(
        'TYPE_MISMATCH',
        `each branch of a UNION ALL must have the same number of columns: branch 1 has ${width} (${names.join(', ')}), branch ${b.number} has ${cols.length} (${cols.map((c) => c.name).join(', ')})`,
        b.query.span,
        `select ${width} column${width === 1 ? '' : 's'} in every branch, in the same order`,
      );
    }
  }
  const types: SqlType[] = [];
  for (let i = 0; i < width; i++) {
    let t = first.plan.schema.columns[i]!.type;
    for (const b of branches.slice(1)) {
      const c = b.plan.schema.columns[i]!;
      const next = unifyTypes(t, c.type);
      if (next === undefined || next === 'INTERVAL') {
        const sql = exprToSql(b.plan.exprs[i]!, b.plan.input.schema);
        throw new EddyError(
          'TYPE_MISMATCH',
          `column ${i + 1} of the UNION ALL ('${names[i]}') is ${t} in ${b.number === 2 ? 'branch 1' : `branches 1 to ${b.number - 1}`} but ${c.type} in branch ${b.number}`,
          itemSpan(b, i),
          castAllowed(c.type, t) ? `CAST it in branch ${b.number}: CAST(${sql} AS ${t})` : `select a ${t} value at position ${i + 1} in every branch`,
        );
      }
      t = next;
    }
    types.push(t);
  }
  const columns: Column[] = names.map((name, i) => ({ name, type: types[i]! }));
  const inputs: LogicalPlan[] = branches.map((b) => {
    const exprs = b.plan.exprs.map((e, i) => widen(e, types[i]!));
    if (exprs.every((e, i) => e === b.plan.exprs[i])) return b.plan;
    return { ...b.plan, exprs, schema: { columns: b.plan.schema.columns.map((c, i) => ({ name: c.name, type: types[i]! })) } };
  });
  const time = unionTime(branches, width, true);
  return { plan: { kind: 'union', inputs, schema: { columns }, watermarked: time.watermarked, ...(time.timeIndex !== undefined ? { timeIndex: time.timeIndex } : {}) }, ...time };
}

function bindDerived(q: Query, catalog: Catalog): BoundDerived {
  if (q.kind === 'union') return bindUnion(q, catalog);
  const b = bindBranch(q, catalog, 1, false);
  return { plan: b.plan, ...unionTime([b], b.plan.exprs.length, false) };
}

/**
 * Binds FROM (<query>) [alias]: the derived table is a stream-like source whose scope has the
 * query's output columns, qualified by the alias. Its "stream" carries the time attribute as its
 * watermark column, so windows bind over it as over a declared stream.
 */
export function bindDerivedTable(from: Extract<FromItem, { kind: 'subquery' }>, catalog: Catalog): BoundSource {
  const d = bindDerived(from.query, catalog);
  const schema = d.plan.schema;
  const name = from.alias?.name ?? (from.query.kind === 'union' ? 'union' : 'subquery');
  const time = d.timeIndex !== undefined ? schema.columns[d.timeIndex]!.name : undefined;
  const timeExpr: Expr | undefined = time !== undefined ? { kind: 'column', name: { name: time, quoted: true, span: from.span }, span: from.span } : undefined;
  const stream: StreamDef = {
    name,
    schema,
    ...(time !== undefined && timeExpr ? { watermark: { column: time, expr: timeExpr, sql: time } } : {}),
    options: {},
    ddl: '',
  };
  return {
    stream,
    scope: { schema, qualifiers: from.alias ? [from.alias.name] : [] },
    scan: d.plan,
    ...(d.noTimeHint !== undefined ? { noTimeHint: d.noTimeHint } : {}),
  };
}
