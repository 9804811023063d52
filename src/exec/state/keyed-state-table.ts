import { internalError } from '../../common/errors.js';
import type { StateKey } from '../key.js';
import { KEY_GROUP_COUNT, keyGroupOf } from './key-group.js';

/** Converts a state value to and from a JSON-able form for checkpoints. */
export interface StateCodec<V> {
  encode(v: V): unknown;
  decode(x: unknown): V;
}

/** The codec for values that are already JSON-able (non-finite numbers are handled by the backend). */
export const jsonCodec = <V>(): StateCodec<V> => ({ encode: (v) => v, decode: (x) => x as V });

/**
 * One keyed state entry. Its key group is computed once at insert; `seq` records insertion order,
 * which checkpoints keep so that a restored namespace iterates in the same order.
 */
export class StateEntry<V> {
  constructor(
    readonly ns: number,
    readonly key: StateKey,
    readonly group: number,
    readonly seq: number,
    public value: V,
  ) {}
}

/**
 * A state table of one operator: entries addressed by (namespace, key), e.g. (window end, group
 * key). A Map per namespace (insertion-ordered), namespaces kept sorted for firing in order.
 * Every change marks its key group in `dirty`; the owner must call `touch` after mutating a value.
 */
export class KeyedStateTable<V> {
  /** One flag per key group: changed since the last snapshot. */
  readonly dirty = new Uint8Array(KEY_GROUP_COUNT);
  private readonly spaces = new Map<number, Map<StateKey, StateEntry<V>>>();
  /** Namespaces in ascending order. */
  private readonly sorted: number[] = [];
  private lastNs = NaN;
  private lastSpace: Map<StateKey, StateEntry<V>> | undefined;
  private nextSeq = 0;
  private count = 0;

  constructor(
    /** `${operatorUid}/${stateName}`: the chunk id in checkpoints. */
    readonly id: string,
    readonly codec: StateCodec<V>,
  ) {}

  /** The entry at (ns, key), if any. */
  get(ns: number, key: StateKey): StateEntry<V> | undefined {
    const space = ns === this.lastNs ? this.lastSpace : this.space(ns);
    return space === undefined ? undefined : space.get(key);
  }

  private space(ns: number): Map<StateKey, StateEntry<V>> | undefined {
    const s = this.spaces.get(ns);
    if (s !== undefined) {
      this.lastNs = ns;
      this.lastSpace = s;
    }
    return s;
  }

  /** Inserts a new entry at (ns, key); the caller checked with `get` that there is none. */
  insert(ns: number, key: StateKey, value: V): StateEntry<V> {
    return this.insertWith(ns, key, keyGroupOf(key), this.nextSeq++, value);
  }

  private insertWith(ns: number, key: StateKey, group: number, seq: number, value: V): StateEntry<V> {
    let space = this.space(ns);
    if (space === undefined) {
      space = new Map();
      this.spaces.set(ns, space);
      this.sorted.splice(this.lowerBound(ns), 0, ns);
      this.lastNs = ns;
      this.lastSpace = space;
    }
    const entry = new StateEntry(ns, key, group, seq, value);
    space.set(key, entry);
    this.dirty[group] = 1;
    this.count++;
    return entry;
  }

  /** Marks an entry's key group changed after its (mutable) value was updated. */
  touch(entry: StateEntry<V>): void {
    this.dirty[entry.group] = 1;
  }

  /** Removes the entry at (ns, key); returns whether there was one. */
  delete(ns: number, key: StateKey): boolean {
    const space = this.space(ns);
    const entry = space?.get(key);
    if (space === undefined || entry === undefined) return false;
    space.delete(key);
    this.dirty[entry.group] = 1;
    this.count--;
    if (space.size === 0) this.dropSpace(ns);
    return true;
  }

  /** Removes a whole namespace (e.g. a fired window). */
  deleteNamespace(ns: number): void {
    const space = this.spaces.get(ns);
    if (space === undefined) return;
    for (const e of space.values()) this.dirty[e.group] = 1;
    this.count -= space.size;
    this.dropSpace(ns);
  }

  private dropSpace(ns: number): void {
    this.spaces.delete(ns);
    const i = this.lowerBound(ns);
    if (this.sorted[i] !== ns) throw internalError(`namespace ${ns} missing from the sorted index`);
    this.sorted.splice(i, 1);
    if (this.lastNs === ns) {
      this.lastNs = NaN;
      this.lastSpace = undefined;
    }
  }

  private lowerBound(ns: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! < ns) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The namespaces <= bound, ascending (a copy: the caller may delete while iterating). */
  namespacesUpTo(bound: number): number[] {
    let n = 0;
    while (n < this.sorted.length && this.sorted[n]! <= bound) n++;
    return this.sorted.slice(0, n);
  }

  /** All namespaces, ascending (a copy). */
  namespaces(): number[] {
    return this.sorted.slice();
  }

  /** The entries of a namespace in insertion order. */
  entries(ns: number): IterableIterator<StateEntry<V>> {
    return (this.spaces.get(ns) ?? new Map<StateKey, StateEntry<V>>()).values();
  }

  /** Number of live entries. */
  get size(): number {
    return this.count;
  }

  /** Every entry, namespace by namespace (for snapshots). */
  *allEntries(): IterableIterator<StateEntry<V>> {
    for (const space of this.spaces.values()) yield* space.values();
  }

  /** Drops everything and loads `entries` (any order); used by restore. Leaves nothing dirty. */
  load(entries: StateEntry<V>[]): void {
    this.spaces.clear();
    this.sorted.length = 0;
    this.lastNs = NaN;
    this.lastSpace = undefined;
    this.count = 0;
    entries.sort((a, b) => a.seq - b.seq);
    for (const e of entries) this.insertWith(e.ns, e.key, e.group, e.seq, e.value);
    this.nextSeq = entries.length ? entries[entries.length - 1]!.seq + 1 : 0;
    this.dirty.fill(0);
  }
}
