import { EddyError, type Span } from '../common/errors.js';
import type { Column } from '../common/types.js';
import type { Expr, SelectItem, SelectQuery } from '../parser/ast.js';
import { bindFrom, type BoundSource, type QueryBinder } from './bind-from.js';
import { bindCondition, bindExpr } from './bind-expr.js';
import { bindWithHints, inputContext, outputItems } from './binder.js';
import type { BoundExpr } from './bound.js';
import type { Catalog } from './catalog.js';
import { OP_COLUMN } from './changelog.js';
import type { LogicalPlan, RankNode, WindowEmit } from './plan.js';
import { windowAssignment } from './window-assignment.js';

/**
 * Top-N, as Flink plans it: a ranking function in a derived table, filtered by its rank in the
 * enclosing query,
 *   SELECT * FROM (SELECT ..., ROW_NUMBER() OVER (PARTITION BY k ORDER BY x DESC) AS rn FROM t) WHERE rn <= N
 * binds to a rank node (src/exec/operators/rank.ts) keeping ranks start..end. The rank conditions
 * (rn <= N, rn < N, rn = N, rn BETWEEN a AND b, rn >= a ...) leave the WHERE; what remains is an
 * ordinary filter over the ranked rows. A ranking function without such a bound is refused, as in
 * Flink (an unbounded ROW_NUMBER over a stream would renumber every row forever).
 */

/** The ranks kept, and whether anything reads the rank column. */
export interface RankRange {
  readonly start: number;
  readonly end: number;
  readonly rankNumber: boolean;
}

const RANKING = new Set(['ROW_NUMBER', 'RANK', 'DENSE_RANK']);

type CallExpr = Extract<Expr, { kind: 'call' }>;

/** Whether an expression has an OVER call anywhere (walks the AST generically). */
function findOver(x: unknown): CallExpr | undefined {
  if (x === null || typeof x !== 'object') return undefined;
  if (Array.isArray(x)) {
    for (const y of x) {
      const f = findOver(y);
      if (f) return f;
    }
    return undefined;
  }
  const o = x as Record<string, unknown>;
  if (o['kind'] === 'call' && o['over'] !== undefined) return o as unknown as CallExpr;
  for (const [k, v] of Object.entries(o)) {
    if (k === 'span' || k === 'nameSpan') continue;
    const f = findOver(v);
    if (f) return f;
  }
  return undefined;
}

/** Whether an expression tree references column `name`. */
function mentions(x: unknown, name: string): boolean {
  if (x === null || typeof x !== 'object') return false;
  if (Array.isArray(x)) return x.some((y) => mentions(y, name));
  const o = x as Record<string, unknown>;
  if (o['kind'] === 'column' && (o['name'] as { name: string }).name === name) return true;
  if (o['kind'] === 'star') return true;
  return Object.entries(o).some(([k, v]) => k !== 'span' && mentions(v, name));
}

/** The ranking item of a SELECT list (a top-level ROW_NUMBER() OVER (...) AS name), if it has one. */
function rankItem(q: SelectQuery): (SelectItem & { kind: 'expr'; expr: CallExpr }) | undefined {
  for (const item of q.items) {
    if (item.kind === 'expr' && item.expr.kind === 'call' && item.expr.over && RANKING.has(item.expr.name)) return item as SelectItem & { kind: 'expr'; expr: CallExpr };
  }
  return undefined;
}

/** Refuses an OVER call this SELECT does not bind (an unbounded ranking, an OVER aggregate). */
export function refuseOver(q: SelectQuery): void {
  const call = findOver(q.items) ?? findOver(q.where) ?? findOver(q.having) ?? findOver(q.groupBy);
  if (!call) return;
  if (RANKING.has(call.name)) {
    throw new EddyError(
      'UNSUPPORTED',
      `${call.name}() OVER needs a bound on its result (Top-N)`,
      call.span,
      'put it in a subquery and filter on it outside, as Flink requires: SELECT * FROM (SELECT ..., ROW_NUMBER() OVER (PARTITION BY k ORDER BY x DESC) AS rn FROM t) WHERE rn <= 3',
    );
  }
  throw new EddyError('UNSUPPORTED', `${call.name}(...) OVER (an OVER aggregate) is not supported yet`, call.span, 'aggregate in a window instead: GROUP BY k, TUMBLE(ts, INTERVAL ...)');
}

