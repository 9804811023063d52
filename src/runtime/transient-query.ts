import type { Row, Schema } from '../common/types.js';
import type { PhysicalPlan } from '../planner/plan.js';
import { QueryRun, type QueryMetrics, type RoundHook, type RunDeps, type RunOptions } from './running-query.js';

/**
 * A SELECT whose results go to the caller (terminal or API), not to a sink. Not checkpointed:
 * its output is at-least-once (DESIGN.md §4). Created by the session, started by whoever consumes it.
 */
export class TransientQuery {
  private run: QueryRun | null = null;
  private cancelled = false;
  /** Whether start() was called (SHOW QUERIES lists an unstarted SELECT as CREATED). */
  started = false;
  /** When the query was planned (rows/s in SHOW QUERIES). */
  readonly createdAt = Date.now();

  constructor(
    readonly id: string,
    readonly sql: string,
    /** The query's plan with a 'result' sink on top. */
    readonly plan: PhysicalPlan,
    readonly schema: Schema,
    /** The query's connectors (its result target is given at start). */
    private readonly io: Omit<RunDeps, 'result'>,
    private readonly opts: RunOptions,
    private readonly onFinish: () => void,
  ) {}

  /** Streams result batches to `onRows` until the input ends or cancel(); resolves with how it stopped. */
  async start(onRows: (rows: Row[]) => void, hook?: RoundHook): Promise<'finished' | 'cancelled'> {
    this.started = true;
    try {
      // Cancelled before it started (QueryResult.cancel() before iterating): nothing runs.
      if (this.cancelled) return 'cancelled';
      const run = new QueryRun(this.plan, { ...this.io, result: { rows: onRows, end: () => {} } }, this.opts, hook);
      this.run = run;
      await run.restore(null);
      // cancel() while the run was being built reaches it now.
      if (this.cancelled) run.cancel();
      return await run.run();
    } finally {
      await this.run?.close();
      this.onFinish();
    }
  }

  cancel(): void {
    this.cancelled = true;
    this.run?.cancel();
  }

  /** Forgets an unstarted query (its owner was closed, or refused it): it is no longer listed. */
  discard(): void {
    this.cancelled = true;
    if (!this.started) this.onFinish();
  }

  metrics(): QueryMetrics | null {
    return this.run?.metrics() ?? null;
  }
}
