import { EddyError, assertNever, internalError } from '../../common/errors.js';
import { asRowBatch, objectBatch, rowBatch, type Batch, type Output, type Signal } from '../batch.js';
import type { Operator } from '../operator.js';

/** What a gate does when a barrier has arrived on every input: the graph snapshots the operator. */
export type OnAligned = (checkpointId: number) => void;

type Status = 'active' | 'idle' | 'ended';

/** The part of a gate saved in checkpoints: per input its watermark and whether it ended, and the combined watermark. */
export interface GateState {
  readonly watermarks: readonly number[];
  readonly ended: readonly boolean[];
  readonly watermark: number;
}

/**
 * Where the input edges of one operator meet (Flink's input gate: its StatusWatermarkValve and
 * its aligned barrier handler). Each input edge delivers to `input(i)`.
 *
 * Watermark (DESIGN.md §3 rules 6 and 7): the gate keeps one watermark per input and gives the
 * operator the minimum over the active inputs, those neither ended nor idle; when every live input
 * is idle, the largest of theirs (as Flink's valve). It never decreases. Rows are re-stamped: the
 * watermark before row j of input i is max(W, min(input i's watermark before j, the other active
 * inputs' watermarks)), so an operator judges lateness by the combined watermark. When every input
 * has ended the operator gets onEnd (which fires everything), not a watermark.
 *
 * Barriers: a barrier arriving on input i blocks it: what input i delivers next is held back, in
 * arrival order, until the same barrier has arrived on every input that has not ended; then the
 * graph snapshots the operator (OnAligned), the operator gets onBarrier, and the held signals are
 * replayed in the order they arrived.
 *
 * Object batches reach the operator as they are if it reads them, else as row arrays.
 */
export class InputGate {
  private readonly n: number;
  private readonly wm: number[];
  private readonly status: Status[];
  private combined = -Infinity;
  private live: number;
  /** Per input: the barrier it delivered and is blocked on, or null. */
  private readonly blockedOn: (number | null)[];
  private blocked = 0;
  /** Signals of blocked inputs, in arrival order. */
  private held: { readonly input: number; readonly signal: Signal }[] = [];
  private readonly inputs: Output[];
  private readonly convert: boolean;

  constructor(
    private readonly op: Operator,
    inputs: number,
    private readonly onAligned: OnAligned,
    /** Whether the inputs together have a watermark (every one declares one); if not, rows pass unstamped and no watermark is combined. */
    private readonly watermarked = true,
  ) {
    this.n = Math.max(1, inputs);
    this.wm = new Array<number>(this.n).fill(-Infinity);
    this.status = new Array<Status>(this.n).fill('active');
    this.blockedOn = new Array<number | null>(this.n).fill(null);
    this.live = this.n;
    this.convert = !op.readsObjects;
    this.inputs = Array.from({ length: this.n }, (_, i) => (this.n === 1 ? this.single() : this.multi(i)));
  }

  /** Where input edge `i` delivers. */
  input(i: number): Output {
    const o = this.inputs[i];
    if (o === undefined) throw internalError(`operator ${this.op.uid} has no input ${i}`);
    return o;
  }

  /** The combined watermark the operator has seen. */
  get watermark(): number {
    return this.combined;
  }

  /** The watermark of input `i`. */
  inputWatermark(i: number): number {
    return this.wm[i]!;
  }

  /** One input: signals go straight to the operator (a barrier is aligned at once). */
  private single(): Output {
    const op = this.op;
    const convert = this.convert;
    return {
      data: (b) => op.processBatch(convert && b.kind === 'objects' ? asRowBatch(b) : b, 0),
      watermark: (w) => {
        if (w > this.combined) this.combined = w;
        op.onWatermark(w);
      },
      idle: (idle) => op.onIdle(idle),
      barrier: (id) => {
        this.onAligned(id);
        op.onBarrier(id);
      },
      end: () => {
        if (this.status[0] === 'ended') return;
        this.status[0] = 'ended';
        this.live = 0;
        op.onEnd();
      },
    };
  }

  private multi(i: number): Output {
    return {
      data: (batch) => this.signal(i, { kind: 'data', batch }),
      watermark: (value) => this.signal(i, { kind: 'watermark', value }),
      idle: (idle) => this.signal(i, { kind: 'idle', idle }),
      barrier: (checkpointId) => this.signal(i, { kind: 'barrier', checkpointId }),
      end: () => this.signal(i, { kind: 'end' }),
    };
  }

  private signal(i: number, s: Signal): void {
    if (this.blockedOn[i] !== null) {
      this.held.push({ input: i, signal: s });
      return;
    }
    this.apply(i, s);
  }

  private apply(i: number, s: Signal): void {
    switch (s.kind) {
      case 'data':
        if (this.status[i] === 'ended') throw internalError(`operator ${this.op.uid}: data on input ${i} after its end`);
        return this.data(i, s.batch);
      case 'watermark':
        if (s.value > this.wm[i]!) this.wm[i] = s.value;
        return this.raise();
      case 'idle':
        if (this.status[i] === 'ended') return;
        this.status[i] = s.idle ? 'idle' : 'active';
        return this.raise();
      case 'barrier':
        return this.barrier(i, s.checkpointId);
      case 'end':
        return this.end(i);
      default:
        return assertNever(s, 'signal');
    }
  }

