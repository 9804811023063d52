import { assertNever, internalError } from '../../common/errors.js';
import type { Column } from '../../common/types.js';
import type { BoundExpr } from '../bound.js';
import { isUpdatingLogical } from '../changelog.js';
import { aggRefs, mapAggRefs, mapRefs, refsOf } from '../expr-refs.js';
import { logicalInputs, type LogicalPlan } from '../plan.js';
import { joinSideStream } from '../physical.js';
import { joinColumnNeeds, pruneJoin } from './prune-join-columns.js';
import { positions, type Pruned } from './pruned-node.js';
import type { PlanRule } from './rule.js';

/**
 * Column pruning (Calcite's field trimmer, as Flink plans it): computes, top-down, the output
 * columns of every node that its consumers read (the query's result reads them all; an updating
 * node's op column is always read), then rebuilds the plan bottom-up with projections, joins,
 * filters and window assignments narrowed to those columns, and a projection inserted under each
 * join side that is wider than what the join's output and its condition read, so that join state
 * stores only the columns used. Nodes whose stored rows or output are their whole input rows
 * (union, Top-N, OVER) read every input column; aggregates read their keys, arguments and time.
 */
export const pruneColumns: PlanRule = {
  name: 'prune-columns',
  applyToPlan(root) {
    const order = consumersFirst(root);
    const need = new Map<LogicalPlan, Set<number>>([[root, allColumns(root)]]);
    for (const node of order) {
      const n = need.get(node)!;
      if (isUpdatingLogical(node)) n.add(0);
      const read = inputNeeds(node, n);
      logicalInputs(node).forEach((input, i) => {
        const cols = read[i]!;
        let s = need.get(input);
        if (!s) need.set(input, (s = new Set()));
        for (const c of cols) s.add(c);
        if (isUpdatingLogical(input)) s.add(0);
      });
    }
    const built = new Map<LogicalPlan, Pruned>();
    for (let i = order.length - 1; i >= 0; i--) {
      const node = order[i]!;
      const n = need.get(node)!;
      const inputs = logicalInputs(node).map((input) => {
        const p = built.get(input)!;
        for (const c of need.get(input)!) if (!p.kept.includes(c)) throw internalError(`prune-columns: column ${c} of ${input.kind} was dropped but is read`);
        return p;
      });
      built.set(node, rebuild(node, n, inputs));
    }
    const out = built.get(root)!;
    if (out.kept.length !== root.schema.columns.length) throw internalError('prune-columns: the query result lost columns');
    return out.plan;
  },
};

/** Every node of the DAG once, each before the inputs it reads (reverse post-order). */
function consumersFirst(root: LogicalPlan): LogicalPlan[] {
  const seen = new Set<LogicalPlan>();
  const post: LogicalPlan[] = [];
  const visit = (p: LogicalPlan): void => {
    if (seen.has(p)) return;
    seen.add(p);
    logicalInputs(p).forEach(visit);
    post.push(p);
  };
  visit(root);
  return post.reverse();
}

const allColumns = (p: LogicalPlan): Set<number> => new Set(p.schema.columns.map((_, i) => i));
const refsOfAll = (es: readonly (BoundExpr | undefined)[]): number[] => es.flatMap((e) => (e ? refsOf(e) : []));

/** The columns of each input (in logicalInputs order) that `node` reads to produce its columns `need`. */
function inputNeeds(node: LogicalPlan, need: ReadonlySet<number>): Iterable<number>[] {
  switch (node.kind) {
    case 'scan':
      return [];
    case 'filter':
      return [[...need, ...refsOf(node.predicate)]];
    case 'limit':
      return [need];
    case 'project':
      return [refsOfAll(projectKept(node, need).map((i) => node.exprs[i]))];
    case 'windowAssign': {
      const w = node.input.schema.columns.length;
      return [[...[...need].filter((c) => c < w), node.timeIndex]];
    }
    case 'windowAggregate':
      // An attached window over sessions also reads each row's window start.
      return [[node.timeIndex, ...(node.attached ? [node.attached.startIndex] : []), ...refsOfAll(node.keys), ...node.aggs.flatMap((a) => aggRefs(a))]];
    case 'groupAggregate':
      return [[...refsOfAll(node.keys), ...node.aggs.flatMap((a) => aggRefs(a))]];
    case 'lookupJoin': {
      const w = node.input.schema.columns.length;
      return [[...[...need].filter((c) => c < w), ...refsOfAll(node.leftKeys), node.procTime, ...refsOfAll([node.residual]).filter((c) => c < w)]];
    }
    case 'join':
      return joinColumnNeeds(node, need, (side) => prunableSide(node, side));
    case 'rank':
      if (prunableRank(node)) {
        const w = node.input.schema.columns.length;
        return [[...[...need].filter((c) => c >= 1 && c <= w).map((c) => c - 1), ...refsOfAll(node.partitionKeys), ...refsOfAll(node.orderKeys.map((k) => k.expr))]];
      }
      return [allColumns(node.input)];
    case 'union':
    case 'overAggregate':
    case 'unnest':
    case 'replicate':
    case 'expand':
      // Their output holds (union, OVER, UNNEST, INTERSECT/EXCEPT ALL's copies, grouping sets' Expand) whole input rows.
      return logicalInputs(node).map(allColumns);
    default:
      return assertNever(node, 'logical plan');
  }
}

/**
 * Whether a join side may be narrowed: not when an interval or window join routes its late rows
 * to the side stream's `<stream>$late`, which takes the stream's own rows (physical.ts).
 */
