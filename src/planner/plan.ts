import type { Schema } from '../common/types.js';
import type { StreamDef } from './catalog.js';
import type { JoinType } from '../parser/ast.js';
import type { AggCall, BoundExpr, WindowSpec } from './bound.js';

/** The event-time column of a scan and how its watermark is computed from each source row. */
export interface WatermarkSpec {
  readonly timeIndex: number;
  readonly expr: BoundExpr;
}

/**
 * How a window aggregate emits beyond one final result per window (both 0: append-only).
 * Either one > 0 makes its result an updating changelog (op first).
 */
export interface WindowEmit {
  /** Event-time ms a fired window is kept: a row with W < end - 1 + allowed still updates it. */
  readonly allowedLatenessMs: number;
  /** Processing-time ms between early firings of open windows; 0 = none. */
  readonly earlyFireDelayMs: number;
}

/** Where a window aggregate's input rows carry their window (see the logical windowAggregate's `attached`). */
export interface AttachedWindow {
  /** The input's window_start column (timeIndex is its window_end). */
  readonly startIndex: number;
}

export const APPEND_ONLY_EMIT: WindowEmit = { allowedLatenessMs: 0, earlyFireDelayMs: 0 };

/** Whether a window aggregate with these settings emits an updating changelog. */
export const isUpdatingEmit = (e: WindowEmit): boolean => e.allowedLatenessMs > 0 || e.earlyFireDelayMs > 0;

/**
 * Logical plan: what to compute, independent of how. Every node's `schema` is its output. A plan
 * whose result is an updating changelog has `op` as its first column (src/planner/changelog.ts).
 */
export type LogicalPlan =
  /** readColumns: the columns the plan reads (set by column pruning; absent: all), so a connector may leave the others NULL. */
  | { readonly kind: 'scan'; readonly stream: StreamDef; readonly watermark?: WatermarkSpec; readonly readColumns?: readonly number[]; readonly schema: Schema }
  | { readonly kind: 'filter'; readonly input: LogicalPlan; readonly predicate: BoundExpr; readonly schema: Schema }
  | { readonly kind: 'project'; readonly input: LogicalPlan; readonly exprs: readonly BoundExpr[]; readonly schema: Schema }
  /**
   * A windowing table function without aggregation: every input row, once per window it falls in,
   * with window_start, window_end and window_time appended.
   */
  | { readonly kind: 'windowAssign'; readonly input: LogicalPlan; readonly window: WindowSpec; readonly timeIndex: number; readonly proctime?: true; readonly schema: Schema }
  | {
      /** Output [...keys, window_start, window_end, ...aggs], with op first when `emit` makes it updating. */
      readonly kind: 'windowAggregate';
      readonly input: LogicalPlan;
      readonly window: WindowSpec;
      /** Index of the event-time column in the input row. */
      readonly timeIndex: number;
      readonly keys: readonly BoundExpr[];
      readonly aggs: readonly AggCall[];
      readonly emit: WindowEmit;
      /**
       * The rows already carry their window (GROUP BY window_start, window_end over a windowed
       * result, as Flink's window aggregate over a windowed input): `timeIndex` is the input's
       * window_end, and each row belongs to the one window of `window` that ends there; a SESSION
       * window (not on a grid) is [the row's window_start, its window_end), as Flink's
       * UnsliceAssigners.windowed.
       */
      readonly attached?: AttachedWindow;
      /** `timeIndex` is a processing-time attribute: the window fires on the wall clock (src/exec/operators/processing-time.ts). */
      readonly proctime?: true;
      readonly schema: Schema;
    }
  /**
   * A GROUP BY without a window (no keys: one global group): an updating result, output
   * [op, ...keys, ...aggs]. Over an updating input it retracts (src/exec/operators/group-aggregate.ts).
   */
  | { readonly kind: 'groupAggregate'; readonly input: LogicalPlan; readonly keys: readonly BoundExpr[]; readonly aggs: readonly AggCall[]; readonly schema: Schema }
  | { readonly kind: 'limit'; readonly input: LogicalPlan; readonly count: number; readonly schema: Schema }
  /** `input CROSS JOIN UNNEST(collection)`: each input row once per element (see UnnestSpec), the element's columns appended. */
  | ({ readonly kind: 'unnest'; readonly input: LogicalPlan; readonly schema: Schema } & UnnestSpec)
  | ExpandNode
  /** UNION ALL: every row of every input. Its watermark is the minimum of its inputs' (DESIGN.md §3 rule 6). */
  | { readonly kind: 'union'; readonly inputs: readonly LogicalPlan[]; readonly schema: Schema }
  /**
   * A regular equi-join (src/planner/bind-join.ts): output [op?, ...left columns, ...right columns]
   * (each input's op dropped); op first unless it is an INNER join of two append-only inputs.
   */
  | {
      readonly kind: 'join';
      /** 'semi' / 'anti' (an IN / EXISTS subquery, src/planner/bind-subquery.ts): output the left columns only. */
      readonly joinType: PlanJoinType;
      /** NOT IN's NULL rule (an anti join): a NULL on either side makes the answer UNKNOWN. */
      readonly nullAware?: true;
      readonly left: LogicalPlan;
      readonly right: LogicalPlan;
      /** Equal-length key lists; leftKeys over left rows, rightKeys over right rows. */
      readonly leftKeys: readonly BoundExpr[];
      readonly rightKeys: readonly BoundExpr[];
      /** The rest of ON, over the output row (op slot included when updating); semi/anti: over [...left data, ...right data]. */
      readonly residual?: BoundExpr;
      /** Time bounds on both time attributes: an interval join, append-only (src/exec/operators/interval-join.ts). */
      readonly interval?: IntervalBounds;
      /** Equal windows of both sides: a window join, append-only (src/exec/operators/window-join.ts). */
      readonly window?: WindowJoin;
      /** FOR SYSTEM_TIME AS OF: an event-time temporal join, append-only (src/exec/operators/temporal-join.ts). */
      readonly temporal?: TemporalJoin;
      readonly schema: Schema;
    }
  /**
   * INTERSECT ALL / EXCEPT ALL (src/planner/bind-set-op.ts): each input row `countIndex` times,
   * without that column (Flink's REPLICATE_ROWS); over an updating input each change is repeated.
   */
  | { readonly kind: 'replicate'; readonly input: LogicalPlan; readonly countIndex: number; readonly schema: Schema }
  | RankNode
  | OverAggregateNode
  | LookupJoinNode;

