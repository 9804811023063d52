import { EddyError, SinkTransactionLost } from '../common/errors.js';
import { faultPoint } from '../common/fault.js';
import type { StateChunk } from '../common/state-chunk.js';
import { describePlanDifference } from '../planner/explain.js';
import type { TxExecutor } from './sqlite-db.js';
import type { CheckpointStore } from './store.js';
import { CHECKPOINT_FORMAT, type CheckpointInfo } from './types.js';

export interface CoordinatorOptions {
  readonly intervalMs: number;
  readonly retained: number;
  readonly onWarning: (message: string) => void;
  /** Progress worth telling a user, such as a query resuming from a checkpoint. */
  readonly onInfo?: (message: string) => void;
  /** Called when a checkpoint has committed (for --verbose and tests). */
  readonly onCheckpoint?: (info: CheckpointInfo, pauseMs: number) => void;
  /** Called when a checkpoint of `queryId` failed (metrics count them). */
  readonly onCheckpointFailed?: (queryId: string) => void;
  /** Observes the synchronous pause of every checkpoint (for SHOW CHECKPOINTS and the benchmark). */
  readonly onPause?: (queryId: string, ms: number) => void;
}

/** A persistent query as the coordinator knows it. */
export interface CheckpointedQuery {
  readonly id: string;
  readonly sql: string;
  /** The plan's shape: saved state fits only a query with the same fingerprint. */
  readonly fingerprint: string;
}

/** What a sink adds to a checkpoint (see the runtime's sink operators). */
export interface SinkCommit {
  /** Resolves once the output the checkpoint covers is durable. */
  readonly durable?: Promise<void>;
  /** Writes inside the checkpoint's transaction (the SQLite sink's rows). */
  readonly inTransaction?: (tx: TxExecutor) => Promise<void>;
  /** Runs once the checkpoint has committed (a two-phase-commit sink commits its transaction). */
  readonly afterCommit?: () => Promise<void>;
}

/** A query's part of one checkpoint, as its run took it. */
export interface RunSnapshot {
  /** Non-keyed state by operator uid. */
  readonly states: Readonly<Record<string, unknown>>;
  /** Resolves to the chunks of the key groups changed since the previous checkpoint (all of them when `full`). */
  readonly chunks: Promise<StateChunk[]>;
  readonly sinks: readonly SinkCommit[];
  /** Time the run spent taking it (the checkpoint's synchronous pause). */
  readonly pauseMs: number;
}

/** A running query as the coordinator drives it: the runtime implements this; the coordinator knows nothing else of it. */
export interface CheckpointTarget {
  /**
   * Takes checkpoint `id`. In band (`now` false): barriers enter the sources at their next reads
   * and the promise resolves once every sink has the barrier. `now`: the run is between reads
   * (stopping or finished), so every operator is snapshotted at once. `full` writes every key
   * group, not only the changed ones (after a failed checkpoint the change flags are lost).
   */
  snapshot(id: number, opts: { readonly full: boolean; readonly now: boolean }): Promise<RunSnapshot>;
  /** Before the run: the state of a checkpoint, or (null) a fresh start. */
  restore(checkpoint: { readonly states: Readonly<Record<string, unknown>>; readonly chunks: readonly StateChunk[] } | null): Promise<void>;
  /** The chunks of a written (or failed) checkpoint: their buffers may be reused. */
  release(chunks: readonly StateChunk[]): void;
  /** Where each source stands, for the "resumed" message. */
  describePositions(): string;
}

interface QueryCheckpointState {
  nextId: number;
  lastAt: number;
  inFlight: Promise<void> | null;
  /** After a failed write the dirty flags are lost, so the next checkpoint writes every key group. */
  needFull: boolean;
  /**
   * A checkpoint failed (a sink could not make its output durable, or the write failed): as with
   * Flink's default of zero tolerable failed checkpoints, the query fails at the next round of
   * reads and its restart strategy takes it back to the latest complete checkpoint.
   */
  failure: unknown;
  /** The id of the query's latest complete checkpoint (restored or written here), 0 for none. */
  lastComplete: number;
}

/**
 * Takes checkpoints of persistent queries and restores them (DESIGN.md §4). A checkpoint's
 * synchronous part happens in the run as its barrier passes each operator (state snapshotted,
 * changed key groups frozen, sinks cut); the asynchronous part encodes the frozen key groups and
 * writes everything in one SQLite transaction while rows keep flowing. It is complete only when
 * that transaction commits; sinks with a two-phase commit commit after it.
 */
