import type { Row, Value } from '../../common/types.js';
import type { AggCall, BoundExpr, WindowSpec } from '../../planner/bound.js';
import { compileAggregator, type CompiledAggregator } from '../accumulators/compile-aggregator.js';
import type { ObjectLayout } from '../../common/object-layout.js';
import { rowBatch, type Batch } from '../batch.js';
import type { StateKey } from '../key.js';
import { arrayRowReader, objectRowReaders, type RowReader } from '../row-reader.js';
import { cloneMethod } from '../clone-method.js';
import { Operator, type OperatorContext } from '../operator.js';
import type { KeyedStateTable, StateEntry } from '../state/keyed-state-table.js';
import { valuesCodec } from '../state/tagged-value.js';
import type { SliceAssigner } from '../windows/assigner.js';
import { assignerFor } from '../windows/assigner-for.js';
import { AttachedAssigner } from '../windows/attached.js';
import { EmittedResults } from '../windows/changelog.js';
import { resolveEmit, type WindowEmitOptions } from '../windows/emit-options.js';
import type { Changelog, WindowEmit } from '../../planner/plan.js';

/** The fields of a WindowAggregateExec this operator needs. */
export interface WindowAggregateSpec {
  readonly uid: string;
  readonly window: WindowSpec;
  readonly timeIndex: number;
  readonly keys: readonly BoundExpr[];
  readonly aggs: readonly AggCall[];
  /** Allowed lateness and early fire (absent: none). */
  readonly emit?: WindowEmit;
  /** 'updating': rows are changes, op first (the plan makes a window aggregate updating when it has allowed lateness or early fire). */
  readonly changelog?: Changelog;
  /** The rows carry their window: timeIndex is their window_end (see AttachedAssigner). */
  readonly attached?: true;
}

/**
 * GROUP BY keys + an aligned window (TUMBLE, HOP, CUMULATE) with the exact semantics of DESIGN.md
 * §3, on slices (see SliceAssigner). State: one table, namespace = slice end, key = encoded group
 * key, value = [...keyValues, ...accumulatorSlots]. A row updates one slice; a window firing
 * merges its slices per key (a window of one slice, e.g. every TUMBLE, is read directly), and a
 * slice is freed once the last window containing it has fired.
 *
 * `firedW` is the watermark up to which every window is complete. Before each row it is raised to
 * the row's `wm[i]`, firing the windows that became complete right there (mid-batch), so a window
 * never sees a row that arrived after it was complete, even when the row goes into one of its
 * slices for a later window. A row is late when every window containing it is complete: it is
 * counted once in `lateRows` and dropped; a row some of whose windows are complete only reaches
 * the others. A batch without `wm` judges against `firedW` alone.
 *
 * Output rows are [...keys, window_start, window_end, ...aggs] with `wm: null`, in order of window
 * end, then (for one end) keys in first-seen order: by earliest slice, then arrival in it (for
 * CUMULATE, whose fired windows fold their slices into one, by first appearance in the period's
 * folded state).
 *
 * Changelog mode (the plan sets allowed lateness or early fire, spec.emit): rows start with their kind.
 * What each (window, key) emitted lives in a second state table, so a window can emit more than
 * once: early (partial results of open windows, every earlyFireDelayMs of processing time), at
 * completion, and after it for each row within allowedLatenessMs (a window's slices and results
 * are kept until W >= end - 1 + allowed; such a row re-emits -U/+U for the row's key at once, so
 * the output does not depend on batch sizes). An unchanged result emits nothing. CUMULATE does not
 * fold its prefix then, since a kept window must be recomputable.
 */
export class WindowAggregateOperator extends Operator {
  private readonly table: KeyedStateTable<Value[]>;
  private readonly assigner: SliceAssigner;
  private readonly rowReader: RowReader<Row>;
  private readonly objectReader: (layout: ObjectLayout) => RowReader<object>;
  private readonly nKeys: number;
  private readonly agg: CompiledAggregator;
  /** Changelog mode: what each (window end, key) emitted so far. */
  private readonly emitted: EmittedResults | null;
  private readonly fold: boolean;
  private readonly emit: WindowEmitOptions;
  /** Output not yet sent downstream; flushed at batch boundaries, watermarks and end. */
  private pending: Row[] = [];
  private late = 0;
  private nullTime = 0;
  /** Every window with end - 1 <= firedW is complete (emitted, or had no rows). */
  private firedW = -Infinity;
  /** A lower bound on (the end of the earliest window with rows not yet fired) - 1; -Infinity forces a recount. */
  private nextDue = Infinity;
  /** A lower bound on the watermark at which a kept slice or result can be freed (allowed lateness). */
  private nextCleanup = Infinity;
  /** Processing time of the next early firing. */
  private nextEarly: number;

