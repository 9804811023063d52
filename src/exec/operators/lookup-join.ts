import { internalError } from '../../common/errors.js';
import type { LookupReader } from '../../common/connector.js';
import type { Row, Value } from '../../common/types.js';
import type { BoundExpr } from '../../planner/bound.js';
import type { LookupCache } from '../../planner/plan.js';
import { asRowBatch, rowBatch, type Batch, type Signal } from '../batch.js';
import { compilePredicate, compileRowBuilder } from '../expr-compiler.js';
import { LookupRowCache } from '../lookup-cache.js';
import { FullLookupCache } from '../lookup-full-cache.js';
import { Operator } from '../operator.js';

/** The fields of a LookupJoinExec this operator needs. */
export interface LookupJoinSpec {
  readonly uid: string;
  readonly joinType: 'inner' | 'left';
  readonly leftKeys: readonly BoundExpr[];
  /** Over the output row [...left, ...table]. */
  readonly residual?: BoundExpr;
  readonly cache: LookupCache | null;
  /** Column indices of the table's rows paired with leftKeys. */
  readonly lookupKeys: readonly number[];
  /** Columns of the table's rows. */
  readonly tableWidth: number;
}

/**
 * A lookup join (Flink's LookupJoin, ordered like its AsyncWaitOperator): each input row joins the
 * table's rows for its key, read through the connector's LookupReader when the row is processed
 * (so a change to the table shows in the rows processed after it, unless a cached read of the key
 * is still fresh). One read per batch, for the batch's distinct keys not in the cache; with a full
 * cache, no point reads: the whole table is read at the first batch and when a reload is due
 * (src/exec/lookup-full-cache.ts), before the batch is joined. INNER drops
 * a row without matches; LEFT emits it padded with NULLs. The residual (the rest of ON) is checked
 * per pair. Over an updating input each change joins with its op (column 0) kept, so a -U or -D
 * retracts what the table holds for its key now (Flink's LookupJoinRunner does the same: if the
 * table changed in between, the retraction differs from the row emitted, Flink's non-deterministic
 * update). Output rows keep their input order and watermarks: signals arriving while a read is in
 * flight (rows, watermarks, the end) wait behind it, in order.
 *
 * Asynchronous: asyncWork() is what the driver awaits after each batch it pushes, so nothing is in
 * flight at a barrier, a tick or the end of a round. State: none (the cache is not checkpointed, as
 * in Flink; a restored run starts with an empty cache).
 */
export class LookupJoinOperator extends Operator {
  private readonly keyOf: (row: Row) => Row;
  private readonly residual: ((row: Row) => boolean) | null;
  private readonly cache: LookupRowCache | null;
  private readonly full: FullLookupCache | null;
  private readonly nulls: Row;
  /** The read in flight, resolved once its rows have gone downstream and the queue is drained as far as possible. */
  private inFlight: Promise<void> | null = null;
  private readonly queue: Signal[] = [];
  private failure: unknown = null;

  constructor(
    private readonly spec: LookupJoinSpec,
    private readonly reader: LookupReader,
    private readonly now: () => number,
  ) {
    super(spec.uid);
    this.keyOf = compileRowBuilder(spec.leftKeys);
    this.residual = spec.residual ? compilePredicate(spec.residual) : null;
    this.cache = spec.cache?.kind === 'partial' ? new LookupRowCache(spec.cache, now) : null;
    this.full = spec.cache?.kind === 'full' ? new FullLookupCache(spec.cache.reload, spec.lookupKeys) : null;
    this.nulls = new Array<Value>(spec.tableWidth).fill(null);
  }

  override asyncWork(): Promise<void> | null {
    if (this.failure !== null) return Promise.reject(this.failure);
    return this.inFlight;
  }

  processBatch(batch: Batch): void {
    if (this.inFlight !== null) this.queue.push({ kind: 'data', batch });
    else this.handle(batch);
  }

  override onWatermark(value: number): void {
    if (this.inFlight !== null) this.queue.push({ kind: 'watermark', value });
    else this.out.watermark(value);
  }

  override onIdle(idle: boolean): void {
    if (this.inFlight !== null) this.queue.push({ kind: 'idle', idle });
    else this.out.idle(idle);
  }

  override onBarrier(checkpointId: number): void {
    // The driver settles every read before a barrier enters the graph (see snapshotState).
    if (this.inFlight !== null) throw internalError(`barrier ${checkpointId} reached lookup join ${this.uid} with a read in flight`);
    this.out.barrier(checkpointId);
  }