const splitAnd = (e: Expr | undefined): Expr[] => (e === undefined ? [] : e.kind === 'binary' && e.op === 'AND' ? [...splitAnd(e.left), ...splitAnd(e.right)] : [e]);
const intLit = (e: Expr): number | undefined => (e.kind === 'literal' && e.isInteger && typeof e.value === 'number' ? e.value : undefined);

/**
 * For a SELECT over a derived table with a ranking item: the ranks its WHERE keeps and the rest of
 * the WHERE, and the binder that binds the derived table as a rank. Undefined when `q` is no Top-N.
 */
export function topNOf(q: SelectQuery): { readonly query: SelectQuery; readonly binder: QueryBinder } | undefined {
  const from = q.from;
  if (from.kind !== 'subquery' || from.query.kind !== 'select') return undefined;
  const inner = from.query;
  const item = rankItem(inner);
  if (!item) return undefined;
  if (!item.alias) {
    throw new EddyError('UNSUPPORTED', `name the ${item.expr.name}() column to filter on it`, item.span, `write ${item.expr.name}() OVER (...) AS rn, then WHERE rn <= 3 outside`);
  }
  const rn = item.alias.name;
  const isRn = (e: Expr): boolean => e.kind === 'column' && e.name.name === rn && (!e.qualifier || e.qualifier.name === from.alias?.name);
  let start = 1;
  let end = Infinity;
  const rest: Expr[] = [];
  for (const c of splitAnd(q.where)) {
    if (c.kind === 'between' && !c.negated && isRn(c.operand) && intLit(c.low) !== undefined && intLit(c.high) !== undefined) {
      start = Math.max(start, intLit(c.low)!);
      end = Math.min(end, intLit(c.high)!);
      continue;
    }
    if (c.kind === 'binary' && ['<=', '<', '=', '>=', '>'].includes(c.op)) {
      const flip: Record<string, string> = { '<=': '>=', '<': '>', '=': '=', '>=': '<=', '>': '<' };
      const [op, n] = isRn(c.left) && intLit(c.right) !== undefined ? [c.op, intLit(c.right)!] : isRn(c.right) && intLit(c.left) !== undefined ? [flip[c.op]!, intLit(c.left)!] : [undefined, 0];
      if (op !== undefined) {
        if (op === '<=') end = Math.min(end, n);
        else if (op === '<') end = Math.min(end, n - 1);
        else if (op === '>=') start = Math.max(start, n);
        else if (op === '>') start = Math.max(start, n + 1);
        else {
          start = Math.max(start, n);
          end = Math.min(end, n);
        }
        continue;
      }
    }
    rest.push(c);
  }
  if (end === Infinity) return undefined; // refused by refuseOver when the derived table is bound
  const where = rest.reduce<Expr | undefined>((acc, c) => (acc === undefined ? c : { kind: 'binary', op: 'AND', left: acc, right: c, span: c.span }), undefined);
  const rankNumber = mentions(q.items, rn) || mentions(rest, rn) || mentions(q.groupBy, rn) || mentions(q.having, rn);
  const range: RankRange = { start, end, rankNumber };
  const { where: _dropped, ...others } = q;
  const query: SelectQuery = { ...others, ...(where ? { where } : {}) };
  const binder: QueryBinder = (query, catalog, emit) => (query === inner ? { plan: bindRankSelect(inner, catalog, emit, range) } : bindWithHints(query, catalog, emit));
  return { query, binder };
}

function refuse(what: string, span: Span, hint: string): never {
  throw new EddyError('UNSUPPORTED', what, span, hint);
}