/**
 * GROUPING SETS / ROLLUP / CUBE below their aggregate (Flink's Expand): every input row once per
 * grouping set, output [...input columns, ...keys, $e]: key i where the set groups it and NULL
 * where it does not, and $e the set's position (BIGINT), the aggregate's last key. Stateless; the
 * input's op, time attributes and watermark pass through (src/exec/operators/expand.ts).
 */
export interface ExpandNode {
  readonly kind: 'expand';
  readonly input: LogicalPlan;
  /** Over input rows. */
  readonly keys: readonly BoundExpr[];
  /** Per grouping set, the positions in `keys` it groups by. */
  readonly sets: readonly (readonly number[])[];
  readonly schema: Schema;
}

/** How a lookup join caches what it read (Flink's lookup caches); null: every row reads the table. */
export type LookupCache = PartialLookupCache | FullLookupCache;

/** Flink's partial cache: keys read on a miss, kept within bounds. */
export interface PartialLookupCache {
  readonly kind: 'partial';
  /** Keys kept at most (least recently used evicted). */
  readonly maxRows: number;
  /** Processing-time ms a cached key's rows are used after they were read; Infinity: until evicted. */
  readonly ttlMs: number;
  /** Whether a key without rows is cached too (Flink's 'lookup.cache.caching-missing-key', default true). */
  readonly missingKeys: boolean;
}

/** Flink's full cache: the whole table read into memory, read again on a schedule; no point reads. */
export interface FullLookupCache {
  readonly kind: 'full';
  readonly reload: FullCacheReload;
}

/**
 * When a full cache is read again (Flink's CacheReloadTrigger): PERIODIC every `intervalMs` (from
 * the end of the previous read, FIXED_DELAY, or from its start, FIXED_RATE); TIMED at a time of day
 * every `intervalDays` days, the time in UTC plus `utcOffsetMs`, or in the process's zone when null.
 */
