import { isDecimal, type Row, type SqlType, type Value } from '../../common/types.js';
import type { CompiledAggregator } from '../accumulators/compile-aggregator.js';
import { decodeKey, type StateKey } from '../key.js';
import type { OperatorContext } from '../operator.js';
import type { RowReader } from '../row-reader.js';
import type { KeyedStateTable, StateEntry } from '../state/keyed-state-table.js';
import { valuesCodec } from '../state/tagged-value.js';
import type { WindowAggregateSpec } from '../operators/window-aggregate.js';
import type { SliceAssigner } from './assigner.js';
import { assignerFor } from './assigner-for.js';
import { AttachedAssigner } from './attached.js';
import { AttachedSessionAssigner } from './attached-session.js';
import { EmittedResults } from './changelog.js';
import type { WindowContext, WindowProcessor } from './window-processor.js';

/**
 * The processor of aligned windows (TUMBLE, HOP, CUMULATE) and of windows attached to the rows, on
 * slices (see SliceAssigner; Flink's SlicingWindowProcessor). State: one table, namespace = slice
 * end, key = encoded group key, value = [...keyValues, ...accumulatorSlots], except that an
 * aggregation without accumulators over keys that decode exactly (keysFromKey) stores one shared
 * empty value and decodes its output's key values from the key (a third of such an entry's heap:
 * the value array and the key strings it kept alive besides the key's text). A row updates one
 * slice; a window firing merges its slices per key (a window of one slice, e.g. every TUMBLE, is
 * read directly), and a slice is freed once the last window containing it has fired.
 *
 * A row is late when every window containing it is complete: it is dropped (ctx.dropLate); a row
 * some of whose windows are complete only reaches the others.
 *
 * Output rows are [...keys, window_start, window_end, ...aggs], in order of window end, then (for
 * one end) keys in first-seen order: by earliest slice, then arrival in it (for CUMULATE, whose
 * fired windows fold their slices into one, by first appearance in the period's folded state).
 *
 * Changelog mode (the plan sets allowed lateness or early fire): rows start with their kind. What
 * each (window, key) emitted lives in a second state table, so a window can emit more than once:
 * early (partial results of open windows, every earlyFireDelayMs of processing time), at
 * completion, and after it for each row within allowedLatenessMs (a window's slices and results
 * are kept until W >= end - 1 + allowed; such a row re-emits -U/+U for the row's key at once, so
 * the output does not depend on batch sizes). An unchanged result emits nothing. CUMULATE does not
 * fold its prefix then, since a kept window must be recomputable.
 */
export class SlicingWindowProcessor implements WindowProcessor {
  readonly globals = {};
  private readonly table: KeyedStateTable<Value[]>;
  private readonly assigner: SliceAssigner;
  private readonly nKeys: number;
  /**
   * Attached SESSION windows: the state key and value hold the row's window_start after the GROUP
   * BY keys (value = [...keyValues, window_start, ...accumulatorSlots]), as the window's start is
   * not a function of its end; output rows take it from there.
   */
  private readonly startInKey: boolean;
  /** Key values are decoded from the state key, not stored (see the class comment). */
  private readonly keysFromKey: boolean;
  /** Changelog mode: what each (window end, key) emitted so far. */
  private readonly emitted: EmittedResults | null;
  private readonly fold: boolean;
  private readonly allowed: number;
  /** A lower bound on (the end of the earliest window with rows not yet fired) - 1; -Infinity forces a recount. */
  private nextDue = Infinity;
  /** A lower bound on the watermark at which a kept slice or result can be freed (allowed lateness). */
  private nextCleanup = Infinity;
  due = Infinity;
  /**
   * The last row's slice, key and entry: consecutive rows often share a group (always, without
   * GROUP BY keys). Within a batch no snapshot can freeze the entry again, so it needs no second
   * touch; a firing (which frees slices) and a new batch forget it.
   */
  private lastE = NaN;
  private lastKey: StateKey | undefined;
  private lastEntry: StateEntry<Value[]> | undefined;
  /** The end of the last window containing the current row (set by stateFor for added). */
  private lastWindow = NaN;
  /**
   * The last slice looked up, [sliceLo, sliceHi) with its end and last window end: rows mostly fall
   * in the slice of the row before, and sliceEnd's floating-point modulo is a C call per row.
   */
  private sliceLo = NaN;
  private sliceHi = NaN;
  private sliceE = NaN;
  private sliceLast = NaN;

