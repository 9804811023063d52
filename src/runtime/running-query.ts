import { internalError } from '../common/errors.js';
import type { StateChunk } from '../common/state-chunk.js';
import type { Row } from '../common/types.js';
import type { LookupReader, SinkWriter, SourceReader } from '../connectors/connector.js';
import type { CheckpointTarget, RunSnapshot } from '../checkpoint/coordinator.js';
import { createOperator } from '../exec/graph/create-operator.js';
import { Graph } from '../exec/graph/graph.js';
import type { LateRowOutput, Operator } from '../exec/operator.js';
import { ResultSinkOperator, StreamSinkOperator, type ResultTarget } from '../exec/operators/sink.js';
import type { SourceOperator } from '../exec/operators/source.js';
import { KeyedStateBackend } from '../exec/state/index.js';
import type { ExecOf, PhysicalPlan } from '../planner/plan.js';

export type QueryStatus = 'CREATED' | 'RUNNING' | 'RESTARTING' | 'FAILED' | 'FINISHED' | 'CANCELED';

export type { ResultTarget };

export interface QueryMetrics {
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly lateRows: number;
  readonly skippedRows: number;
  /** The first few skipped rows of each source, as `path:line: reason`. */
  readonly skippedSamples: readonly string[];
  /** The watermark of the query's result (what reached its sink). */
  readonly watermark: number;
  /** The end of the next window any operator will close (event time), or null. */
  readonly nextWindowEnd: number | null;
  /** Bytes read of the file sources' total, when every source is a file; null otherwise. */
  readonly bytes: { readonly read: number; readonly total: number } | null;
  /** Milliseconds spent processing rows in the operators (not reading input or waiting for it). */
  readonly busyMs: number;
}

export interface RunOptions {
  readonly batchSize: number;
  /** How long to wait before polling an unbounded source that had nothing. */
  readonly idlePollMs: number;
  /** 'execution.source.rate-limit': at most this many rows read per second (from all sources); 0 = no limit. */
  readonly rowsPerSecond?: number;
  /** The processing-time clock (early fire, idle timeouts); Date.now by default (tests inject one). */
  readonly now?: () => number;
}

/**
 * The late-row side output of one query into a `<stream>$late` stream. It outlives the query's
 * runs: a run restored from a checkpoint replays the late rows after it, and skips those an earlier
 * run in this process already delivered (a late row is identified by the operator's checkpointed
 * late count).
 */
export interface LateRowSink {
  /** How many of the query's late rows (by late count) have been delivered. */
  delivered: number;
  deliver(rows: Row[]): void;
}

/** What a run needs from its session: its connectors and side outputs. */
export interface RunDeps {
  openSource(node: ExecOf<'SourceExec'>): SourceReader;
  /** 'source.idle-timeout' of the node's stream in ms (0: never idle). */
  idleTimeoutMs(node: ExecOf<'SourceExec'>): number;
  openSink?(node: ExecOf<'SinkExec'>): SinkWriter;
  /** The lookup reader of a lookup join's table. */
  openLookup?(node: ExecOf<'LookupJoinExec'>): LookupReader;
  /** Where a transient query's rows go. */
  readonly result?: ResultTarget;
  /** The late-row sink of window operator `uid` into the `<stream>$late` stream, if it exists (one per operator, kept across runs). */
  lateRows?(stream: string, uid: string): LateRowSink | undefined;
}

/** Hooks a run calls after each round of reads (a consistent point: nothing is in flight). */
export interface RoundHook {
  /** May return a promise the loop awaits (backpressure, a stop). */
  afterRound(run: QueryRun): Promise<void> | void;
}

/**
 * Runs one query's dataflow graph (src/exec/graph): in rounds, each source reads one batch in plan
 * order and pushes it through the graph; after each round the hook runs (checkpoints start there)
 * and the loop yields to the event loop, or, when no source had rows, waits for one to become
 * readable. The order of batches depends only on what each read returns, so for files and memory
 * streams it is deterministic, and a run restored from a checkpoint continues the same sequence.
 * Checkpoints travel as barriers: a barrier requested by the coordinator enters every source at its
 * turn in the next round.
 */
export class QueryRun implements CheckpointTarget {
  readonly backend = new KeyedStateBackend();
  readonly graph: Graph;
  private cancelled = false;
  private finished = false;
  /** The lookup joins' readers, closed with the run. */
  private readonly lookups: LookupReader[] = [];
  /** A checkpoint requested for the next round, and the pause its barrier has cost so far. */
  private requested: { readonly id: number; readonly pause: { ms: number } } | null = null;