export type FullCacheReload =
  | { readonly kind: 'periodic'; readonly intervalMs: number; readonly fixedRate: boolean }
  | { readonly kind: 'timed'; readonly timeOfDayMs: number; readonly utcOffsetMs: number | null; readonly intervalDays: number };

/**
 * A lookup join (src/planner/bind-lookup.ts): `JOIN dim FOR SYSTEM_TIME AS OF o.proc_time AS d ON
 * o.k = d.id` against a table whose connector reads rows by key (sqlite, filesystem). Each input row
 * reads the table's rows for its key when it is processed (Flink's LookupJoin); output [...input
 * columns, ...table columns], LEFT pads a row without matches with NULLs. Append-only over an
 * append-only input; over an updating one (op first) each change joins with its op kept, as Flink's
 * LookupJoinRunner does.
 */
export interface LookupJoinNode {
  readonly kind: 'lookupJoin';
  readonly input: LogicalPlan;
  readonly table: StreamDef;
  readonly joinType: 'inner' | 'left';
  /** Over input rows, one per lookup key column. */
  readonly leftKeys: readonly BoundExpr[];
  /** Column indices of the table, paired with leftKeys. */
  readonly lookupKeys: readonly number[];
  /** The rest of ON, over the output row. */
  readonly residual?: BoundExpr;
  /** The input's processing-time attribute named by AS OF. */
  readonly procTime: number;
  readonly cache: LookupCache | null;
  readonly schema: Schema;
}

/**
 * Top-N: `ROW_NUMBER() OVER (PARTITION BY ... ORDER BY ...)` under `WHERE rn <= N` (src/planner/bind-rank.ts).
 * An updating result, output [op, ...input columns (its op dropped), rank]; see src/exec/operators/rank.ts.
 */
export interface RankNode {
  readonly kind: 'rank';
  readonly input: LogicalPlan;
  readonly fn: 'ROW_NUMBER' | 'RANK' | 'DENSE_RANK';
  readonly partitionKeys: readonly BoundExpr[];
  /** Over the input row. */
  readonly orderKeys: readonly { readonly expr: BoundExpr; readonly desc: boolean }[];
  /** Keep-last-row deduplication (rn = 1 by a time attribute DESC): a later row of equal time wins, as Flink's Deduplicate. */
  readonly newPeersFirst: boolean;
  /**
   * Keep-first-row deduplication (rn = 1 by a time attribute ASC over an append-only input, rank
   * not read): insert-only, as Flink 2.x's rowtime Deduplicate; output [...input columns, rank]
   * without op (src/exec/operators/deduplicate-first.ts).
   */
  readonly firstByTime?: true;
  /** Ranks kept, 1-based, inclusive. */
  readonly start: number;
  readonly end: number;
  /** Whether anything reads the rank column (Flink drops it otherwise: "no ranking number"). */
  readonly rankNumber: boolean;
  /**
   * Window Top-N (the partition keys hold a window's start and end; src/exec/operators/window-rank.ts):
   * `end` is the input's window_end column. Append-only, output [...input columns, rank], each
   * window's ranking emitted once when the window completes.
   */
  readonly window?: { readonly end: number };
  readonly schema: Schema;
}

/**
 * An OVER aggregate over event time (src/planner/bind-over.ts): append-only, output [...input
 * columns, ...aggs], each row emitted once the watermark passes its time (src/exec/operators/over-aggregate.ts).
 */
export interface OverAggregateNode {
  readonly kind: 'overAggregate';
  readonly input: LogicalPlan;
  readonly partitionKeys: readonly BoundExpr[];
  /** Index of the input's event-time column the rows are ordered by. */
  readonly timeIndex: number;
  /** ROWS: rows before the current one; RANGE: ms before its time; 'unbounded': every earlier row (src/exec/operators/over-unbounded-aggregate.ts). */
  readonly frame: { readonly unit: 'ROWS' | 'RANGE'; readonly preceding: number | 'unbounded' };
  readonly aggs: readonly AggCall[];
  readonly schema: Schema;
}

/** A temporal join's times: the left row's AS OF column and the versioned right side's time attribute (indices into each side's rows). */
export interface TemporalJoin {
  readonly leftTime: number;
  readonly rightTime: number;
}

