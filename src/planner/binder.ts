import type { Span } from '../common/errors.js';
import { EddyError, spanCover } from '../common/errors.js';
import type { Column } from '../common/types.js';
import type { Expr, Query, SelectQuery } from '../parser/ast.js';
import { bindAggregateQuery } from './bind-aggregate.js';
import { bindCondition, bindExpr, containsCall, withUserFunctions, type ExprContext } from './bind-expr.js';
import { bindFrom, WINDOW_COLUMNS, type BoundSource, type QueryBinder } from './bind-from.js';
import { asWindowChangelog } from './bind-window.js';
import { bindSetOp } from './bind-set-op.js';
import { bindUnion } from './bind-union.js';
import { refuseOver, topNOf } from './bind-rank.js';
import { bindOverSelect, hasOverAggregate } from './bind-over.js';
import { applySubqueries, splitWhere } from './bind-subquery.js';
import { windowAssignment } from './window-assignment.js';
import type { BoundExpr } from './bound.js';
import type { Catalog } from './catalog.js';
import { AGGREGATE_FUNCTIONS } from './functions.js';
import { isUpdatingLogical, OP_COLUMN } from './changelog.js';
import type { LogicalPlan, WindowEmit } from './plan.js';
import type { ColumnExpr } from './scope.js';
import { checkQualifier, resolveColumn, visibleColumns } from './scope.js';

export { WINDOW_COLUMNS, type BoundSource } from './bind-from.js';

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

/** Expands `*` and names every SELECT item: its alias, a bare column's name, or Flink's EXPR$<position>; duplicate names are an error. */
export function outputItems(q: SelectQuery, src: BoundSource): OutputItem[] {
  const out: OutputItem[] = [];
  // Names taken so far, and per name the next suffix to try: linear in the items, so a SELECT of
  // thousands of like-named columns does not take seconds (the fuzz pass found one taking three).
  const names = new UniqueNames();
  const push = (o: OutputItem) => {
    out.push(o);
    names.take(o.name);
  };
  for (const item of q.items) {
    if (item.kind === 'star') {
      if (item.qualifier) checkQualifier(src.scope, { kind: 'column', name: item.qualifier, qualifier: item.qualifier, span: item.span });
      const per = src.scope.columnQualifiers;
      for (const { column: c, index } of visibleColumns(src.scope)) {
        if (per && item.qualifier && !per[index]!.includes(item.qualifier.name)) continue;
        // Over a join each column is named through its own side, so a name both sides have stays unambiguous.
        const own = per?.[index]?.[0];
        const qualifier = per ? (own !== undefined ? { qualifier: { name: own, quoted: true, span: item.span } } : {}) : {};
        const expr: Expr = { kind: 'column', ...qualifier, name: { name: c.name, quoted: true, span: item.span }, span: item.span };
        push({ expr, name: per ? names.unique(c.name) : c.name, span: item.span });
      }
      continue;
    }
    const row = item.expr.kind === 'column' ? rowFields(src.scope, item.expr) : null;
    if (row) {
      // A ROW column selected whole (`SELECT person`): its fields, which Eddy stores as columns `person.<field>`.
      for (const f of row.fields) {
        const expr: Expr = { kind: 'column', name: { name: f, quoted: true, span: item.span }, span: item.span };
        push({ expr, name: item.alias ? `${item.alias.name}${f.slice(row.name.length)}` : f, span: item.span });
      }
      continue;
    }
    const derived = item.expr.kind === 'column' ? item.expr.name.name : `EXPR$${out.length}`;
    // A name taken from a column (`A.dateTime, B.dateTime`) is made unique as Calcite does (dateTime0);
    // two explicit aliases alike are a mistake.
    const name = item.alias?.name ?? names.unique(derived);
    if (names.has(name)) {
      throw new EddyError('AMBIGUOUS_COLUMN', `duplicate output column '${name}'`, item.alias?.span ?? item.span, 'give one of them a different alias with AS');
    }
    push({ expr: item.expr, name, span: item.span });
  }
  return out;
}

/** Output names taken so far. */
class UniqueNames {
  private readonly taken = new Set<string>();
  private readonly nextSuffix = new Map<string, number>();

  has(name: string): boolean {
    return this.taken.has(name);
  }

  take(name: string): void {
    this.taken.add(name);
  }

  /** `name`, or as Calcite makes a join's `*` columns unique, name0, name1 ... when an earlier column has it. */
  unique(name: string): string {
    if (!this.taken.has(name)) return name;
    // Suffixes below nextSuffix were all found taken before, and names are never given back.
    let i = this.nextSuffix.get(name) ?? 0;
    while (this.taken.has(`${name}${i}`)) i++;
    this.nextSuffix.set(name, i + 1);
    return `${name}${i}`;
  }
}

/** The flattened fields of a ROW column the reference names (`person` → person.id, ...); null when it names a column. */
function rowFields(scope: BoundSource['scope'], e: Extract<Expr, { kind: 'column' }>): { name: string; fields: string[] } | null {
  const visible = visibleColumns(scope).map((c) => c.column.name);
  const name = e.qualifier && !scope.qualifiers.includes(e.qualifier.name) ? `${e.qualifier.name}.${e.name.name}` : e.name.name;
  if (visible.includes(name)) return null;
  const fields = visible.filter((n) => n.startsWith(`${name}.`));
  return fields.length > 0 ? { name, fields } : null;
}

