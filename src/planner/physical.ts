import { assertNever } from '../common/errors.js';
import { isUpdatingLogical } from './changelog.js';
import type { BoundExpr } from './bound.js';
import { logicalInputs, type LogicalPlan, type Partitioning, type PhysicalPlan, type PlanEdge, type SinkTarget } from './plan.js';
import { timeAttributes } from './time-attributes.js';
import { refsOf } from './expr-refs.js';

const UID_PREFIX: Readonly<Record<LogicalPlan['kind'], string>> = {
  scan: 'source',
  filter: 'filter',
  project: 'project',
  windowAssign: 'window-assign',
  windowAggregate: 'window-aggregate',
  groupAggregate: 'group-aggregate',
  limit: 'limit',
  unnest: 'unnest',
  replicate: 'replicate',
  expand: 'expand',
  union: 'union',
  join: 'join',
  rank: 'rank',
  overAggregate: 'over-aggregate',
  lookupJoin: 'lookup-join',
};

/** Session facts the physical plan records. */
export interface PhysicalOptions {
  /** The late-row side stream of a stream (`<name>$late`), if it has one. */
  readonly lateStreamOf?: (stream: string) => string | undefined;
  /** 'state.ttl' in ms for non-windowed GROUP BY and regular join state; 0 = forever. */
  readonly stateTtlMs?: number;
}

const FORWARD: Partitioning = { kind: 'forward' };

/** What makes two scans the same source: the stream, its schema as scanned and its watermark. */
const scanKey = (node: Extract<LogicalPlan, { kind: 'scan' }>): string =>
  JSON.stringify([node.stream.name, node.schema.columns.map((c) => [c.name, c.type]), node.watermark ?? null]);
const keyed = (keys: readonly BoundExpr[]): Partitioning => (keys.length === 0 ? { kind: 'single' } : { kind: 'hash', keys });

/**
 * What a window aggregate's state is keyed by: its GROUP BY keys, and for a SESSION window attached
 * to the rows also the row's window_start (two sessions of one key may end at the same time).
 */
function windowStateKeys(node: Extract<LogicalPlan, { kind: 'windowAggregate' }>, below: PhysicalPlan): readonly BoundExpr[] {
  if (node.attached === undefined || node.window.kind !== 'session') return node.keys;
  const i = node.attached.startIndex;
  return [...node.keys, { kind: 'inputRef', index: i, name: below.schema.columns[i]!.name, type: 'TIMESTAMP' }];
}

/**
 * Maps a logical plan to its physical DAG: one Exec node per logical node (a logical node reached
 * twice becomes one shared node), edges with the partitioning their consumer needs. uids are
 * `<kind>-<n>`, n counting nodes of that kind in walk order (inputs first, left to right), so the
 * same query text always gets the same uids, and adding a stateless node of another kind (a WHERE,
 * a HAVING) leaves the uids of the stateful ones, and so their checkpointed state, unchanged.
 */