  constructor(
    /** The query's plan with its sink (physical.ts withSink). */
    readonly plan: PhysicalPlan,
    deps: RunDeps,
    private readonly opts: RunOptions,
    private readonly hook?: RoundHook,
  ) {
    const now = opts.now ?? Date.now;
    // Connectors opened so far, closed again if a later one (or an operator) fails to build.
    const opened: { close(): Promise<void> }[] = [];
    const track = <T extends { close(): Promise<void> }>(c: T): T => {
      opened.push(c);
      return c;
    };
    try {
      this.graph = new Graph(
        plan,
        (node) =>
          createOperator(node, {
            backend: this.backend,
            now,
            openSource: (n) => track(deps.openSource(n)),
            idleTimeoutMs: (n) => deps.idleTimeoutMs(n),
            openLookup: (n) => {
              if (!deps.openLookup) throw internalError(`no lookup reader for ${n.uid}`);
              const reader = track(deps.openLookup(n));
              this.lookups.push(reader);
              return reader;
            },
            openSink: (n) => {
              if (!deps.openSink) throw internalError(`no sink writer for ${n.uid}`);
              return track(deps.openSink(n));
            },
            ...(deps.result ? { result: deps.result } : {}),
            lateRows: (stream, uid) => this.lateOutput(stream, uid, deps),
          }),
        this.backend,
      );
    } catch (e) {
      for (const c of opened) void c.close().catch(() => {});
      throw e;
    }
  }

  /** Deduplicates late rows across restarts (see LateRowSink). */
  private lateOutput(stream: string, uid: string, deps: RunDeps): LateRowOutput | null {
    const sink = deps.lateRows?.(stream, uid);
    if (!sink) return null;
    return (row, n) => {
      if (n <= sink.delivered) return;
      sink.delivered = n;
      sink.deliver([row]);
    };
  }

  get operators(): readonly Operator[] {
    return this.graph.operators;
  }

  get sources(): readonly SourceOperator[] {
    return this.graph.sources;
  }

  /** The sink writer of a persistent query. */
  get sinkWriter(): SinkWriter | null {
    const op = this.graph.sinks[0]?.operator;
    return op instanceof StreamSinkOperator ? op.writer : null;
  }

  /** The watermark of the query's result. */
  get watermark(): number {
    return this.graph.sinks[0]?.gate.watermark ?? -Infinity;
  }

  /** The stream of each source, in plan order. */
  get streams(): readonly string[] {
    return this.graph.nodes.flatMap((n) => (n.plan.kind === 'SourceExec' ? [n.plan.stream.name] : []));
  }

  /** Stops the loop after the current round. */
  cancel(): void {
    this.cancelled = true;
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }

  metrics(): QueryMetrics {
    let late = 0;
    let rowsIn = 0;
    let skipped = 0;
    const samples: string[] = [];
    for (const op of this.operators) late += op.lateRows;
    for (const s of this.sources) {
      rowsIn += s.rows;
      skipped += s.skippedRows;
      samples.push(...s.skippedSamples);
    }
    const sink = this.graph.sinks[0]?.operator;
    const rowsOut = sink instanceof StreamSinkOperator || sink instanceof ResultSinkOperator ? sink.rows : 0;
    let next: number | null = null;
    for (const op of this.operators) {
      const e = op.nextWindowEnd;
      if (e !== null && (next === null || e < next)) next = e;
    }
    let busyMs = 0;
    for (const s of this.sources) busyMs += s.processingMs;
    let bytes: { read: number; total: number } | null = { read: 0, total: 0 };
    for (const s of this.sources) {
      const p = s.progress;
      if (p === null) bytes = null;
      else if (bytes !== null) bytes = { read: bytes.read + p.bytesRead, total: bytes.total + p.totalBytes };
    }
    return { rowsIn, rowsOut, lateRows: late, skippedRows: skipped, skippedSamples: samples, watermark: this.watermark, nextWindowEnd: next, bytes, busyMs };
  }