/** The derived table of a Top-N: source → [filter] → rank → project, an updating result. */
function bindRankSelect(q: SelectQuery, catalog: Catalog, emit: WindowEmit | undefined, range: RankRange): LogicalPlan {
  const item = rankItem(q)!;
  const call = item.expr;
  const over = call.over!;
  if (call.args.length > 0 || call.star) refuse(`${call.name}() takes no arguments`, call.span, `write ${call.name}() OVER (PARTITION BY k ORDER BY x DESC)`);
  if (over.orderBy.length === 0) refuse(`${call.name}() OVER needs an ORDER BY`, over.span, `write ${call.name}() OVER (PARTITION BY k ORDER BY x DESC), as Flink requires`);
  if (over.frame) refuse('a ranking function takes no ROWS/RANGE frame', over.frame.span, 'remove the frame');
  if (q.groupBy.length > 0 || q.having) refuse('GROUP BY in the same SELECT as ROW_NUMBER() is not supported', q.span, 'aggregate in a subquery and rank its rows in the SELECT around it');
  if (q.limit !== undefined) refuse('LIMIT in a Top-N subquery is not supported', q.span, 'the rank filter outside bounds the rows already');
  const bound = bindFrom(q.from, catalog, emit, bindWithHints, q.where);
  // Window Top-N directly over a windowing TVF (Flink's "Window Top-N follows after Windowing TVF"): the assigned windows are its input.
  const src = bound.tvf ? windowAssignment(bound) : bound;
  const others = q.items.filter((i) => i !== item);
  const stray = findOver(others) ?? findOver(q.where);
  if (stray) refuse('only one OVER call is supported in a Top-N subquery', stray.span, 'rank once, in one SELECT item');
  let plan = src.scan;
  if (q.where) {
    const predicate = bindCondition(q.where, inputContext(src, 'WHERE'), 'the WHERE condition');
    plan = { kind: 'filter', input: plan, predicate, schema: plan.schema };
  }
  const ctx = inputContext(src, 'OVER');
  const partitionKeys = over.partitionBy.map((e) => bindExpr(e, ctx));
  const orderKeys = over.orderBy.map((o) => ({ expr: bindExpr(o.expr, ctx), desc: o.desc }));
  // Flink plans rn = 1 over a time attribute as a Deduplicate; keeping the last row, a later row of equal time replaces the kept one.
  const o = orderKeys[0]!;
  const newPeersFirst =
    call.name === 'ROW_NUMBER' && range.start === 1 && range.end === 1 && orderKeys.length === 1 && o.desc && o.expr.kind === 'inputRef' && src.time.rowtimes.includes(o.expr.index);
  // Flink 2.x plans rn = 1 by a time attribute ASC over an append-only input, without the rank
  // number, as an insert-only Deduplicate (keep the first row, emitted once the watermark passes it).
  const firstByTime =
    !src.updating && !range.rankNumber && call.name === 'ROW_NUMBER' && range.start === 1 && range.end === 1 && orderKeys.length === 1 && !o.desc && o.expr.kind === 'inputRef' && src.time.rowtimes.includes(o.expr.index);
  const data = src.updating ? plan.schema.columns.slice(1) : plan.schema.columns;
  const rankCol: Column = { name: item.alias?.name ?? 'rn', type: 'BIGINT' };
  const window = src.updating ? undefined : windowOfPartition(partitionKeys, src);
  if (window !== undefined) return bindWindowRank(q, item, src, { kind: 'rank', input: plan, fn: call.name as 'ROW_NUMBER' | 'RANK' | 'DENSE_RANK', newPeersFirst: false, partitionKeys, orderKeys, start: range.start, end: range.end, rankNumber: range.rankNumber, window: { end: window }, schema: { columns: [...data, rankCol] } });
  if (bound.tvf) refuse('a ranking over a windowing table function must partition by window_start and window_end (window Top-N)', bound.tvf.span, 'write ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY ...)');
  const opCols = firstByTime ? [] : [OP_COLUMN];
  const rank: LogicalPlan = {
    kind: 'rank',
    input: plan,
    fn: call.name as 'ROW_NUMBER' | 'RANK' | 'DENSE_RANK',
    newPeersFirst,
    ...(firstByTime ? { firstByTime: true as const } : {}),
    partitionKeys,
    orderKeys,
    start: range.start,
    end: range.end,
    rankNumber: range.rankNumber,
    schema: { columns: [...opCols, ...data, rankCol] },
  };
  // The rank's rows, seen like an updating input's: op hidden in slot 0, the data columns where they were
  // (an insert-only deduplication: the input's columns as they were).
  const qualifiers = src.scope.columnQualifiers;
  const ranked: BoundSource = firstByTime
    ? { ...src, scan: rank, scope: { ...src.scope, schema: { columns: data } } }
    : {
        ...src,
        scan: rank,
        updating: true,
        scope: {
          ...src.scope,
          schema: { columns: [OP_COLUMN, ...data] },
          changeColumn: true,
          ...(qualifiers ? { columnQualifiers: src.updating ? qualifiers : [[], ...qualifiers] } : {}),
        },
      };
  const rankRef: BoundExpr = { kind: 'inputRef', index: data.length + opCols.length, name: rankCol.name, type: 'BIGINT' };
  const items = outputItems({ ...q, items: q.items.map((i) => (i === item ? { ...i, expr: { kind: 'column', name: { name: '$rank', quoted: true, span: i.span }, span: i.span } } : i)) }, ranked);
  const base = inputContext(ranked, 'SELECT');
  const exprCtx = { ...base, intercept: (e: Expr) => (e.kind === 'column' && e.name.name === '$rank' && e.name.quoted ? rankRef : undefined) };
  const exprs = items.map((i) => bindExpr(i.expr, exprCtx));
  const columns: Column[] = exprs.map((e, i) => ({ name: items[i]!.name, type: e.type }));
  if (firstByTime) return { kind: 'project', input: rank, exprs, schema: { columns } };
  const op: BoundExpr = { kind: 'inputRef', index: 0, name: OP_COLUMN.name, type: OP_COLUMN.type };
  return { kind: 'project', input: rank, exprs: [op, ...exprs], schema: { columns: [OP_COLUMN, ...columns] } };
}