export function toPhysical(plan: LogicalPlan, opts: PhysicalOptions = {}): PhysicalPlan {
  const seen = new Map<string, number>();
  const done = new Map<LogicalPlan, PhysicalPlan>();
  // Scans of one stream with one watermark are one source (a self-join, two views over one table,
  // as Nexmark's person / auction / bid over `nexmark`): its rows are read, and generated, once.
  const sources = new Map<string, PhysicalPlan>();
  const uid = (kind: LogicalPlan['kind'] | 'processingTime'): string => {
    const n = seen.get(kind) ?? 0;
    seen.set(kind, n + 1);
    return `${kind === 'processingTime' ? 'processing-time' : UID_PREFIX[kind]}-${n}`;
  };
  const readColumns = sourceReadColumns(plan, opts);
  const go = (node: LogicalPlan): PhysicalPlan => {
    const known = done.get(node) ?? (node.kind === 'scan' ? sources.get(scanKey(node)) : undefined);
    if (known) return known;
    const inputs = logicalInputs(node).map(go);
    const edge = (p: Partitioning = FORWARD): PlanEdge[] => inputs.map((i) => ({ node: i, partitioning: p }));
    const base = { schema: node.schema, changelog: isUpdatingLogical(node) ? ('updating' as const) : ('append' as const), watermarked: timeAttributes(node).watermarked };
    let p: PhysicalPlan;
    switch (node.kind) {
      case 'scan': {
        const read = readColumns.get(scanKey(node));
        p = { kind: 'SourceExec', uid: uid('scan'), inputs: [], ...base, stream: node.stream, ...(node.watermark ? { watermark: node.watermark } : {}), ...(read ? { readColumns: read } : {}) };
        sources.set(scanKey(node), p);
        break;
      }
      case 'filter':
        p = { kind: 'FilterExec', uid: uid('filter'), inputs: edge(), ...base, predicate: node.predicate };
        break;
      case 'project':
        p = { kind: 'ProjectExec', uid: uid('project'), inputs: edge(), ...base, exprs: node.exprs };
        break;
      case 'windowAssign':
        p = { kind: 'WindowAssignExec', uid: uid('windowAssign'), inputs: edge(), ...base, window: node.window, timeIndex: node.timeIndex };
        break;
      case 'windowAggregate': {
        // Over a processing-time attribute, the wall clock drives the window (a row is never late).
        const late = node.proctime ? undefined : lateStream(node.input, opts);
        const below = inputs[0]!;
        const clock: PhysicalPlan | undefined = node.proctime
          ? { kind: 'ProcessingTimeExec', uid: uid('processingTime'), inputs: [{ node: below, partitioning: FORWARD }], schema: below.schema, changelog: below.changelog, watermarked: true, timeIndex: node.timeIndex }
          : undefined;
        p = {
          kind: 'WindowAggregateExec',
          uid: uid('windowAggregate'),
          inputs: clock ? [{ node: clock, partitioning: keyed(node.keys) }] : edge(keyed(windowStateKeys(node, below))),
          ...base,
          window: node.window,
          timeIndex: node.timeIndex,
          keys: node.keys,
          aggs: node.aggs,
          emit: node.emit,
          ...(late !== undefined ? { lateRowsTo: late } : {}),
          ...(node.attached ? { attached: node.attached } : {}),
          ...(node.proctime ? { proctime: true as const, watermarked: true } : {}),
        };
        break;
      }
      case 'lookupJoin':
        p = {
          kind: 'LookupJoinExec',
          uid: uid('lookupJoin'),
          inputs: edge(),
          ...base,
          table: node.table,
          joinType: node.joinType,
          leftKeys: node.leftKeys,
          lookupKeys: node.lookupKeys,
          ...(node.residual ? { residual: node.residual } : {}),
          procTime: node.procTime,
          cache: node.cache,
        };
        break;
      case 'groupAggregate':
        p = { kind: 'GroupAggregateExec', uid: uid('groupAggregate'), inputs: edge(keyed(node.keys)), ...base, keys: node.keys, aggs: node.aggs, stateTtlMs: opts.stateTtlMs ?? 0, retracting: inputs[0]!.changelog === 'updating' };
        break;
      case 'unnest':
        p = { kind: 'UnnestExec', uid: uid('unnest'), inputs: edge(), ...base, collection: node.collection, expand: node.expand, width: node.width, ordinality: node.ordinality, outer: node.outer };
        break;
      case 'expand':
        p = { kind: 'ExpandExec', uid: uid('expand'), inputs: edge(), ...base, keys: node.keys, sets: node.sets };
        break;
      case 'limit':
        p = { kind: 'LimitExec', uid: uid('limit'), inputs: edge({ kind: 'single' }), ...base, count: node.count };
        break;
      case 'replicate':
        p = { kind: 'ReplicateExec', uid: uid('replicate'), inputs: edge(), ...base, countIndex: node.countIndex };
        break;
      case 'union': {
        const rowtime = timeAttributes(node).rowtimes[0];
        p = { kind: 'UnionExec', uid: uid('union'), inputs: edge(), ...base, ...(rowtime !== undefined ? { rowtime } : {}) };
        break;
      }
      case 'join':
        p = {
          kind: 'JoinExec',
          uid: uid('join'),
          // NOT IN's NULL rule makes every left row depend on the whole right side: one worker.
          inputs: node.nullAware
            ? [
                { node: inputs[0]!, partitioning: { kind: 'single' } },
                { node: inputs[1]!, partitioning: { kind: 'single' } },
              ]
            : [
                { node: inputs[0]!, partitioning: keyed(node.leftKeys) },
                { node: inputs[1]!, partitioning: keyed(node.rightKeys) },
              ],
          ...base,
          joinType: node.joinType,
          ...(node.nullAware ? { nullAware: true as const } : {}),
          leftKeys: node.leftKeys,
          rightKeys: node.rightKeys,
          ...(node.residual ? { residual: node.residual } : {}),
          ...(node.interval ? { interval: node.interval } : {}),
          ...(node.window ? { window: node.window } : {}),
          ...(node.temporal ? { temporal: node.temporal } : {}),
          ...(node.interval || node.window ? { lateRowsTo: [joinLateStream(node.left, opts), joinLateStream(node.right, opts)] as const } : {}),
          stateTtlMs: opts.stateTtlMs ?? 0,
        };
        break;
      case 'rank':
        p = {
          kind: 'RankExec',
          uid: uid('rank'),
          inputs: edge(keyed(node.partitionKeys)),
          ...base,
          fn: node.fn,
          newPeersFirst: node.newPeersFirst,
          ...(node.firstByTime ? { firstByTime: true as const } : {}),
          partitionKeys: node.partitionKeys,
          orderKeys: node.orderKeys,
          start: node.start,
          end: node.end,
          rankNumber: node.rankNumber,
          retracting: inputs[0]!.changelog === 'updating',
          ...(node.window ? { window: node.window } : {}),
        };
        break;
      case 'overAggregate': {
        const late = lateStream(node.input, opts);
        p = {
          kind: 'OverAggregateExec',
          uid: uid('overAggregate'),
          inputs: edge(keyed(node.partitionKeys)),
          ...base,
          partitionKeys: node.partitionKeys,
          timeIndex: node.timeIndex,
          frame: node.frame,
          aggs: node.aggs,
          ...(late !== undefined ? { lateRowsTo: late } : {}),
        };
        break;
      }
      default:
        return assertNever(node, 'logical plan');
    }
    done.set(node, p);
    return p;
  };
  return go(plan);
}

