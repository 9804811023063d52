import { EddyError, internalError } from '../../common/errors.js';
import type { StateKey } from '../key.js';
import type { ByteReader, ByteWriter } from './byte-io.js';
import { KEY_GROUP_COUNT, keyGroupOf } from './key-group.js';

/**
 * Converts a state value for checkpoints. `encode`/`decode` give a JSON-able form; a codec may add
 * a binary path (`write`/`read`), which snapshots then use instead. Without one, the backend
 * writes the JSON-able form with its generic tagged encoding.
 */
export interface StateCodec<V> {
  encode(v: V): unknown;
  decode(x: unknown): V;
  /** Appends v; must be readable by `read` alone (no length is stored around it). */
  write?(v: V, w: ByteWriter): void;
  /** Reads what `write` wrote; throws ChunkFormatError on bad bytes. */
  read?(r: ByteReader): V;
}

/** The codec for values that are already JSON-able (non-finite numbers are handled by the backend). */
export const jsonCodec = <V>(): StateCodec<V> => ({ encode: (v) => v, decode: (x) => x as V });

/** What an entry knows of its namespace: the number (a Space, shared by the namespace's entries). */
export interface NamespaceRef {
  readonly ns: number;
}

/**
 * One keyed state entry. Its key group is computed once at insert; `seq` records insertion order,
 * which checkpoints keep so that a restored namespace iterates in the same order. Entries of one
 * key group form a list (`prevInGroup`/`nextInGroup`, owned by the table, in no particular order)
 * so that a snapshot can read only the groups it writes. The namespace is a reference to the
 * shared Space, not the number: a window end such as 1.7e12 is no Smi, and a number field would
 * box it in a 16-byte HeapNumber per entry.
 */
export class StateEntry<V> {
  prevInGroup: StateEntry<V> | null = null;
  nextInGroup: StateEntry<V> | null = null;

  constructor(
    readonly space: NamespaceRef,
    readonly key: StateKey,
    readonly group: number,
    readonly seq: number,
    public value: V,
  ) {}

  get ns(): number {
    return this.space.ns;
  }
}

/** One namespace: a Map for lookup and its entries in seq (insertion) order for iteration. */
export class Space<V> implements NamespaceRef {
  readonly map = new Map<StateKey, StateEntry<V>>();
  readonly order: StateEntry<V>[] = [];
  constructor(readonly ns: number) {}
}

/**
 * The namespaces of entries being decoded for `KeyedStateTable.load`: one Space per number, shared
 * by its entries (and kept by the table when it loads them).
 */
export class RestoreSpaces<V> {
  private readonly byNs = new Map<number, Space<V>>();
  private last: Space<V> | undefined;

  /** The Space of `ns`, created at its first use. */
  of(ns: number): Space<V> {
    const last = this.last;
    if (last !== undefined && last.ns === ns) return last;
    let s = this.byNs.get(ns);
    if (s === undefined) {
      s = new Space<V>(ns);
      this.byNs.set(ns, s);
    }
    this.last = s;
    return s;
  }
}

/**
 * A state table of one operator: entries addressed by (namespace, key), e.g. (window end, group
 * key). Per namespace a Map for lookup plus an array in insertion order for iteration (so restore
 * may fill the Map in any order, which is much faster than in seq order; an owner that needs no
 * order drops the arrays: withoutInsertionOrder); namespaces kept sorted
 * for firing in order. Every change marks its key group in `dirty`; the owner must call `touch`
 * BEFORE mutating a value in place (or replacing it): a key group frozen by a pending snapshot
 * (pending-snapshot.ts) is encoded right then, while it still holds the state of the cut.
 */
export class KeyedStateTable<V> {
  /** One flag per key group: changed since the last snapshot. */
  readonly dirty = new Uint8Array(KEY_GROUP_COUNT);
  /** One flag per key group: part of a pending snapshot and not yet encoded (copy on write). */
  readonly frozen = new Uint8Array(KEY_GROUP_COUNT);
  /** Set by a pending snapshot: encodes a frozen group; called before the group's first change. */
  onFrozenChange: ((group: number) => void) | null = null;
  /** Live entries per key group. */
  readonly groupSizes = new Uint32Array(KEY_GROUP_COUNT);
  private readonly heads: (StateEntry<V> | null)[] = new Array<StateEntry<V> | null>(KEY_GROUP_COUNT).fill(null);
  private readonly tails: (StateEntry<V> | null)[] = new Array<StateEntry<V> | null>(KEY_GROUP_COUNT).fill(null);
  private readonly spaces = new Map<number, Space<V>>();
  /** Namespaces in ascending order. */
  private readonly sorted: number[] = [];
  private lastNs = NaN;
  private lastSpace: Space<V> | undefined;
  private nextSeq = 0;
  private count = 0;
  /** Whether each namespace keeps its entries in insertion order (see `withoutInsertionOrder`). */
  private keepsOrder = true;