/** The window_end column of the window whose start and end are both partition keys (window Top-N), if one is. */
function windowOfPartition(keys: readonly BoundExpr[], src: BoundSource): number | undefined {
  const refs = new Set(keys.flatMap((k) => (k.kind === 'inputRef' ? [k.index] : [])));
  return src.time.windows.find((w) => refs.has(w.start) && refs.has(w.end))?.end;
}

/** A window Top-N's SELECT over its rank: append-only, the input's columns where they were and the rank after them. */
function bindWindowRank(q: SelectQuery, item: SelectItem & { kind: 'expr' }, src: BoundSource, rank: RankNode): LogicalPlan {
  const n = rank.schema.columns.length - 1;
  const ranked: BoundSource = { ...src, scan: rank };
  const rankRef: BoundExpr = { kind: 'inputRef', index: n, name: rank.schema.columns[n]!.name, type: 'BIGINT' };
  const items = outputItems({ ...q, items: q.items.map((i) => (i === item ? { ...i, expr: { kind: 'column', name: { name: '$rank', quoted: true, span: i.span }, span: i.span } } : i)) }, ranked);
  const base = inputContext(ranked, 'SELECT');
  const exprCtx = { ...base, intercept: (e: Expr) => (e.kind === 'column' && e.name.name === '$rank' && e.name.quoted ? rankRef : undefined) };
  const exprs = items.map((i) => bindExpr(i.expr, exprCtx));
  return { kind: 'project', input: rank, exprs, schema: { columns: exprs.map((e, i) => ({ name: items[i]!.name, type: e.type })) } };
}