  private data(i: number, b: Batch): void {
    const stamped = this.watermarked ? this.stamp(i, b) : b.wm === null ? b : b.kind === 'rows' ? rowBatch(b.rows, null) : objectBatch(b.objects, b.layout, null);
    this.op.processBatch(this.convert && stamped.kind === 'objects' ? asRowBatch(stamped) : stamped, i);
  }

  /** The batch with each row's combined watermark (see the class comment). */
  private stamp(i: number, b: Batch): Batch {
    const rows = b.kind === 'rows' ? b.rows.length : b.objects.length;
    let others = Infinity;
    for (let k = 0; k < this.n; k++) if (k !== i && this.status[k] === 'active' && this.wm[k]! < others) others = this.wm[k]!;
    const own = b.wm;
    const wm = new Float64Array(rows);
    let w = this.combined;
    const flat = this.wm[i]!;
    for (let j = 0; j < rows; j++) {
      const o = own === null ? flat : own[j]!;
      const c = o < others ? o : others;
      if (c > w) w = c;
      wm[j] = w;
    }
    return b.kind === 'rows' ? rowBatch(b.rows, wm) : objectBatch(b.objects, b.layout, wm);
  }

  /** Recomputes the combined watermark and tells the operator when it rose; it does not move once every input has ended. */
  private raise(): void {
    if (!this.watermarked) return;
    let activeMin = Infinity;
    let idleMax = -Infinity;
    let active = 0;
    for (let k = 0; k < this.n; k++) {
      const st = this.status[k];
      if (st === 'ended') continue;
      if (st === 'idle') {
        if (this.wm[k]! > idleMax) idleMax = this.wm[k]!;
      } else {
        active++;
        if (this.wm[k]! < activeMin) activeMin = this.wm[k]!;
      }
    }
    if (this.live === 0) return;
    const candidate = active > 0 ? activeMin : idleMax;
    if (candidate > this.combined) {
      this.combined = candidate;
      this.op.onWatermark(candidate);
    }
  }

  private end(i: number): void {
    if (this.status[i] === 'ended') return;
    this.status[i] = 'ended';
    this.live--;
    if (this.live === 0) {
      this.op.onEnd();
      return;
    }
    this.raise();
    this.checkAligned();
  }

  private barrier(i: number, id: number): void {
    const pending = this.pendingBarrier();
    if (pending !== null && pending !== id) throw internalError(`operator ${this.op.uid}: barrier ${id} arrived while aligning barrier ${pending}`);
    if (this.status[i] === 'ended') return;
    this.blockedOn[i] = id;
    this.blocked++;
    this.checkAligned();
  }

  private pendingBarrier(): number | null {
    for (const b of this.blockedOn) if (b !== null) return b;
    return null;
  }

  /** When every input that has not ended delivered the pending barrier: snapshot, forward it, replay what was held. */
  private checkAligned(): void {
    if (this.blocked === 0 || this.blocked < this.live) return;
    const id = this.pendingBarrier()!;
    this.onAligned(id);
    this.op.onBarrier(id);
    this.blockedOn.fill(null);
    this.blocked = 0;
    const held = this.held;
    this.held = [];
    for (let k = 0; k < held.length; k++) {
      const { input, signal } = held[k]!;
      // A second barrier among the held signals blocks its input again; the rest stays held behind it.
      if (this.blockedOn[input] !== null) this.held.push(held[k]!);
      else this.apply(input, signal);
    }
  }

  /**
   * Barrier `id` on every input that has not delivered it (their upstream ended, or the round that
   * carried it was cut short): aligns it now. With nothing in flight this is what the barrier
   * would have done.
   */
  forceBarrier(id: number): void {
    if (this.n === 1 || this.live === 0) {
      this.onAligned(id);
      this.op.onBarrier(id);
      return;
    }
    for (let i = 0; i < this.n; i++) if (this.status[i] !== 'ended' && this.blockedOn[i] === null) this.signal(i, { kind: 'barrier', checkpointId: id });
  }

  snapshot(): GateState | null {
    if (this.n === 1) return null;
    return { watermarks: this.wm.slice(), ended: this.status.map((s) => s === 'ended'), watermark: this.combined };
  }

  restore(state: unknown): void {
    if (this.n === 1) return;
    const s = state as Partial<GateState> | null;
    const nums = (x: unknown): x is number[] => Array.isArray(x) && x.length === this.n && x.every((v) => typeof v === 'number' || v === null);
    if (s === null || typeof s !== 'object' || !nums(s.watermarks) || !Array.isArray(s.ended) || s.ended.length !== this.n || (typeof s.watermark !== 'number' && s.watermark !== null)) {
      throw new EddyError('CHECKPOINT', `checkpoint state of the inputs of ${this.op.uid} is damaged: ${JSON.stringify(state)}`, undefined, 'run it with --fresh (or the fresh option) to start over');
    }
    for (let k = 0; k < this.n; k++) {
      this.wm[k] = s.watermarks[k] ?? -Infinity;
      if (s.ended[k] === true && this.status[k] !== 'ended') {
        this.status[k] = 'ended';
        this.live--;
      }
    }
    this.combined = s.watermark ?? -Infinity;
  }
}