  /** Runs until every source ends or a LIMIT is satisfied (returns 'finished') or cancel() (returns 'cancelled'). Errors propagate. */
  async run(): Promise<'finished' | 'cancelled'> {
    const { batchSize, idlePollMs } = this.opts;
    const sources = this.sources;
    for (const s of sources) s.start();
    let sliceStart = performance.now();
    const pace = new Pace(this.opts.rowsPerSecond ?? 0);
    while (!this.cancelled) {
      const barrier = this.requested;
      this.requested = null;
      let produced = 0;
      let live = 0;
      for (const s of sources) {
        if (s.hasEnded) continue;
        if (barrier !== null) this.inject(s, barrier);
        // Rows already read are processed even if cancel() came during the read: the source's offset
        // is past them, so dropping them would lose them from a final checkpoint.
        const n = await s.poll(batchSize);
        // Asynchronous operators (lookup joins) finish what the batch started before anything else moves.
        if (this.graph.hasAsyncWork) await this.graph.settle();
        if (n !== null) {
          live++;
          produced += n;
        }
        if (this.graph.done) break;
      }
      if (barrier !== null) this.completeBarrier(barrier);
      if (live === 0 || this.graph.done) {
        this.endAll();
        if (this.graph.hasAsyncWork) await this.graph.settle();
        return 'finished';
      }
      if (this.hook) await this.hook.afterRound(this);
      const ahead = pace.aheadMs(produced);
      if (ahead >= 1) {
        // Over the rate limit: wait (timers, checkpoint commits and the event loop go on meanwhile).
        await sleepOrWake(ahead, null);
        sliceStart = performance.now();
      } else if (produced === 0) {
        // Registered before sleeping, so rows appended meanwhile wake the wait at once.
        const wake = this.readable();
        for (const op of this.operators) op.onTick();
        await sleepOrWake(idlePollMs, wake);
        sliceStart = performance.now();
      } else if (performance.now() - sliceStart >= YIELD_AFTER_MS) {
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
    }
    if (this.requested !== null) this.completeBarrier(this.requested);
    return 'cancelled';
  }

  /** Ends every source still open (a satisfied LIMIT), so every operator fires and the sink ends. */
  private endAll(): void {
    for (const s of this.sources) s.finish();
    this.finished = true;
  }

  /** Resolves when a source that can say so may have rows again; null when none can (they are polled). */
  private readable(): Promise<void> | null {
    const wakes: Promise<void>[] = [];
    for (const s of this.sources) {
      const w = s.readable();
      if (w !== null) wakes.push(w);
    }
    return wakes.length === 0 ? null : Promise.race(wakes);
  }

  private inject(s: SourceOperator, barrier: { readonly id: number; readonly pause: { ms: number } }): void {
    const t0 = performance.now();
    this.graph.injectBarrier(s, barrier.id);
    barrier.pause.ms += performance.now() - t0;
  }

  /** After the round that carried barrier `b`: the nodes it could not reach (inputs that ended) are snapshotted now. */
  private completeBarrier(b: { readonly id: number; readonly pause: { ms: number } }): void {
    const t0 = performance.now();
    this.graph.completeCheckpoint(b.id);
    b.pause.ms += performance.now() - t0;
  }

  snapshot(id: number, opts: { readonly full: boolean; readonly now: boolean }): Promise<RunSnapshot> {
    if (opts.now || this.finished) {
      const t0 = performance.now();
      const s = this.graph.snapshotAll(id, opts.full);
      return Promise.resolve({ states: s.states, chunks: s.chunks, sinks: s.hooks, pauseMs: performance.now() - t0 });
    }
    if (this.requested !== null) throw internalError(`checkpoint ${id} requested while ${this.requested.id} waits for its round`);
    const pause = { ms: 0 };
    const taken = this.graph.beginCheckpoint(id, opts.full);
    this.requested = { id, pause };
    return taken.then((s) => ({ states: s.states, chunks: s.chunks, sinks: s.hooks, pauseMs: pause.ms }));
  }

  async restore(checkpoint: { readonly states: Readonly<Record<string, unknown>>; readonly chunks: readonly StateChunk[] } | null): Promise<void> {
    await this.graph.restore(checkpoint?.states ?? null, checkpoint?.chunks ?? []);
  }

  release(chunks: readonly StateChunk[]): void {
    this.backend.release(chunks);
  }

  /** Where each source stands (after a restore), for messages. */
  describePositions(): string {
    return this.graph.nodes.flatMap((n) => (n.plan.kind === 'SourceExec' ? [`source '${n.plan.stream.name}' at ${(n.operator as SourceOperator).describePosition()}`] : [])).join(', ');
  }

  /** Flushes a persistent query's sink (a query without checkpoints, at its end). */
  async flushSink(): Promise<void> {
    await this.sinkWriter?.flush();
  }

  /** Closes the connectors (sources, then the sink). */
  async close(): Promise<void> {
    for (const s of this.sources) await s.close().catch(() => {});
    for (const l of this.lookups) await l.close().catch(() => {});
    const sink = this.graph.sinks[0]?.operator;
    if (sink instanceof StreamSinkOperator) await sink.close().catch(() => {});
  }
}

/** Rows read against a rate limit: how far ahead of it the reads are. */
class Pace {
  private rows = 0;
  private readonly start = performance.now();
  constructor(private readonly rowsPerSecond: number) {}

  /** Counts `rows` more read; the milliseconds to wait until they are within the limit (0 without one). */
  aheadMs(rows: number): number {
    if (this.rowsPerSecond <= 0) return 0;
    this.rows += rows;
    return (this.rows * 1000) / this.rowsPerSecond - (performance.now() - this.start);
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

/**
 * Rounds that read rows run back to back for this long before the loop yields to the event loop
 * (producers, timers, checkpoint requests, other queries): a macrotask hop after every 1024-row
 * round was a visible share of an in-memory window query's wall time on a busy machine, and a few
 * ms of work between yields delays nobody noticeably. Microtasks (a result consumer) still run
 * between rounds, and a round that reads nothing waits for rows (sleepOrWake) at once.
 */
const YIELD_AFTER_MS = 2;

