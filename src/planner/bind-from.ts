import { isOneRow, ONE_ROW_STREAM, valuesQuery } from './bind-values.js';
import type { Span } from '../common/errors.js';
import { EddyError, assertNever } from '../common/errors.js';
import type { Expr, FromItem, Ident, Query } from '../parser/ast.js';
import { bindExpr, type ExprContext } from './bind-expr.js';
import { bindJoin } from './bind-join.js';
import { bindUnnest } from './bind-unnest.js';
import { bindTvfWindow, type BoundWindow, type WindowEmit } from './bind-window.js';
import type { BoundExpr } from './bound.js';
import type { Catalog, StreamDef, ViewDef } from './catalog.js';
import { isUpdatingLogical } from './changelog.js';
import type { LogicalPlan } from './plan.js';
import type { Scope } from './scope.js';
import { bindWatermark } from './stream-def.js';
import { streamProctimes, timeAttributes, type WindowColumns } from './time-attributes.js';

export const WINDOW_COLUMNS: readonly string[] = ['window_start', 'window_end', 'window_time'];

/** Which columns of a FROM item can drive an event-time window, and why another cannot. */
export interface EventTime {
  /** Row positions of the time attributes (a stream's watermarked column; window_end / window_time of a windowed result). */
  readonly rowtimes: readonly number[];
  /** Positions of the start and end of one window (a windowed result's window_start, window_end). */
  readonly windows: readonly WindowColumns[];
  /** The hint of the NO_WATERMARK error for a window on column `name`. */
  readonly whyNot: (name: string) => string;
  /** Row positions of the processing-time attributes (PROCTIME()), see TimeAttributes.proctimes. */
  readonly proctimes?: readonly number[];
}

/** What FROM resolved to: the scope its columns are visible in, the plan producing its rows, its event time, and the window of a windowing TVF. */
export interface BoundSource {
  /** The stream, view or alias name, for messages. */
  readonly name: string;
  readonly scope: Scope;
  readonly scan: LogicalPlan;
  readonly time: EventTime;
  /** Its rows are an updating changelog (op in column 0, hidden from names). */
  readonly updating: boolean;
  readonly tvf?: { readonly window: BoundWindow; readonly partitionKeys: readonly BoundExpr[]; readonly span: Span };
}

/** Binds a query (SELECT or UNION ALL) to its logical plan, with the reasons a column of it cannot be a window's time (binder.ts provides it). */
export type QueryBinder = (q: Query, catalog: Catalog, emit: WindowEmit | undefined) => { readonly plan: LogicalPlan; readonly whyNot?: (name: string) => string | undefined };

/** A declared stream read directly. */
function streamSource(stream: StreamDef, alias: Ident | undefined): BoundSource {
  const watermark = bindWatermark(stream);
  const scan: LogicalPlan = { kind: 'scan', stream, schema: stream.schema, ...(watermark ? { watermark } : {}) };
  const wm = stream.watermark;
  const proctimes = streamProctimes(stream);
  return {
    name: stream.name,
    scope: { schema: stream.schema, qualifiers: [stream.name, ...(alias ? [alias.name] : [])] },
    scan,
    updating: false,
    time: {
      ...(proctimes.length > 0 ? { proctimes } : {}),
      rowtimes: watermark ? [watermark.timeIndex] : [],
      windows: [],
      whyNot: (name) =>
        wm ? `'${stream.name}' has its watermark on '${wm.column}'; window on that column` : `declare WATERMARK FOR ${name} AS ${name} - INTERVAL '5' SECOND in CREATE STREAM`,
    },
  };
}

/**
 * A derived table (FROM (<query>) [alias], or a view): its rows are the query's, its columns the
 * query's output columns (an updating result's op column hidden), qualified by the alias.
 */
export function derivedSource(query: Query, name: string, qualifiers: readonly string[], catalog: Catalog, emit: WindowEmit | undefined, bind: QueryBinder, columns?: readonly Ident[], what = 'view'): BoundSource {
  const bound = bind(query, catalog, emit);
  let plan = bound.plan;
  const updating = isUpdatingLogical(plan);
  if (columns) plan = renamed(plan, columns, updating, name, what);
  const t = timeAttributes(plan);
  const named = (i: number): string => plan.schema.columns[i]!.name;
  const whyNot = (col: string): string => {
    if (updating) return `'${name}' is an updating result (it aggregates without a window); a window needs append-only rows`;
    const own = bound.whyNot?.(col);
    if (own !== undefined) return own;
    if (!t.watermarked) return `the rows of '${name}' have no watermark: declare a WATERMARK on the streams it reads`;
    if (t.rowtimes.length > 0) return `'${name}' has its watermark on '${named(t.rowtimes[0]!)}'; window on that column`;
    return `select a watermarked column (or window_time) unchanged in '${name}' to window over it`;
  };
  return { name, scope: { schema: plan.schema, qualifiers, changeColumn: updating }, scan: plan, updating, time: { rowtimes: t.rowtimes, windows: t.windows, whyNot, ...(t.proctimes ? { proctimes: t.proctimes } : {}) } };
}

