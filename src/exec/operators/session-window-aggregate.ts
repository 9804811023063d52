import { internalError } from '../../common/errors.js';
import type { Row, Value } from '../../common/types.js';
import { compileAggregator, type CompiledAggregator } from '../accumulators/compile-aggregator.js';
import type { Batch } from '../batch.js';
import { compileRowBuilder } from '../expr-compiler.js';
import { compileKeyExtractor, type StateKey } from '../key.js';
import { Operator } from '../operator.js';
import { ChunkFormatError } from '../state/byte-io.js';
import { keyGroupOf } from '../state/key-group.js';
import type { KeyedStateBackend } from '../state/keyed-state-backend.js';
import type { KeyedStateTable, StateCodec } from '../state/keyed-state-table.js';
import { readTagged, writeTagged } from '../state/tagged-value.js';
import { SESSION_BASE, SESSION_BORN, SESSION_END, SESSION_START, SessionAssigner, type Session } from '../windows/session.js';
import type { HasMeta } from './meta.js';
import { TimerHeap } from './timer-heap.js';
import { DEFAULT_EMIT_OPTIONS, isUpdatingEmit, type WindowEmitOptions } from '../windows/emit-options.js';
import type { WindowAggregateSpec } from './window-aggregate.js';

/** The state of one group key: its values and its open sessions, sorted by start. */
interface KeySessions {
  readonly keys: Value[];
  sessions: Session[];
}


/** Checkpoint codec of KeySessions: the tagged form of [keys, sessions]. */
function keySessionsCodec(): StateCodec<KeySessions> {
  const decode = (x: unknown): KeySessions => {
    if (!Array.isArray(x) || x.length !== 2 || !Array.isArray(x[0]) || !Array.isArray(x[1]) || !x[1].every((s) => Array.isArray(s) && s.length >= SESSION_BASE)) {
      throw new ChunkFormatError('session state is not [keys, sessions]');
    }
    return { keys: x[0] as Value[], sessions: x[1] as Session[] };
  };
  return {
    encode: (v) => [v.keys, v.sessions],
    decode,
    write: (v, w) => writeTagged([v.keys, v.sessions], w),
    read: (r) => decode(readTagged(r)),
  };
}

/**
 * GROUP BY keys + SESSION(gap) (DESIGN.md §3). State: one table, one entry per group key with
 * open sessions, value = KeySessions; the namespace is the key's key group, only so that removing
 * an entry (which splices its namespace's insertion-order array) stays cheap with many keys. Each session fires when W >= end - 1 and is
 * then removed (the entry too, once it has none).
 *
 * Lateness, as in Flink with zero allowed lateness: `firedW` (raised to each row's `wm[i]` before
 * the row, firing mid-batch) is the watermark up to which sessions have fired. A row is late when
 * its own window [ts, ts + gap) is complete (ts + gap - 1 <= firedW): counted in `lateRows` and
 * dropped. Any other row joins or merges the OPEN sessions it overlaps; a fired session is gone, so
 * a row overlapping only its region starts a new session (whose window may overlap the fired one).
 *
 * Which keys have due sessions is an in-memory timer heap of (earliest session end, key), rebuilt
 * from the table after a restore. Output rows are [...keys, window_start, window_end, ...aggs]
 * with `wm: null`, ordered by window end, then start, then the session's creation number.
 */
export class SessionWindowAggregateOperator extends Operator implements HasMeta {
  readonly uid: string;
  private readonly table: KeyedStateTable<KeySessions>;
  private readonly assigner: SessionAssigner;
  private readonly timeIndex: number;
  private readonly keyOf: (row: Row) => StateKey;
  private readonly keyValues: (row: Row) => Row;
  private readonly agg: CompiledAggregator;
  private readonly timers = new TimerHeap<StateKey>();
  /** Per key with sessions: its timer, at most the earliest end of its sessions. */
  private readonly timerOf = new Map<StateKey, number>();
  private timersStale = false;
  private late = 0;
  private nullTime = 0;
  private nextBorn = 0;
  private firedW = -Infinity;
  private onLateRow: WindowEmitOptions['onLateRow'] = null;

  constructor(spec: WindowAggregateSpec, backend: KeyedStateBackend) {
    super();
    if (spec.window.kind !== 'session') throw internalError(`session operator built for a ${spec.window.kind} window`);
    this.uid = spec.uid;
    this.assigner = new SessionAssigner(spec.window.gap);
    this.timeIndex = spec.timeIndex;
    this.keyOf = compileKeyExtractor(spec.keys);
    this.keyValues = compileRowBuilder(spec.keys);
    this.agg = compileAggregator(spec.aggs, SESSION_BASE);
    this.table = backend.table(spec.uid, 'sessions', keySessionsCodec());
  }

  /** Sets the late-row sink; allowed lateness and early fire are not supported for sessions (the planner refuses them). */
  configure(emit: Partial<WindowEmitOptions>): void {
    const e = { ...DEFAULT_EMIT_OPTIONS, ...emit };
    if (isUpdatingEmit(e)) throw internalError(`session window operator ${this.uid}: allowed lateness and early fire are not supported`);
    this.onLateRow = e.onLateRow;
  }

