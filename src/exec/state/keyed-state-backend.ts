import type { StateChunk } from '../../common/state-chunk.js';
import { EddyError, internalError } from '../../common/errors.js';
import { ByteWriter, ChunkFormatError } from './byte-io.js';
import { KeyGroupMismatch, readChunk, startChunk, writeEntry } from './chunk-format.js';
import { KEY_GROUP_COUNT } from './key-group.js';
import { KeyedStateTable, RestoreSpaces, type StateCodec, type StateEntry } from './keyed-state-table.js';
import { PendingSnapshot, type SnapshotHost } from './pending-snapshot.js';

const EMPTY = Buffer.alloc(0);
/** Recycled snapshot buffers kept at most (count, bytes): enough for a full snapshot of big state. */
const SPARE_MAX_COUNT = 4 * KEY_GROUP_COUNT;
const SPARE_MAX_BYTES = 256 * 1024 * 1024;

/**
 * The keyed state of one query's operators (DESIGN.md §4). Operators register tables; the
 * checkpoint coordinator takes snapshots of the key groups that changed and restores them.
 * Chunk format: chunk-format.ts.
 */
export class KeyedStateBackend {
  private readonly tables = new Map<string, KeyedStateTable<unknown>>();
  /** Bytes per entry of the last snapshot, to size the next one's buffer. */
  private bytesPerEntry = 32;
  /** Buffers behind chunks handed out and not yet released. */
  private readonly issued = new WeakMap<ArrayBufferLike, Buffer>();
  /** Released buffers, reused by the next snapshots: new ones would count as fresh external memory, which makes V8 run full collections of the whole heap (~0.25 s at 1M entries) every snapshot or two. */
  private readonly spare: Buffer[] = [];
  private spareBytes = 0;
  /** Snapshots whose frozen key groups are not all encoded yet (over disjoint sets of tables). */
  private readonly pending = new Set<PendingSnapshot>();
  private readonly host: SnapshotHost = {
    writer: (need) => new ByteWriter(need, this.takeSpare(need)),
    issue: (buf) => this.issued.set(buf.buffer, buf),
    bytesPerEntry: () => this.bytesPerEntry,
    done: (p, bytes, entries) => {
      if (entries > 0) this.bytesPerEntry = bytes / entries;
      this.pending.delete(p);
    },
  };

  /** Registers a state table; `uid` = operator uid, `name` = state name; chunk id is `${uid}/${name}`. */
  table<V>(uid: string, name: string, codec: StateCodec<V>): KeyedStateTable<V> {
    const id = `${uid}/${name}`;
    if (this.tables.has(id)) throw internalError(`state table ${id} registered twice`);
    const t = new KeyedStateTable<V>(id, codec);
    this.tables.set(id, t as KeyedStateTable<unknown>);
    return t;
  }

  /** Serializes every key group changed since the last snapshot (all tables, or operator `uid`'s) and clears the dirty flags. */
  snapshotChanged(uid?: string): StateChunk[] {
    return this.freezeChanged(uid).finish();
  }

  /**
   * The cut of a checkpoint, in O(tables × key groups): freezes the key groups changed since the
   * last snapshot (of every table, or of operator `uid`'s tables: an operator is snapshotted when a
   * barrier reaches it) and clears the dirty flags; the returned snapshot encodes them later (on
   * their next change, or by `drain`/`finish`) into the chunks `snapshotChanged` would have given
   * here. A snapshot still pending over the same tables is finished first.
   */
  freezeChanged(uid?: string): PendingSnapshot {
    const tables = this.tablesOf(uid);
    this.settlePending(tables);
    const p = new PendingSnapshot(tables, this.host);
    if (!p.done) this.pending.add(p);
    return p;
  }

  /** Serializes every key group of every table (or operator `uid`'s; empty groups as empty chunks) and clears the dirty flags. */
  snapshotAll(uid?: string): StateChunk[] {
    const tables = this.tablesOf(uid);
    this.settlePending(tables);
    return this.snapshot(true, tables);
  }

  /** The tables of operator `uid` (ids `<uid>/<name>`), or every table. */
  private tablesOf(uid: string | undefined): KeyedStateTable<unknown>[] {
    const all = [...this.tables.values()];
    return uid === undefined ? all : all.filter((t) => t.id.startsWith(`${uid}/`));
  }

  /** Encodes what pending snapshots over any of `tables` still hold frozen (their chunks stay with whoever took them). */
  private settlePending(tables: readonly KeyedStateTable<unknown>[] = [...this.tables.values()]): void {
    for (const p of [...this.pending]) if (p.covers(tables)) p.finish();
  }

