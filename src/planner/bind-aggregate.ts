import { EddyError } from '../common/errors.js';
import { planJson } from '../common/exact.js';
import type { Column, Schema } from '../common/types.js';
import type { Expr, SelectQuery } from '../parser/ast.js';
import { bindCondition, bindExpr, columnRefs, containsCall, type ExprContext } from './bind-expr.js';
import { bindGroupingCall, bindGroupingSets, expandedKeys, expandPlan, isGroupingCall, SET_ID_COLUMN, setKeyExprs } from './bind-grouping-sets.js';
import type { BoundWindow } from './bind-window.js';
import { asWindowFn, bindGroupWindow, checkAuxMatches } from './bind-window.js';
import type { BoundSource } from './binder.js';
import { checkNoOpColumn, inputContext, isTvfColumn, outputItems, spanOfList } from './binder.js';
import { RETRACTABLE_AGGREGATES, type AggCall, type AggFn, type BoundExpr } from './bound.js';
import { OP_COLUMN } from './changelog.js';
import { aggDisplay, exprToSql } from './expr-sql.js';
import { AGGREGATE_FUNCTIONS, aggregateCallType, windowAux } from './functions.js';
import { APPEND_ONLY_EMIT, type LogicalPlan } from './plan.js';
import { resolveColumn } from './scope.js';
import type { WindowColumns } from './time-attributes.js';

/** An aggregate as written (the alias STDDEV stays STDDEV), with its constant arguments, e.g. "LISTAGG(name, '; ')". */
function displayOf(name: string, fn: AggFn, arg: BoundExpr | undefined, constants: readonly BoundExpr[] | undefined, distinct: boolean, filter: BoundExpr | undefined, input: Schema): string {
  const plain = aggDisplay(fn, arg, distinct, filter, input);
  const shown = fn === 'COUNT_STAR' ? 'COUNT' : fn;
  const written = name === shown ? plain : `${name}${plain.slice(shown.length)}`;
  if (!constants?.length || arg === undefined) return written;
  const at = written.indexOf('(') + 1 + (distinct ? 'DISTINCT '.length : 0) + exprToSql(arg, input).length;
  return `${written.slice(0, at)}${constants.map((c) => `, ${exprToSql(c, input)}`).join('')}${written.slice(at)}`;
}

const sameExpr = (a: BoundExpr, b: BoundExpr): boolean => planJson(a) === planJson(b);
const isAggOrAux = (name: string): boolean => AGGREGATE_FUNCTIONS.has(name) || windowAux(name) !== undefined || name === 'GROUPING' || name === 'GROUPING_ID';

interface GroupBy {
  /** Absent for a non-windowed GROUP BY (an updating result). */
  readonly window: BoundWindow | undefined;
  readonly keys: readonly BoundExpr[];
  /** GROUP BY both columns of a windowed input's window: the rows already carry their window (see attachedWindow). */
  readonly attached?: WindowColumns;
  /** GROUPING SETS / ROLLUP / CUBE: per set, the positions in `keys` it groups by (an Expand below the aggregate). */
  readonly sets?: readonly (readonly number[])[];
}

function bindGroupBy(q: SelectQuery, src: BoundSource): GroupBy {
  const ctx = inputContext(src, 'GROUP BY');
  let window = src.tvf?.window;
  const keys: BoundExpr[] = [...(src.tvf?.partitionKeys ?? [])];
  const tvfColumns = new Set<string>();
  for (const g of q.groupBy) {
    const fn = g.kind === 'call' ? asWindowFn(g.name) : undefined;
    if (g.kind === 'call' && fn) {
      if (src.tvf) {
        throw new EddyError('UNSUPPORTED', `GROUP BY ${fn}(...) cannot be combined with a windowing table function`, g.span, 'group by window_start, window_end instead');
      }
      if (window) {
        throw new EddyError('UNSUPPORTED', 'only one window is allowed per GROUP BY', g.span, `remove ${fn}(...) or the other window from GROUP BY`);
      }
      window = bindGroupWindow(g, fn, src);
      continue;
    }
    if (g.kind === 'column' && isTvfColumn(src, g)) {
      tvfColumns.add(g.name.name);
      continue;
    }
    const key = bindExpr(g, ctx);
    if (!keys.some((k) => sameExpr(k, key))) keys.push(key);
  }
  if (!window && !src.tvf) {
    const attached = attachedWindow(q, src, keys);
    if (attached) return withSets(attached, bindGroupingSets(q, src, attached.keys, 'attached'));
  }
  if (src.tvf) {
    const missing = ['window_start', 'window_end'].filter((c) => !tvfColumns.has(c));
    if (q.groupBy.length === 0) {
      throw new EddyError('UNSUPPORTED', 'an aggregate over a windowing table function needs GROUP BY window_start, window_end', src.tvf.span, 'aggregate per window: GROUP BY window_start, window_end');
    }
    if (missing.length) {
      throw new EddyError('UNSUPPORTED', `GROUP BY over a windowing table function must include window_start and window_end`, spanOfList(q.groupBy, q.span), `add ${missing.join(' and ')} to GROUP BY`);
    }
  }
  return withSets({ window, keys }, bindGroupingSets(q, src, keys, src.tvf ? 'tvf' : window ? 'group' : undefined));
}

