import { EddyError, internalError } from '../common/errors.js';
import type { Row } from '../common/types.js';
import type { Batch, Output } from './batch.js';
import type { KeyedStateTable, StateCodec } from './state/keyed-state-table.js';

/** Receives each row a window operator drops as late, with the operator's late count after it (1-based). */
export type LateRowOutput = (row: Row, lateNumber: number) => void;

/** What the graph gives an operator when it builds it (DESIGN.md §4: operators declare their state, the backend owns it). */
export interface OperatorContext {
  /** Declares a keyed state table of this operator; the backend snapshots and restores it. */
  table<V>(name: string, codec: StateCodec<V>): KeyedStateTable<V>;
  /** The processing-time clock (early fire, processing-time TTL, idle timeouts); tests inject one. */
  readonly now: () => number;
  /** The late-row side output (`<stream>$late`) when the plan routes this operator's late rows there. */
  readonly lateRows: LateRowOutput | null;
}

/**
 * Kinds of the non-keyed fields an operator declares (declareGlobal): saved at every barrier under
 * the operator's uid and checked when restored. `count` is a non-negative integer, `time` an event
 * time (±Infinity allowed), `number` any finite number.
 */
export type GlobalFieldKind = 'count' | 'time' | 'number';

/**
 * What a sink adds to a checkpoint besides its state (DESIGN.md §4, exactly-once sinks): when the
 * output the checkpoint covers is durable, what it writes inside the checkpoint's SQLite
 * transaction, and what it does once the checkpoint has committed.
 */
export interface CommitHooks {
  readonly durable?: Promise<void>;
  /** Runs inside the checkpoint transaction; `tx` is the store's transaction executor. */
  readonly inTransaction?: (tx: unknown) => Promise<void>;
  readonly afterCommit?: () => Promise<void>;
}

/** An output that refuses everything: an operator used before the graph connected it. */
const UNCONNECTED: Output = {
  data: () => unconnected(),
  watermark: () => unconnected(),
  idle: () => unconnected(),
  barrier: () => unconnected(),
  end: () => unconnected(),
};
function unconnected(): never {
  throw internalError('operator used before it was connected');
}

/**
 * A streaming operator (Arroyo's operator trait): one required method for data; the watermark,
 * idleness, barrier and end hooks forward downstream by default, the processing-time tick does
 * nothing. An operator with several inputs sees each batch with its input's index and, through its
 * input gate, one combined watermark (src/exec/graph/input-gate.ts). State: keyed tables come from
 * the context (OperatorContext.table); non-keyed values are declared fields (declareGlobal), or an
 * override of snapshotState/restoreState for richer values. Operators never touch SQLite.
 */
export abstract class Operator {
  protected out: Output = UNCONNECTED;
  private globalFields: Readonly<Record<string, GlobalFieldKind>> | null = null;

  constructor(readonly uid: string) {}

  /** Sets where the operator's output goes (the graph does, once). */
  connect(out: Output): void {
    this.out = out;
  }

  /** Whether object batches reach processBatch as they are; otherwise the graph converts them to row arrays first. */
  get readsObjects(): boolean {
    return false;
  }

  /** Processes one batch of input `input` (0 for an operator with one input). */
  abstract processBatch(batch: Batch, input: number): void;

  /** The (combined) input watermark rose to `value`. */
  onWatermark(value: number): void {
    this.out.watermark(value);
  }

  /** The (combined) input became idle or active again. */
  onIdle(idle: boolean): void {
    this.out.idle(idle);
  }

  /** Barrier `checkpointId` has arrived on every input (after the graph took this operator's snapshot). */
  onBarrier(checkpointId: number): void {
    this.out.barrier(checkpointId);
  }

  /** Every input has ended. */
  onEnd(): void {
    this.out.end();
  }

  /** Processing-time work (early fire ...), called after each round of reads and while the inputs are quiet. */
  onTick(): void {}

  /**
   * Work the operator started asynchronously and has not finished (a lookup join's read): resolves
   * once its output has gone downstream, rejects if it failed; null when nothing is in flight. The
   * driver awaits it after every batch it pushes into the graph (Graph.settle), so nothing is in
   * flight at a barrier, a tick or the end of a round.
   */
  asyncWork(): Promise<void> | null {
    return null;
  }

  /** Rows this operator dropped as late (DESIGN.md §3 rule 4); shown as the query's late_rows. */
  get lateRows(): number {
    return 0;
  }

  /**
   * The end of the next window this operator will close (event time, ms), or null when it holds no
   * open window or has none; read by status lines and metrics, so it must not change any state.
   */
  get nextWindowEnd(): number | null {
    return null;
  }

  /** True once the operator will pass no more rows (a satisfied LIMIT): the driver may end the query. */
  get done(): boolean {
    return false;
  }

  /** What the operator's output adds to the checkpoint being taken (called right after snapshotState); sinks override it. */
  commitHooks(): CommitHooks | null {
    return null;
  }

  /** Declares fields of `this` as the operator's non-keyed state (call once, in the constructor). */
  protected declareGlobal(fields: Readonly<Record<string, GlobalFieldKind>>): void {
    this.globalFields = fields;
  }

  /** The non-keyed state to save at a barrier (JSON-able; ±Infinity allowed): the declared fields by default, null without any. */
  snapshotState(): unknown {
    const fields = this.globalFields;
    if (fields === null) return null;
    const self = this as unknown as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(fields)) out[name] = self[name];
    return out;
  }

  /**
   * Called once before the operator processes anything: with what snapshotState saved when the run
   * resumes a checkpoint (after the backend restored the keyed tables), with undefined on a fresh
   * start. By default takes back the declared fields, each checked against its kind, then
   * afterRestore; does nothing on a fresh start.
   */
  restoreState(state: unknown): void | Promise<void> {
    if (state === undefined) return;
    const fields = this.globalFields;
    if (fields !== null) {
      if (state === null || typeof state !== 'object') throw this.badState(`expected an object, got ${JSON.stringify(state)}`);
      const self = this as unknown as Record<string, unknown>;
      const saved = state as Record<string, unknown>;
      for (const [name, kind] of Object.entries(fields)) self[name] = this.checkField(name, kind, saved[name]);
    }
    this.afterRestore();
  }

  /** Rebuilds what is derived from the restored state (timers, indexes); nothing by default. */
  protected afterRestore(): void {}

  /** A restored field, checked against its kind (declareGlobal). */
  protected checkField(name: string, kind: GlobalFieldKind, v: unknown): number {
    // A JSON round trip (tests) turns -Infinity into null.
    if (kind === 'time' && v === null) return -Infinity;
    const ok = typeof v === 'number' && (kind === 'time' ? !Number.isNaN(v) : kind === 'count' ? Number.isInteger(v) && v >= 0 : Number.isFinite(v));
    if (!ok) throw this.badState(`field '${name}' should be a ${kind}, got ${JSON.stringify(v)}`);
    return v as number;
  }

  protected badState(detail: string): EddyError {
    return new EddyError('CHECKPOINT', `checkpoint state of operator ${this.uid} is damaged: ${detail}`, undefined, 'run it with --fresh (or the fresh option) to start over');
  }
}