  override onEnd(): void {
    if (this.inFlight !== null) this.queue.push({ kind: 'end' });
    else this.out.end();
  }

  override snapshotState(): unknown {
    if (this.inFlight !== null || this.queue.length > 0) throw internalError(`lookup join ${this.uid} snapshotted with rows in flight`);
    return null;
  }

  /** Joins a batch: at once when every key is cached, else after one read of the missing keys. */
  private handle(batch: Batch): void {
    if (this.full !== null) {
      this.handleFull(batch);
      return;
    }
    const { rows, wm } = asRowBatch(batch);
    const keys: (string | null)[] = new Array<string | null>(rows.length);
    const found = new Map<string, readonly Row[]>();
    const missing: Row[] = [];
    const missingIds: string[] = [];
    for (let i = 0; i < rows.length; i++) {
      const k = this.keyOf(rows[i]!);
      if (k.some((v) => v === null)) {
        keys[i] = null; // SQL equality: a NULL key matches nothing
        continue;
      }
      const id = JSON.stringify(k);
      keys[i] = id;
      if (found.has(id)) continue;
      const cached = this.cache?.get(id);
      if (cached !== undefined) found.set(id, cached);
      else {
        found.set(id, []);
        missing.push(k);
        missingIds.push(id);
      }
    }
    if (missing.length === 0) {
      this.emit(rows, wm, keys, found);
      return;
    }
    this.inFlight = this.reader.lookup(missing).then(
      (result) => {
        missingIds.forEach((id, i) => {
          const got = result[i] ?? [];
          found.set(id, got);
          this.cache?.put(id, got);
        });
        this.inFlight = null;
        this.emit(rows, wm, keys, found);
        this.drain();
      },
      (err: unknown) => {
        this.failure = err;
        this.inFlight = null;
      },
    );
  }

  /** Joins a batch from the full cache, after reading the table when that is due. */
  private handleFull(batch: Batch): void {
    const full = this.full!;
    const { rows, wm } = asRowBatch(batch);
    const join = (): void => {
      const keys: (string | null)[] = new Array<string | null>(rows.length);
      const found = new Map<string, readonly Row[]>();
      for (let i = 0; i < rows.length; i++) {
        const k = this.keyOf(rows[i]!);
        if (k.some((v) => v === null)) {
          keys[i] = null;
          continue;
        }
        const id = JSON.stringify(k);
        keys[i] = id;
        if (!found.has(id)) found.set(id, full.get(id));
      }
      this.emit(rows, wm, keys, found);
    };
    const startedAt = this.now();
    if (!full.needsRead(startedAt)) {
      join();
      return;
    }
    this.inFlight = this.reader.scanAll().then(
      (all) => {
        full.replace(all, startedAt, this.now());
        this.inFlight = null;
        join();
        this.drain();
      },
      (err: unknown) => {
        this.failure = err;
        this.inFlight = null;
      },
    );
  }

  /** Replays the signals that waited, until one starts another read. */
  private drain(): void {
    while (this.inFlight === null && this.failure === null) {
      const s = this.queue.shift();
      if (s === undefined) return;
      switch (s.kind) {
        case 'data':
          this.handle(s.batch);
          break;
        case 'watermark':
          this.out.watermark(s.value);
          break;
        case 'idle':
          this.out.idle(s.idle);
          break;
        case 'end':
          this.out.end();
          break;
        case 'barrier':
          throw internalError(`barrier queued in lookup join ${this.uid}`);
      }
    }
    // A read started while draining: what the driver awaits now is that one.
  }

  private emit(rows: readonly Row[], wm: Float64Array | null, keys: readonly (string | null)[], found: ReadonlyMap<string, readonly Row[]>): void {
    const out: Row[] = [];
    const outWm: number[] | null = wm === null ? null : [];
    const left = this.spec.joinType === 'left';
    const residual = this.residual;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const id = keys[i]!;
      const matches = id === null ? undefined : found.get(id);
      let n = 0;
      if (matches !== undefined) {
        for (const m of matches) {
          const joined = row.concat(m);
          if (residual !== null && !residual(joined)) continue;
          out.push(joined);
          outWm?.push(wm![i]!);
          n++;
        }
      }
      if (n === 0 && left) {
        out.push(row.concat(this.nulls));
        outWm?.push(wm![i]!);
      }
    }
    if (out.length > 0) this.out.data(rowBatch(out, outWm === null ? null : Float64Array.from(outWm)));
  }
}