const withSets = (g: GroupBy, sets: readonly (readonly number[])[] | undefined): GroupBy => (sets ? { ...g, sets } : g);

/**
 * A GROUP BY over a windowed result (a window aggregate, or a window TVF's rows) that includes its
 * window's start and end columns aggregates per that window, as Flink plans it: an append-only
 * window aggregate whose rows carry their window, fired when the watermark passes its end. A
 * SESSION window is not on a grid: the row's window is [its start column, its end column); as in
 * Flink, only a GROUP BY whose other keys are exactly the sessions' keys is one (any other stays a
 * plain updating GROUP BY).
 */
function attachedWindow(q: SelectQuery, src: BoundSource, keys: readonly BoundExpr[]): GroupBy | undefined {
  if (src.updating) return undefined;
  const refsOf = (ks: readonly BoundExpr[]): Set<number> => new Set(ks.flatMap((k) => (k.kind === 'inputRef' ? [k.index] : [])));
  // With grouping sets, the window must be in every set (otherwise the sets without it are a plain GROUP BY).
  const everySet = setKeyExprs(q, src)?.map(refsOf) ?? [refsOf(keys)];
  const w = src.time.windows.find((x) => everySet.every((refs) => refs.has(x.start) && refs.has(x.end)) && (x.sessionKeys === undefined || sameSessionKeys(keys, x)));
  if (!w) return undefined;
  const rest = keys.filter((k) => !(k.kind === 'inputRef' && (k.index === w.start || k.index === w.end)));
  const fn = w.spec.kind.toUpperCase() as BoundWindow['fn'];
  return { window: { fn, spec: w.spec, timeIndex: w.end, argsMs: [], span: spanOfList(q.groupBy, q.span) }, keys: rest, attached: w };
}

/** Whether the GROUP BY keys other than the window's start and end are exactly the session window's keys (Flink's WindowUtil.validGroupKeyPartitionKey). */
function sameSessionKeys(keys: readonly BoundExpr[], w: WindowColumns): boolean {
  const rest = keys.filter((k) => !(k.kind === 'inputRef' && (k.index === w.start || k.index === w.end)));
  if (!rest.every((k) => k.kind === 'inputRef')) return false;
  const restSet = new Set(rest.map((k) => (k as Extract<BoundExpr, { kind: 'inputRef' }>).index));
  const sessionSet = new Set(w.sessionKeys);
  return restSet.size === sessionSet.size && [...restSet].every((i) => sessionSet.has(i));
}

/**
 * Binds an aggregating SELECT: GROUP BY keys and window → windowAggregate ([...keys, window_start, window_end, ...aggs]),
 * or without a window → groupAggregate ([op, ...keys, ...aggs], an updating changelog), then HAVING as a filter and
 * the SELECT list as a project over that output (op projected through first). Non-grouped columns are NOT_GROUPED errors.
 */