  constructor(spec: WindowAggregateSpec, ctx: OperatorContext) {
    super(spec.uid);
    this.assigner = spec.attached ? new AttachedAssigner(assignerFor(spec.window)) : assignerFor(spec.window);
    this.nKeys = spec.keys.length;
    this.agg = compileAggregator(spec.aggs, this.nKeys);
    this.rowReader = arrayRowReader(spec, this.agg);
    this.objectReader = objectRowReaders(spec, this.agg);
    this.table = ctx.table('windows', valuesCodec());
    const changelog = spec.changelog === 'updating';
    this.emitted = changelog ? new EmittedResults(ctx.table('emitted', valuesCodec())) : null;
    this.fold = this.assigner.foldsPrefix && !changelog;
    // The first early firing is due one delay after the operator is built.
    ({ emit: this.emit, nextEarly: this.nextEarly } = resolveEmit(spec.emit, ctx));
    this.declareGlobal({ late: 'count', nullTime: 'count', firedW: 'time' });
  }

  /** Rows dropped because every window containing them was already complete when they arrived. */
  override get lateRows(): number {
    return this.late;
  }

  /** The next window to fire closes when the watermark reaches end - 1 (nextDue). */
  override get nextWindowEnd(): number | null {
    return Number.isFinite(this.nextDue) ? this.nextDue + 1 : null;
  }

  /** Rows dropped because their event time was NULL. */
  get nullTimeRows(): number {
    return this.nullTime;
  }

  /** processRows, one copy for row arrays and one for inserted objects (see cloneMethod). */
  private readonly rowLoop: WindowAggregateOperator['processRows'] = cloneMethod(this.processRows);
  private readonly objectLoop: WindowAggregateOperator['processRows'] = cloneMethod(this.processRows);

  override get readsObjects(): boolean {
    return true;
  }

  /** Inserted objects are aggregated as they are: their properties are read by code compiled for their layout. */
  processBatch(batch: Batch): void {
    if (batch.kind === 'rows') this.rowLoop(batch.rows, batch.wm, this.rowReader);
    else this.objectLoop(batch.objects, batch.wm, this.objectReader(batch.layout));
  }