  /** Rows dropped because their own session window [ts, ts + gap) was complete when they arrived. */
  override get lateRows(): number {
    return this.late;
  }

  /** Rows dropped because their event time was NULL. */
  get nullTimeRows(): number {
    return this.nullTime;
  }

  processBatch(batch: Batch): void {
    if (this.timersStale) this.rebuildTimers();
    const { rows, wm } = batch;
    const { table, assigner, timeIndex, keyOf, agg, gap } = this;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const ts = row[timeIndex];
      if (ts === null || ts === undefined) {
        this.nullTime++;
        continue;
      }
      if (wm !== null && wm[i]! > this.firedW) this.advance(wm[i]!);
      if ((ts as number) + gap - 1 <= this.firedW) {
        this.late++;
        this.onLateRow?.(row, this.late);
        continue;
      }
      const key = keyOf(row);
      const ns = keyGroupOf(key);
      let entry = table.get(ns, key);
      if (entry === undefined) entry = table.insert(ns, key, { keys: this.keyValues(row), sessions: [] });
      table.touch(entry); // before the change: a pending checkpoint encodes the old sessions first
      const s = assigner.add(entry.value.sessions, ts as number, row, agg, this.nextBorn);
      if (s[SESSION_BORN] === this.nextBorn) this.nextBorn++;
      const end = s[SESSION_END] as number;
      const timer = this.timerOf.get(key);
      if (timer === undefined || end < timer) this.setTimer(key, end);
    }
  }

  private get gap(): number {
    return this.assigner.gap;
  }

  private setTimer(key: StateKey, end: number): void {
    this.timerOf.set(key, end);
    this.timers.push(end, key);
  }

  override onWatermark(value: number): void {
    if (this.timersStale) this.rebuildTimers();
    if (value > this.firedW) this.advance(value);
    this.out.watermark(value);
  }

  override onEnd(): void {
    if (this.timersStale) this.rebuildTimers();
    this.advance(Infinity);
    this.out.end();
  }

  /** Raises firedW to w, emitting (in end, start, creation order) and removing every session with end - 1 <= w. */
  private advance(w: number): void {
    const due: { keys: Value[]; s: Session }[] = [];
    const { timers, table } = this;
    while (timers.size > 0 && timers.peekTime() - 1 <= w) {
      const [t, key] = timers.pop();
      if (this.timerOf.get(key) !== t) continue; // superseded by an earlier timer
      const entry = table.get(keyGroupOf(key), key);
      if (entry === undefined) throw internalError(`session timer for a key without sessions: ${String(key)}`);
      const keep: Session[] = [];
      let next = Infinity;
      for (const s of entry.value.sessions) {
        const end = s[SESSION_END] as number;
        if (end - 1 <= w) due.push({ keys: entry.value.keys, s });
        else {
          keep.push(s);
          if (end < next) next = end;
        }
      }
      if (keep.length === 0) {
        table.delete(entry.ns, key);
        this.timerOf.delete(key);
      } else {
        table.touch(entry);
        entry.value.sessions = keep;
        this.setTimer(key, next);
      }
    }
    this.firedW = w;
    if (due.length === 0) return;
    due.sort((a, b) => num(a.s, SESSION_END) - num(b.s, SESSION_END) || num(a.s, SESSION_START) - num(b.s, SESSION_START) || num(a.s, SESSION_BORN) - num(b.s, SESSION_BORN));
    const out: Row[] = [];
    for (const { keys, s } of due) {
      const row: Row = keys.slice();
      row.push(s[SESSION_START]!, s[SESSION_END]!);
      this.agg.results(s, row);
      out.push(row);
    }
    this.out.data({ rows: out, wm: null });
  }

  private rebuildTimers(): void {
    this.timers.clear();
    this.timerOf.clear();
    for (const entry of this.table.allEntries()) {
      let min = Infinity;
      for (const s of entry.value.sessions) min = Math.min(min, s[SESSION_END] as number);
      this.setTimer(entry.key, min);
    }
    this.timersStale = false;
  }

  snapshotMeta(): unknown {
    return { lateRows: this.late, nullTimeRows: this.nullTime, nextBorn: this.nextBorn, firedW: Number.isFinite(this.firedW) ? this.firedW : null };
  }

  restoreMeta(x: unknown): void {
    const m = x as { lateRows?: unknown; nullTimeRows?: unknown; nextBorn?: unknown; firedW?: unknown } | null;
    if (typeof m?.lateRows !== 'number' || typeof m.nullTimeRows !== 'number' || typeof m.nextBorn !== 'number' || (m.firedW !== null && typeof m.firedW !== 'number')) {
      throw internalError(`bad session window operator meta for ${this.uid}: ${JSON.stringify(x)}`);
    }
    this.late = m.lateRows;
    this.nullTime = m.nullTimeRows;
    this.nextBorn = m.nextBorn;
    this.firedW = typeof m.firedW === 'number' ? m.firedW : -Infinity;
    this.timersStale = true;
  }
}

const num = (s: Session, slot: number): number => s[slot] as number;
