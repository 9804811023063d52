import type { Span } from '../common/errors.js';
import { EddyError, spanCover } from '../common/errors.js';
import type { Column } from '../common/types.js';
import type { Expr, FromItem, Query, SelectQuery } from '../parser/ast.js';
import { bindAggregateQuery } from './bind-aggregate.js';
import { bindCondition, bindExpr, containsCall, type ExprContext } from './bind-expr.js';
import type { BoundWindow } from './bind-window.js';
import { asWindowChangelog, asWindowFn, bindTvfWindow, type WindowEmit } from './bind-window.js';
import { bindDerivedTable, bindUnion } from './bind-union.js';
import type { BoundExpr } from './bound.js';
import type { Catalog, StreamDef } from './catalog.js';
import { AGGREGATE_FUNCTIONS } from './functions.js';
import { isUpdatingLogical } from './changelog.js';
import type { LogicalPlan } from './plan.js';
import type { ColumnExpr, Scope } from './scope.js';
import { checkQualifier, resolveColumn } from './scope.js';
import { bindWatermark } from './stream-def.js';

export const WINDOW_COLUMNS: readonly string[] = ['window_start', 'window_end', 'window_time'];

/** What FROM resolved to: the stream, the scope its columns are visible in, its scan, and the window of a windowing TVF. */
export interface BoundSource {
  readonly stream: StreamDef;
  readonly scope: Scope;
  readonly scan: LogicalPlan;
  readonly tvf?: { readonly window: BoundWindow; readonly partitionKeys: readonly BoundExpr[]; readonly span: Span };
  /** A derived table (FROM (SELECT ... UNION ALL ...)) without a time attribute: why no window can run over it. */
  readonly noTimeHint?: string;
}

/** One SELECT item after `*` expansion, with its output name. */
export interface OutputItem {
  readonly expr: Expr;
  readonly name: string;
  readonly span: Span;
}

/** Whether a column reference names a column added by a windowing TVF (window_start, window_end, window_time). */
export function isTvfColumn(src: BoundSource, c: ColumnExpr): boolean {
  if (!src.tvf || !WINDOW_COLUMNS.includes(c.name.name)) return false;
  checkQualifier(src.scope, c);
  return !src.scope.schema.columns.some((x) => x.name === c.name.name);
}

/** The context for expressions over the source rows (WHERE, GROUP BY, aggregate arguments). */
export function inputContext(src: BoundSource, clause: string): ExprContext {
  return {
    scope: src.scope,
    clause,
    column: (c) => {
      if (isTvfColumn(src, c)) {
        throw new EddyError('UNSUPPORTED', `${c.name.name} cannot be used in ${clause}`, c.span, `${c.name.name} exists only after GROUP BY window_start, window_end; use it in SELECT or HAVING`);
      }
      return resolveColumn(src.scope, c);
    },
  };
}

function bindFrom(from: FromItem, catalog: Catalog): BoundSource {
  if (from.kind === 'subquery') return bindDerivedTable(from, catalog);
  const name = from.kind === 'stream' ? from.name : from.table;
  const stream = catalog.get(name.name, name.span);
  const qualifiers = [stream.name, ...(from.alias ? [from.alias.name] : [])];
  const watermark = bindWatermark(stream);
  const scan: LogicalPlan = { kind: 'scan', stream, schema: stream.schema, ...(watermark ? { watermark } : {}) };
  if (from.kind === 'stream') return { stream, scope: { schema: stream.schema, qualifiers }, scan };
  const scope: Scope = { schema: stream.schema, qualifiers, extraNames: WINDOW_COLUMNS };
  const window = bindTvfWindow(from, stream, scope);
  if (from.partitionBy.length > 0 && from.fn !== 'SESSION') {
    throw new EddyError('UNSUPPORTED', `PARTITION BY is only allowed in a SESSION window, not ${from.fn}`, from.partitionBy[0]!.span, 'move the columns to GROUP BY instead');
  }
  const ctx: ExprContext = { scope, clause: 'PARTITION BY' };
  const partitionKeys = from.partitionBy.map((e) => bindExpr(e, ctx));
  return { stream, scope, scan, tvf: { window, partitionKeys, span: from.span } };
}