/** A join's kind: the SQL join types, and the semi/anti joins subqueries become (as Flink's FlinkJoinType). */
export type PlanJoinType = JoinType | 'semi' | 'anti';

/** A window join's window_end columns (`leftEnd` of left rows, `rightEnd` of right rows); the window columns are also join keys. */
export interface WindowJoin {
  readonly leftEnd: number;
  readonly rightEnd: number;
}

/**
 * An interval join's bounds: leftTime - rightTime lies in [lower, upper] (ms, inclusive), the
 * times being columns `leftTime` of left rows and `rightTime` of right rows. The time conjuncts
 * also stay in the residual, which checks every pair exactly.
 */
export interface IntervalBounds {
  readonly leftTime: number;
  readonly rightTime: number;
  readonly lower: number;
  readonly upper: number;
}

/** The inputs of a logical node, in order. */
export function logicalInputs(p: LogicalPlan): readonly LogicalPlan[] {
  switch (p.kind) {
    case 'scan':
      return [];
    case 'union':
      return p.inputs;
    case 'join':
      return [p.left, p.right];
    default:
      return [p.input];
  }
}

/**
 * What UNNEST expands: `collection` (over the input row) is an ARRAY (one column per element, or
 * one per field for an ARRAY of ROW) or a MAP (key and value columns); `ordinality` appends the
 * 1-based position (INT); `outer` (LEFT JOIN UNNEST ... ON TRUE) keeps a row whose collection is
 * NULL or empty, with NULL element columns. An updating input's op column is copied to each output row.
 */
export interface UnnestSpec {
  readonly collection: BoundExpr;
  readonly expand: 'element' | 'rowFields' | 'mapEntries';
  /** The number of columns one element gives (1, the ROW's field count, or 2). */
  readonly width: number;
  readonly ordinality: boolean;
  readonly outer: boolean;
}

/**
 * How rows travel along an edge when the graph runs in parallel: `forward` keeps them on the
 * producer's worker, `hash(keys)` sends rows with equal keys to the worker owning their key group
 * (a keyed operator's input), `single` sends every row to one worker (a global aggregate, LIMIT).
 * At parallelism 1 every edge is a function call.
 */
export type Partitioning =
  | { readonly kind: 'forward' }
  | { readonly kind: 'hash'; readonly keys: readonly BoundExpr[] }
  | { readonly kind: 'single' };

/** An input edge of a physical node: the producing node and the partitioning of its rows. */
export interface PlanEdge {
  readonly node: PhysicalPlan;
  readonly partitioning: Partitioning;
}

/** Append-only rows, or an updating changelog (op first, see src/planner/changelog.ts). */
export type Changelog = 'append' | 'updating';

/** What every physical node says about itself. */
interface ExecNode {
  /** Names the node's state in checkpoints; stable for an unchanged query (src/planner/physical.ts). */
  readonly uid: string;
  readonly inputs: readonly PlanEdge[];
  readonly schema: Schema;
  readonly changelog: Changelog;
  /** Whether the output carries a watermark (every source below declares one). */
  readonly watermarked: boolean;
}

/** Where a query's result goes: a declared stream (a persistent query's sink), or the caller. */
export type SinkTarget =
  | { readonly kind: 'stream'; readonly stream: StreamDef }
  | { readonly kind: 'result' }
  /** A materialized view's contents, kept as the sink operator's keyed state (src/exec/operators/view-sink.ts). */
  | { readonly kind: 'view'; readonly name: string };

/**
 * Physical plan: a DAG of Exec nodes, one operator each (src/exec/operators), joined by edges that
 * carry a partitioning. A node shared by two consumers is one operator whose output fans out.
 */