export function bindAggregateQuery(q: SelectQuery, src: BoundSource, input: LogicalPlan): LogicalPlan {
  const { window, keys, attached, sets } = bindGroupBy(q, src);
  const inCtx = inputContext(src, 'GROUP BY');
  // The aggregate's keys: with grouping sets, the set id $e is the last one (the Expand appends it).
  const k = keys.length + (sets ? 1 : 0);
  // Where keys and aggregates sit in the aggregate's output row.
  const keyAt = window ? 0 : 1;
  const aggAt = window ? k + 2 : 1 + k;
  const keyColumns: Column[] = keys.map((e, i) => ({ name: e.kind === 'inputRef' ? e.name : `key$${i}`, type: e.type }));
  const setId: BoundExpr | undefined = sets ? { kind: 'inputRef', index: keyAt + keys.length, name: SET_ID_COLUMN.name, type: 'BIGINT' } : undefined;
  const start: BoundExpr = { kind: 'inputRef', index: k, name: 'window_start', type: 'TIMESTAMP' };
  const end: BoundExpr = { kind: 'inputRef', index: k + 1, name: 'window_end', type: 'TIMESTAMP' };
  const rowtime: BoundExpr = { kind: 'binary', op: '-', left: end, right: { kind: 'literal', value: 1, type: 'INTERVAL' }, type: 'TIMESTAMP' };
  const windowRef = (name: string): BoundExpr => (name === 'window_start' ? start : name === 'window_end' ? end : rowtime);
  const aggs: { call: AggCall; name: string }[] = [];
  const timeName = window ? src.scope.schema.columns[window.timeIndex]!.name : '';
  let direct: { expr: Expr; name: string } | undefined;

  const timeRef: BoundExpr | undefined = window ? { kind: 'inputRef', index: window.timeIndex, name: timeName, type: 'TIMESTAMP' } : undefined;
  const registerAgg = (e: Extract<Expr, { kind: 'call' }>): BoundExpr => {
    const argCtx = inputContext(src, 'an aggregate argument');
    const bound = e.args.map((a) => bindExpr(a, argCtx));
    const sig = aggregateCallType(e.name, e.star, bound.map((b, i) => ({ type: b.type, span: e.args[i]!.span, expr: b })), e.span, e.distinct);
    const { fn, type } = sig;
    const filter = e.filter ? bindCondition(e.filter, inputContext(src, 'FILTER'), 'the FILTER condition') : undefined;
    const arg = bound[0];
    // FIRST_VALUE / LAST_VALUE order by event time: the window's time column, read per row.
    if ((fn === 'FIRST_VALUE' || fn === 'LAST_VALUE') && !timeRef) {
      throw new EddyError('UNSUPPORTED', `${fn} is only supported in a windowed GROUP BY`, e.span, 'it orders by the window\'s event time; group into a window, e.g. GROUP BY ..., TUMBLE(ts, INTERVAL \'1\' MINUTE)');
    }
    if (src.updating && (!RETRACTABLE_AGGREGATES.has(fn) || e.distinct)) {
      throw new EddyError(
        'UNSUPPORTED',
        `${e.distinct ? `${e.name}(DISTINCT ...)` : e.name} over an updating result is not supported`,
        e.span,
        `the input is a changelog whose rows can be taken back, and ${e.name}${e.distinct ? ' with DISTINCT' : ''} cannot take a value back; use ${[...RETRACTABLE_AGGREGATES].filter((f) => f !== 'COUNT_STAR').join(', ')}, or aggregate an append-only input`,
      );
    }
    const extra = (fn === 'FIRST_VALUE' || fn === 'LAST_VALUE') && timeRef ? [timeRef] : sig.constants;
    const call: AggCall = {
      fn,
      distinct: e.distinct,
      type,
      display: displayOf(e.name, fn, arg, sig.constants, e.distinct, filter, src.scope.schema),
      ...(arg ? { arg } : {}),
      ...(extra ? { args: extra } : {}),
      ...(filter ? { filter } : {}),
    };
    let i = aggs.findIndex((a) => a.call.display === call.display && planJson(a.call) === planJson(call));
    if (i < 0) {
      i = aggs.length;
      aggs.push({ call, name: direct?.expr === e ? direct.name : `agg$${i}` });
    }
    return { kind: 'inputRef', index: aggAt + i, name: aggs[i]!.name, type };
  };

  const groupedContext = (clause: string): ExprContext => ({
    scope: src.scope,
    clause,
    intercept: (e) => {
      if (e.kind === 'call' && AGGREGATE_FUNCTIONS.has(e.name)) return registerAgg(e);
      if (e.kind === 'call' && isGroupingCall(e)) return bindGroupingCall(e, src, keys, sets, setId, attached ? [attached.start, attached.end] : []);
      if (attached && e.kind === 'column' && !isTvfColumn(src, e)) {
        // The attached window's own columns become the aggregate's window_start / window_end.
        const ref = bindExpr(e, inCtx);
        if (ref.kind === 'inputRef' && ref.index === attached.start) return start;
        if (ref.kind === 'inputRef' && ref.index === attached.end) return end;
      }
      const aux = e.kind === 'call' ? windowAux(e.name) : undefined;
      if (e.kind === 'call' && aux) {
        if (!window) {
          throw new EddyError('NOT_GROUPED', `${e.name} needs a matching ${aux.fn}(...) in GROUP BY`, e.span, `add ${aux.fn}(...) to GROUP BY, or remove ${e.name}(...)`);
        }
        checkAuxMatches(e, aux.fn, window, src.scope, timeName);
        return aux.part === 'START' ? start : aux.part === 'END' ? end : rowtime;
      }
      if (keys.length === 0 || e.kind === 'literal' || e.kind === 'interval') return undefined;
      if (containsCall(e, isAggOrAux) || columnRefs(e).some((c) => isTvfColumn(src, c))) return undefined;
      const bound = bindExpr(e, inCtx);
      const i = keys.findIndex((key) => sameExpr(key, bound));
      return i < 0 ? undefined : { kind: 'inputRef', index: keyAt + i, name: keyColumns[i]!.name, type: bound.type };
    },
    column: (c) => {
      if (isTvfColumn(src, c)) return windowRef(c.name.name);
      resolveColumn(src.scope, c);
      throw new EddyError(
        'NOT_GROUPED',
        `column '${c.name.name}' must appear in GROUP BY or be used in an aggregate`,
        c.span,
        `add ${c.name.name} to GROUP BY, or wrap it in an aggregate such as MAX(${c.name.name})`,
      );
    },
  });

  const items = outputItems(q, src);
  const selectCtx = groupedContext('SELECT');
  const exprs = items.map((item) => {
    direct = item.expr.kind === 'call' ? { expr: item.expr, name: item.name } : undefined;
    return bindExpr(item.expr, selectCtx);
  });
  direct = undefined;
  const having = q.having ? bindCondition(q.having, groupedContext('HAVING'), 'the HAVING condition') : undefined;

  // GROUPING SETS: the aggregate reads an Expand and is keyed by its appended keys and $e.
  const aggInput = sets ? expandPlan(input, keys, keyColumns, sets) : input;
  const aggKeys = sets ? expandedKeys(input, keys, keyColumns) : keys;
  const aggKeyColumns = sets ? [...keyColumns, SET_ID_COLUMN] : keyColumns;
  if (!window) return changelogPlan(q, aggInput, aggKeys, aggKeyColumns, aggs, exprs, items.map((i) => i.name), having);
  const aggSchema = {
    columns: [
      ...aggKeyColumns,
      { name: 'window_start', type: 'TIMESTAMP' as const },
      { name: 'window_end', type: 'TIMESTAMP' as const },
      ...aggs.map((a) => ({ name: a.name, type: a.call.type })),
    ],
  };
  let plan: LogicalPlan = {
    kind: 'windowAggregate',
    input: aggInput,
    window: window.spec,
    timeIndex: window.timeIndex,
    keys: aggKeys,
    aggs: aggs.map((a) => a.call),
    emit: APPEND_ONLY_EMIT,
    ...(attached ? { attached: { startIndex: attached.start } } : {}),
    ...(window.proctime ? { proctime: true as const } : {}),
    schema: aggSchema,
  };
  if (having) plan = { kind: 'filter', input: plan, predicate: having, schema: aggSchema };
  const columns: Column[] = exprs.map((e, i) => ({ name: items[i]!.name, type: e.type }));
  return { kind: 'project', input: plan, exprs, schema: { columns } };
}

