import { assertNever } from '../common/errors.js';
import { exprToSql, windowText } from './expr-sql.js';
import type { PhysicalPlan } from './plan.js';

type FingerprintLine = Readonly<Record<string, string | readonly string[]>>;

function lineOf(p: PhysicalPlan): FingerprintLine {
  const base = { uid: p.uid, operator: p.kind };
  switch (p.kind) {
    case 'SourceExec':
      return { ...base, stream: p.stream.name, connector: p.stream.options['connector'] ?? 'none', watermark: p.stream.watermark?.column ?? 'none' };
    case 'FilterExec':
    case 'ProjectExec':
    case 'LimitExec':
      // Stateless (or, for LIMIT, a single counter): their expressions do not shape checkpointed state.
      return base;
    case 'WindowAggregateExec': {
      const input = p.input.schema;
      const time = input.columns[p.timeIndex]?.name ?? `$${p.timeIndex}`;
      return {
        ...base,
        keys: p.keys.map((k) => `${exprToSql(k, input)}: ${k.type}`),
        window: windowText(p.window, time),
        aggregates: p.aggs.map((a) => `${a.display}: ${a.type}`),
      };
    }
    case 'GroupAggregateExec': {
      const input = p.input.schema;
      return { ...base, keys: p.keys.map((k) => `${exprToSql(k, input)}: ${k.type}`), aggregates: p.aggs.map((a) => `${a.display}: ${a.type}`) };
    }
    case 'UnionExec':
      // The inputs (and their order: checkpoints key each input's offset and watermark by it) shape the state.
      return { ...base, inputs: p.inputs.map(sourceOf) };
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
  const visit = (node: PhysicalPlan): void => {
    lines.push(JSON.stringify(lineOf(node)));
    if (node.kind === 'UnionExec') node.inputs.forEach(visit);
    else if (node.kind !== 'SourceExec') visit(node.input);
  };
  visit(plan);
  return lines.join('\n');
}

/** The stream a linear input chain reads. */
function sourceOf(p: PhysicalPlan): string {
  let n = p;
  while (n.kind !== 'SourceExec') {
    if (n.kind === 'UnionExec') return `(${n.inputs.map(sourceOf).join(', ')})`;
    n = n.input;
  }
  return n.stream.name;
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
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const o = a[i];
    const n = b[i];
    if (!o) return `the new plan has an extra operator ${show(n!['operator'])} (${show(n!['uid'])})`;
    if (!n) return `operator ${show(o['operator'])} (${show(o['uid'])}) is gone from the new plan`;
    if (o['uid'] !== n['uid'] || o['operator'] !== n['operator']) {
      return `operator ${show(o['operator'])} (${show(o['uid'])}) was replaced by ${show(n['operator'])} (${show(n['uid'])})`;
    }
    for (const field of new Set([...Object.keys(o), ...Object.keys(n)])) {
      if (JSON.stringify(o[field]) !== JSON.stringify(n[field])) {
        return `the ${FIELD_NAMES[field] ?? field} of ${show(o['uid'])} changed from ${show(o[field])} to ${show(n[field])}`;
      }
    }
  }
  return 'the plans are identical';
}