export type PhysicalPlan =
  /** readColumns: the columns any consumer reads (absent: all); a connector may decode only these and leave the others NULL. */
  | (ExecNode & { readonly kind: 'SourceExec'; readonly stream: StreamDef; readonly watermark?: WatermarkSpec; readonly readColumns?: readonly number[] })
  | (ExecNode & { readonly kind: 'FilterExec'; readonly predicate: BoundExpr })
  | (ExecNode & { readonly kind: 'ProjectExec'; readonly exprs: readonly BoundExpr[] })
  | (ExecNode & { readonly kind: 'WindowAssignExec'; readonly window: WindowSpec; readonly timeIndex: number })
  /**
   * The processing-time clock of a window over a PROCTIME() attribute: stamps column `timeIndex` of
   * each row with the wall clock and sends the clock, less 1 ms, as the watermark (the input's own
   * watermarks and idleness are dropped), so the window aggregate above fires on the wall clock.
   */
  | (ExecNode & { readonly kind: 'ProcessingTimeExec'; readonly timeIndex: number })
  /** See LookupJoinNode; input 0 is the probe side, the table is read through the connector's lookup reader. */
  | (ExecNode & Omit<LookupJoinNode, 'kind' | 'input' | 'schema'> & { readonly kind: 'LookupJoinExec' })
  | (ExecNode & {
      readonly kind: 'WindowAggregateExec';
      readonly window: WindowSpec;
      readonly timeIndex: number;
      readonly keys: readonly BoundExpr[];
      readonly aggs: readonly AggCall[];
      readonly emit: WindowEmit;
      /** The `<stream>$late` side stream receiving the rows dropped as late, when the input is one stream's rows (only filters between). */
      readonly lateRowsTo?: string;
      /** See the logical windowAggregate's `attached`. */
      readonly attached?: AttachedWindow;
      /** Over a processing-time attribute (its input is a ProcessingTimeExec). */
      readonly proctime?: true;
    })
  | (ExecNode & {
      readonly kind: 'GroupAggregateExec';
      readonly keys: readonly BoundExpr[];
      readonly aggs: readonly AggCall[];
      /** 'state.ttl' in ms: a key not updated for longer is dropped; 0 keeps keys forever. */
      readonly stateTtlMs: number;
      /** The input is an updating changelog: its '-U' / '-D' rows are taken back from the groups (retracting accumulators). */
      readonly retracting: boolean;
    })
  | (ExecNode & { readonly kind: 'LimitExec'; readonly count: number })
  | (ExecNode & UnnestSpec & { readonly kind: 'UnnestExec' })
  /** See the logical replicate node: stateless. */
  | (ExecNode & { readonly kind: 'ReplicateExec'; readonly countIndex: number })
  | (ExecNode & Omit<ExpandNode, 'kind' | 'input' | 'schema'> & { readonly kind: 'ExpandExec' })
  /** `rowtime`: the output column that is every input's time attribute, if one is. */
  | (ExecNode & { readonly kind: 'UnionExec'; readonly rowtime?: number })
  | (ExecNode & { readonly kind: 'SinkExec'; readonly target: SinkTarget })
  /** Input 0 is the left side, input 1 the right, each hash-partitioned on its keys (src/exec/operators/join.ts). */
  | (ExecNode & {
      readonly kind: 'JoinExec';
      readonly joinType: PlanJoinType;
      readonly nullAware?: true;
      readonly leftKeys: readonly BoundExpr[];
      readonly rightKeys: readonly BoundExpr[];
      readonly residual?: BoundExpr;
      readonly interval?: IntervalBounds;
      readonly window?: WindowJoin;
      readonly temporal?: TemporalJoin;
      /** The `<stream>$late` side streams receiving each side's late rows (interval joins), when that side is one stream's rows. */
      readonly lateRowsTo?: readonly [string | undefined, string | undefined];
      /** 'state.ttl' in ms: a key not written for longer is dropped from both sides; 0 keeps state forever. */
      readonly stateTtlMs: number;
    })
  | (ExecNode & Omit<RankNode, 'kind' | 'input' | 'schema'> & { readonly kind: 'RankExec'; readonly retracting: boolean })
  /** `lateRowsTo`: the `<stream>$late` side stream of the rows dropped as late, when the input is one stream's rows. */
  | (ExecNode & Omit<OverAggregateNode, 'kind' | 'input' | 'schema'> & { readonly kind: 'OverAggregateExec'; readonly lateRowsTo?: string });

export type PhysicalKind = PhysicalPlan['kind'];
export type ExecOf<K extends PhysicalKind> = Extract<PhysicalPlan, { kind: K }>;
