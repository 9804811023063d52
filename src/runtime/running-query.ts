import { EddyError } from '../common/errors.js';
import type { Row, Schema } from '../common/types.js';
import type { PhysicalPlan } from '../planner/plan.js';
import type { SourceReader } from '../connectors/connector.js';
import type { Collector } from '../exec/batch.js';
import { buildPipeline, type PipelineOptions } from '../exec/build-pipeline.js';
import { KeyedStateBackend } from '../exec/state/index.js';
import type { Operator } from '../exec/operator.js';
import { QueryInputs, type InputCut, type InputSpec } from './multi-input.js';

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
  readonly operators: readonly Operator[];
  /** The query's watermark (over all its inputs). */
  readonly watermark: number;
  /** Source offsets, watermarks and the union's read position at this batch boundary. */
  inputCut(): InputCut;
  /** Seeks the sources and restores the watermarks and read position of a cut (before run()). */
  restoreInputs(cut: Parameters<QueryInputs['restore']>[0]): Promise<void>;
}

/**
 * Runs one query: pulls batches from its sources (round-robin over a union's inputs), stamps
 * per-row watermarks (DESIGN.md §3 rules 1 and 6, src/runtime/multi-input.ts), pushes them through
 * the operator chains, and delivers results to the target. Single-threaded; every batch boundary is
 * a consistent cut for checkpoints.
 */
export class QueryRun implements QueryRuntime {
  readonly backend = new KeyedStateBackend();
  readonly operators: readonly Operator[];
  private readonly head: Collector;
  private readonly inputs: QueryInputs;
  private cancelled = false;
  private rowsIn = 0;
  private rowsOut = 0;
  private finished = false;

  constructor(
    readonly plan: PhysicalPlan,
    /** One reader per source of the plan, in planSources(plan) order. */
    sources: readonly SourceReader[],
    readonly outputSchema: Schema,
    private readonly target: ResultTarget,
    private readonly opts: RunOptions,
    private readonly hook?: BatchBoundaryHook,
  ) {
    const pipelineOpts: PipelineOptions = { stateTtlMs: opts.stateTtlMs ?? 0 };
    const pipeline = buildPipeline(plan, this.backend, pipelineOpts);
    const leaf = pipeline.source;
    const specs: InputSpec[] = [];
    const branchOperators: Operator[] = [];
    if (leaf.kind === 'SourceExec') specs.push({ source: leaf, reader: sourceAt(sources, 0), head: pipeline.head });
    else {
      // Each union input is a stateless chain of its own whose output joins the operators above the union.
      const join = dataOnly(pipeline.head);
      for (const inputPlan of leaf.inputs) {
        const branch = buildPipeline(inputPlan, this.backend, pipelineOpts);
        if (branch.source.kind !== 'SourceExec') throw new EddyError('INTERNAL', 'internal error: a union input must read one source');
        branch.connectSink(join);
        branchOperators.push(...branch.operators);
        specs.push({ source: branch.source, reader: sourceAt(sources, specs.length), head: branch.head });
      }
    }
    if (sources.length !== specs.length) throw new EddyError('INTERNAL', `internal error: the plan reads ${specs.length} sources, but ${sources.length} were opened`);
    this.inputs = new QueryInputs(specs, leaf.kind === 'UnionExec' ? leaf.uid : undefined, opts.now ?? Date.now);
    this.operators = [...branchOperators, ...pipeline.operators];
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

  /** The query's watermark: the minimum over its active inputs (multi-input.ts). */
  get watermark(): number {
    return this.inputs.watermark;
  }

  /** The stream of each input, in plan order. */
  get streams(): readonly string[] {
    return this.inputs.streams;
  }

  inputCut(): InputCut {
    return this.inputs.cut();
  }

  restoreInputs(cut: Parameters<QueryInputs['restore']>[0]): Promise<void> {
    return this.inputs.restore(cut);
  }

  /** Where each source stands (after a restore), for messages. */
  describePositions(): string {
    return this.inputs.describePositions();
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
    return { rowsIn: this.rowsIn, rowsOut: this.rowsOut, lateRows: late, skippedRows: this.inputs.skippedRows, watermark: this.watermark };
  }

  /** Runs until every source ends (returns 'finished') or cancel() (returns 'cancelled'). Errors propagate. */
  async run(): Promise<'finished' | 'cancelled'> {
    const { batchSize, idlePollMs } = this.opts;
    this.inputs.start();
    while (!this.cancelled) {
      // Rows already read are processed even if cancel() came during the read: the source's offset
      // is past them, so dropping them would lose them from a final checkpoint.
      const step = await this.inputs.step(batchSize, this.head);
      if (step.kind === 'end') {
        this.head.end();
        if (!this.finished) throw new EddyError('INTERNAL', 'internal error: pipeline did not finish at end of input');
        return 'finished';
      }
      if (step.kind === 'quiet') {
        // Registered before the hook's await, so rows appended meanwhile wake the wait at once.
        const wake = this.inputs.readable();
        this.onIdle();
        if (this.hook) await this.hook.afterBatch(this);
        await sleepOrWake(idlePollMs, wake);
        continue;
      }
      this.rowsIn += step.count;
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
}

/** Waits `ms` (processing-time work, idle timeouts and polled sources need the tick), or less when `wake` resolves first. */
function sleepOrWake(ms: number, wake: Promise<void> | null): Promise<void> {
  if (wake === null) return new Promise<void>((r) => setTimeout(r, ms));
  return new Promise<void>((r) => {
    const timer = setTimeout(r, ms);
    void wake.then(() => {
      clearTimeout(timer);
      r();
    });
  });
}
const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/** Whether the window aggregate of a plan receives one source's rows as they are (only filters below it), so its late rows fit `<source>$late`. */
function windowSeesSourceRows(plan: PhysicalPlan): boolean {
  let p = plan;
  while (p.kind !== 'WindowAggregateExec') {
    if (p.kind === 'SourceExec' || p.kind === 'UnionExec') return false;
    p = p.input;
  }
  for (let q = p.input; q.kind !== 'SourceExec'; q = q.input) if (q.kind !== 'FilterExec') return false;
  return true;
}

function sourceAt(sources: readonly SourceReader[], i: number): SourceReader {
  const s = sources[i];
  if (!s) throw new EddyError('INTERNAL', `internal error: no reader for source ${i} of the plan`);
  return s;
}

/** Forwards a union input's rows to the operators above the union; signals come from the run, once, not per input. */
function dataOnly(c: Collector): Collector {
  return { data: (b) => c.data(b), watermark: () => {}, barrier: () => {}, end: () => {} };
}