/**
 * The updating plan of a non-windowed GROUP BY: groupAggregate ([op, ...keys, ...aggs]) → [HAVING filter] →
 * project [op, ...SELECT list]; `exprs` and `having` already address that layout.
 */
function changelogPlan(
  q: SelectQuery,
  input: LogicalPlan,
  keys: readonly BoundExpr[],
  keyColumns: readonly Column[],
  aggs: readonly { call: AggCall; name: string }[],
  exprs: readonly BoundExpr[],
  names: readonly string[],
  having: BoundExpr | undefined,
): LogicalPlan {
  checkNoOpColumn(names, q, 'a GROUP BY without a window is an updating result');
  const schema: Schema = { columns: [OP_COLUMN, ...keyColumns, ...aggs.map((a) => ({ name: a.name, type: a.call.type }))] };
  let plan: LogicalPlan = { kind: 'groupAggregate', input, keys, aggs: aggs.map((a) => a.call), schema };
  if (having) plan = { kind: 'filter', input: plan, predicate: having, schema };
  const op: BoundExpr = { kind: 'inputRef', index: 0, name: OP_COLUMN.name, type: OP_COLUMN.type };
  const columns: Column[] = [OP_COLUMN, ...exprs.map((e, i) => ({ name: names[i]!, type: e.type }))];
  return { kind: 'project', input: plan, exprs: [op, ...exprs], schema: { columns } };
}