  constructor(
    /** `${operatorUid}/${stateName}`: the chunk id in checkpoints. */
    readonly id: string,
    readonly codec: StateCodec<V>,
  ) {}

  /**
   * For an owner that never needs insertion order (call before the first insert): iteration is
   * then in Map order, an entry takes ~10 bytes less (no slot in its namespace's order array) and
   * deleting it splices no array. Checkpoints are the same (entries keep their seq).
   */
  withoutInsertionOrder(): this {
    if (this.count > 0) throw internalError(`state table ${this.id}: insertion order dropped after inserts`);
    this.keepsOrder = false;
    return this;
  }

  /** The entry at (ns, key), if any. */
  get(ns: number, key: StateKey): StateEntry<V> | undefined {
    const space = ns === this.lastNs ? this.lastSpace : this.space(ns);
    return space === undefined ? undefined : space.map.get(key);
  }

  private space(ns: number): Space<V> | undefined {
    const s = this.spaces.get(ns);
    if (s !== undefined) {
      this.lastNs = ns;
      this.lastSpace = s;
    }
    return s;
  }

  private spaceOrNew(ns: number): Space<V> {
    let space = ns === this.lastNs ? this.lastSpace : this.space(ns);
    if (space === undefined) {
      space = new Space<V>(ns);
      this.addSpace(space);
    }
    return space;
  }

  private addSpace(space: Space<V>): void {
    const ns = space.ns;
    this.spaces.set(ns, space);
    this.sorted.splice(this.lowerBound(ns), 0, ns);
    this.lastNs = ns;
    this.lastSpace = space;
  }

  /** Inserts a new entry at (ns, key); the caller checked with `get` that there is none. */
  insert(ns: number, key: StateKey, value: V): StateEntry<V> {
    const space = this.spaceOrNew(ns);
    const entry = new StateEntry(space, key, keyGroupOf(key), this.nextSeq++, value);
    const before = space.map.size;
    space.map.set(key, entry);
    if (space.map.size === before) throw internalError(`state table ${this.id}: insert at a taken (${ns}, ${String(key)})`);
    if (this.keepsOrder) space.order.push(entry);
    this.link(entry);
    this.count++;
    return entry;
  }

  /** Appends the entry to its key group's list and marks the group changed. */
  private link(entry: StateEntry<V>): void {
    const g = entry.group;
    if (this.frozen[g] !== 0) this.onFrozenChange!(g);
    const tail = this.tails[g]!;
    entry.prevInGroup = tail;
    entry.nextInGroup = null;
    if (tail === null) this.heads[g] = entry;
    else tail.nextInGroup = entry;
    this.tails[g] = entry;
    this.groupSizes[g]!++;
    this.dirty[g] = 1;
  }

  private unlink(entry: StateEntry<V>): void {
    const g = entry.group;
    if (this.frozen[g] !== 0) this.onFrozenChange!(g);
    const prev = entry.prevInGroup;
    const next = entry.nextInGroup;
    if (prev === null) this.heads[g] = next;
    else prev.nextInGroup = next;
    if (next === null) this.tails[g] = prev;
    else next.prevInGroup = prev;
    entry.prevInGroup = entry.nextInGroup = null;
    this.groupSizes[g]!--;
    this.dirty[g] = 1;
  }

  /** Marks an entry's key group changed; call BEFORE mutating or replacing its value (see the class comment). */
  touch(entry: StateEntry<V>): void {
    const g = entry.group;
    if (this.frozen[g] !== 0) this.onFrozenChange!(g);
    this.dirty[g] = 1;
  }

  /** Removes the entry at (ns, key); returns whether there was one. */
  delete(ns: number, key: StateKey): boolean {
    const space = this.space(ns);
    const entry = space?.map.get(key);
    if (space === undefined || entry === undefined) return false;
    space.map.delete(key);
    if (this.keepsOrder) space.order.splice(seqIndex(space.order, entry.seq), 1);
    this.unlink(entry);
    this.count--;
    if (space.map.size === 0) this.dropSpace(ns);
    return true;
  }

