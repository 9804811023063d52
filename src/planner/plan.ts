import type { Schema } from '../common/types.js';
import type { StreamDef } from './catalog.js';
import type { AggCall, BoundExpr, WindowSpec } from './bound.js';

/** The event-time column of a scan and how its watermark is computed from each source row. */
export interface WatermarkSpec {
  readonly timeIndex: number;
  readonly expr: BoundExpr;
}

/**
 * Logical plan: what to compute, independent of how. Every node's `schema` is its output.
 * A windowed aggregate outputs [...keys, window_start, window_end, ...aggs].
 */
export type LogicalPlan =
  | { readonly kind: 'scan'; readonly stream: StreamDef; readonly watermark?: WatermarkSpec; readonly schema: Schema }
  | { readonly kind: 'filter'; readonly input: LogicalPlan; readonly predicate: BoundExpr; readonly schema: Schema }
  | { readonly kind: 'project'; readonly input: LogicalPlan; readonly exprs: readonly BoundExpr[]; readonly schema: Schema }
  | {
      readonly kind: 'windowAggregate';
      readonly input: LogicalPlan;
      readonly window: WindowSpec;
      /** Index of the event-time column in the input row. */
      readonly timeIndex: number;
      readonly keys: readonly BoundExpr[];
      readonly aggs: readonly AggCall[];
      readonly schema: Schema;
    }
  /**
   * A GROUP BY without a window (no keys: one global group): an updating result, output
   * [op, ...keys, ...aggs] with op in '+I' | '-U' | '+U' | '-D' (src/exec/operators/group-aggregate.ts).
   */
  | { readonly kind: 'groupAggregate'; readonly input: LogicalPlan; readonly keys: readonly BoundExpr[]; readonly aggs: readonly AggCall[]; readonly schema: Schema }
  | { readonly kind: 'limit'; readonly input: LogicalPlan; readonly count: number; readonly schema: Schema }
  /**
   * UNION ALL: every row of every input, in the order the runtime reads them (round-robin batches,
   * src/runtime/multi-input.ts). Inputs are stateless chains (filter, project) over one scan each.
   */
  | ({ readonly kind: 'union'; readonly inputs: readonly LogicalPlan[]; readonly schema: Schema } & UnionTime);

/**
 * The event time of a union. Its watermark is the minimum of its inputs' (DESIGN.md §3 rule 6),
 * so it has one only when every input stream declares a WATERMARK.
 */
export interface UnionTime {
  /** Every input stream declares a WATERMARK. */
  readonly watermarked: boolean;
  /**
   * The time attribute: the output column at which every input passes its own stream's watermarked
   * column through unchanged (so a window over the union may use it); absent when there is none.
   */
  readonly timeIndex?: number;
}

/**
 * Physical plan: how to run it. A tree of Exec nodes, one operator each (src/exec/operators).
 * `uid` names an operator's state in checkpoints; it is stable for an unchanged query.
 */
export type PhysicalPlan =
  | { readonly kind: 'SourceExec'; readonly uid: string; readonly stream: StreamDef; readonly watermark?: WatermarkSpec; readonly schema: Schema }
  | { readonly kind: 'FilterExec'; readonly uid: string; readonly input: PhysicalPlan; readonly predicate: BoundExpr; readonly schema: Schema }
  | { readonly kind: 'ProjectExec'; readonly uid: string; readonly input: PhysicalPlan; readonly exprs: readonly BoundExpr[]; readonly schema: Schema }
  | {
      readonly kind: 'WindowAggregateExec';
      readonly uid: string;
      readonly input: PhysicalPlan;
      readonly window: WindowSpec;
      readonly timeIndex: number;
      readonly keys: readonly BoundExpr[];
      readonly aggs: readonly AggCall[];
      readonly schema: Schema;
    }
  | {
      readonly kind: 'GroupAggregateExec';
      readonly uid: string;
      readonly input: PhysicalPlan;
      readonly keys: readonly BoundExpr[];
      readonly aggs: readonly AggCall[];
      readonly schema: Schema;
    }
  | { readonly kind: 'LimitExec'; readonly uid: string; readonly input: PhysicalPlan; readonly count: number; readonly schema: Schema }
  /** UNION ALL of linear input chains, each ending in its own SourceExec; the runtime reads them round-robin. */
  | ({ readonly kind: 'UnionExec'; readonly uid: string; readonly inputs: readonly PhysicalPlan[]; readonly schema: Schema } & UnionTime);
