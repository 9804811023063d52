import { assertNever } from '../common/errors.js';
import { exprToSql, windowText } from './expr-sql.js';
import { isUpdatingEmit, type AttachedWindow, type LookupCache, type PhysicalPlan } from './plan.js';
import type { Schema } from '../common/types.js';
import type { WindowSpec } from './bound.js';
import { inputsOf } from './plan-walk.js';

export { planFingerprint, describePlanDifference } from './fingerprint.js';

function describe(p: PhysicalPlan): string {
  switch (p.kind) {
    case 'SourceExec': {
      const connector = p.stream.options['connector'] ?? 'none';
      const wm = p.watermark ? ` watermark=(${exprToSql(p.watermark.expr, p.stream.schema)})` : '';
      // Computed columns are evaluated in the source, before the watermark.
      const computed = p.stream.computed?.map((c) => `${p.stream.schema.columns[c.index]!.name} AS ${c.sql}`).join(', ');
      return `SourceExec ${p.stream.name} connector=${connector}${computed ? ` computed=[${computed}]` : ''}${wm}`;
    }
    case 'FilterExec':
      return `FilterExec (${exprToSql(p.predicate, input(p).schema)})`;
    case 'ProjectExec': {
      const items = p.exprs.map((e, i) => {
        const sql = exprToSql(e, input(p).schema);
        const name = p.schema.columns[i]!.name;
        return sql === name ? name : `${sql} AS ${name}`;
      });
      return `ProjectExec [${items.join(', ')}]`;
    }
    case 'ProcessingTimeExec':
      return `ProcessingTimeExec proctime=${input(p).schema.columns[p.timeIndex]?.name ?? `$${p.timeIndex}`} (TIMESTAMP_LTZ(3) *PROCTIME*: windows fire on the wall clock)`;
    case 'LookupJoinExec': {
      const l = input(p).schema;
      const t = p.table.schema;
      const keys = p.leftKeys.map((k, i) => `${exprToSql(k, l)} = ${p.table.name}.${t.columns[p.lookupKeys[i]!]!.name}`).join(', ');
      const residual = p.residual ? ` residual=(${exprToSql(p.residual, p.schema)})` : '';
      const connector = p.table.options['connector'] ?? p.table.options['connector.type'] ?? 'none';
      return `LookupJoinExec ${p.joinType.toUpperCase()} table=${p.table.name} connector=${connector} keys=[${keys}] as-of=${l.columns[p.procTime]?.name ?? `$${p.procTime}`} (proctime)${residual} cache=${cacheText(p.cache)} changelog=${p.changelog === 'updating' ? 'updating (ops kept)' : 'append'} state=none`;
    }
    case 'WindowAssignExec': {
      const time = input(p).schema.columns[p.timeIndex]?.name ?? `$${p.timeIndex}`;
      return `WindowAssignExec window=${windowText(p.window, time)}`;
    }
    case 'WindowAggregateExec': {
      const inSchema = input(p).schema;
      const keys = p.keys.map((k) => exprToSql(k, inSchema)).join(', ');
      const updating = isUpdatingEmit(p.emit);
      const firstAgg = p.keys.length + 2 + (updating ? 1 : 0);
      const aggs = p.aggs.map((a, i) => `${a.display} AS ${p.schema.columns[firstAgg + i]!.name}`).join(', ');
      const time = inSchema.columns[p.timeIndex]?.name ?? `$${p.timeIndex}`;
      const emit = updating ? ` emit=changelog(allowed-lateness=${p.emit.allowedLatenessMs} ms, early-fire=${p.emit.earlyFireDelayMs} ms)` : '';
      const window = p.attached ? `attached(${windowText(p.window, time)}, ${attachedText(p.window, p.attached, inSchema, time)})` : windowText(p.window, time);
      return `WindowAggregateExec keys=[${keys}] window=${window}${p.proctime ? ' time=processing (fires on the wall clock)' : ''} aggs=[${aggs}]${emit}`;
    }
    case 'GroupAggregateExec': {
      const inSchema = input(p).schema;
      const keys = p.keys.map((k) => exprToSql(k, inSchema)).join(', ');
      const firstAgg = 1 + p.keys.length;
      const aggs = p.aggs.map((a, i) => `${a.display} AS ${p.schema.columns[firstAgg + i]!.name}`).join(', ');
      const retract = p.retracting ? ' input=retracting' : '';
      return `GroupAggregateExec keys=[${keys}] aggs=[${aggs}] changelog=updating${retract}`;
    }
    case 'LimitExec':
      return `LimitExec ${p.count}`;
    case 'UnnestExec': {
      const columns = p.schema.columns.slice(input(p).schema.columns.length).map((c) => c.name);
      const ord = p.ordinality ? ' WITH ORDINALITY' : '';
      return `UnnestExec ${p.outer ? 'LEFT ' : ''}UNNEST(${exprToSql(p.collection, input(p).schema)})${ord} expand=${p.expand} columns=[${columns.join(', ')}] changelog=${p.changelog} state=none`;
    }
    case 'ReplicateExec':
      return `ReplicateExec copies=${input(p).schema.columns[p.countIndex]!.name} (each change that many times, an update as its net change) changelog=updating state=none`;
    case 'ExpandExec': {
      const keys = p.keys.map((k) => exprToSql(k, input(p).schema));
      const sets = p.sets.map((s) => `(${s.map((i) => keys[i]!).join(', ')})`).join(', ');
      return `ExpandExec sets=[${sets}] appends=[${p.schema.columns.slice(input(p).schema.columns.length).map((c) => c.name).join(', ')}] (each row once per grouping set, the keys it does not group NULL) state=none`;
    }
    case 'UnionExec': {
      const wm = p.watermarked ? ' watermark=min(inputs)' : '';
      const time = p.rowtime !== undefined ? ` rowtime=${p.schema.columns[p.rowtime]!.name}` : '';
      return `UnionExec ALL [${p.schema.columns.map((c) => c.name).join(', ')}] inputs=${p.inputs.length}${wm}${time}`;
    }
    case 'JoinExec': {
      const [l, r] = p.inputs.map((e) => e.node.schema) as [PhysicalPlan['schema'], PhysicalPlan['schema']];
      const keys = p.leftKeys.map((k, i) => `${exprToSql(k, l)} = ${exprToSql(p.rightKeys[i]!, r)}`).join(', ');
      const residual = p.residual ? ` residual=(${exprToSql(p.residual, p.schema)})` : '';
      if (p.window) {
        const late = p.lateRowsTo?.some((x) => x !== undefined) ? ` late-rows-to=[${p.lateRowsTo.filter((x) => x !== undefined).join(', ')}]` : '';
        return `WindowJoinExec ${p.joinType.toUpperCase()} keys=[${keys}]${residual} emit=when the window completes changelog=append state=bounded by watermarks (a window's rows are freed when it fires)${late}`;
      }
      if (p.temporal) {
        const lt = l.columns[p.temporal.leftTime]!.name;
        const rt = r.columns[p.temporal.rightTime]!.name;
        return `TemporalJoinExec ${p.joinType.toUpperCase()} keys=[${keys}] as-of=left.${lt} version-time=right.${rt}${residual} emit=when the watermark passes the row changelog=append state=bounded by watermarks (left rows until the watermark passes them; per key the versions newer than the watermark and the one valid at it)`;
      }
      if (p.interval) {
        const { lower, upper, leftTime, rightTime } = p.interval;
        const lt = l.columns[leftTime]!.name;
        const rt = r.columns[rightTime]!.name;
        const late = p.lateRowsTo?.some((x) => x !== undefined) ? ` late-rows-to=[${p.lateRowsTo.filter((x) => x !== undefined).join(', ')}]` : '';
        return `IntervalJoinExec ${p.joinType.toUpperCase()} keys=[${keys}] time=(left.${lt} - right.${rt} BETWEEN ${lower} ms AND ${upper} ms)${residual} changelog=append state=bounded by watermarks (a row is freed once the other side's watermark passes its bound; output watermark delayed ${Math.max(-lower, upper)} ms)${late}`;
      }
      const state =
        p.stateTtlMs > 0
          ? `state=ttl(${p.stateTtlMs} ms)`
          : 'state=unbounded (note: without \'state.ttl\' a regular join keeps every row of both inputs; its state grows without limit)';
      if (p.joinType === 'semi' || p.joinType === 'anti') {
        // The residual of a semi/anti join is over [left, right] without op.
        const both = { columns: [...l.columns.slice(p.inputs[0]!.node.changelog === 'updating' ? 1 : 0), ...r.columns.slice(p.inputs[1]!.node.changelog === 'updating' ? 1 : 0)] };
        const cond = p.residual ? ` residual=(${exprToSql(p.residual, both)})` : '';
        const nulls = p.nullAware ? ' null-aware (NOT IN: a NULL on either side makes the row UNKNOWN) partitioning=single' : '';
        return `JoinExec ${p.joinType.toUpperCase()} keys=[${keys}]${cond}${nulls} output=left columns changelog=${p.changelog} ${state.replace('a regular join keeps', 'a semi/anti join keeps')}`;
      }
      return `JoinExec ${p.joinType.toUpperCase()} keys=[${keys}]${residual} changelog=${p.changelog} ${state}`;
    }
    case 'RankExec': {
      const input = p.inputs[0]!.node.schema;
      if (p.firstByTime) {
        const t = exprToSql(p.orderKeys[0]!.expr, input);
        return `DeduplicateExec keep-first-row partition=[${p.partitionKeys.map((k) => exprToSql(k, input)).join(', ')}] order=[${t} ASC] emit=when the watermark passes the row changelog=append state=bounded (per partition one waiting row, then a mark that it was emitted)`;
      }
      const order = p.orderKeys.map((k) => `${exprToSql(k.expr, input)}${k.desc ? ' DESC' : ' ASC'}`).join(', ');
      if (p.window) {
        return `WindowRankExec ${p.fn} partition=[${p.partitionKeys.map((k) => exprToSql(k, input)).join(', ')}] order=[${order}] rank=[${p.start}, ${p.end}]${p.rankNumber ? '' : ' no-rank-number'} emit=when the window completes (${input.columns[p.window.end]!.name}) changelog=append state=bounded by watermarks (a window's rows are freed when it is ranked)`;
      }
      const state = p.retracting ? 'state=unbounded (every row of the updating input is kept per partition)' : `state=bounded (the top ${p.end} rows per partition)`;
      return `RankExec ${p.fn} partition=[${p.partitionKeys.map((k) => exprToSql(k, input)).join(', ')}] order=[${order}] rank=[${p.start}, ${p.end}]${p.newPeersFirst ? ' keep-last-row' : ''}${p.rankNumber ? '' : ' no-rank-number'} changelog=updating ${state}`;
    }
    case 'OverAggregateExec': {
      const input = p.inputs[0]!.node.schema;
      const f = p.frame;
      const bound = f.preceding === 'unbounded' ? 'UNBOUNDED' : f.unit === 'ROWS' ? `${f.preceding}` : `${f.preceding} ms`;
      const frame = `${f.unit} BETWEEN ${bound} PRECEDING AND CURRENT ROW`;
      const state = f.preceding === 'unbounded' ? "state=each partition's accumulators (kept for good) and the rows waiting for the watermark" : 'state=bounded by the frame and the watermark';
      const late = p.lateRowsTo !== undefined ? ` late-rows-to=${p.lateRowsTo}` : '';
      return `OverAggregateExec partition=[${p.partitionKeys.map((k) => exprToSql(k, input)).join(', ')}] order=[${input.columns[p.timeIndex]!.name}] ${frame} aggs=[${p.aggs.map((a) => a.display).join(', ')}] emit=when the watermark passes each row changelog=append ${state}${late}`;
    }
    case 'SinkExec':
      if (p.target.kind === 'view') return `SinkExec materialized view ${p.target.name}`;
      return p.target.kind === 'stream' ? `SinkExec ${p.target.stream.name} connector=${p.target.stream.options['connector'] ?? 'memory'}` : 'SinkExec result';
    default:
      return assertNever(p, 'physical plan');
  }
}

