import type { StateChunk } from '../../checkpoint/types.js';
import { EddyError, internalError } from '../../common/errors.js';
import type { StateKey } from '../key.js';
import { KEY_GROUP_COUNT, keyGroupOf } from './key-group.js';
import { KeyedStateTable, StateEntry, type StateCodec } from './keyed-state-table.js';

/**
 * Chunk format (version 1): UTF-8 JSON `{"v":1,"e":[[ns, key, seq, value], ...]}` with one
 * element per entry of the key group; `value` is the codec's encoding. Non-finite numbers
 * anywhere (NaN, ±Infinity, which JSON cannot hold) are written as {"$f":"NaN"} etc.
 * An empty chunk (zero bytes) means the key group is empty.
 */
const FORMAT_VERSION = 1;

type EncodedEntry = [number, StateKey, number, unknown];

function replacer(_k: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? { $f: String(v) } : v;
}

function reviver(_k: string, v: unknown): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const f = (v as { $f?: unknown }).$f;
    if (typeof f === 'string' && Object.keys(v).length === 1) return Number(f);
  }
  return v;
}

/**
 * The keyed state of one query's operators (DESIGN.md §4). Operators register tables; the
 * checkpoint coordinator takes snapshots of the key groups that changed and restores them.
 */
export class KeyedStateBackend {
  private readonly tables = new Map<string, KeyedStateTable<unknown>>();

  /** Registers a state table; `uid` = operator uid, `name` = state name; chunk id is `${uid}/${name}`. */
  table<V>(uid: string, name: string, codec: StateCodec<V>): KeyedStateTable<V> {
    const id = `${uid}/${name}`;
    if (this.tables.has(id)) throw internalError(`state table ${id} registered twice`);
    const t = new KeyedStateTable<V>(id, codec);
    this.tables.set(id, t as KeyedStateTable<unknown>);
    return t;
  }

  /** Serializes every key group changed since the last snapshot (all tables) and clears the dirty flags. */
  snapshotChanged(): StateChunk[] {
    return this.snapshot(false);
  }

  /** Serializes every key group of every table (empty ones as empty chunks) and clears the dirty flags. */
  snapshotAll(): StateChunk[] {
    return this.snapshot(true);
  }

  private snapshot(all: boolean): StateChunk[] {
    const chunks: StateChunk[] = [];
    for (const t of this.tables.values()) {
      const dirty = t.dirty;
      if (!all && dirty.indexOf(1) < 0) continue;
      const groups = new Map<number, EncodedEntry[]>();
      for (let g = 0; g < KEY_GROUP_COUNT; g++) if (all || dirty[g]) groups.set(g, []);
      // One pass over the table; cost is O(entries) per table with any change.
      for (const e of t.allEntries()) {
        const list = groups.get(e.group);
        if (list !== undefined) list.push([e.ns, e.key, e.seq, t.codec.encode(e.value)]);
      }
      for (const [g, list] of groups) {
        const bytes = list.length === 0 ? Buffer.alloc(0) : Buffer.from(JSON.stringify({ v: FORMAT_VERSION, e: list }, replacer), 'utf8');
        chunks.push({ operatorUid: t.id, keyGroup: g, bytes });
      }
      dirty.fill(0);
    }
    return chunks;
  }

  /**
   * Loads chunks into the registered tables, replacing their contents; call after the operators
   * registered their tables. For a repeated (table, key group) the later chunk in the array wins.
   */
  restore(chunks: readonly StateChunk[]): void {
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
    const byTable = new Map<string, StateEntry<unknown>[]>();
    for (const id of this.tables.keys()) byTable.set(id, []);
    for (const c of latest.values()) {
      if (c.bytes.length === 0) continue;
      const table = this.tables.get(c.operatorUid)!;
      const out = byTable.get(c.operatorUid)!;
      for (const [ns, key, seq, value] of this.parse(c)) {
        const group = keyGroupOf(key);
        if (group !== c.keyGroup) {
          throw new EddyError('CHECKPOINT', `checkpoint chunk ${c.operatorUid}#${c.keyGroup} holds a key of group ${group}`, undefined, 'the state was written by an incompatible version; start the query fresh');
        }
        out.push(new StateEntry(ns, key, group, seq, table.codec.decode(value)));
      }
    }
    for (const [id, entries] of byTable) this.tables.get(id)!.load(entries);
  }

  private parse(c: StateChunk): EncodedEntry[] {
    let doc: { v?: unknown; e?: unknown };
    try {
      doc = JSON.parse(c.bytes.toString('utf8'), reviver) as { v?: unknown; e?: unknown };
    } catch {
      throw new EddyError('CHECKPOINT', `checkpoint chunk ${c.operatorUid}#${c.keyGroup} is not valid JSON`);
    }
    if (doc.v !== FORMAT_VERSION || !Array.isArray(doc.e)) {
      throw new EddyError('CHECKPOINT', `checkpoint chunk ${c.operatorUid}#${c.keyGroup} has unknown format version ${String(doc.v)}`);
    }
    return doc.e as EncodedEntry[];
  }

  /** Number of live entries across tables, for metrics. */
  size(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.size;
    return n;
  }
}
