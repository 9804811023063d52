import { internalError } from '../../common/errors.js';
import type { Row, Value } from '../../common/types.js';
import type { CompiledAggregator } from '../accumulators/compile-aggregator.js';
import type { StateKey } from '../key.js';
import type { OperatorContext } from '../operator.js';
import type { RowReader } from '../row-reader.js';
import { keyGroupOf } from '../state/key-group.js';
import type { KeyedStateTable, StateEntry } from '../state/keyed-state-table.js';
import type { WindowAggregateSpec } from '../operators/window-aggregate.js';
import { SessionAssigner, dropSession, homeOf, settle, type KeySessions } from './session.js';
import { forgetEmitted, recordEmitted, sessionChanges, type EmittedSession } from './session-changelog.js';
import { sessionStateCodec } from './session-codec.js';
import { SessionSlots } from './session-slots.js';
import { TimerHeap } from './timer-heap.js';
import type { WindowContext, WindowProcessor } from './window-processor.js';

const NOTHING_EMITTED: readonly EmittedSession[] = [];

/** A session to emit (its slot), with its key's state entry. */
interface Firing {
  readonly entry: StateEntry<KeySessions>;
  readonly s: number;
}

/**
 * The namespace of a key: for a number, its low 7 bits as an int32 (found on every row, so not the
 * key group's hash, which is ~15 ns of serial multiplies); for a string, its key group.
 */
function shardOf(key: StateKey): number {
  return typeof key === 'number' ? (key | 0) & 127 : keyGroupOf(key);
}

/**
 * The processor of SESSION(gap) windows (DESIGN.md §3), whose windows merge (Flink's merging
 * window processing). State: one table, one entry per group key with live sessions, value =
 * KeySessions (slot numbers: the sessions themselves, the key values and emitted results live in
 * SessionSlots, checkpointed through the entry by sessionStateCodec); the namespace is the key's
 * shard (128 Maps rather than one: a Map holds at most 2^24 entries). The table keeps no
 * insertion order: nothing here depends on iteration order (firings are sorted, and sessions'
 * (end, start, born) are distinct), and it saves ~10 bytes per key.
 *
 * With allowed lateness L (0 by default; `emit.allowedLatenessMs`), against the operator's firedW:
 * - A session is complete when W >= end - 1; it fires then. It stays in state ("kept") until
 *   W >= end - 1 + L, then it is purged (with L = 0 at once: fire and purge are one step).
 * - A row is late when its own window [ts, ts + gap) is beyond the allowance
 *   (ts + gap - 1 + L <= firedW) and it meets no live session of its key: as in Flink, which
 *   merges the row's window into the live ones first and then judges the merged window (a live
 *   session is open, or kept within the allowance).
 * - Any other row joins or merges every live (open or kept) session it overlaps or touches
 *   ([ts, ts + gap) and [start, end) with ts <= end and start <= ts + gap), or starts a new one.
 *   A purged session is gone: a row meeting only its region starts a new session (whose window
 *   may overlap the purged one).
 *
 * Append-only output (no op column: L = 0 and no early fire): each session emits
 * [...keys, window_start, window_end, ...aggs] once, when it completes.
 *
 * Updating output (op column first; see session-changelog.ts for how each session's emitted
 * result is tracked and which changes one emission produces: +I, -D for sessions it absorbed,
 * -U/+U, or nothing if unchanged). A session emits (a) when it completes; (b) at once, when a row
 * within the allowance changes it and it is still complete after the row (a late update, or a
 * new session inside the allowance), so the output does not depend on batch sizes; (c) every
 * `earlyFireDelayMs` of processing time while it is open, if it changed since it last emitted.
 * A row that re-opens a kept session (pushes its end past W + 1) or bridges it with an open one
 * makes the merged session open: its changes wait for (a) or (c), so an emitted result is
 * corrected only by a final or an early result, never by a partial one in between.
 *
 * Which keys have sessions due (to fire: end; to purge: end + L) is an in-memory timer heap of
 * (a lower bound of the key's earliest due time, key), one pair per key, rebuilt from the table
 * after a restore. Output is ordered by window end, then start, then the session's creation
 * number, per firing; late updates (b) come in row order.
 */
export class MergingWindowProcessor implements WindowProcessor {
  readonly globals = { nextBorn: 'count' } as const;
  private readonly table: KeyedStateTable<KeySessions>;
  private readonly slots: SessionSlots;
  private readonly assigner: SessionAssigner;
  private readonly agg: CompiledAggregator;
  /** Scratch accumulators for results (the aggregator reads state from index 0). */
  private readonly acc: Value[];
  private readonly arity: number;
  private readonly gap: number;
  private readonly allowed: number;
  /** Whether the plan has the op column: output rows are changes. */
  private readonly changelog: boolean;
  /** (due time, the key's entry), at most one per key, found by the key's home slot. */
  private readonly timers = new TimerHeap<StateEntry<KeySessions>>((e) => homeOf(e.value));
  private timersStale = false;
  private nextBorn = 0;
  /** The earliest timer - 1 (a session fires at W >= end - 1); Infinity without timers. */
  due = Infinity;
  /** The current row's key entry and session slot (set by stateFor for added). */
  private entry: StateEntry<KeySessions> | undefined;
  private s = 0;