function prunableSide(node: Extract<LogicalPlan, { kind: 'join' }>, side: LogicalPlan): boolean {
  return !((node.interval || node.window) && joinSideStream(side) !== undefined);
}

/**
 * Whether a Top-N may read only the input columns read above it and its keys: over an append-only
 * input (its rows are told apart by identity, never compared whole, see exec/operators/rank.ts),
 * not a window Top-N nor an insert-only deduplication. Output: [op, ...input columns, rank].
 */
function prunableRank(node: Extract<LogicalPlan, { kind: 'rank' }>): boolean {
  return node.window === undefined && node.firstByTime !== true && !isUpdatingLogical(node.input);
}

/** The SELECT-list items a project keeps: those read, and at least one (a row of no columns carries nothing to count by). */
function projectKept(node: Extract<LogicalPlan, { kind: 'project' }>, need: ReadonlySet<number>): number[] {
  const kept = [...need].sort((a, b) => a - b);
  return kept.length > 0 || node.exprs.length === 0 ? kept : [0];
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
const isFull = (p: Pruned, old: LogicalPlan): boolean => p.plan === old;

/** The node over its pruned inputs, producing at least its columns `need`. */
function rebuild(node: LogicalPlan, need: ReadonlySet<number>, inputs: readonly Pruned[]): Pruned {
  const whole = (plan: LogicalPlan): Pruned => ({ plan, kept: range(0, node.schema.columns.length) });
  const unchanged = logicalInputs(node).every((input, i) => isFull(inputs[i]!, input));
  const columnsAt = (kept: readonly number[]): { columns: Column[] } => ({ columns: kept.map((i) => node.schema.columns[i]!) });
  switch (node.kind) {
    case 'scan':
      // The rows stay whole (their columns keep their positions); the source learns what is read.
      return whole(need.size < node.schema.columns.length ? { ...node, readColumns: [...need].sort((a, b) => a - b) } : node);
    case 'filter':
    case 'limit': {
      const p = inputs[0]!;
      if (unchanged) return whole(node);
      const schema = columnsAt(p.kept);
      if (node.kind === 'limit') return { plan: { ...node, input: p.plan, schema }, kept: p.kept };
      const at = positions(p, node.input.schema.columns.length);
      return { plan: { ...node, input: p.plan, predicate: mapRefs(node.predicate, at), schema }, kept: p.kept };
    }
    case 'project': {
      const kept = projectKept(node, need);
      if (unchanged && kept.length === node.exprs.length) return whole(node);
      const at = positions(inputs[0]!, node.input.schema.columns.length);
      return { plan: { ...node, input: inputs[0]!.plan, exprs: kept.map((i) => mapRefs(node.exprs[i]!, at)), schema: columnsAt(kept) }, kept };
    }
    case 'windowAssign': {
      if (unchanged) return whole(node);
      const p = inputs[0]!;
      const w = node.input.schema.columns.length;
      const kept = [...p.kept, ...range(w, node.schema.columns.length)];
      return { plan: { ...node, input: p.plan, timeIndex: positions(p, w)(node.timeIndex), schema: columnsAt(kept) }, kept };
    }
    case 'windowAggregate':
    case 'groupAggregate': {
      if (unchanged) return whole(node);
      const at = positions(inputs[0]!, node.input.schema.columns.length);
      const keys = node.keys.map((k) => mapRefs(k, at));
      const aggs = node.aggs.map((a) => mapAggRefs(a, at));
      if (node.kind === 'groupAggregate') return whole({ ...node, input: inputs[0]!.plan, keys, aggs });
      return whole({ ...node, input: inputs[0]!.plan, keys, aggs, timeIndex: at(node.timeIndex), ...(node.attached ? { attached: { ...node.attached, startIndex: at(node.attached.startIndex) } } : {}) });
    }
    case 'lookupJoin': {
      if (unchanged) return whole(node);
      const p = inputs[0]!;
      const w = node.input.schema.columns.length;
      const at = positions(p, w);
      const nw = p.kept.length;
      const outAt = (i: number): number => (i < w ? at(i) : nw + i - w);
      const kept = [...p.kept, ...range(w, node.schema.columns.length)];
      const residual = node.residual ? { residual: mapRefs(node.residual, outAt) } : {};
      return { plan: { ...node, input: p.plan, leftKeys: node.leftKeys.map((k) => mapRefs(k, at)), procTime: at(node.procTime), ...residual, schema: columnsAt(kept) }, kept };
    }
    case 'join':
      return pruneJoin(node, inputs[0]!, inputs[1]!, need, (side) => prunableSide(node, side));
    case 'union':
      return unchanged ? whole(node) : whole({ ...node, inputs: inputs.map((p) => p.plan) });
    case 'rank': {
      if (unchanged) return whole(node);
      if (!prunableRank(node)) return whole({ ...node, input: inputs[0]!.plan });
      const p = inputs[0]!;
      const w = node.input.schema.columns.length;
      const at = positions(p, w);
      const kept = [0, ...p.kept.map((c) => c + 1), w + 1];
      return {
        plan: {
          ...node,
          input: p.plan,
          partitionKeys: node.partitionKeys.map((k) => mapRefs(k, at)),
          orderKeys: node.orderKeys.map((k) => ({ ...k, expr: mapRefs(k.expr, at) })),
          schema: columnsAt(kept),
        },
        kept,
      };
    }
    case 'overAggregate':
    case 'unnest':
    case 'replicate':
    case 'expand':
      // Every input column was read, so the input's columns are where they were.
      return unchanged ? whole(node) : whole({ ...node, input: inputs[0]!.plan });
    default:
      return assertNever(node, 'logical plan');
  }
}
