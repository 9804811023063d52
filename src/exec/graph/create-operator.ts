import { assertNever, internalError } from '../../common/errors.js';
import type { LookupReader, SinkWriter, SourceReader } from '../../common/connector.js';
import { LookupJoinOperator } from '../operators/lookup-join.js';
import type { ExecOf, PhysicalPlan } from '../../planner/plan.js';
import type { LateRowOutput, Operator, OperatorContext } from '../operator.js';
import { ChangelogFilterOperator } from '../operators/changelog-filter.js';
import { FilterOperator } from '../operators/filter.js';
import { GroupAggregateOperator } from '../operators/group-aggregate.js';
import { IntervalJoinOperator } from '../operators/interval-join.js';
import { JoinOperator } from '../operators/join.js';
import { DeduplicateFirstOperator } from '../operators/deduplicate-first.js';
import { SemiAntiJoinOperator } from '../operators/semi-anti-join.js';
import { TemporalJoinOperator } from '../operators/temporal-join.js';
import { WindowJoinOperator } from '../operators/window-join.js';
import { UnnestOperator } from '../operators/unnest.js';
import { ExpandOperator } from '../operators/expand.js';
import { LimitOperator } from '../operators/limit.js';
import { OverAggregateOperator } from '../operators/over-aggregate.js';
import { WindowRankOperator } from '../operators/window-rank.js';
import { OverUnboundedAggregateOperator } from '../operators/over-unbounded-aggregate.js';
import { RankOperator } from '../operators/rank.js';
import { ReplicateOperator } from '../operators/replicate.js';
import { ProjectOperator } from '../operators/project.js';
import { ProcessingTimeOperator } from '../operators/processing-time.js';
import { ResultSinkOperator, StreamSinkOperator, type ResultTarget } from '../operators/sink.js';
import { SourceOperator } from '../operators/source.js';
import { ViewSinkOperator } from '../operators/view-sink.js';
import { UnionOperator } from '../operators/union.js';
import { WindowAggregateOperator } from '../operators/window-aggregate.js';
import { WindowAssignOperator } from '../operators/window-assign.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';

/** What building operators needs from the run: state, the clock, and the connectors. */
export interface OperatorDeps {
  readonly backend: KeyedStateBackend;
  /** The processing-time clock. */
  readonly now: () => number;
  /** A reader of a source node's stream, positioned at its start. */
  openSource(node: ExecOf<'SourceExec'>): SourceReader;
  /** 'source.idle-timeout' of a source node's stream in ms (0: never idle). */
  idleTimeoutMs(node: ExecOf<'SourceExec'>): number;
  /** The lookup reader of a lookup join's table (the connector's, src/connectors/registry.ts createLookup). */
  openLookup(node: ExecOf<'LookupJoinExec'>): LookupReader;
  /** The writer of a stream sink. */
  openSink(node: ExecOf<'SinkExec'>): SinkWriter;
  /** Where a transient query's rows go (a 'result' sink). */
  readonly result?: ResultTarget;
  /** The late-row output of window operator `uid` into a `<stream>$late` side stream. */
  lateRows(stream: string, uid: string): LateRowOutput | null;
}

/** The context of the operator of `node`: its keyed tables are `<uid>/<name>` in the run's backend. */
function contextOf(node: PhysicalPlan, deps: OperatorDeps, lateRows: LateRowOutput | null = null): OperatorContext {
  return { table: (name, codec) => deps.backend.table(node.uid, name, codec), now: deps.now, lateRows };
}