  constructor(
    spec: WindowAggregateSpec,
    private readonly agg: CompiledAggregator,
    octx: OperatorContext,
    private readonly ctx: WindowContext,
  ) {
    this.startInKey = spec.attached !== undefined && spec.window.kind === 'session';
    this.assigner = this.startInKey ? new AttachedSessionAssigner() : spec.attached ? new AttachedAssigner(assignerFor(spec.window)) : assignerFor(spec.window);
    this.nKeys = spec.keys.length;
    this.keysFromKey = agg.width === 0 && !this.startInKey && this.nKeys > 0 && spec.keys.every((k) => decodesExactly(k.type));
    this.table = octx.table('windows', valuesCodec());
    const changelog = spec.changelog === 'updating';
    this.emitted = changelog ? new EmittedResults(octx.table('emitted', valuesCodec())) : null;
    this.fold = this.assigner.foldsPrefix && !changelog;
    this.allowed = ctx.emit.allowedLatenessMs;
  }

  /** The next window to fire closes when the watermark reaches end - 1 (nextDue). */
  get nextWindowEnd(): number | null {
    return Number.isFinite(this.nextDue) ? this.nextDue + 1 : null;
  }

  prepare(): void {
    this.lastEntry = undefined;
  }

  stateFor<R>(ts: number, key: StateKey, row: R, reader: RowReader<R>): Value[] | null {
    const { assigner, allowed } = this;
    let e: number;
    let last: number;
    if (ts < this.sliceHi && ts >= this.sliceLo) {
      e = this.sliceE;
      last = this.sliceLast;
    } else {
      e = assigner.sliceEnd(ts);
      last = assigner.lastWindowEnd(e);
      if (assigner.sliceWidth > 0) {
        this.sliceLo = e - assigner.sliceWidth;
        this.sliceHi = e;
        this.sliceE = e;
        this.sliceLast = last;
      }
    }
    if (last < e) return null; // in no window (HOP with slide > size)
    const firedW = this.ctx.firedW;
    if (last - 1 + allowed <= firedW) {
      this.ctx.dropLate(row, reader);
      return null;
    }
    this.lastWindow = last;
    // The slice was folded into the prefix of the last fired window of its period (or would have been).
    if (this.fold && e - 1 <= firedW) e = assigner.nextWindowEnd(Math.floor(firedW) + 2) - assigner.every;
    const lastEntry = this.lastEntry;
    if (e === this.lastE && key === this.lastKey && lastEntry !== undefined) return lastEntry.value;
    const table = this.table;
    let entry = table.get(e, key);
    if (entry === undefined) entry = table.insert(e, key, this.keysFromKey ? NO_SLOTS : this.create(reader.keyValues(row)));
    table.touch(entry); // before the update: a pending checkpoint encodes the old value first
    this.lastE = e;
    this.lastKey = key;
    this.lastEntry = entry;
    return entry.value;
  }

  /**
   * After a row's update: lowers the due and cleanup bounds when its slice or window is earlier
   * than theirs. The rare lowering is out of line: inlined into the generated row loop, its
   * branches made the optimizer box the row's slice end (a HeapNumber per row, a scavenge every
   * few hundred thousand rows).
   */
  added(): void {
    const e = this.lastE;
    const firedW = this.ctx.firedW;
    if (e - 1 < this.nextDue) this.lowerDue(e, firedW);
    const cleanup = this.lastWindow - 1 + this.allowed;
    if (cleanup < this.nextCleanup) this.lowerCleanup(cleanup);
    if (e - 1 <= firedW && this.emitted !== null) this.refire(e, this.lastKey!);
  }

  private lowerDue(e: number, firedW: number): void {
    const due = this.assigner.nextWindowEnd(Math.max(e, Math.floor(firedW) + 2)) - 1;
    if (due < this.nextDue) {
      this.nextDue = due;
      if (due < this.due) this.due = due;
    }
  }

  private lowerCleanup(cleanup: number): void {
    this.nextCleanup = cleanup;
    if (cleanup < this.due) this.due = cleanup;
  }

  endBatch(): void {}

  /** Re-emits, for `key`, every fired window containing the slice ending at `e` that allowed lateness still keeps. */
  private refire(e: number, key: StateKey): void {
    const { assigner, allowed } = this;
    const firedW = this.ctx.firedW;
    const lastFired = Math.min(assigner.lastWindowEnd(e), Math.floor(firedW) + 1);
    for (let end = assigner.nextWindowEnd(e); end <= lastFired; end += assigner.every) {
      if (end - 1 + allowed <= firedW) continue;
      const row = this.keyResult(end, key);
      if (row !== undefined) this.emitted!.update(end, key, row, this.ctx.pending);
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
      return entry === undefined ? undefined : this.resultRow(entry.value, key, start, end);
    }
    let s: Value[] | undefined;
    for (const ns of slices) {
      const entry = table.get(ns, key);
      if (entry === undefined) continue;
      if (s === undefined) s = this.mergeState(entry.value);
      agg.merge(s, entry.value);
    }
    return s === undefined ? undefined : this.resultRow(s, key, start, end);
  }