/** The SELECT list over the source rows; over an updating input, op is carried through first. */
function bindProjection(q: SelectQuery, src: BoundSource, input: LogicalPlan): LogicalPlan {
  const items = outputItems(q, src);
  const ctx = inputContext(src, 'SELECT');
  const exprs = items.map((i) => bindExpr(i.expr, ctx));
  const columns: Column[] = exprs.map((e, i) => ({ name: items[i]!.name, type: e.type }));
  if (!src.updating) return { kind: 'project', input, exprs, schema: { columns } };
  checkNoOpColumn(columns.map((c) => c.name), q, 'the query reads an updating result');
  const op: BoundExpr = { kind: 'inputRef', index: 0, name: OP_COLUMN.name, type: OP_COLUMN.type };
  return { kind: 'project', input, exprs: [op, ...exprs], schema: { columns: [OP_COLUMN, ...columns] } };
}

/** AMBIGUOUS_COLUMN when an output column of an updating result is named like its change kind column. */
export function checkNoOpColumn(names: readonly string[], q: SelectQuery, why: string): void {
  if (!names.includes(OP_COLUMN.name)) return;
  const item = q.items.find((i) => i.kind === 'expr' && (i.alias?.name ?? (i.expr.kind === 'column' ? i.expr.name.name : '')) === OP_COLUMN.name);
  throw new EddyError(
    'AMBIGUOUS_COLUMN',
    `output column '${OP_COLUMN.name}' clashes with the change kind column of an updating result`,
    item?.span ?? q.span,
    `${why}, so it outputs '${OP_COLUMN.name}' (+I, -U, +U, -D) first; give this column another name with AS`,
  );
}

const isAggregate = (name: string): boolean => AGGREGATE_FUNCTIONS.has(name);

/** Binds a query: a SELECT (bindSelect) or a UNION ALL (bind-union.ts). `emit` applies to every window in it. */
export function bindQuery(q: Query, catalog: Catalog, emit?: WindowEmit): LogicalPlan {
  return withUserFunctions((name) => catalog.userFunction(name), () => bindWithHints(q, catalog, emit).plan);
}

/** bindQuery, with the union's reasons why a column cannot drive a window (for derived tables over it). */
export const bindWithHints: QueryBinder = (q, catalog, emit) =>
  q.kind === 'union' ? bindUnion(q, catalog, emit) : q.kind === 'setOp' ? bindSetOp(q, catalog, emit) : { plan: bindSelect(q, catalog, emit) };

/**
 * Binds a SELECT over a stream, view, derived table or windowing table function to a logical plan:
 * source → [filter] → (project | (windowAggregate | groupAggregate) → [filter] → project) → [limit].
 * Resolves names and types (errors carry spans and hints); leaves simplification to optimize(). With `emit`
 * (allowed lateness or early fire) a windowed aggregate becomes an updating changelog, op first.
 */
export function bindSelect(q: SelectQuery, catalog: Catalog, emit?: WindowEmit, bind: QueryBinder = bindWithHints): LogicalPlan {
  // Top-N: the derived table's ROW_NUMBER() and this WHERE's bound on it bind to one rank (bind-rank.ts).
  const topN = bind === bindWithHints ? topNOf(q) : undefined;
  if (topN) return bindSelect(topN.query, catalog, emit, topN.binder);
  // OVER aggregates (bind-over.ts): append-only, each row with its frame's aggregates.
  if (hasOverAggregate(q)) return bindOverSelect(q, catalog, emit, bind);
  refuseOver(q);
  // IN / EXISTS subquery conjuncts of WHERE become semi/anti joins (bind-subquery.ts), after the rest filters.
  const { plain: where, subqueries } = splitWhere(q.where);
  const from = bindFrom(q.from, catalog, emit, bind, where);
  const aggregating =
    q.groupBy.length > 0 ||
    q.groupingSets !== undefined ||
    q.having !== undefined ||
    q.items.some((i) => i.kind === 'expr' && containsCall(i.expr, isAggregate));
  let src = from.tvf && !aggregating ? windowAssignment(from) : from;
  let plan = src.scan;
  if (where) {
    const predicate = bindCondition(where, inputContext(src, 'WHERE'), 'the WHERE condition');
    plan = { kind: 'filter', input: plan, predicate, schema: plan.schema };
  }
  if (subqueries.length > 0) {
    if (src.tvf) {
      throw new EddyError('UNSUPPORTED', 'an IN / EXISTS subquery over a windowing table function is not supported here', subqueries[0]!.span, 'join the windows instead (a window join), or filter the input stream before windowing it');
    }
    src = applySubqueries(subqueries, src, plan, { catalog, emit, bind: bindWithHints, outer: (s) => inputContext(s, 'WHERE') });
    plan = src.scan;
  }
  plan = aggregating || src.tvf ? asWindowChangelog(bindAggregateQuery(q, src, plan), emit, q) : bindProjection(q, src, plan);
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
