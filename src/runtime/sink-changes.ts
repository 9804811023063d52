import { EddyError, type Span } from '../common/errors.js';
import type { Schema } from '../common/types.js';
import { sinkChangelogMode } from '../connectors/registry.js';
import type { StreamDef } from '../planner/catalog.js';
import { OP_COLUMN } from '../planner/changelog.js';
import { bindInsertTarget } from '../planner/dml.js';
import { describeNode } from '../planner/explain.js';
import type { PhysicalPlan } from '../planner/plan.js';
import { walkPlan } from '../planner/plan-walk.js';
import { physicalStream } from '../planner/stream-def.js';
import { upsertKeyOf } from '../planner/upsert-key.js';

/**
 * How an INSERT's rows reach its target, checked before the query starts (as Flink's planner
 * checks a sink's changelog mode):
 *
 * - 'rows': the rows are written as they are: an append-only result, or an updating one into a
 *   stream whose first column is `op VARCHAR` (Eddy's changelog kept as rows).
 * - 'changes': an updating result consumed as changes by a sink that takes them ('print',
 *   'blackhole', and by PRIMARY KEY 'sqlite' and 'upsert-kafka'); the rows are [op, ...columns].
 *
 * An updating result into an insert-only sink (a file, 'kafka', a memory stream) is refused as
 * Flink refuses it, naming the sink, the query and the node producing the updates; so is one
 * into an upsert sink without a PRIMARY KEY, or whose key the rows are not unique by.
 */
export function sinkInput(plan: PhysicalPlan, target: StreamDef, queryId: string, span: Span): 'rows' | 'changes' {
  if (plan.changelog === 'append') {
    bindInsertTarget(plan.schema, target, span);
    return 'rows';
  }
  const physical = physicalStream(target);
  const first = physical.schema.columns[0];
  if (first && first.name.toLowerCase() === OP_COLUMN.name && first.type === 'VARCHAR' && physical.schema.columns.length === plan.schema.columns.length) {
    bindInsertTarget(plan.schema, target, span);
    return 'rows';
  }
  const mode = sinkChangelogMode(target);
  const producer = updatingNode(plan);
  const connector = target.options['connector'] ?? 'memory';
  if (mode === 'insert-only') {
    throw new EddyError(
      'UNSUPPORTED',
      `Table sink '${target.name}' (connector '${connector}') doesn't support consuming update changes, which query '${queryId}' produces (${producer})`,
      span,
      `an updating result needs a sink that takes changes: declare PRIMARY KEY (...) NOT ENFORCED on a 'sqlite' or 'upsert-kafka' table, write to 'print' or 'blackhole', or declare 'op VARCHAR' as the first column of '${target.name}' to store the changelog as rows`,
    );
  }
  const data: Schema = { columns: plan.schema.columns.slice(1) };
  bindInsertTarget(data, target, span);
  if (mode === 'upsert') {
    const pk = target.primaryKey;
    if (!pk || pk.length === 0) {
      throw new EddyError(
        'UNSUPPORTED',
        `Table sink '${target.name}' (connector '${connector}') needs a PRIMARY KEY to consume the update changes that query '${queryId}' produces (${producer})`,
        span,
        `declare the key the changes apply to: PRIMARY KEY (${physical.schema.columns[0]?.name ?? 'id'}) NOT ENFORCED, as Flink's upsert sinks do`,
      );
    }
    const key = upsertKeyOf(plan);
    const names = physical.schema.columns.map((c) => c.name);
    const pkIndex = new Set(pk.map((k) => names.indexOf(k)));
    // The sink's rows are the query's columns by position; the query's key (op at 0) is within the PRIMARY KEY, or a key holds several rows.
    if (key !== null && !key.every((k) => pkIndex.has(k - 1))) {
      const keyNames = key.map((k) => names[k - 1]!);
      throw new EddyError(
        'UNSUPPORTED',
        `the PRIMARY KEY (${pk.join(', ')}) of '${target.name}' does not cover the key the rows of query '${queryId}' are unique by (${keyNames.join(', ') || 'none'})`,
        span,
        `declare PRIMARY KEY (${keyNames.join(', ')}) NOT ENFORCED on '${target.name}': with another key, several result rows would overwrite one another`,
      );
    }
  }
  return 'changes';
}

/** The first node of the plan (from the sources up) whose output is updating, as EXPLAIN prints it. */
function updatingNode(plan: PhysicalPlan): string {
  const node = walkPlan(plan).find((p) => p.changelog === 'updating') ?? plan;
  return describeNode(node);
}
