import { assertNever, internalError } from '../common/errors.js';
import { isUpdating } from '../planner/changelog.js';
import type { PhysicalPlan } from '../planner/plan.js';
import type { Batch, Collector } from './batch.js';
import { collectorFor, type Operator } from './operator.js';
import { ChangelogFilterOperator } from './operators/changelog-filter.js';
import { FilterOperator } from './operators/filter.js';
import { GroupAggregateOperator } from './operators/group-aggregate.js';
import { LimitOperator } from './operators/limit.js';
import { ProjectOperator } from './operators/project.js';
import { SessionWindowAggregateOperator } from './operators/session-window-aggregate.js';
import { WindowAggregateOperator } from './operators/window-aggregate.js';
import type { KeyedStateBackend } from './state/keyed-state-backend.js';

export type SourceExecNode = Extract<PhysicalPlan, { kind: 'SourceExec' }>;
/** Where a linear operator chain starts: a source, or a union whose inputs are chains of their own (src/runtime/multi-input.ts builds them). */
export type PipelineLeaf = Extract<PhysicalPlan, { kind: 'SourceExec' | 'UnionExec' }>;

export interface Pipeline {
  /** The leaf of the plan; the caller opens its connector(s) and feeds batches into `head`. */
  readonly source: PipelineLeaf;
  /** Where source batches and signals go. */
  readonly head: Collector;
  /** The operators, bottom-up (the first receives from the source, the last feeds the sink). */
  readonly operators: readonly Operator[];
  /** Sets where the last operator's output goes. */
  connectSink(c: Collector): void;
}

/** Session settings operators need at run time. */
export interface PipelineOptions {
  /** 'state.ttl' in milliseconds: how long a non-windowed GROUP BY keeps an idle key; 0 = forever. */
  readonly stateTtlMs?: number;
  /** The processing-time clock (tests inject one). */
  readonly now?: () => number;
}

/** A Collector that forwards to a target set later (the sink, when the plan has no operator). */
class Relay implements Collector {
  target: Collector | undefined;
  private get t(): Collector {
    if (this.target === undefined) throw internalError('pipeline used before connectSink');
    return this.target;
  }
  data(b: Batch): void {
    this.t.data(b);
  }
  watermark(w: number): void {
    this.t.watermark(w);
  }
  barrier(id: number): void {
    this.t.barrier(id);
  }
  end(): void {
    this.t.end();
  }
}

/**
 * Instantiates the operators of a physical plan bottom-up and chains them; leaves the source
 * (connector, watermark computation) and the sink to the caller. Operators register their keyed
 * state in `backend`, so restore the backend after this call.
 */
export function buildPipeline(plan: PhysicalPlan, backend: KeyedStateBackend, opts: PipelineOptions = {}): Pipeline {
  const operators: Operator[] = [];
  const walk = (node: PhysicalPlan): PipelineLeaf => {
    switch (node.kind) {
      case 'SourceExec':
      case 'UnionExec':
        return node;
      case 'FilterExec': {
        const src = walk(node.input);
        // Over an updating result a filter must turn half-passing -U/+U pairs into -D or +I.
        operators.push(isUpdating(node.input) ? new ChangelogFilterOperator(node.uid, node.predicate) : new FilterOperator(node.uid, node.predicate));
        return src;
      }
      case 'ProjectExec': {
        const src = walk(node.input);
        operators.push(new ProjectOperator(node.uid, node.exprs));
        return src;
      }
      case 'WindowAggregateExec': {
        const src = walk(node.input);
        operators.push(node.window.kind === 'session' ? new SessionWindowAggregateOperator(node, backend) : new WindowAggregateOperator(node, backend));
        return src;
      }
      case 'GroupAggregateExec': {
        const src = walk(node.input);
        const ttlMs = opts.stateTtlMs ?? 0;
        operators.push(new GroupAggregateOperator(node, backend, { ttlMs, eventTime: src.kind === 'SourceExec' ? src.watermark !== undefined : src.watermarked, ...(opts.now ? { now: opts.now } : {}) }));
        return src;
      }
      case 'LimitExec': {
        const src = walk(node.input);
        operators.push(new LimitOperator(node.uid, node.count));
        return src;
      }
      default:
        return assertNever(node, 'physical plan node');
    }
  };
  const source = walk(plan);
  for (let i = 0; i + 1 < operators.length; i++) operators[i]!.connect(collectorFor(operators[i + 1]!));
  const relay = new Relay();
  const head: Collector = operators.length > 0 ? collectorFor(operators[0]!) : relay;
  return {
    source,
    head,
    operators,
    connectSink(c: Collector): void {
      if (operators.length > 0) operators[operators.length - 1]!.connect(c);
      else relay.target = c;
    },
  };
}