  /** Emits the partial result of every open window that changed. */
  fireEarly(): void {
    const { assigner, table } = this;
    const slices = table.namespaces();
    const firstEnd = Math.floor(this.ctx.firedW) + 2;
    const ends = new Set<number>();
    for (const e of slices) {
      const last = assigner.lastWindowEnd(e);
      for (let end = assigner.nextWindowEnd(Math.max(e, firstEnd)); end <= last; end += assigner.every) ends.add(end);
    }
    for (const end of [...ends].sort((a, b) => a - b)) this.emitWindow(end, slices, this.ctx.pending);
  }

  /** A new group state from the group's key values. */
  private create(s: Value[]): Value[] {
    this.agg.init(s);
    // An exact-length copy: init's stores past the end grew the backing store to 17+ slots (~136 B per entry).
    return s.slice();
  }

  /** Emits every window with rows and firedW < end - 1 <= w, frees the slices and results allowed lateness no longer keeps. */
  advance(w: number): void {
    const { assigner, table, allowed } = this;
    this.lastEntry = undefined;
    const slices = table.namespacesUpTo(w + 1);
    // emitWindow may fold slices (CUMULATE), updating `slices`.
    const firstEnd = Math.floor(this.ctx.firedW) + 2;
    const ends = new Set<number>();
    for (const e of slices) {
      const last = Math.min(assigner.lastWindowEnd(e), w + 1);
      for (let end = assigner.nextWindowEnd(Math.max(e, firstEnd)); end <= last; end += assigner.every) ends.add(end);
    }
    for (const end of [...ends].sort((a, b) => a - b)) this.emitWindow(end, slices, this.ctx.pending);
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
    const rest = table.namespacesUpTo(Infinity);
    this.nextDue = rest.length === 0 ? Infinity : assigner.nextWindowEnd(Math.max(rest[0]!, Math.floor(w) + 2)) - 1;
    this.nextCleanup = Math.min(firstKept, rest.length === 0 ? Infinity : assigner.lastWindowEnd(rest[0]!) - 1 + allowed);
    this.due = Math.min(this.nextDue, this.nextCleanup);
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
      for (const entry of this.startInKey ? this.byStart(table.entries(slices[lo]!)) : table.entries(slices[lo]!)) {
        const row = this.resultRow(entry.value, entry.key, start, end);
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
      const row = this.resultRow(s, key, start, end);
      if (emitted === null) out.push(row);
      else emitted.update(end, key, row, out);
    }
    if (this.fold && end < this.assigner.lastWindowEnd(end)) {
      for (let i = lo; i < hi; i++) table.deleteNamespace(slices[i]!);
      // A folded slice owns its values: copy the ones still shared with a deleted slice's entry.
      for (const [key, s] of merged) table.insert(end, key, owned.has(key) || s === NO_SLOTS ? s : s.slice());
      slices.splice(lo, hi - lo, end);
    }
  }

  /** Attached sessions ending together, in order of window start, then first seen (the sort is stable). */
  private byStart(entries: Iterable<StateEntry<Value[]>>): StateEntry<Value[]>[] {
    const n = this.nKeys;
    return [...entries].sort((a, b) => (a.value[n] as number) - (b.value[n] as number));
  }

  /**
   * [...keys, start, end, ...results], allocated once at its exact length (no growth on push). The
   * key values come from `key` where the state holds none (keysFromKey; a state restored from a
   * checkpoint written before keysFromKey still holds them).
   */
  private resultRow(s: readonly Value[], key: StateKey, start: number, end: number): Row {
    const n = this.nKeys;
    const row: Row = new Array<Value>(n + 2 + this.agg.count);
    const keys = this.keysFromKey && s.length < n ? decodeKey(key, n) : s;
    for (let i = 0; i < n; i++) row[i] = keys[i]!;
    row[n] = this.startInKey ? s[n]! : start;
    row[n + 1] = end;
    this.agg.writeResults(s, row, n + 2);
    return row;
  }

  /** A fresh merge state with `first`'s key values, exact length (init overwrites every accumulator slot). */
  private mergeState(first: readonly Value[]): Value[] {
    if (first === NO_SLOTS) return NO_SLOTS;
    const s = first.slice();
    this.agg.init(s);
    return s;
  }

  snapshotGlobals(): Record<string, number> {
    return {};
  }

  /** After a restore the due and cleanup bounds are recounted at the first firing check. */
  restore(): void {
    this.nextDue = -Infinity;
    this.nextCleanup = -Infinity;
    this.due = -Infinity;
    this.lastEntry = undefined;
  }
}

/** The state value of every group of a keysFromKey aggregation: no slots, so nothing writes to it. */
const NO_SLOTS: Value[] = Object.freeze([]) as unknown as Value[];

/** Whether decodeKey gives back exactly the value encodeKey took (not so for -0.0, nor a MAP's order). */
function decodesExactly(t: SqlType): boolean {
  return t === 'BOOLEAN' || t === 'INT' || t === 'BIGINT' || t === 'VARCHAR' || t === 'TIMESTAMP' || t === 'NULL' || isDecimal(t);
}
