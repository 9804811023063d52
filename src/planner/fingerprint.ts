import { assertNever } from '../common/errors.js';
import { planJson } from '../common/exact.js';
import { exprToSql, windowText } from './expr-sql.js';
import type { PhysicalPlan } from './plan.js';
import { inputsOf } from './plan-walk.js';

type FingerprintLine = Readonly<Record<string, string | readonly string[]>>;

function lineOf(p: PhysicalPlan): FingerprintLine {
  const base = { uid: p.uid, operator: p.kind };
  switch (p.kind) {
    case 'SourceExec':
      return { ...base, stream: p.stream.name, connector: p.stream.options['connector'] ?? 'none', watermark: p.stream.watermark?.column ?? 'none' };
    case 'FilterExec':
    case 'ProjectExec':
    case 'LimitExec':
    case 'UnnestExec':
    case 'ReplicateExec':
    case 'SinkExec':
      // Stateless (or, for LIMIT, a single counter): their expressions do not shape checkpointed state.
      return base;
    case 'WindowAssignExec':
      // Stateless: each row's windows depend only on the row.
      return base;
    case 'ExpandExec':
      // Stateless, but the grouping sets number the aggregate's $e key: other sets, other groups.
      return { ...base, keys: p.keys.map((k) => `${exprToSql(k, p.inputs[0]!.node.schema)}: ${k.type}`), sets: p.sets.map((s) => `(${s.join(', ')})`) };
    case 'ProcessingTimeExec':
      // Only the clock's high-water mark.
      return base;
    case 'LookupJoinExec':
      // Stateless: the cache is not checkpointed (as Flink's).
      return base;
    case 'WindowAggregateExec': {
      const input = p.inputs[0]!.node.schema;
      const time = input.columns[p.timeIndex]?.name ?? `$${p.timeIndex}`;
      return {
        ...base,
        keys: p.keys.map((k) => `${exprToSql(k, input)}: ${k.type}`),
        window: `${p.attached ? 'attached ' : ''}${windowText(p.window, time)}${p.proctime ? ' proctime' : ''}`,
        aggregates: p.aggs.map((a) => `${a.display}: ${a.type}`),
        ...(p.changelog === 'updating' ? { emit: 'changelog' } : {}),
      };
    }
    case 'GroupAggregateExec': {
      const input = p.inputs[0]!.node.schema;
      return { ...base, keys: p.keys.map((k) => `${exprToSql(k, input)}: ${k.type}`), aggregates: p.aggs.map((a) => `${a.display}: ${a.type}`), ...(p.retracting ? { input: 'retracting' } : {}) };
    }
    case 'JoinExec': {
      const [l, r] = p.inputs.map((e) => e.node.schema) as [PhysicalPlan['schema'], PhysicalPlan['schema']];
      // The stored rows are the inputs' rows, keyed by the join keys.
      return {
        ...base,
        join: p.window ? `window ${p.joinType}` : p.interval ? `interval ${p.joinType} [${p.interval.lower}, ${p.interval.upper}]` : p.joinType,
        keys: p.leftKeys.map((k, i) => `${exprToSql(k, l)} = ${exprToSql(p.rightKeys[i]!, r)}: ${k.type}`),
        left: l.columns.map((c) => `${c.name}: ${c.type}`),
        right: r.columns.map((c) => `${c.name}: ${c.type}`),
      };
    }
    case 'RankExec': {
      const input = p.inputs[0]!.node.schema;
      // The stored rows are the input's rows per partition; the ranking decides which are kept.
      return {
        ...base,
        partition: p.partitionKeys.map((k) => `${exprToSql(k, input)}: ${k.type}`),
        order: p.orderKeys.map((k) => `${exprToSql(k.expr, input)}${k.desc ? ' DESC' : ''}`),
        rank: [p.fn, `${p.start}`, `${p.end}`, ...(p.newPeersFirst ? ['keep-last-row'] : []), ...(p.firstByTime ? ['keep-first-row'] : [])],
        rows: input.columns.map((c) => `${c.name}: ${c.type}`),
        ...(p.retracting ? { input: 'retracting' } : {}),
        ...(p.window ? { window: `end=${p.window.end}` } : {}),
      };
    }
    case 'OverAggregateExec': {
      const input = p.inputs[0]!.node.schema;
      // The stored rows are the input's rows per partition; the frame decides how many are kept.
      return {
        ...base,
        partition: p.partitionKeys.map((k) => `${exprToSql(k, input)}: ${k.type}`),
        time: `${p.timeIndex}`,
        frame: [p.frame.unit, `${p.frame.preceding}`],
        aggregates: p.aggs.map((a) => `${a.display}: ${a.type}`),
        rows: input.columns.map((c) => `${c.name}: ${c.type}`),
      };
    }
    case 'UnionExec':
      // The inputs (and their order: the union's checkpointed watermarks are per input) shape the state.
      return { ...base, inputs: inputsOf(p).map(sourceOf) };
    default:
      return assertNever(p, 'physical plan');
  }
}