  constructor(
    spec: WindowAggregateSpec,
    agg: CompiledAggregator,
    octx: OperatorContext,
    private readonly ctx: WindowContext,
  ) {
    if (spec.window.kind !== 'session') throw internalError(`merging window processor built for a ${spec.window.kind} window`);
    this.arity = spec.keys.length;
    this.agg = agg;
    this.acc = new Array<Value>(agg.width).fill(null);
    this.slots = new SessionSlots(agg.width, this.arity);
    this.assigner = new SessionAssigner(spec.window.gap, this.slots, agg);
    this.gap = spec.window.gap;
    this.allowed = ctx.emit.allowedLatenessMs;
    this.changelog = spec.changelog === 'updating';
    this.table = octx.table('sessions', sessionStateCodec(this.slots)).withoutInsertionOrder();
  }

  /** The earliest session timer (its end, or end + lateness for a fired one); unknown while the timers wait to be rebuilt. */
  get nextWindowEnd(): number | null {
    return this.timersStale || this.timers.size === 0 ? null : this.timers.peekTime();
  }

  prepare(): void {
    if (this.timersStale) this.rebuildTimers();
  }

  /** The namespace of a key (see shardOf). */
  private shard(key: StateKey): number {
    return shardOf(key);
  }

  stateFor<R>(ts: number, key: StateKey, row: R, reader: RowReader<R>): Value[] | null {
    const { table, assigner } = this;
    const ns = this.shard(key);
    let entry = table.get(ns, key);
    if (ts + this.gap - 1 + this.allowed <= this.ctx.firedW && (entry === undefined || !assigner.meetsAny(entry.value, ts))) {
      this.ctx.dropLate(row, reader);
      return null;
    }
    if (entry === undefined) {
      this.s = assigner.first(reader.keyValues(row), ts, this.nextBorn);
      entry = table.insert(ns, key, this.s);
    } else {
      table.touch(entry); // before the change: a pending checkpoint encodes the old sessions first
      this.s = assigner.add(entry, ts, this.nextBorn);
    }
    this.entry = entry;
    return assigner.acc;
  }

  added(): void {
    const { slots, s } = this;
    const entry = this.entry!;
    this.assigner.store(s);
    if (slots.born(s) === this.nextBorn) this.nextBorn++;
    const end = slots.end(s);
    const complete = end - 1 <= this.ctx.firedW; // only possible within an allowance (L > 0)
    const time = complete ? end + this.allowed : end;
    this.timers.lower(time, entry);
    if (time - 1 < this.due) this.due = time - 1;
    if (complete) this.emitSession(entry, s);
  }

  /** Emits the changes of every open session since it last emitted. */
  fireEarly(): void {
    const firedW = this.ctx.firedW;
    const open: Firing[] = [];
    for (const entry of this.table.allEntries()) {
      const v = entry.value;
      if (typeof v === 'number') {
        if (this.slots.end(v) - 1 > firedW) open.push({ entry, s: v });
      } else for (const s of v.sessions) if (this.slots.end(s) - 1 > firedW) open.push({ entry, s });
    }
    this.emitAll(open);
  }

  /** Once most slots are free, renumbers them (see compactSlots). */
  endBatch(): void {
    if (this.slots.sparse) this.compactSlots();
  }

  /**
   * Fires (in end, start, creation order) every session with firedW < end - 1 <= w, then purges
   * every session with end - 1 + L <= w.
   */
  advance(w: number): void {
    const { timers, slots, allowed } = this;
    const before = this.ctx.firedW;
    const visited: StateEntry<KeySessions>[] = [];
    const due: Firing[] = [];
    while (timers.size > 0 && timers.peekTime() - 1 <= w) {
      const entry = timers.pop();
      visited.push(entry);
      const v = entry.value;
      if (typeof v === 'number') {
        const end = slots.end(v);
        if (end - 1 <= w && end - 1 > before) due.push({ entry, s: v });
      } else {
        for (const s of v.sessions) {
          const end = slots.end(s);
          if (end - 1 <= w && end - 1 > before) due.push({ entry, s });
        }
      }
    }
    this.emitAll(due);
    for (const entry of visited) this.purge(entry, w, allowed);
    this.due = timers.size === 0 ? Infinity : timers.peekTime() - 1;
  }

  /**
   * Renumbers every key's slots densely (SessionSlots.compact): after a restore (which may have
   * left slots of the replaced state), and once most slots are free. The state is the same, so
   * nothing is touched: a pending checkpoint encodes the same values from the new slots.
   */
  private compactSlots(): void {
    const live: number[] = [];
    for (const entry of this.table.allEntries()) {
      const v = entry.value;
      if (typeof v === 'number') live.push(v);
      else {
        live.push(v.home);
        for (const s of v.sessions) if (s !== v.home) live.push(s);
      }
    }
    const renumbered = this.slots.compact(live);
    for (const entry of this.table.allEntries()) {
      const v = entry.value;
      entry.value = typeof v === 'number' ? renumbered[v]! : { home: renumbered[v.home]!, sessions: v.sessions.map((s) => renumbered[s]!) };
    }
    this.timers.reindex(live.length);
  }

