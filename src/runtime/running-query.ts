import { EddyError } from '../common/errors.js';
import type { Row, Schema } from '../common/types.js';
import type { PhysicalPlan } from '../planner/plan.js';
import type { SourceReader } from '../connectors/connector.js';
import type { Collector } from '../exec/batch.js';
import { buildPipeline } from '../exec/build-pipeline.js';
import { computeWatermarks } from '../exec/build-pipeline.js';
import { compileExpr } from '../exec/expr-compiler.js';
import { KeyedStateBackend } from '../exec/state/index.js';
import type { Operator } from '../exec/operator.js';

export type QueryStatus = 'CREATED' | 'RUNNING' | 'RESTARTING' | 'FAILED' | 'FINISHED' | 'CANCELED';

/** Where a query's result rows go: a callback (SELECT to a terminal or the API) or a sink. */
export interface ResultTarget {
  rows(rows: Row[]): void;
  /** Called once the input ended and every window fired. */
  end(): void;
}

export interface QueryMetrics {
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly lateRows: number;
  readonly skippedRows: number;
  readonly watermark: number;
}

export interface RunOptions {
  readonly batchSize: number;
  /** How long to wait before polling an unbounded source that had nothing. */
  readonly idlePollMs: number;
  /** 'state.ttl' in ms for non-windowed GROUP BY state; 0 or absent = forever. */
  readonly stateTtlMs?: number;
  /** Allowed lateness and early fire of window aggregates (the plan must have been bound with the same). */
  readonly windowEmit?: { readonly allowedLatenessMs: number; readonly earlyFireDelayMs: number };
  /** The processing-time clock for early fire; Date.now by default (tests inject one). */
  readonly now?: () => number;
  /** Where the window operator's late rows go (the source stream's `<name>$late` side stream). */
  readonly lateRows?: LateRowSink;
}

/**
 * The late-row side output of one query. It outlives the query's runs: a run restored from a
 * checkpoint replays the late rows after it, and skips those an earlier run in this process
 * already delivered (a late row is identified by the operator's checkpointed late count).
 */
export interface LateRowSink {
  /** How many of the query's late rows (by late count) have been delivered. */
  delivered: number;
  deliver(rows: Row[]): void;
}

/** Window operators the run configures and calls while idle (duck-typed: build-pipeline constructs them). */
interface EmitConfigurable {
  configure(emit: { allowedLatenessMs?: number; earlyFireDelayMs?: number; now?: () => number; onLateRow?: ((row: Row, n: number) => void) | null }): void;
  onProcessingTime?(): void;
}
const isConfigurable = (op: unknown): op is EmitConfigurable => typeof (op as Partial<EmitConfigurable>).configure === 'function';

/** Hooks a coordinator (checkpoints) uses at batch boundaries, which are consistent cuts. */
export interface BatchBoundaryHook {
  /** Called after each batch is fully processed; may return a promise the loop awaits. */
  afterBatch(q: QueryRun): Promise<void> | void;
}

/** The live parts of one query run: what a checkpoint snapshots and a restore fills. */
export interface QueryRuntime {
  readonly backend: KeyedStateBackend;
  readonly source: SourceReader;
  readonly operators: readonly Operator[];
  watermark: number;
}

/**
 * Runs one query: pulls batches from its source, stamps per-row watermarks (DESIGN.md §3 rule 1),
 * pushes them through the operator chain, and delivers results to the target. Single-threaded;
 * every batch boundary is a consistent cut for checkpoints.
 */
export class QueryRun implements QueryRuntime {
  readonly backend = new KeyedStateBackend();
  readonly operators: readonly Operator[];
  private readonly head: Collector;
  private readonly wmFn: ((row: Row) => unknown) | null;
  watermark = -Infinity;
  private cancelled = false;
  private rowsIn = 0;
  private rowsOut = 0;
  private finished = false;