/** One node as EXPLAIN prints it (without its inputs). */
export const describeNode = (p: PhysicalPlan): string => describe(p);

/** A lookup join's cache as EXPLAIN shows it. */
function cacheText(c: LookupCache | null): string {
  if (c === null) return 'none';
  if (c.kind === 'full') {
    const r = c.reload;
    if (r.kind === 'periodic') return `full(reload every ${r.intervalMs} ms, ${r.fixedRate ? 'fixed rate' : 'fixed delay'})`;
    const hhmm = new Date(r.timeOfDayMs).toISOString().slice(11, 23);
    const zone = r.utcOffsetMs === null ? 'local time' : `UTC${r.utcOffsetMs < 0 ? '-' : '+'}${new Date(Math.abs(r.utcOffsetMs)).toISOString().slice(11, 16)}`;
    return `full(reload at ${hhmm} ${zone} every ${r.intervalDays} day${r.intervalDays === 1 ? '' : 's'})`;
  }
  return `partial(max-rows=${c.maxRows}${c.ttlMs === Infinity ? '' : `, expire-after-write=${c.ttlMs} ms`}${c.missingKeys ? '' : ', missing keys not cached'})`;
}

/** The first input of a node (a filter's, a project's ...). */
const input = (p: PhysicalPlan): PhysicalPlan => p.inputs[0]!.node;

/**
 * Renders a physical plan as an indented tree, root first, one operator per line (inputs one
 * level deeper, in order), expressions as SQL with column names. A node read by two consumers is
 * printed under the first; the second shows `-> <uid>`.
 */
export function explain(plan: PhysicalPlan): string {
  const lines: string[] = [];
  const shown = new Set<PhysicalPlan>();
  const visit = (node: PhysicalPlan, depth: number): void => {
    if (shown.has(node)) {
      lines.push(`${'  '.repeat(depth)}-> ${node.uid}`);
      return;
    }
    shown.add(node);
    lines.push(`${'  '.repeat(depth)}${describe(node)}`);
    for (const i of inputsOf(node)) visit(i, depth + 1);
  };
  visit(plan, 0);
  return lines.join('\n');
}

/** Which window of the rows an attached window aggregate reads: a grid window by its end, a session by its start and end. */
function attachedText(window: WindowSpec, attached: AttachedWindow, input: Schema, time: string): string {
  if (window.kind !== 'session') return `each row's window ends at ${time}`;
  return `each row's window is [${input.columns[attached.startIndex]?.name ?? `$${attached.startIndex}`}, ${time})`;
}
