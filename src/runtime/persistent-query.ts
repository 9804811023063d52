import { EddyError } from '../common/errors.js';
import type { Schema } from '../common/types.js';
import type { PhysicalPlan } from '../planner/plan.js';
import { QueryRun, type QueryMetrics, type RunDeps, type RunOptions } from './running-query.js';
import type { CheckpointCoordinator } from '../checkpoint/coordinator.js';

export type PersistentStatus = 'CREATED' | 'RUNNING' | 'RESTARTING' | 'FAILED' | 'FINISHED' | 'STOPPED';

export interface RestartStrategy {
  readonly attempts: number;
  readonly delayMs: number;
}

/** What a persistent query needs from its session to (re)build a run. */
export interface PersistentQueryDeps {
  /** Its connectors and side outputs. */
  readonly io: RunDeps;
  readonly run: RunOptions;
  readonly restart: RestartStrategy;
  /** Null when the session has no state database (--state ':memory:' still checkpoints in memory). */
  readonly coordinator: CheckpointCoordinator | null;
  onStatus(q: PersistentQuery): void;
}

/**
 * INSERT INTO / CREATE STREAM AS: runs in the background into a sink, checkpointed, resumed after
 * a crash, restarted from its latest checkpoint on failure (DESIGN.md §4).
 */
export class PersistentQuery {
  status: PersistentStatus = 'CREATED';
  attempt = 0;
  error: unknown = null;
  private current: QueryRun | null = null;
  private stopping = false;
  private lastMetrics: QueryMetrics | null = null;
  readonly done: Promise<void>;
  /** When the query was started in this process (rows/s in SHOW QUERIES). */
  readonly createdAt = Date.now();
  private resolveDone!: () => void;
  /** Rounds of reads completed by the runs so far: every row a source had read by round n has reached the sink after it. */
  roundsDone = 0;

  constructor(
    readonly id: string,
    readonly sql: string,
    /** The query's plan with its sink on top (physical.ts withSink). */
    readonly plan: PhysicalPlan,
    readonly fingerprint: string,
    readonly schema: Schema,
    readonly sinkName: string,
    /** What the sink is (a resolved file path, a table ...): one writer per sink (sink-ownership.ts). */
    readonly sinkKey: string,
    private readonly deps: PersistentQueryDeps,
  ) {
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  /** Starts the background loop; resolves once the first run has restored its state and is processing. */
  start(opts: { fresh: boolean }): Promise<void> {
    let started!: () => void;
    let failedToStart!: (e: unknown) => void;
    const ready = new Promise<void>((res, rej) => {
      started = res;
      failedToStart = rej;
    });
    void this.loop(opts.fresh, started, failedToStart);
    return ready;
  }

  private setStatus(s: PersistentStatus): void {
    this.status = s;
    this.deps.onStatus(this);
  }

  private async loop(fresh: boolean, started: () => void, failedToStart: (e: unknown) => void): Promise<void> {
    let first = true;
    // --fresh holds until a run has restored: a first attempt that failed may not have discarded the old state yet.
    let freshPending = fresh;
    const { coordinator, restart } = this.deps;
    try {
      for (;;) {
        const run = new QueryRun(this.plan, this.deps.io, this.deps.run, {
          afterRound: (rt) => {
            this.roundsDone++;
            // Stop only between rounds: a run cancelled while a read is pending would drop the rows
            // it read, and the final checkpoint would record the source offset past them (lost rows).
            if (this.stopping) return rt.cancel();
            coordinator?.maybeCheckpoint(this.id, rt);
          },
        });
        try {
          this.current = run;
          if (coordinator) await coordinator.restore(this, run, freshPending);
          else await run.restore(null);
          freshPending = false;
          if (first) {
            first = false;
            started();
          }
          this.setStatus('RUNNING');
          const how = await run.run();
          this.lastMetrics = run.metrics();
          if (how === 'finished') {
            // A last checkpoint commits what a transactional sink still holds; then the state is dropped.
            if (coordinator) {
              await coordinator.checkpointNow(this.id, run);
              await coordinator.finish(this.id);
            } else await run.flushSink();
            this.setStatus('FINISHED');
          } else {
            if (coordinator) await coordinator.checkpointNow(this.id, run);
            else await run.flushSink();
            this.setStatus('STOPPED');
          }
          return;
        } catch (err) {
          this.lastMetrics = this.current?.metrics() ?? this.lastMetrics;
          // A query that cannot start fails its statement, except for I/O trouble (a sink directory that
          // cannot be created yet), which the restart strategy retries as it would mid-run.
          if (first && !(isIo(err) && restart.attempts > 0)) throw err;
          if (first) {
            first = false;
            started();
          }
          this.error = err;
          if (this.stopping || this.attempt >= restart.attempts || isFatal(err)) {
            this.setStatus('FAILED');
            return;
          }
          this.attempt++;
          this.setStatus('RESTARTING');
          await new Promise((r) => setTimeout(r, restart.delayMs));
          if (this.stopping) {
            this.setStatus('STOPPED');
            return;
          }
        } finally {
          await run.close();
          if (coordinator) await coordinator.settle(this.id);
        }
      }
    } catch (err) {
      this.error = err;
      this.status = 'FAILED';
      failedToStart(err);
    } finally {
      this.current = null;
      if (coordinator) await coordinator.release(this.id).catch(() => {});
      this.resolveDone();
    }
  }

  /** Stops at the next batch boundary with a final checkpoint; resolves when stopped. */
  async stop(): Promise<void> {
    // The run sees the flag at its next batch boundary (see afterBatch in loop()).
    this.stopping = true;
    await this.done;
  }

  /** Where the sink's output ends now (file bytes, table rows), for sinks that keep to their own output. */
  sinkOutputEnd(): number | undefined {
    return this.current?.sinkWriter?.outputEnd?.();
  }

  /** The run now processing (null between runs and once stopped). */
  get run(): QueryRun | null {
    return this.current;
  }

  metrics(): QueryMetrics | null {
    return this.current?.metrics() ?? this.lastMetrics;
  }

  describeStatus(): string {
    switch (this.status) {
      case 'RESTARTING':
        return `RESTARTING (attempt ${this.attempt} of ${this.deps.restart.attempts})`;
      case 'FAILED':
        return `FAILED: ${this.error instanceof Error ? this.error.message : String(this.error)}`;
      default:
        return this.status;
    }
  }
}

/** Errors a restart cannot cure: incompatible or damaged state, a held lock, a malformed row that would fail again. */
function isFatal(err: unknown): boolean {
  return err instanceof EddyError && (err.code === 'CHECKPOINT' || err.code === 'BAD_ROW');
}

const isIo = (err: unknown): boolean => err instanceof EddyError && err.code === 'IO';