  constructor(
    readonly plan: PhysicalPlan,
    readonly source: SourceReader,
    readonly outputSchema: Schema,
    private readonly target: ResultTarget,
    private readonly opts: RunOptions,
    private readonly hook?: BatchBoundaryHook,
  ) {
    const pipeline = buildPipeline(plan, this.backend, { stateTtlMs: opts.stateTtlMs ?? 0 });
    this.operators = pipeline.operators;
    this.head = pipeline.head;
    const lateSink = opts.lateRows && windowSeesSourceRows(plan) ? opts.lateRows : undefined;
    for (const op of this.operators) {
      if (!isConfigurable(op)) continue;
      op.configure({
        ...(opts.windowEmit ?? {}),
        ...(opts.now ? { now: opts.now } : {}),
        onLateRow: lateSink
          ? (row, n) => {
              if (n <= lateSink.delivered) return;
              lateSink.delivered = n;
              lateSink.deliver([row]);
            }
          : null,
      });
    }
    const wm = pipeline.source.watermark;
    this.wmFn = wm ? compileExpr(wm.expr) : null;
    pipeline.connectSink({
      data: (b) => {
        if (b.rows.length === 0) return;
        this.rowsOut += b.rows.length;
        this.target.rows(b.rows);
      },
      watermark: () => {},
      barrier: () => {},
      end: () => {
        this.finished = true;
        this.target.end();
      },
    });
  }

  /** Stops the loop at the next batch boundary. */
  cancel(): void {
    this.cancelled = true;
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }

  /** True once a LIMIT is satisfied: the query can stop early. */
  private limitReached(): boolean {
    return this.operators.some((op) => op.done);
  }

  metrics(): QueryMetrics {
    let late = 0;
    for (const op of this.operators) late += op.lateRows;
    return { rowsIn: this.rowsIn, rowsOut: this.rowsOut, lateRows: late, skippedRows: this.source.skippedRows, watermark: this.watermark };
  }

  /** Runs until the source ends (returns 'finished') or cancel() (returns 'cancelled'). Errors propagate. */
  async run(): Promise<'finished' | 'cancelled'> {
    const { batchSize, idlePollMs } = this.opts;
    while (!this.cancelled) {
      // Rows already read are processed even if cancel() came during the read: the source's offset
      // is past them, so dropping them would lose them from a final checkpoint.
      const rows = await this.source.read(batchSize);
      if (rows === null) {
        this.head.end();
        if (!this.finished) throw new EddyError('INTERNAL', 'internal error: pipeline did not finish at end of input');
        return 'finished';
      }
      if (rows.length === 0) {
        this.onIdle();
        if (this.hook) await this.hook.afterBatch(this);
        await sleep(idlePollMs);
        continue;
      }
      this.rowsIn += rows.length;
      this.pushBatch(rows);
      if (this.limitReached()) {
        this.head.end();
        return 'finished';
      }
      if (this.hook) await this.hook.afterBatch(this);
      // Let I/O callbacks run (an in-flight checkpoint's SQLite steps, Ctrl-C) between batches.
      await yieldToEventLoop();
    }
    return 'cancelled';
  }

  /** Processing-time work of the operators (early fire) while the source has nothing. */
  private onIdle(): void {
    for (const op of this.operators) if (isConfigurable(op)) op.onProcessingTime?.();
  }

  private pushBatch(rows: Row[]): void {
    if (this.wmFn) {
      const { wm, after } = computeWatermarks(rows, this.wmFn, this.watermark);
      this.head.data({ rows, wm });
      if (after > this.watermark) {
        this.watermark = after;
        this.head.watermark(after);
      }
    } else {
      this.head.data({ rows, wm: null });
    }
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/** Whether the window aggregate of a plan receives source rows as they are (only filters below it), so its late rows fit `<source>$late`. */
function windowSeesSourceRows(plan: PhysicalPlan): boolean {
  let p = plan;
  while (p.kind !== 'WindowAggregateExec') {
    if (p.kind === 'SourceExec') return false;
    p = p.input;
  }
  for (let q = p.input; q.kind !== 'SourceExec'; q = q.input) if (q.kind !== 'FilterExec') return false;
  return true;
}
