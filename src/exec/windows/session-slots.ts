import type { Value } from '../../common/types.js';
import type { EmittedSession } from './session-changelog.js';

/**
 * The sessions of one SESSION operator, in columns indexed by a slot number, instead of objects
 * and arrays per key and per session. Why: a key's state used to be ~290 bytes besides its table
 * entry (an object, three arrays, boxed start/end doubles, a timer field); here it is 24 bytes of
 * unboxed bounds, 8 per accumulator slot and 8 per key value, with no per-key object at all.
 *
 * A slot holds one session: its bounds (start, end, creation number `born`) and accumulators. A
 * key's first slot, its home, also holds the key's values and (changelog mode) what it emitted;
 * the key's table value names its slots (see KeySessions in session.ts). Freed slots are reused.
 */
export class SessionSlots {
  /**
   * start, end, born of slot s at 3s, 3s + 1, 3s + 2, unboxed: an array of only numbers is stored
   * as doubles (in a Value[] each would be a 16-byte HeapNumber). Not a Float64Array: a replaced
   * one is external memory, freed only after the collector's sweep. Replaced when it grows.
   */
  bounds: number[] = [];
  /** Accumulator slots of slot s at [s * width, (s + 1) * width): the aggregator's state, base 0 (copied through scratch arrays for the aggregator). */
  private accs: Value[] = [];
  /** Key values of home slot s at [s * arity, (s + 1) * arity). */
  private keys: Value[] = [];
  /** Changelog mode: the results each home slot's key emitted (session-changelog.ts), from its first emission on. */
  private readonly emitted = new Map<number, EmittedSession[]>();
  /** Slots the columns have room for. */
  private capacity = 0;
  /** Slots handed out so far (live or in `free`). */
  private used = 0;
  private free: number[] = [];

  constructor(
    /** Accumulator slots per session (CompiledAggregator.width). */
    readonly width: number,
    /** Key values per key. */
    readonly arity: number,
  ) {}

  /** Live slots. */
  get size(): number {
    return this.used - this.free.length;
  }

