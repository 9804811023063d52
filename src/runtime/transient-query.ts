import type { Row, Schema } from '../common/types.js';
import type { PhysicalPlan } from '../planner/plan.js';
import type { SourceReader } from '../connectors/connector.js';
import { QueryRun, type BatchBoundaryHook, type QueryMetrics, type RunOptions } from './running-query.js';

/**
 * A SELECT whose results go to the caller (terminal or API), not to a sink. Not checkpointed:
 * its output is at-least-once (DESIGN.md §4). Created by the session, started by whoever consumes it.
 */
export class TransientQuery {
  private run: QueryRun | null = null;

  constructor(
    readonly id: string,
    readonly sql: string,
    readonly plan: PhysicalPlan,
    readonly schema: Schema,
    /** Opens one reader per source of the plan, in planSources(plan) order. */
    private readonly openSources: () => SourceReader[],
    private readonly opts: RunOptions,
    private readonly onFinish: () => void,
  ) {}

  /** Streams result batches to `onRows` until the input ends or cancel(); resolves with how it stopped. */
  async start(onRows: (rows: Row[]) => void, hook?: BatchBoundaryHook): Promise<'finished' | 'cancelled'> {
    const sources = this.openSources();
    try {
      this.run = new QueryRun(this.plan, sources, this.schema, { rows: onRows, end: () => {} }, this.opts, hook);
      return await this.run.run();
    } finally {
      for (const s of sources) await s.close();
      this.onFinish();
    }
  }

  cancel(): void {
    this.run?.cancel();
  }

  metrics(): QueryMetrics | null {
    return this.run?.metrics() ?? null;
  }
}