  /**
   * Each written key group gets its own writer (so chunks are filled in any order). Entries are
   * visited in insertion order, which is roughly memory order and several times faster than
   * chasing a group's list across the heap; when the written groups hold under 1/16 of the
   * entries (measured break-even: ~1/14), only their lists are walked, so the cost follows the
   * changed state, not the total.
   */
  private snapshot(all: boolean, tables: readonly KeyedStateTable<unknown>[]): StateChunk[] {
    const chunks: StateChunk[] = [];
    let bytes = 0;
    let entries = 0;
    for (const t of tables) {
      const dirty = t.dirty;
      const writers = new Array<ByteWriter | null>(KEY_GROUP_COUNT).fill(null);
      const written = new Uint32Array(KEY_GROUP_COUNT);
      let toWrite = 0;
      for (let g = 0; g < KEY_GROUP_COUNT; g++) {
        if (!all && dirty[g] === 0) continue;
        const n = t.groupSizes[g]!;
        if (n > 0) {
          const need = Math.ceil(n * this.bytesPerEntry * 1.1) + 64;
          const w = new ByteWriter(need, this.takeSpare(need));
          startChunk(w, n);
          writers[g] = w;
        }
        toWrite += n;
      }
      if (toWrite * 16 < t.size) {
        for (let g = 0; g < KEY_GROUP_COUNT; g++) {
          const w = writers[g];
          if (w === null) continue;
          for (let e = t.groupHead(g); e !== null; e = e.nextInGroup) writeEntry(w, e, t.codec);
          written[g] = t.groupSizes[g]!;
        }
      } else if (toWrite > 0) {
        for (const order of t.namespaceEntries()) {
          for (const e of order) {
            const w = writers[e.group];
            if (w === null) continue;
            writeEntry(w, e, t.codec);
            written[e.group]!++;
          }
        }
      }
      for (let g = 0; g < KEY_GROUP_COUNT; g++) {
        if (!all && dirty[g] === 0) continue;
        const w = writers[g];
        if (w !== null && written[g] !== t.groupSizes[g]) throw internalError(`state table ${t.id}: wrote ${written[g]} entries of key group ${g}, expected ${t.groupSizes[g]}`);
        chunks.push({ operatorUid: t.id, keyGroup: g, bytes: w === null ? EMPTY : w.slice(0, w.pos) });
        if (w !== null) {
          bytes += w.pos;
          this.issued.set(w.buffer.buffer, w.buffer);
        }
      }
      entries += toWrite;
      dirty.fill(0);
    }
    if (entries > 0) this.bytesPerEntry = bytes / entries;
    return chunks;
  }

  /**
   * Declares the bytes of these chunks (from this backend's snapshots) dead, so that later
   * snapshots may overwrite them; call once the checkpoint holding them is written (or failed).
   * Chunks from elsewhere, or released twice, are ignored.
   */
  release(chunks: readonly StateChunk[]): void {
    for (const c of chunks) {
      const buf = this.issued.get(c.bytes.buffer);
      if (buf === undefined) continue;
      this.issued.delete(c.bytes.buffer);
      if (this.spare.length >= SPARE_MAX_COUNT || this.spareBytes + buf.length > SPARE_MAX_BYTES) continue;
      this.spare.push(buf);
      this.spareBytes += buf.length;
    }
  }

  /** The smallest released buffer of at least `need` bytes, unless all are far too big. */
  private takeSpare(need: number): Buffer | undefined {
    const spare = this.spare;
    let best = -1;
    for (let i = 0; i < spare.length; i++) {
      const n = spare[i]!.length;
      if (n >= need && (best < 0 || n < spare[best]!.length)) best = i;
    }
    if (best < 0 || spare[best]!.length > 4 * need + 4096) return undefined;
    const b = spare[best]!;
    spare[best] = spare[spare.length - 1]!;
    spare.pop();
    this.spareBytes -= b.length;
    return b;
  }

  /**
   * Loads chunks into the registered tables, replacing their contents; call after the operators
   * registered their tables. For a repeated (table, key group) the later chunk in the array wins.
   */
  restore(chunks: readonly StateChunk[]): void {
    this.settlePending();
    const latest = new Map<string, StateChunk>();
    for (const c of chunks) {
      if (!this.tables.has(c.operatorUid)) {
        throw new EddyError(
          'CHECKPOINT',
          `checkpoint has state '${c.operatorUid}' that this query does not have`,
          undefined,
          'the query plan changed since the checkpoint; start it fresh',
        );
      }
      if (!Number.isInteger(c.keyGroup) || c.keyGroup < 0 || c.keyGroup >= KEY_GROUP_COUNT) {
        throw new EddyError('CHECKPOINT', `checkpoint chunk of '${c.operatorUid}' has bad key group ${c.keyGroup}`);
      }
      latest.set(`${c.operatorUid}\u0000${c.keyGroup}`, c);
    }
    const byTable = new Map<string, StateEntry<unknown>[][]>();
    const spaces = new Map<string, RestoreSpaces<unknown>>();
    for (const id of this.tables.keys()) {
      byTable.set(id, []);
      spaces.set(id, new RestoreSpaces());
    }
    for (const c of latest.values()) {
      if (c.bytes.length === 0) continue;
      const table = this.tables.get(c.operatorUid)!;
      try {
        byTable.get(c.operatorUid)!.push(readChunk(c.bytes, c.keyGroup, table.codec, spaces.get(c.operatorUid)!));
      } catch (e) {
        if (e instanceof KeyGroupMismatch) {
          throw new EddyError('CHECKPOINT', `checkpoint chunk ${c.operatorUid}#${c.keyGroup} holds a key of group ${e.found}`, undefined, 'the state was written by an incompatible version; start the query fresh');
        }
        if (e instanceof ChunkFormatError) throw new EddyError('CHECKPOINT', `checkpoint chunk ${c.operatorUid}#${c.keyGroup} is damaged: ${e.message}`);
        throw e;
      }
    }
    for (const [id, runs] of byTable) this.tables.get(id)!.load(runs);
  }

  /** Number of live entries across tables, for metrics. */
  size(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.size;
    return n;
  }
}