/** The plan under the column names of CREATE VIEW v (a, b, ...). */
function renamed(plan: LogicalPlan, columns: readonly Ident[], updating: boolean, view: string, what: string): LogicalPlan {
  const cols = plan.schema.columns;
  const visible = updating ? cols.length - 1 : cols.length;
  if (columns.length !== visible) {
    throw new EddyError('TYPE_MISMATCH', `${what} '${view}' names ${columns.length} column${columns.length === 1 ? '' : 's'}, but its ${what === 'view' ? 'query produces' : 'rows have'} ${visible}`, columns[0]?.span, 'name every column of the query, in order');
  }
  const names = [...(updating ? [cols[0]!.name] : []), ...columns.map((c) => c.name)];
  const exprs: BoundExpr[] = cols.map((c, i) => ({ kind: 'inputRef', index: i, name: c.name, type: c.type }));
  return { kind: 'project', input: plan, exprs, schema: { columns: cols.map((c, i) => ({ name: names[i]!, type: c.type })) } };
}

function viewSource(view: ViewDef, alias: Ident | undefined, catalog: Catalog, emit: WindowEmit | undefined, bind: QueryBinder): BoundSource {
  return derivedSource(view.query, alias?.name ?? view.name, [view.name, ...(alias ? [alias.name] : [])], catalog, emit, bind, view.columns);
}

/** A stream or view by name. */
function namedSource(name: Ident, alias: Ident | undefined, catalog: Catalog, emit: WindowEmit | undefined, bind: QueryBinder): BoundSource {
  const rel = catalog.relation(name.name, name.span);
  return rel.kind === 'stream' ? streamSource(rel.def, alias) : viewSource(rel.def, alias, catalog, emit, bind);
}

/**
 * Binds a FROM item: a stream, a view, a derived table, a windowing table function over a stream
 * or view, or a join of items (`where`: the query's WHERE, where a comma join finds its keys).
 */
export function bindFrom(from: FromItem, catalog: Catalog, emit: WindowEmit | undefined, bind: QueryBinder, where?: Expr): BoundSource {
  switch (from.kind) {
    case 'join':
      if (from.right.kind === 'unnest') return bindUnnest(from, from.right, bindFrom(from.left, catalog, emit, bind, where));
      return bindJoin(from, bindFrom(from.left, catalog, emit, bind, where), bindFrom(from.right, catalog, emit, bind, where), where);
    case 'stream':
      return namedSource(from.name, from.alias, catalog, emit, bind);
    case 'subquery': {
      const name = from.alias?.name ?? (from.query.kind === 'union' ? 'union' : 'subquery');
      return derivedSource(from.query, name, from.alias ? [from.alias.name] : [], catalog, emit, bind, from.columns, 'derived table');
    }
    case 'values':
      if (isOneRow(from)) return streamSource(ONE_ROW_STREAM, from.alias);
      return derivedSource(valuesQuery(from), from.alias?.name ?? 'values', from.alias ? [from.alias.name] : [], catalog, emit, bind, from.columns, 'VALUES table');
    case 'windowTvf': {
      const inner = namedSource(from.table, from.alias, catalog, emit, bind);
      const clash = inner.scope.schema.columns.find((c) => WINDOW_COLUMNS.includes(c.name));
      if (clash) {
        // The table function adds these columns; Flink refuses an input that already has one too.
        throw new EddyError(
          'AMBIGUOUS_COLUMN',
          `'${from.table.name}' already has a column '${clash.name}', which ${from.fn} adds`,
          from.table.span,
          `rename it where '${from.table.name}' is defined (e.g. ${clash.name} AS ${clash.name.replace('window_', 'inner_')}), as Flink's cascading window example does`,
        );
      }
      const scope: Scope = { ...inner.scope, extraNames: WINDOW_COLUMNS };
      const window = bindTvfWindow(from, { ...inner, scope });
      if (from.partitionBy.length > 0 && from.fn !== 'SESSION') {
        throw new EddyError('UNSUPPORTED', `PARTITION BY is only allowed in a SESSION window, not ${from.fn}`, from.partitionBy[0]!.span, 'move the columns to GROUP BY instead');
      }
      const ctx: ExprContext = { scope, clause: 'PARTITION BY' };
      const partitionKeys = from.partitionBy.map((e: Expr) => bindExpr(e, ctx));
      return { ...inner, scope, tvf: { window, partitionKeys, span: from.span } };
    }
    case 'unnest':
      throw new EddyError('UNSUPPORTED', 'UNNEST is supported only joined to the table holding the collection', from.span, 'write FROM t CROSS JOIN UNNEST(t.tags) AS x (tag)');
    default:
      return assertNever(from, 'FROM item');
  }
}