/** Expands `*` and names every SELECT item: its alias, a bare column's name, or Flink's EXPR$<position>; duplicate names are an error. */
export function outputItems(q: SelectQuery, src: BoundSource): OutputItem[] {
  const out: OutputItem[] = [];
  for (const item of q.items) {
    if (item.kind === 'star') {
      if (item.qualifier) checkQualifier(src.scope, { kind: 'column', name: item.qualifier, qualifier: item.qualifier, span: item.span });
      for (const c of src.scope.schema.columns) {
        const expr: Expr = { kind: 'column', name: { name: c.name, quoted: true, span: item.span }, span: item.span };
        out.push({ expr, name: c.name, span: item.span });
      }
      continue;
    }
    const name = item.alias?.name ?? (item.expr.kind === 'column' ? item.expr.name.name : `EXPR$${out.length}`);
    const dup = out.find((o) => o.name === name);
    if (dup) {
      throw new EddyError('AMBIGUOUS_COLUMN', `duplicate output column '${name}'`, item.alias?.span ?? item.span, 'give one of them a different alias with AS');
    }
    out.push({ expr: item.expr, name, span: item.span });
  }
  return out;
}

function bindProjection(q: SelectQuery, src: BoundSource, input: LogicalPlan): LogicalPlan {
  const items = outputItems(q, src);
  const ctx = inputContext(src, 'SELECT');
  const exprs = items.map((i) => bindExpr(i.expr, ctx));
  const columns: Column[] = exprs.map((e, i) => ({ name: items[i]!.name, type: e.type }));
  return { kind: 'project', input, exprs, schema: { columns } };
}

const isAggregate = (name: string): boolean => AGGREGATE_FUNCTIONS.has(name);

/** Binds a query: a SELECT (bindSelect) or a UNION ALL of stateless SELECTs (bind-union.ts). */
export function bindQuery(q: Query, catalog: Catalog, emit?: WindowEmit): LogicalPlan {
  return q.kind === 'union' ? bindUnion(q, catalog).plan : bindSelect(q, catalog, emit);
}

/** NO_WATERMARK for a GROUP BY window over a derived table that has no time attribute, with the reason as hint. */
function checkDerivedWindow(q: SelectQuery, src: BoundSource): void {
  if (src.noTimeHint === undefined) return;
  for (const g of q.groupBy) {
    const time = g.kind === 'call' && asWindowFn(g.name) ? g.args[0] : undefined;
    if (time?.kind !== 'column') continue;
    resolveColumn(src.scope, time);
    throw new EddyError('NO_WATERMARK', `column '${time.name.name}' has no watermark, so it cannot drive an event-time window`, time.span, src.noTimeHint);
  }
}

/**
 * Binds a SELECT over one stream or derived table to a logical plan: scan → [filter] → (project | (windowAggregate | groupAggregate) → [filter] → project) → [limit].
 * Resolves names and types (errors carry spans and hints); leaves simplification to optimize(). With `emit`
 * (allowed lateness or early fire) a windowed aggregate becomes an updating changelog, op first.
 */
export function bindSelect(q: SelectQuery, catalog: Catalog, emit?: WindowEmit): LogicalPlan {
  const src = bindFrom(q.from, catalog);
  checkDerivedWindow(q, src);
  let plan = src.scan;
  if (q.where) {
    const predicate = bindCondition(q.where, inputContext(src, 'WHERE'), 'the WHERE condition');
    plan = { kind: 'filter', input: plan, predicate, schema: plan.schema };
  }
  const aggregating =
    q.groupBy.length > 0 ||
    q.having !== undefined ||
    src.tvf !== undefined ||
    q.items.some((i) => i.kind === 'expr' && containsCall(i.expr, isAggregate));
  plan = aggregating ? asWindowChangelog(bindAggregateQuery(q, src, plan), emit, q) : bindProjection(q, src, plan);
  if (q.limit !== undefined) {
    if (!Number.isInteger(q.limit) || q.limit < 0) {
      throw new EddyError('TYPE_MISMATCH', `LIMIT must be a non-negative integer, got ${q.limit}`, q.span, 'write LIMIT 10');
    }
    if (isUpdatingLogical(plan)) {
      throw new EddyError(
        'UNSUPPORTED',
        'LIMIT over an updating result (a GROUP BY without a window) is not supported',
        q.span,
        "the first n changes are not the first n result rows; remove LIMIT, or group into a window, e.g. GROUP BY ..., TUMBLE(ts, INTERVAL '10' SECOND)",
      );
    }
    plan = { kind: 'limit', input: plan, count: q.limit, schema: plan.schema };
  }
  return plan;
}

/** Span covering a list of expressions (e.g. the whole GROUP BY list). */
export function spanOfList(xs: readonly { readonly span: Span }[], fallback: Span): Span {
  return xs.length ? spanCover(xs[0]!.span, xs[xs.length - 1]!.span) : fallback;
}