/**
 * A canonical text of everything that shapes a plan's checkpointed state: operators (root first) with their uids,
 * and for window aggregates the keys, window and aggregates with their types. Equal plans give equal text.
 */
export function planFingerprint(plan: PhysicalPlan): string {
  const lines: string[] = [];
  const seen = new Set<PhysicalPlan>();
  const visit = (node: PhysicalPlan): void => {
    if (seen.has(node)) return;
    seen.add(node);
    lines.push(planJson(lineOf(node)));
    inputsOf(node).forEach(visit);
  };
  visit(plan);
  return lines.join('\n');
}

/** The streams an input reads, e.g. `bids` or `(bids, asks)`. */
function sourceOf(p: PhysicalPlan): string {
  if (p.kind === 'SourceExec') return p.stream.name;
  const ins = inputsOf(p);
  return ins.length === 1 ? sourceOf(ins[0]!) : `(${ins.map(sourceOf).join(', ')})`;
}

const FIELD_NAMES: Readonly<Record<string, string>> = {
  operator: 'operator',
  stream: 'source stream',
  connector: 'connector',
  watermark: 'watermark column',
  keys: 'GROUP BY keys',
  window: 'window',
  aggregates: 'aggregates',
  inputs: 'input streams',
  emit: 'emit mode',
  join: 'join kind',
  left: 'stored left columns',
  right: 'stored right columns',
  rows: 'stored rows',
};

function parse(fp: string): FingerprintLine[] | undefined {
  try {
    return fp.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as FingerprintLine);
  } catch {
    return undefined;
  }
}

const show = (v: string | readonly string[] | undefined): string => (v === undefined ? 'nothing' : typeof v === 'string' ? v : `[${v.join(', ')}]`);

/** Names, in words, the first difference between two fingerprints (e.g. "the window of window-aggregate-0 changed from ... to ..."). */
export function describePlanDifference(oldFp: string, newFp: string): string {
  const a = parse(oldFp);
  const b = parse(newFp);
  if (!a || !b) return oldFp === newFp ? 'the plans are identical' : 'the plan fingerprint changed';
  // An operator whose state changed shape names the change best, wherever stateless ones moved
  // around it (column pruning puts projections under joins, shifting the positions of the rest).
  const before = new Map(a.map((l) => [l['uid'], l] as const));
  for (const n of b) {
    const o = before.get(n['uid']);
    if (!o || o['operator'] !== n['operator']) continue;
    const changed = fieldChange(o, n);
    if (changed) return changed;
  }
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const o = a[i];
    const n = b[i];
    if (!o) return `the new plan has an extra operator ${show(n!['operator'])} (${show(n!['uid'])})`;
    if (!n) return `operator ${show(o['operator'])} (${show(o['uid'])}) is gone from the new plan`;
    if (o['uid'] !== n['uid'] || o['operator'] !== n['operator']) {
      return `operator ${show(o['operator'])} (${show(o['uid'])}) was replaced by ${show(n['operator'])} (${show(n['uid'])})`;
    }
    const changed = fieldChange(o, n);
    if (changed) return changed;
  }
  return 'the plans are identical';
}

/** The first field in which two lines of one operator differ, in words; undefined when none does. */
function fieldChange(o: FingerprintLine, n: FingerprintLine): string | undefined {
  for (const field of new Set([...Object.keys(o), ...Object.keys(n)])) {
    if (planJson(o[field]) !== planJson(n[field])) {
      return `the ${FIELD_NAMES[field] ?? field} of ${show(o['uid'])} changed from ${show(o[field])} to ${show(n[field])}`;
    }
  }
  return undefined;
}