  /** A slot for a new session (bounds and accumulators to be set by the caller). */
  alloc(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.used === this.capacity) this.grow();
    return this.used++;
  }

  /**
   * Room for 1/8 more slots. The columns are per key what objects were before, so their spare room
   * is memory per key: 1/8 at most, not the 1/2 of pushing into a JS array (a copy costs little).
   */
  private grow(): void {
    const capacity = Math.ceil(this.capacity * 1.125) + 64;
    this.bounds = this.bounds.concat(new Array<number>(3 * (capacity - this.capacity)).fill(0));
    this.accs = grown(this.accs, capacity * this.width);
    this.keys = grown(this.keys, capacity * this.arity);
    this.capacity = capacity;
  }

  /** Returns a slot to the free list, dropping what it references (the key's values and emitted results too, if it is a home). */
  release(s: number): void {
    const { accs, keys, width, arity } = this;
    for (let i = s * width, n = i + width; i < n; i++) accs[i] = null;
    for (let i = s * arity, n = i + arity; i < n; i++) keys[i] = null;
    if (this.emitted.size > 0) this.emitted.delete(s);
    this.free.push(s);
  }

  start(s: number): number {
    return this.bounds[3 * s]!;
  }

  end(s: number): number {
    return this.bounds[3 * s + 1]!;
  }

  born(s: number): number {
    return this.bounds[3 * s + 2]!;
  }

  setBounds(s: number, start: number, end: number, born: number): void {
    const b = this.bounds;
    b[3 * s] = start;
    b[3 * s + 1] = end;
    b[3 * s + 2] = born;
  }

  /** Copies slot s's accumulators into `into` (from index 0). */
  loadAccs(s: number, into: Value[]): void {
    const { accs, width } = this;
    for (let i = 0, at = s * width; i < width; i++) into[i] = accs[at + i]!;
  }

  /** Sets slot s's accumulators from `from` (index 0 on). */
  storeAccs(s: number, from: readonly Value[]): void {
    const { accs, width } = this;
    for (let i = 0, at = s * width; i < width; i++) accs[at + i] = from[i]!;
  }

  /** Drops slot s's accumulators (a home slot whose session merged into another or was purged). */
  clearAccs(s: number): void {
    const { accs, width } = this;
    for (let i = s * width, n = i + width; i < n; i++) accs[i] = null;
  }

  /** Moves the session in slot `from` to slot `to` (bounds and accumulators; key values stay) and releases `from`. */
  move(from: number, to: number): void {
    const b = this.bounds;
    b[3 * to] = b[3 * from]!;
    b[3 * to + 1] = b[3 * from + 1]!;
    b[3 * to + 2] = b[3 * from + 2]!;
    const { accs, width } = this;
    for (let i = 0; i < width; i++) accs[to * width + i] = accs[from * width + i]!;
    for (let i = 0; i < width; i++) accs[from * width + i] = null;
    this.free.push(from);
  }

  /** Sets home slot s's key values from values[0..arity). */
  setKeys(s: number, values: readonly Value[]): void {
    const { keys, arity } = this;
    for (let i = 0; i < arity; i++) keys[s * arity + i] = values[i]!;
  }

  /** Writes home slot s's key values into out[at..at + arity). */
  writeKeys(s: number, out: Value[], at: number): void {
    const { keys, arity } = this;
    for (let i = 0; i < arity; i++) out[at + i] = keys[s * arity + i]!;
  }

  keysOf(s: number): Value[] {
    const out = new Array<Value>(this.arity);
    this.writeKeys(s, out, 0);
    return out;
  }

  /** The session in slot s as its checkpointed row: [start, end, born, ...accumulators] (see SESSION_BASE). */
  sessionRow(s: number, out: Value[] = new Array<Value>(3 + this.width)): Value[] {
    const b = this.bounds;
    out[0] = b[3 * s]!;
    out[1] = b[3 * s + 1]!;
    out[2] = b[3 * s + 2]!;
    const { accs, width } = this;
    for (let i = 0; i < width; i++) out[3 + i] = accs[s * width + i]!;
    return out;
  }

  /** Sets slot s from a checkpointed row (the inverse of `sessionRow`). */
  setSessionRow(s: number, row: readonly Value[]): void {
    this.setBounds(s, row[0] as number, row[1] as number, row[2] as number);
    const { accs, width } = this;
    for (let i = 0; i < width; i++) accs[s * width + i] = row[3 + i]!;
  }

  /** What home slot s's key emitted (changelog mode), null before its first emission. */
  emittedOf(s: number): EmittedSession[] | null {
    return this.emitted.size === 0 ? null : (this.emitted.get(s) ?? null);
  }

  setEmitted(s: number, results: EmittedSession[]): void {
    this.emitted.set(s, results);
  }

  /** Whether 3/4 of the room is free (after a peak of keys): time to `compact`, so the memory of the peak is returned. */
  get sparse(): boolean {
    return this.capacity >= 4096 && 4 * this.size < this.capacity;
  }

  /**
   * Moves the slots `live` (every slot some key uses) to the front, in that order, into columns
   * with room for 1/8 more, and forgets all other slots. Returns the new number of each old slot
   * (by old number); the caller renumbers its keys' slots.
   */
  compact(live: readonly number[]): Int32Array {
    const renumbered = new Int32Array(this.used).fill(-1);
    const n = live.length;
    const capacity = Math.ceil(n * 1.125) + 64;
    const { width, arity } = this;
    const bounds = new Array<number>(3 * capacity).fill(0);
    const accs = new Array<Value>(capacity * width).fill(null);
    const keys = new Array<Value>(capacity * arity).fill(null);
    const emitted = new Map<number, EmittedSession[]>();
    for (let to = 0; to < n; to++) {
      const from = live[to]!;
      renumbered[from] = to;
      for (let i = 0; i < 3; i++) bounds[3 * to + i] = this.bounds[3 * from + i]!;
      for (let i = 0; i < width; i++) accs[to * width + i] = this.accs[from * width + i]!;
      for (let i = 0; i < arity; i++) keys[to * arity + i] = this.keys[from * arity + i]!;
      const e = this.emittedOf(from);
      if (e !== null) emitted.set(to, e);
    }
    this.bounds = bounds;
    this.accs = accs;
    this.keys = keys;
    this.emitted.clear();
    for (const [s, e] of emitted) this.emitted.set(s, e);
    this.capacity = capacity;
    this.used = n;
    this.free = [];
    return renumbered;
  }
}

/** `a` copied into an exact-length array of `length` (nulls after it): no spare room beyond `length`. */
function grown(a: readonly Value[], length: number): Value[] {
  return a.concat(new Array<Value>(length - a.length).fill(null));
}