/** The late-row side stream for a window over `input`: the source stream's, when only filters lie between. */
/**
 * Per source (scanKey), the columns its scans read: their readColumns together, with the watermark's
 * column and what its expression reads; undefined (all) when a scan reads them all or an operator
 * routes its rows, whole, to the stream's `<stream>$late` (a window or OVER aggregate over the scan and
 * filters, an interval or window join side of the scan, filters and a window assignment).
 */
function sourceReadColumns(root: LogicalPlan, opts: PhysicalOptions): Map<string, readonly number[] | undefined> {
  const out = new Map<string, Set<number> | null>();
  const seen = new Set<LogicalPlan>();
  const whole = new Set<LogicalPlan>();
  const routedWhole = (input: LogicalPlan, through: readonly LogicalPlan['kind'][]): void => {
    let p = input;
    while (through.includes(p.kind)) p = logicalInputs(p)[0]!;
    if (p.kind === 'scan' && opts.lateStreamOf?.(p.stream.name) !== undefined) whole.add(p);
  };
  const findRoutes = (node: LogicalPlan): void => {
    if (seen.has(node)) return;
    seen.add(node);
    if ((node.kind === 'windowAggregate' && !node.proctime) || node.kind === 'overAggregate') routedWhole(node.input, ['filter']);
    if (node.kind === 'join' && (node.interval || node.window)) for (const side of [node.left, node.right]) routedWhole(side, ['filter', 'windowAssign']);
    logicalInputs(node).forEach(findRoutes);
  };
  findRoutes(root);
  seen.clear();
  const visit = (node: LogicalPlan): void => {
    if (seen.has(node)) return;
    seen.add(node);
    if (node.kind === 'scan') {
      const key = scanKey(node);
      const known = out.get(key);
      if (known === null) return;
      if (node.readColumns === undefined || whole.has(node)) {
        out.set(key, null);
        return;
      }
      const cols = known ?? new Set<number>();
      for (const c of node.readColumns) cols.add(c);
      if (node.watermark) {
        cols.add(node.watermark.timeIndex);
        for (const c of refsOf(node.watermark.expr)) cols.add(c);
      }
      out.set(key, cols);
      return;
    }
    logicalInputs(node).forEach(visit);
  };
  visit(root);
  return new Map([...out].map(([k, cols]) => [k, cols === null ? undefined : [...cols].sort((a, b) => a - b)]));
}

function lateStream(input: LogicalPlan, opts: PhysicalOptions): string | undefined {
  let p = input;
  while (p.kind === 'filter') p = p.input;
  return p.kind === 'scan' ? opts.lateStreamOf?.(p.stream.name) : undefined;
}

/** The late-row side stream of a join input: its stream's, when only filters and a window assignment lie between. */
function joinLateStream(input: LogicalPlan, opts: PhysicalOptions): string | undefined {
  const stream = joinSideStream(input);
  return stream === undefined ? undefined : opts.lateStreamOf?.(stream);
}

/**
 * The stream whose own rows a join input is (only filters and a window assignment between), whose
 * late rows an interval or window join routes to `<stream>$late`; column pruning keeps such a side whole.
 */
export function joinSideStream(input: LogicalPlan): string | undefined {
  let p = input;
  while (p.kind === 'filter' || p.kind === 'windowAssign') p = p.input;
  return p.kind === 'scan' ? p.stream.name : undefined;
}

/** The plan with a sink on top: where a running query's rows go. A query has one sink, `sink-0`. */
export function withSink(plan: PhysicalPlan, target: SinkTarget): PhysicalPlan {
  return { kind: 'SinkExec', uid: 'sink-0', inputs: [{ node: plan, partitioning: FORWARD }], schema: plan.schema, changelog: plan.changelog, watermarked: plan.watermarked, target };
}