export class CheckpointCoordinator {
  private readonly queries = new Map<string, QueryCheckpointState>();

  constructor(
    readonly store: CheckpointStore,
    private readonly opts: CoordinatorOptions,
  ) {}

  /** Takes the query's lock and loads its latest checkpoint into a freshly built run (or starts it fresh). */
  async restore(q: CheckpointedQuery, run: CheckpointTarget, fresh: boolean): Promise<void> {
    await this.store.acquireLock(q.id);
    const state: QueryCheckpointState = { nextId: 1, lastAt: Date.now(), inFlight: null, needFull: false, failure: null, lastComplete: 0 };
    this.queries.set(q.id, state);
    const previous = await this.store.getQuery(q.id);
    const resumable = previous && !fresh && previous.status !== 'FINISHED';
    if (resumable && previous.fingerprint !== q.fingerprint) {
      throw new EddyError(
        'CHECKPOINT',
        `cannot resume query '${q.id}' from its checkpoint: the query changed incompatibly (${describePlanDifference(previous.fingerprint, q.fingerprint)})`,
        undefined,
        'run it with --fresh (or the fresh option) to discard the old state and start over',
      );
    }
    const cp = resumable ? await this.store.loadLatest(q.id, this.opts.onWarning) : null;
    // Old state goes before the new fingerprint is recorded, so a crash in between cannot pair them.
    if (!cp) await this.store.deleteQueryState(q.id);
    // Recorded before the sink and source are touched: a start that fails there (and is retried by
    // the restart strategy) still has a row for its status, and the REPL can resume it.
    await this.store.saveQuery({ queryId: q.id, sql: q.sql, fingerprint: q.fingerprint, status: 'RUNNING' });
    if (!cp) {
      await run.restore(null);
      return;
    }
    try {
      await run.restore({ states: cp.meta.operators, chunks: cp.chunks });
    } catch (err) {
      if (err instanceof SinkTransactionLost) throw await this.abandon(q.id, cp.checkpointId, err);
      throw err;
    }
    state.nextId = cp.checkpointId + 1;
    state.lastComplete = cp.checkpointId;
    this.opts.onInfo?.(`query '${q.id}' resumed from checkpoint ${cp.checkpointId} (${run.describePositions()})`);
  }

  /** Called after every round of reads: starts a checkpoint when the interval has passed and none is in flight. */
  maybeCheckpoint(queryId: string, run: CheckpointTarget): void {
    const st = this.queries.get(queryId);
    if (st?.failure) throw st.failure;
    if (!st || st.inFlight || Date.now() - st.lastAt < this.opts.intervalMs) return;
    this.trigger(queryId, st, run, false);
  }

  /** A checkpoint now, waited for to completion (stop, TERMINATE, close, end of input). */
  async checkpointNow(queryId: string, run: CheckpointTarget): Promise<void> {
    const st = this.queries.get(queryId);
    if (!st) return;
    if (st.inFlight) await st.inFlight;
    // A failed checkpoint fails the run: a later one would record positions past output the failed one lost.
    if (st.failure) throw st.failure;
    this.trigger(queryId, st, run, true);
    if (st.inFlight) await st.inFlight;
    if (st.failure) throw st.failure;
  }

  /** The query reached the end of its input: its output is complete, so its state is no longer needed. */
  async finish(queryId: string): Promise<void> {
    await this.settle(queryId);
    const q = await this.store.getQuery(queryId);
    await this.store.deleteQueryState(queryId);
    if (q) await this.store.saveQuery({ ...q, status: 'FINISHED' });
  }

  /** Waits for an in-flight checkpoint of the query, if any. */
  async settle(queryId: string): Promise<void> {
    const st = this.queries.get(queryId);
    if (st?.inFlight) await st.inFlight.catch(() => {});
  }

  async release(queryId: string): Promise<void> {
    this.queries.delete(queryId);
    await this.store.releaseLock(queryId);
  }