  /** Removes the sessions of `entry` with end - 1 + allowed <= w (and what they emitted), re-arms its timer; deletes the entry once it has no sessions. */
  private purge(entry: StateEntry<KeySessions>, w: number, allowed: number): void {
    const { slots } = this;
    const v = entry.value;
    const home = homeOf(v);
    const sessions = typeof v === 'number' ? [v] : v.sessions;
    const keep: number[] = [];
    const gone: number[] = [];
    let next = Infinity;
    for (const s of sessions) {
      const end = slots.end(s);
      if (end - 1 + allowed <= w) {
        gone.push(s);
        continue;
      }
      keep.push(s);
      const due = end - 1 <= w ? end + allowed : end;
      if (due < next) next = due;
    }
    if (keep.length === 0) {
      this.table.delete(entry.ns, entry.key); // first: a pending checkpoint encodes the entry from its slots
      for (const s of sessions) if (s !== home) slots.release(s);
      slots.release(home);
      return;
    }
    if (gone.length > 0) {
      this.table.touch(entry); // before the change: a pending checkpoint encodes the old sessions first
      const emitted = slots.emittedOf(home);
      for (const s of gone) {
        if (emitted !== null) forgetEmitted(emitted, slots.start(s), slots.end(s));
        dropSession(slots, s, home);
      }
      entry.value = settle(slots, home, keep.slice(), typeof v === 'number' ? null : v); // exact length: `keep` grew by pushes
    }
    this.timers.lower(next, entry);
  }

  /** Emits `firings` in (end, start, creation) order. */
  private emitAll(firings: Firing[]): void {
    if (firings.length === 0) return;
    const { slots } = this;
    firings.sort((a, b) => slots.end(a.s) - slots.end(b.s) || slots.start(a.s) - slots.start(b.s) || slots.born(a.s) - slots.born(b.s));
    for (const { entry, s } of firings) this.emitSession(entry, s);
  }

  /** Appends the session's result (append-only) or its changes since it last emitted (changelog) to the pending output. */
  private emitSession(entry: StateEntry<KeySessions>, s: number): void {
    const { slots, acc, agg, arity } = this;
    const home = homeOf(entry.value);
    slots.loadAccs(s, acc);
    if (!this.changelog) {
      const row: Row = new Array<Value>(arity + 2 + agg.count);
      slots.writeKeys(home, row, 0);
      row[arity] = slots.start(s);
      row[arity + 1] = slots.end(s);
      agg.writeResults(acc, row, arity + 2);
      this.ctx.pending.push(row);
      return;
    }
    const result: Value[] = [slots.start(s), slots.end(s)];
    agg.results(acc, result);
    const emitted = slots.emittedOf(home);
    if (!sessionChanges(emitted ?? NOTHING_EMITTED, slots.keysOf(home), result, this.ctx.pending)) return;
    this.table.touch(entry); // before recording: a pending checkpoint encodes the old emitted results first
    if (emitted === null) slots.setEmitted(home, [result.slice()]);
    else recordEmitted(emitted, result);
  }

  /** Moves restored entries whose namespace is not their key's shard (checkpoints before shardOf used the key group) to it. */
  private rehome(): void {
    const moved: StateEntry<KeySessions>[] = [];
    for (const entry of this.table.allEntries()) if (entry.ns !== shardOf(entry.key)) moved.push(entry);
    for (const entry of moved) {
      this.table.delete(entry.ns, entry.key);
      this.table.insert(shardOf(entry.key), entry.key, entry.value);
    }
  }

  /** After a restore: the restored keys' slots renumbered (dropping any of the replaced state), and their timers. */
  private rebuildTimers(): void {
    const { slots, allowed } = this;
    const firedW = this.ctx.firedW;
    this.timers.clear();
    this.rehome();
    this.compactSlots();
    for (const entry of this.table.allEntries()) {
      const v = entry.value;
      let min = Infinity;
      for (const s of typeof v === 'number' ? [v] : v.sessions) {
        const end = slots.end(s);
        min = Math.min(min, end - 1 <= firedW ? end + allowed : end);
      }
      this.timers.lower(min, entry);
    }
    this.due = this.timers.size === 0 ? Infinity : this.timers.peekTime() - 1;
    this.timersStale = false;
  }

  snapshotGlobals(): Record<string, number> {
    return { nextBorn: this.nextBorn };
  }

  /** After a restore the timers are rebuilt from the restored sessions before the next row or watermark. */
  restore(field: (name: string) => number): void {
    this.nextBorn = field('nextBorn');
    this.timersStale = true;
  }
}