/** Creates the operator of a plan node: the one place that maps node kinds to operators. */
export function createOperator(node: PhysicalPlan, deps: OperatorDeps): Operator {
  switch (node.kind) {
    case 'SourceExec':
      return new SourceOperator(node.uid, deps.openSource(node), node.watermark, deps.idleTimeoutMs(node), deps.now);
    case 'FilterExec':
      // Over an updating result a filter must turn half-passing -U/+U pairs into -D or +I.
      return node.inputs[0]!.node.changelog === 'updating' ? new ChangelogFilterOperator(node.uid, node.predicate) : new FilterOperator(node.uid, node.predicate);
    case 'ProjectExec':
      return new ProjectOperator(node.uid, node.exprs);
    case 'ProcessingTimeExec':
      return new ProcessingTimeOperator(node.uid, node.timeIndex, deps.now);
    case 'LookupJoinExec': {
      const tableWidth = node.table.schema.columns.length;
      return new LookupJoinOperator({ ...node, tableWidth }, deps.openLookup(node), deps.now);
    }
    case 'WindowAssignExec':
      return new WindowAssignOperator(node.uid, node.window, node.timeIndex);
    case 'WindowAggregateExec': {
      const ctx = contextOf(node, deps, node.lateRowsTo !== undefined ? deps.lateRows(node.lateRowsTo, node.uid) : null);
      return new WindowAggregateOperator(node, ctx);
    }
    case 'GroupAggregateExec':
      return new GroupAggregateOperator(node, contextOf(node, deps), { ttlMs: node.stateTtlMs, eventTime: node.inputs[0]!.node.watermarked });
    case 'LimitExec':
      return new LimitOperator(node.uid, node.count);
    case 'UnnestExec':
      return new UnnestOperator(node.uid, node);
    case 'ReplicateExec':
      return new ReplicateOperator(node.uid, node.countIndex);
    case 'ExpandExec':
      return new ExpandOperator(node.uid, node.keys, node.sets);
    case 'UnionExec':
      return new UnionOperator(node.uid);
    case 'JoinExec': {
      const [l, r] = node.inputs.map((e) => e.node) as [PhysicalPlan, PhysicalPlan];
      const width = (p: PhysicalPlan): number => p.schema.columns.length - (p.changelog === 'updating' ? 1 : 0);
      // One late-row output per side, each under its own id (the run keeps one per id, deduplicated across restarts).
      const late = (node.lateRowsTo ?? [undefined, undefined]).map((s, i) => (s !== undefined ? deps.lateRows(s, `${node.uid}/${i === 0 ? 'left' : 'right'}`) : null)) as [LateRowOutput | null, LateRowOutput | null];
      const sides = { leftWidth: width(l), rightWidth: width(r), leftUpdating: l.changelog === 'updating', rightUpdating: r.changelog === 'updating', updating: node.changelog === 'updating' };
      const opts = { ttlMs: node.stateTtlMs, eventTime: l.watermarked && r.watermarked };
      const { joinType } = node;
      if (node.window) return new WindowJoinOperator({ ...node, joinType, window: node.window, leftWidth: width(l), rightWidth: width(r) }, contextOf(node, deps), late);
      if (joinType === 'semi' || joinType === 'anti') {
        return new SemiAntiJoinOperator({ ...node, ...sides, anti: joinType === 'anti', nullAware: node.nullAware === true }, contextOf(node, deps), opts);
      }
      if (node.temporal) {
        return new TemporalJoinOperator(
          { ...node, outer: joinType === 'left', leftTime: node.temporal.leftTime, rightTime: node.temporal.rightTime, leftWidth: width(l), rightWidth: width(r), rightUpdating: r.changelog === 'updating' },
          contextOf(node, deps),
        );
      }
      if (node.interval) {
        return new IntervalJoinOperator({ ...node, joinType, interval: node.interval, leftWidth: width(l), rightWidth: width(r) }, contextOf(node, deps), late);
      }
      const spec = { ...node, joinType, leftWidth: width(l), rightWidth: width(r), leftUpdating: l.changelog === 'updating', rightUpdating: r.changelog === 'updating', updating: node.changelog === 'updating' };
      return new JoinOperator(spec, contextOf(node, deps), { ttlMs: node.stateTtlMs, eventTime: l.watermarked && r.watermarked });
    }
    case 'RankExec': {
      if (node.window) return new WindowRankOperator({ ...node, windowEnd: node.window.end }, contextOf(node, deps));
      const time = node.orderKeys[0]!.expr;
      if (node.firstByTime && time.kind === 'inputRef') return new DeduplicateFirstOperator({ uid: node.uid, partitionKeys: node.partitionKeys, timeIndex: time.index }, contextOf(node, deps));
      return new RankOperator(node, contextOf(node, deps));
    }
    case 'OverAggregateExec': {
      const ctx = contextOf(node, deps, node.lateRowsTo !== undefined ? deps.lateRows(node.lateRowsTo, node.uid) : null);
      const { unit, preceding } = node.frame;
      if (preceding === 'unbounded') return new OverUnboundedAggregateOperator(node, ctx);
      return new OverAggregateOperator({ ...node, frame: { unit, preceding } }, ctx);
    }
    case 'SinkExec':
      if (node.target.kind === 'stream') return new StreamSinkOperator(node.uid, deps.openSink(node));
      if (node.target.kind === 'view') return new ViewSinkOperator(node.uid, contextOf(node, deps), node.changelog === 'updating');
      if (!deps.result) throw internalError('a result sink needs a result target');
      return new ResultSinkOperator(node.uid, deps.result);
    default:
      return assertNever(node, 'physical plan node');
  }
}