  /**
   * Drops a checkpoint whose sink transaction was lost (and any later one), so the restart resumes
   * from the one before; returns the error the run fails with. Fatal (CHECKPOINT) when the ones
   * before were pruned: a fresh start would write their committed output again.
   */
  private async abandon(queryId: string, checkpointId: number, lost: SinkTransactionLost): Promise<EddyError> {
    const left = await this.store.abandonCheckpoint(queryId, checkpointId);
    const st = this.queries.get(queryId);
    if (st) {
      st.lastComplete = left;
      st.nextId = left + 1;
    }
    if (left === 0 && checkpointId > 1) {
      return Object.assign(
        new EddyError(
          'CHECKPOINT',
          `checkpoint ${checkpointId} of query '${queryId}' cannot be used (${lost.message}) and no earlier checkpoint is retained, so its rows cannot be written again exactly once`,
          undefined,
          "raise 'checkpoint.retained' (at least 2) and the sink's transaction timeout; --fresh starts over, writing the earlier checkpoints' output again",
        ),
        { cause: lost },
      );
    }
    const back = left === 0 ? 'the start' : `checkpoint ${left}`;
    return Object.assign(new SinkTransactionLost(`checkpoint ${checkpointId} of query '${queryId}' dropped: ${lost.message}; the query goes back to ${back} and writes those rows again`, lost.hint), { cause: lost });
  }

  private trigger(queryId: string, st: QueryCheckpointState, run: CheckpointTarget, now: boolean): void {
    const startedAt = Date.now();
    const checkpointId = st.nextId++;
    const full = st.needFull;
    st.needFull = false;
    st.lastAt = Date.now();
    let chunks: StateChunk[] = [];
    const taken = run.snapshot(checkpointId, { full, now });
    st.inFlight = taken
      .then(async (snap) => {
        this.opts.onPause?.(queryId, snap.pauseMs);
        // The frozen key groups are encoded a few per event-loop turn while sinks make their output durable.
        const [c] = await Promise.all([snap.chunks, ...snap.sinks.map((s) => s.durable)]);
        chunks = c;
        faultPoint('checkpoint-sink-durable');
        const inTx = snap.sinks.filter((s) => s.inTransaction !== undefined);
        const info = await this.store.writeCheckpoint({
          queryId,
          checkpointId,
          meta: { format: CHECKPOINT_FORMAT, operators: snap.states },
          chunks,
          retained: this.opts.retained,
          startedAt,
          inTransaction: async (tx: TxExecutor) => {
            for (const s of inTx) await s.inTransaction!(tx);
            faultPoint('checkpoint-before-commit');
          },
        });
        // Committed: a recovery starts from this checkpoint even if a sink's second phase fails now.
        st.lastComplete = checkpointId;
        faultPoint('checkpoint-after-commit');
        for (const s of snap.sinks) await s.afterCommit?.();
        faultPoint('checkpoint-complete');
        this.opts.onCheckpoint?.(info, snap.pauseMs);
      })
      .catch(async (err: unknown) => {
        st.needFull = true;
        if (err instanceof SinkTransactionLost && st.lastComplete === checkpointId) {
          // Committed in SQLite, but the sink's transaction is gone: the restart must not resume from it.
          const lost = await this.abandon(queryId, checkpointId, err).catch((e: unknown) => e);
          st.failure = lost;
          this.opts.onCheckpointFailed?.(queryId);
          this.opts.onWarning(`checkpoint ${checkpointId} of query '${queryId}' failed: ${lost instanceof Error ? lost.message : String(lost)}`);
          return;
        }
        st.failure = checkpointFailed(queryId, checkpointId, st.lastComplete, err);
        this.opts.onCheckpointFailed?.(queryId);
        this.opts.onWarning(`checkpoint ${checkpointId} of query '${queryId}' failed: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => {
        // The transaction is over, so the snapshot's buffers can be reused (no full-heap GC per checkpoint).
        run.release(chunks);
        st.inFlight = null;
      });
  }
}

/**
 * A failed checkpoint as the query's error: the cause (a sink that cannot write, a state database
 * that is full, read-only or gone), with the checkpoint a recovery goes back to. Its code is the
 * cause's, so the restart strategy treats it as it would the cause.
 */
function checkpointFailed(queryId: string, id: number, lastComplete: number, err: unknown): unknown {
  if (!(err instanceof EddyError) || err.code === 'INTERNAL') return err;
  const last = lastComplete === 0 ? 'the query has no complete checkpoint yet' : `its last complete checkpoint is ${lastComplete}`;
  return Object.assign(new EddyError(err.code, `checkpoint ${id} of query '${queryId}' failed (${last}): ${err.message}`, err.span, err.hint), { cause: err });
}