  /** The per-row loop; runs as a copy per row form (rowLoop, objectLoop), so it may use only `this`, its parameters and globals. */
  private processRows<R>(rows: readonly R[], wm: Float64Array | null, reader: RowReader<R>): void {
    const { table, assigner } = this;
    const { time, key: keyOf, update } = reader;
    // The previous row's entry: consecutive rows often share a group (always, without GROUP BY
    // keys). Within a batch no snapshot can freeze it again, so it needs no second touch; a firing
    // (which frees slices) clears it.
    let lastE = NaN;
    let lastKey: StateKey | undefined;
    let lastEntry: StateEntry<Value[]> | undefined;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const ts = time(row);
      if (ts === null || ts === undefined) {
        this.nullTime++;
        continue;
      }
      if (wm !== null) {
        const w = wm[i]!;
        // advance(w), with its common case (no window due) inline: W rises at almost every row.
        if (w > this.firedW) {
          if (w >= this.nextDue || w >= this.nextCleanup) {
            this.fire(w);
            lastEntry = undefined;
          } else this.firedW = w;
        }
      }
      let e = assigner.sliceEnd(ts as number);
      const last = assigner.lastWindowEnd(e);
      if (last < e) continue; // in no window (HOP with slide > size)
      const firedW = this.firedW;
      const allowed = this.emit.allowedLatenessMs;
      if (last - 1 + allowed <= firedW) {
        this.late++;
        this.emit.onLateRow?.(reader.toRow(row), this.late);
        continue;
      }
      // The slice was folded into the prefix of the last fired window of its period (or would have been).
      if (this.fold && e - 1 <= firedW) e = assigner.nextWindowEnd(Math.floor(firedW) + 2) - assigner.every;
      const key = keyOf(row);
      let entry: StateEntry<Value[]> | undefined;
      if (e === lastE && key === lastKey && lastEntry !== undefined) entry = lastEntry;
      else {
        entry = table.get(e, key);
        if (entry === undefined) entry = table.insert(e, key, this.create(reader.keyValues(row)));
        table.touch(entry); // before the update: a pending checkpoint encodes the old value first
        lastE = e;
        lastKey = key;
        lastEntry = entry;
      }
      update(entry.value, row);
      if (e - 1 < this.nextDue) {
        const due = assigner.nextWindowEnd(Math.max(e, Math.floor(firedW) + 2)) - 1;
        if (due < this.nextDue) this.nextDue = due;
      }
      if (last - 1 + allowed < this.nextCleanup) this.nextCleanup = last - 1 + allowed;
      if (e - 1 <= firedW && this.emitted !== null) this.refire(e, key);
    }
    this.onTick();
    this.flush();
  }

  /** Re-emits, for `key`, every fired window containing the slice ending at `e` that allowed lateness still keeps. */
  private refire(e: number, key: StateKey): void {
    const { assigner, firedW } = this;
    const allowed = this.emit.allowedLatenessMs;
    const lastFired = Math.min(assigner.lastWindowEnd(e), Math.floor(firedW) + 1);
    for (let end = assigner.nextWindowEnd(e); end <= lastFired; end += assigner.every) {
      if (end - 1 + allowed <= firedW) continue;
      const row = this.keyResult(end, key);
      if (row !== undefined) this.emitted!.update(end, key, row, this.pending);
    }
  }

  /** The result row of `key` in the window ending at `end`, merged the way emitWindow merges it. */
  private keyResult(end: number, key: StateKey): Row | undefined {
    const { agg, table } = this;
    const start = this.assigner.windowStart(end);
    const from = this.assigner.sliceRangeStart?.(end) ?? start;
    const slices = table.namespacesUpTo(end).filter((s) => s > from);
    if (slices.length === 1) {
      const entry = table.get(slices[0]!, key);
      return entry === undefined ? undefined : this.resultRow(entry.value, start, end);
    }
    let s: Value[] | undefined;
    for (const ns of slices) {
      const entry = table.get(ns, key);
      if (entry === undefined) continue;
      if (s === undefined) s = this.mergeState(entry.value);
      agg.merge(s, entry.value);
    }
    return s === undefined ? undefined : this.resultRow(s, start, end);
  }

  /**
   * Processing-time hook, called after each batch and while the source is idle: once the early
   * fire delay has passed, emits the partial result of every open window that changed.
   */
  override onTick(): void {
    if (this.nextEarly === Infinity) return;
    const now = this.emit.now();
    if (now < this.nextEarly) return;
    this.nextEarly = now + this.emit.earlyFireDelayMs;
    const { assigner, table } = this;
    const slices = table.namespaces();
    const firstEnd = Math.floor(this.firedW) + 2;
    const ends = new Set<number>();
    for (const e of slices) {
      const last = assigner.lastWindowEnd(e);
      for (let end = assigner.nextWindowEnd(Math.max(e, firstEnd)); end <= last; end += assigner.every) ends.add(end);
    }
    for (const end of [...ends].sort((a, b) => a - b)) this.emitWindow(end, slices, this.pending);
    this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.out.data(rowBatch(rows));
  }

  /** A new group state from the group's key values. */
  private create(s: Value[]): Value[] {
    this.agg.init(s);
    // An exact-length copy: init's stores past the end grew the backing store to 17+ slots (~136 B per entry).
    return s.slice();
  }

  override onWatermark(value: number): void {
    if (value > this.firedW) this.advance(value);
    this.flush();
    this.out.watermark(value);
  }

  override onEnd(): void {
    this.advance(Infinity);
    this.flush();
    this.out.end();
  }

  /** Raises firedW to w (> firedW), firing the windows that completed. */
  private advance(w: number): void {
    if (w >= this.nextDue || w >= this.nextCleanup) this.fire(w);
    else this.firedW = w;
  }

  /** Emits every window with rows and firedW < end - 1 <= w, frees the slices and results allowed lateness no longer keeps, sets firedW = w. */
  private fire(w: number): void {
    const { assigner, table } = this;
    const slices = table.namespacesUpTo(w + 1);
    // emitWindow may fold slices (CUMULATE), updating `slices`.
    const firstEnd = Math.floor(this.firedW) + 2;
    const ends = new Set<number>();
    for (const e of slices) {
      const last = Math.min(assigner.lastWindowEnd(e), w + 1);
      for (let end = assigner.nextWindowEnd(Math.max(e, firstEnd)); end <= last; end += assigner.every) ends.add(end);
    }
    for (const end of [...ends].sort((a, b) => a - b)) this.emitWindow(end, slices, this.pending);
    const allowed = this.emit.allowedLatenessMs;
    for (const e of slices) if (assigner.lastWindowEnd(e) - 1 + allowed <= w) table.deleteNamespace(e);
    let firstKept = Infinity;
    if (this.emitted !== null) {
      for (const end of this.emitted.namespaces()) {
        if (end - 1 + allowed > w) {
          firstKept = end - 1 + allowed;
          break;
        }
        this.emitted.forget(end);
      }
    }
    this.firedW = w;
    const rest = table.namespacesUpTo(Infinity);
    this.nextDue = rest.length === 0 ? Infinity : assigner.nextWindowEnd(Math.max(rest[0]!, Math.floor(w) + 2)) - 1;
    this.nextCleanup = Math.min(firstKept, rest.length === 0 ? Infinity : assigner.lastWindowEnd(rest[0]!) - 1 + allowed);
  }

  /**
   * Appends the rows of the window ending at `end` (in changelog mode, its changes), merging its
   * slices (those of `slices`, ascending, in (start, end]). When folding (CUMULATE) and later
   * windows of the period remain, the merged state replaces those slices in the table and in
   * `slices`, as one slice ending at `end`.
   */
  private emitWindow(end: number, slices: number[], out: Row[]): void {
    const start = this.assigner.windowStart(end);
    const from = this.assigner.sliceRangeStart?.(end) ?? start;
    const { agg, table } = this;
    let lo = 0;
    while (lo < slices.length && slices[lo]! <= from) lo++;
    let hi = lo;
    while (hi < slices.length && slices[hi]! <= end) hi++;
    const emitted = this.emitted;
    if (hi - lo === 1) {
      for (const entry of table.entries(slices[lo]!)) {
        const row = this.resultRow(entry.value, start, end);
        if (emitted === null) out.push(row);
        else emitted.update(end, entry.key, row, out);
      }
      return;
    }
    // A key found in one slice only (most keys of a HOP window) is read straight from that slice's
    // entry; a merge state is made for keys found in a second slice (`owned`).
    const merged = new Map<StateKey, Value[]>();
    const owned = new Set<StateKey>();
    for (let i = lo; i < hi; i++) {
      for (const entry of table.entries(slices[i]!) as readonly StateEntry<Value[]>[]) {
        const key = entry.key;
        let s = merged.get(key);
        if (s === undefined) {
          merged.set(key, entry.value);
          continue;
        }
        if (!owned.has(key)) {
          const first = s;
          s = this.mergeState(first);
          agg.merge(s, first);
          merged.set(key, s);
          owned.add(key);
        }
        agg.merge(s, entry.value);
      }
    }
    for (const [key, s] of merged) {
      const row = this.resultRow(s, start, end);
      if (emitted === null) out.push(row);
      else emitted.update(end, key, row, out);
    }
    if (this.fold && end < this.assigner.lastWindowEnd(end)) {
      for (let i = lo; i < hi; i++) table.deleteNamespace(slices[i]!);
      // A folded slice owns its values: copy the ones still shared with a deleted slice's entry.
      for (const [key, s] of merged) table.insert(end, key, owned.has(key) ? s : s.slice());
      slices.splice(lo, hi - lo, end);
    }
  }

  /** [...keys, start, end, ...results], allocated once at its exact length (no growth on push). */
  private resultRow(s: readonly Value[], start: number, end: number): Row {
    const n = this.nKeys;
    const row: Row = new Array<Value>(n + 2 + this.agg.count);
    for (let i = 0; i < n; i++) row[i] = s[i]!;
    row[n] = start;
    row[n + 1] = end;
    this.agg.writeResults(s, row, n + 2);
    return row;
  }

  /** A fresh merge state with `first`'s key values, exact length (init overwrites every accumulator slot). */
  private mergeState(first: readonly Value[]): Value[] {
    const s = first.slice();
    this.agg.init(s);
    return s;
  }

  /** After a restore the due and cleanup bounds are recounted at the first firing check. */
  protected override afterRestore(): void {
    this.nextDue = -Infinity;
    this.nextCleanup = -Infinity;
  }
}
