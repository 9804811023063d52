import { EddyError, type Span } from '../common/errors.js';
import type { Column } from '../common/types.js';
import type { Expr, OverSpec, SelectQuery } from '../parser/ast.js';
import { bindFrom, type BoundSource, type QueryBinder } from './bind-from.js';
import { bindCondition, bindExpr } from './bind-expr.js';
import { inputContext, outputItems } from './binder.js';
import type { AggCall, BoundExpr } from './bound.js';
import type { Catalog } from './catalog.js';
import { aggDisplay } from './expr-sql.js';
import { AGGREGATE_FUNCTIONS, aggregateCallType } from './functions.js';
import type { LogicalPlan, WindowEmit } from './plan.js';

/**
 * OVER aggregates, as Flink runs them on a stream: `agg(x) OVER (PARTITION BY k ORDER BY ts
 * ROWS BETWEEN n PRECEDING AND CURRENT ROW)` or `RANGE BETWEEN INTERVAL ... PRECEDING AND CURRENT ROW`,
 * ordered ascending by an event-time attribute. Every OVER call of the SELECT shares one window
 * (Flink's rule); the SELECT binds to source → [filter] → overAggregate → project, append-only.
 */

type CallExpr = Extract<Expr, { kind: 'call' }>;

/** Every OVER aggregate call in `x` (generic AST walk). */
function overAggregates(x: unknown, out: CallExpr[] = []): CallExpr[] {
  if (x === null || typeof x !== 'object') return out;
  if (Array.isArray(x)) {
    for (const y of x) overAggregates(y, out);
    return out;
  }
  const o = x as Record<string, unknown>;
  if (o['kind'] === 'call' && o['over'] !== undefined && AGGREGATE_FUNCTIONS.has(o['name'] as string)) {
    out.push(o as unknown as CallExpr);
    return out;
  }
  for (const [k, v] of Object.entries(o)) if (k !== 'span' && k !== 'nameSpan') overAggregates(v, out);
  return out;
}

/** Whether the SELECT list has an OVER aggregate. */
export const hasOverAggregate = (q: SelectQuery): boolean => overAggregates(q.items).length > 0;

function refuse(what: string, span: Span, hint: string): never {
  throw new EddyError('UNSUPPORTED', what, span, hint);
}

const EXAMPLE = "SUM(x) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW)";

/** The window spec without spans, to compare two OVER clauses. */
function specText(s: OverSpec): string {
  return JSON.stringify(s, (k, v: unknown) => (k === 'span' ? undefined : v));
}

/** Binds a SELECT with OVER aggregates (see the file comment). */
export function bindOverSelect(q: SelectQuery, catalog: Catalog, emit: WindowEmit | undefined, bind: QueryBinder): LogicalPlan {
  const calls = overAggregates(q.items);
  const first = calls[0]!;
  const over = first.over!;
  if (q.groupBy.length > 0 || q.having) refuse('GROUP BY in the same SELECT as an OVER aggregate is not supported', q.span, 'aggregate in a subquery, or use the OVER aggregate alone');
  const other = calls.find((c) => specText(c.over!) !== specText(over));
  if (other) refuse('every OVER aggregate of a SELECT must use the same window (as in Flink)', other.over!.span, `write the window of ${first.name}(...) here too`);
  const src = bindFrom(q.from, catalog, emit, bind, q.where);
  if (src.tvf) refuse('an OVER aggregate over a windowing table function is not supported', src.tvf.span, 'read the stream directly');
  if (src.updating) refuse('an OVER aggregate over an updating result is not supported', q.span, 'Flink requires an append-only input; aggregate the stream itself');
  let plan = src.scan;
  if (q.where) {
    const predicate = bindCondition(q.where, inputContext(src, 'WHERE'), 'the WHERE condition');
    plan = { kind: 'filter', input: plan, predicate, schema: plan.schema };
  }
  const ctx = inputContext(src, 'OVER');
  const partitionKeys = over.partitionBy.map((e) => bindExpr(e, ctx));
  const timeIndex = orderTime(over, src, ctx);
  const frame = over.frame;
  // No frame: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW, SQL's default with an ORDER BY (as Flink).
  const unit = frame?.unit ?? 'RANGE';
  const preceding = frame?.preceding ?? 'unbounded';
  const width = plan.schema.columns.length;
  const aggs: AggCall[] = [];
  const refs = new Map<CallExpr, BoundExpr>();
  const argCtx = inputContext(src, 'an aggregate argument');
  for (const c of calls) {
    const bound = c.args.map((a) => bindExpr(a, argCtx));
    const sig = aggregateCallType(c.name, c.star, bound.map((b, i) => ({ type: b.type, span: c.args[i]!.span, expr: b })), c.span, c.distinct);
    if (sig.fn === 'FIRST_VALUE' || sig.fn === 'LAST_VALUE' || sig.constants?.length) refuse(`${c.name} is not supported as an OVER aggregate yet`, c.span, 'use SUM, COUNT, AVG, MIN or MAX');
    const filter = c.filter ? bindCondition(c.filter, inputContext(src, 'FILTER'), 'the FILTER condition') : undefined;
    const arg = bound[0];
    const call: AggCall = {
      fn: sig.fn,
      distinct: c.distinct,
      type: sig.type,
      display: `${aggDisplay(sig.fn, arg, c.distinct, filter, plan.schema)} OVER`,
      ...(arg ? { arg } : {}),
      ...(filter ? { filter } : {}),
    };
    refs.set(c, { kind: 'inputRef', index: width + aggs.length, name: `over$${aggs.length}`, type: sig.type });
    aggs.push(call);
  }
  const columns: Column[] = [...plan.schema.columns, ...aggs.map((a, i) => ({ name: `over$${i}`, type: a.type }))];
  const overPlan: LogicalPlan = { kind: 'overAggregate', input: plan, partitionKeys, timeIndex, frame: { unit, preceding }, aggs, schema: { columns } };
  const ranked: BoundSource = { ...src, scan: overPlan };
  const items = outputItems(q, ranked);
  const exprCtx = { ...inputContext(ranked, 'SELECT'), intercept: (e: Expr) => (e.kind === 'call' ? refs.get(e) : undefined) };
  const exprs = items.map((i) => bindExpr(i.expr, exprCtx));
  let out: LogicalPlan = { kind: 'project', input: overPlan, exprs, schema: { columns: exprs.map((e, i) => ({ name: items[i]!.name, type: e.type })) } };
  if (q.limit !== undefined) out = { kind: 'limit', input: out, count: q.limit, schema: out.schema };
  return out;
}

/** The event-time column an OVER window orders by: exactly one, ascending, a time attribute (Flink's rule). */
function orderTime(over: OverSpec, src: BoundSource, ctx: ReturnType<typeof inputContext>): number {
  const hint = `order by the stream's event-time column: ${EXAMPLE}`;
  if (over.orderBy.length !== 1) refuse("OVER windows' ordering in stream mode must be defined on a time attribute (one ORDER BY column)", over.span, hint);
  const o = over.orderBy[0]!;
  if (o.desc) refuse('an OVER window must be ordered ascending by time', o.span, hint);
  const e = bindExpr(o.expr, ctx);
  if (e.kind !== 'inputRef' || !src.time.rowtimes.includes(e.index)) {
    const why = e.kind === 'inputRef' ? src.time.whyNot(e.name) : undefined;
    refuse("OVER windows' ordering in stream mode must be defined on a time attribute", o.expr.span, why ?? hint);
  }
  return e.index;
}
