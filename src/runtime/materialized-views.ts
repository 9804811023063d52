/**
 * Materialized views (RisingWave's and Materialize's CREATE MATERIALIZED VIEW): a persistent query
 * whose sink is the view itself (src/exec/operators/view-sink.ts): its result, folded into the
 * current contents, is that operator's keyed state, checkpointed with the query and restored after
 * a crash. A SELECT over one materialized view is a point-in-time query (point-in-time.ts).
 *
 * Reading the view: the contents are those of the sink operator of the query's current run, read
 * between two batches (JavaScript runs one thing at a time), so a point-in-time query sees every
 * change the query has made so far and never holds the view's maintenance up for longer than its
 * own batch computation. Read-your-writes: caughtUp() resolves once the query has read everything
 * its inputs hold at the call (a memory stream's rows inserted so far, a file to its current size)
 * and pushed it through to the view.
 */
import { EddyError, type Span } from '../common/errors.js';
import type { Column, Row } from '../common/types.js';
import type { Ident } from '../parser/ast.js';
import { OP_COLUMN } from '../planner/changelog.js';
import type { PhysicalPlan } from '../planner/plan.js';
import { ViewSinkOperator } from '../exec/operators/view-sink.js';
import type { PersistentQuery } from './persistent-query.js';

/** A materialized view of this session: its definition and the query maintaining it. */
/** A reader of a view's changelog (a continuous SELECT over it): told each batch of changes, and when no more will come. */
export interface ChangeSubscriber {
  push(rows: readonly Row[]): void;
  end(): void;
}

export class MaterializedView {
  /** The sink of the last run, kept when the query finishes (its bounded input ended): the final contents. */
  private lastSink: ViewSinkOperator | null = null;
  private readonly subscribers = new Set<ChangeSubscriber>();

  constructor(
    readonly name: string,
    /** The CREATE MATERIALIZED VIEW text. */
    readonly ddl: string,
    /** The columns a reader sees: the query's without op, renamed by the column list. */
    readonly columns: readonly Column[],
    readonly updating: boolean,
    readonly query: PersistentQuery,
  ) {}

  /** Takes note of the current run's sink (called on every status change of the query, while its run is still there). */
  track(): void {
    this.sink();
    if (this.ended()) for (const s of this.subscribers) s.end();
  }

  private ended(): boolean {
    const st = this.query.status;
    return st === 'FINISHED' || st === 'STOPPED' || st === 'FAILED';
  }

  private sink(): ViewSinkOperator | null {
    const op = this.query.run?.graph.sinks[0]?.operator;
    if (op instanceof ViewSinkOperator) {
      this.lastSink = op;
      op.changes ??= (rows) => {
        for (const s of this.subscribers) s.push(rows);
      };
    }
    return this.lastSink;
  }

  /** The columns of the view's changelog: op first when the view is updating. */
  get changelogColumns(): readonly Column[] {
    return this.updating ? [OP_COLUMN, ...this.columns] : this.columns;
  }

  /**
   * Subscribes to the view's changelog: the current contents first (as '+I' rows when updating),
   * then every change the view's query folds in, until unsubscribed (or, when the query is no
   * longer running, just the contents). Returns the unsubscribe function.
   */
  subscribe(s: ChangeSubscriber): () => void {
    const now = this.contents();
    s.push(this.updating ? now.map((r) => ['+I', ...r]) : now);
    if (this.ended()) {
      s.end();
      return () => {};
    }
    this.subscribers.add(s);
    this.sink();
    return () => void this.subscribers.delete(s);
  }

  /** The view's current contents (one row per occurrence). */
  contents(): Row[] {
    if (this.query.status === 'FAILED') {
      const why = this.query.error instanceof Error ? this.query.error.message : String(this.query.error);
      throw new EddyError('UNSUPPORTED', `materialized view '${this.name}' is not maintained: its query '${this.query.id}' failed: ${why}`, undefined, `DROP MATERIALIZED VIEW ${this.name} and create it again`);
    }
    return this.sink()?.contents() ?? [];
  }

  /** Rows in the view now (repeats counted). */
  get size(): number {
    return this.sink()?.size ?? 0;
  }

  /**
   * Resolves once the view reflects every row its query's inputs hold now: each source has read to
   * its input's current end and a round of the query has completed since (so those rows reached
   * the view), or the query is no longer running (finished, stopped, failed).
   */
  async caughtUp(): Promise<void> {
    const q = this.query;
    let seenAt: number | null = null;
    for (;;) {
      if (q.status === 'FINISHED' || q.status === 'STOPPED' || q.status === 'FAILED') {
        await q.done;
        this.sink();
        return;
      }
      const run = q.run;
      if (run !== null && q.status === 'RUNNING') {
        if (seenAt !== null && q.roundsDone > seenAt) return;
        if (seenAt === null && run.sources.every((s) => s.caughtUp)) seenAt = q.roundsDone;
      }
      this.sink();
      await new Promise((r) => setTimeout(r, 1));
    }
  }
}

/** The visible columns of a view's query (without a changelog's op), renamed by a column list. */
export function materializedColumns(view: string, names: readonly Ident[] | undefined, plan: PhysicalPlan, span: Span): Column[] {
  const visible = plan.schema.columns.filter((c, i) => !(i === 0 && plan.changelog === 'updating' && c.name === OP_COLUMN.name));
  if (!names) return visible;
  if (names.length !== visible.length) {
    throw new EddyError(
      'TYPE_MISMATCH',
      `materialized view '${view}' names ${names.length} column${names.length === 1 ? '' : 's'}, but its query produces ${visible.length}`,
      names[0]?.span ?? span,
      `name every column of the query, in order: (${visible.map((c) => c.name).join(', ')})`,
    );
  }
  return visible.map((c, i) => ({ ...c, name: names[i]!.name }));
}
