import { EddyError } from '../common/errors.js';
import type { SinkWriter } from '../connectors/connector.js';
import { describePlanDifference } from '../planner/explain.js';
import type { QueryRun } from '../runtime/running-query.js';
import type { PersistentQuery } from '../runtime/persistent-query.js';
import type { CheckpointStore } from './store.js';
import { hasMeta } from '../exec/operators/meta.js';
import type { CheckpointInfo, CheckpointMeta, StateChunk } from './types.js';

export interface CoordinatorOptions {
  readonly intervalMs: number;
  readonly retained: number;
  readonly onWarning: (message: string) => void;
  /** Progress worth telling a user, such as a query resuming from a checkpoint. */
  readonly onInfo?: (message: string) => void;
  /** Called when a checkpoint has committed (for --verbose and tests). */
  readonly onCheckpoint?: (info: CheckpointInfo, pauseMs: number) => void;
  /** Observes the synchronous pause of every checkpoint (for SHOW CHECKPOINTS and the benchmark). */
  readonly onPause?: (queryId: string, ms: number) => void;
}

interface QueryCheckpointState {
  nextId: number;
  lastAt: number;
  inFlight: Promise<void> | null;
  /** After a failed write the dirty flags are lost, so the next checkpoint writes every key group. */
  needFull: boolean;
  /**
   * A checkpoint failed (the sink could not make its output durable, or the write failed): as with
   * Flink's default of zero tolerable failed checkpoints, the query fails at the next batch boundary
   * and its restart strategy takes it back to the latest complete checkpoint.
   */
  failure: unknown;
}

/** A sink that commits its rows inside the checkpoint transaction (the SQLite sink). */
interface TransactionalSink {
  commitInto(db: unknown): Promise<void>;
}
const isTransactional = (s: SinkWriter): s is SinkWriter & TransactionalSink => typeof (s as Partial<TransactionalSink>).commitInto === 'function';

/**
 * Takes checkpoints of persistent queries at batch boundaries (consistent cuts) and restores them.
 * Sync phase: flush the sink, snapshot changed key groups, record offsets and watermarks. Async
 * phase: one SQLite transaction, while rows keep flowing. Complete only when it commits (DESIGN.md §4).
 */
export class CheckpointCoordinator {
  private readonly queries = new Map<string, QueryCheckpointState>();

  constructor(
    readonly store: CheckpointStore,
    private readonly opts: CoordinatorOptions,
  ) {}

  /** Takes the query's lock and loads its latest checkpoint into a freshly built run (or starts fresh). */
  async restore(q: PersistentQuery, run: QueryRun, sink: SinkWriter, fresh: boolean): Promise<void> {
    await this.store.acquireLock(q.id);
    const state: QueryCheckpointState = { nextId: 1, lastAt: Date.now(), inFlight: null, needFull: false, failure: null };
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
      await sink.restore(null);
    } else {
      await run.restoreInputs(cp.meta);
      run.backend.restore(cp.chunks);
      for (const op of run.operators) if (hasMeta(op) && op.uid in cp.meta.operatorMeta) op.restoreMeta(cp.meta.operatorMeta[op.uid]);
      await sink.restore(cp.meta.sinkPositions[SINK_KEY] ?? null);
      state.nextId = cp.checkpointId + 1;
      this.opts.onInfo?.(`query '${q.id}' resumed from checkpoint ${cp.checkpointId} (${run.describePositions()})`);
    }
  }

  /** Called at every batch boundary: starts a checkpoint when the interval has passed and none is in flight. */
  maybeCheckpoint(queryId: string, run: QueryRun, sink: SinkWriter): Promise<void> | void {
    const st = this.queries.get(queryId);
    if (st?.failure) throw st.failure;
    if (!st || st.inFlight || Date.now() - st.lastAt < this.opts.intervalMs) return;
    return this.trigger(queryId, st, run, sink);
  }

  /** A checkpoint now, waited for to completion (stop, TERMINATE, close). */
  async checkpointNow(queryId: string, run: QueryRun, sink: SinkWriter): Promise<void> {
    const st = this.queries.get(queryId);
    if (!st) return;
    if (st.inFlight) await st.inFlight;
    await this.trigger(queryId, st, run, sink);
    if (st.inFlight) await st.inFlight;
    if (st.failure) throw st.failure;
  }

  /** The query reached the end of its input: its output is complete, so its state is no longer needed. */
  async finish(queryId: string, _run: QueryRun, _sink: SinkWriter): Promise<void> {
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

  private async trigger(queryId: string, st: QueryCheckpointState, run: QueryRun, sink: SinkWriter): Promise<void> {
    const t0 = performance.now();
    const startedAt = Date.now();
    // Synchronous phase: nothing else runs between the cut and the freeze of the changed key groups
    // (copy on write: they are encoded in the async phase, or just before their next change).
    const { position: sinkPosition, durable } = sink.cut();
    const snapshot = st.needFull ? run.backend.snapshotAll() : run.backend.freezeChanged();
    st.needFull = false;
    // Every input's offset and watermark; with a union also its watermark and read position (under its uid).
    const inputs = run.inputCut();
    const operatorMeta: Record<string, unknown> = { ...inputs.operatorMeta };
    for (const op of run.operators) if (hasMeta(op)) operatorMeta[op.uid] = op.snapshotMeta();
    const meta: CheckpointMeta = {
      sourceOffsets: inputs.sourceOffsets,
      watermarks: inputs.watermarks,
      sinkPositions: { [SINK_KEY]: sinkPosition },
      operatorMeta,
    };
    const checkpointId = st.nextId++;
    st.lastAt = Date.now();
    const pauseMs = performance.now() - t0;
    this.opts.onPause?.(queryId, pauseMs);
    const commit = isTransactional(sink) ? (db: unknown) => sink.commitInto(db) : undefined;
    // Asynchronous phase: the frozen key groups are encoded a few per event-loop turn, then the
    // SQLite transaction runs off the event loop, while rows keep flowing.
    let chunks: StateChunk[] = [];
    const encoded = Array.isArray(snapshot) ? Promise.resolve(snapshot) : snapshot.drain();
    st.inFlight = Promise.all([encoded, durable])
      .then(([c]) => {
        chunks = c;
        return this.store.writeCheckpoint({ queryId, checkpointId, meta, chunks, retained: this.opts.retained, startedAt, inTransaction: commit as never });
      })
      .then(
        (info) => this.opts.onCheckpoint?.(info, pauseMs),
        (err: unknown) => {
          st.needFull = true;
          st.failure = err;
          this.opts.onWarning(`checkpoint ${checkpointId} of query '${queryId}' failed: ${err instanceof Error ? err.message : String(err)}`);
        },
      )
      .finally(() => {
        // The transaction is over, so the snapshot's buffers can be reused (no full-heap GC per checkpoint).
        run.backend.release(chunks);
        st.inFlight = null;
      });
  }
}

/** Every persistent query has exactly one sink; its position is stored under this key. */
const SINK_KEY = 'sink';