  /** Removes a whole namespace (e.g. a fired window). */
  deleteNamespace(ns: number): void {
    const space = this.spaces.get(ns);
    if (space === undefined) return;
    for (const e of this.keepsOrder ? space.order : space.map.values()) this.unlink(e);
    this.count -= space.map.size;
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

  /**
   * The entries of a namespace in insertion order: the table's own array, so do not insert into
   * or delete from this namespace while iterating it (deleting the whole namespace after is fine).
   * Without insertion order, a copy in Map order.
   */
  entries(ns: number): readonly StateEntry<V>[] {
    const space = this.spaces.get(ns);
    if (space === undefined) return NO_ENTRIES;
    return this.keepsOrder ? space.order : [...space.map.values()];
  }

  /** Number of live entries. */
  get size(): number {
    return this.count;
  }

  /** Every entry, namespace by namespace. */
  *allEntries(): IterableIterator<StateEntry<V>> {
    for (const space of this.spaces.values()) yield* this.keepsOrder ? space.order : space.map.values();
  }

  /** Each namespace's entries in insertion order (the table's own arrays: read only), or Map order without it. */
  *namespaceEntries(): IterableIterator<Iterable<StateEntry<V>>> {
    for (const space of this.spaces.values()) yield this.keepsOrder ? space.order : space.map.values();
  }

  /** The first entry of a key group; follow `nextInGroup` for the rest. */
  groupHead(group: number): StateEntry<V> | null {
    return this.heads[group]!;
  }

  /**
   * Drops everything and loads `runs`, each the entries of one key group (no two runs of the same
   * group), not in any table, their namespaces Spaces of one fresh RestoreSpaces; used by restore.
   * Namespaces get their entries in seq order. Leaves nothing dirty. A repeated seq or (ns, key)
   * is a damaged checkpoint (CHECKPOINT error).
   */
  load(runs: readonly StateEntry<V>[][]): void {
    if (this.frozen.includes(1)) throw internalError(`state table ${this.id}: load while a snapshot is pending`);
    this.spaces.clear();
    this.sorted.length = 0;
    this.lastNs = NaN;
    this.lastSpace = undefined;
    this.count = 0;
    this.heads.fill(null);
    this.tails.fill(null);
    this.groupSizes.fill(0);
    let total = 0;
    let min = Infinity;
    let max = -Infinity;
    // Decoding order is memory order: link the groups and fill the Maps in it (cache friendly).
    for (const run of runs) {
      if (run.length === 0) continue;
      const g = run[0]!.group;
      if (this.heads[g] !== null) throw internalError(`state table ${this.id}: two runs of key group ${g}`);
      let prev: StateEntry<V> | null = null;
      for (const e of run) {
        e.prevInGroup = prev;
        if (prev !== null) prev.nextInGroup = e;
        prev = e;
        if (e.seq < min) min = e.seq;
        if (e.seq > max) max = e.seq;
        const space = e.space as Space<V>;
        if (space !== this.lastSpace) this.adopt(space);
        const map = space.map;
        const before = map.size;
        map.set(e.key, e);
        if (map.size === before) throw damaged(this.id, `two entries at (${e.ns}, ${JSON.stringify(e.key)})`);
      }
      this.heads[g] = run[0]!;
      this.tails[g] = prev;
      this.groupSizes[g] = run.length;
      total += run.length;
    }
    // The iteration arrays want seq order. Seqs of live state are usually dense, so placing
    // entries by seq beats sorting; sparse ones are sorted.
    let ordered: (StateEntry<V> | undefined)[];
    if (total > 0 && max - min < 4 * total + 1024) {
      ordered = new Array<StateEntry<V> | undefined>(max - min + 1);
      for (const run of runs) {
        for (const e of run) {
          const i = e.seq - min;
          if (ordered[i] !== undefined) throw damaged(this.id, `seq ${e.seq} twice`);
          ordered[i] = e;
        }
      }
    } else {
      ordered = runs.flat().sort(bySeq);
      for (let i = 1; i < ordered.length; i++) if (ordered[i]!.seq === ordered[i - 1]!.seq) throw damaged(this.id, `seq ${ordered[i]!.seq} twice`);
    }
    if (this.keepsOrder) {
      for (let i = 0; i < ordered.length; i++) {
        const e = ordered[i];
        if (e !== undefined) (e.space as Space<V>).order.push(e);
      }
    }
    this.count = total;
    this.nextSeq = total > 0 ? max + 1 : 0;
    this.dirty.fill(0);
  }

  /** Makes a restored Space the table's namespace (and the cached last one); a second Space of the same number is a bug. */
  private adopt(space: Space<V>): void {
    const known = this.spaces.get(space.ns);
    if (known === undefined) this.addSpace(space);
    else if (known !== space) throw internalError(`state table ${this.id}: two restored spaces for namespace ${space.ns}`);
    else {
      this.lastNs = space.ns;
      this.lastSpace = space;
    }
  }
}

const NO_ENTRIES: readonly StateEntry<never>[] = [];

/** The index of the entry with `seq` in an array ordered by seq. */
function seqIndex(order: readonly StateEntry<unknown>[], seq: number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (order[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  if (order[lo]?.seq !== seq) throw internalError(`entry with seq ${seq} missing from its namespace`);
  return lo;
}

function damaged(id: string, what: string): EddyError {
  return new EddyError('CHECKPOINT', `checkpoint state '${id}' is damaged: ${what}`, undefined, 'start the query fresh');
}

const bySeq = (a: StateEntry<unknown>, b: StateEntry<unknown>): number => a.seq - b.seq;
