import type { StateKey } from '../key.js';
import { ChunkFormatError, ByteReader, type ByteWriter } from './byte-io.js';
import { keyGroupOf } from './key-group.js';
import { RestoreSpaces, StateEntry, type StateCodec } from './keyed-state-table.js';
import { readTagged, writeTagged } from './tagged-value.js';

/**
 * Chunk format, version 2 (binary, primitives as in byte-io.ts): the magic byte 0xED, the version
 * byte 2, the entry count as uint32; then per entry (in any order): namespace float64; key as tag
 * 0 + float64 or tag 1 + string; seq varint; the value by the codec's `write`, or else its
 * `encode` form in the tagged encoding of tagged-value.ts. A chunk is consumed exactly.
 * An empty chunk (zero bytes) means the key group is empty (written by the backend, not here).
 * Version 1 chunks (UTF-8 JSON `{"v":1,"e":[[ns, key, seq, value], ...]}`, non-finite numbers as
 * {"$f":"NaN"}) are still read, so checkpoints of older versions restore.
 */
const MAGIC = 0xed;
const VERSION = 2;
const KEY_NUMBER = 0;
const KEY_STRING = 1;
const JSON_START = 0x7b; // '{'

/** A decoded entry whose key hashes to another key group than its chunk's. */
export class KeyGroupMismatch extends Error {
  constructor(readonly found: number) {
    super(`key of group ${found}`);
  }
}

/** Starts a chunk of `count` entries; each writer holds one chunk (tagged values share per-chunk state). */
export function startChunk(w: ByteWriter, count: number): void {
  w.u8(MAGIC);
  w.u8(VERSION);
  w.u32(count);
  w.names.clear();
}

/** Appends one entry (a chunk's entries may come in any order: seq restores the order). */
export function writeEntry<V>(w: ByteWriter, e: StateEntry<V>, codec: StateCodec<V>): void {
  w.f64(e.ns);
  const key = e.key;
  if (typeof key === 'number') {
    w.u8(KEY_NUMBER);
    w.f64(key);
    w.refString = null;
  } else {
    w.u8(KEY_STRING);
    w.string(key);
    w.refString = key;
  }
  w.uvar(e.seq);
  if (codec.write !== undefined) codec.write(e.value, w);
  else writeTagged(codec.encode(e.value), w);
}

/**
 * Decodes a chunk of key group `group` into its entries, their namespaces from `spaces`; throws
 * ChunkFormatError or KeyGroupMismatch.
 */
export function readChunk<V>(bytes: Buffer, group: number, codec: StateCodec<V>, spaces: RestoreSpaces<V>): StateEntry<V>[] {
  if (bytes[0] === JSON_START) return readJsonChunk(bytes, group, codec, spaces);
  const r = new ByteReader(bytes);
  if (r.u8() !== MAGIC) throw new ChunkFormatError('not a state chunk');
  const version = r.u8();
  if (version !== VERSION) throw new ChunkFormatError(`unknown format version ${version}`);
  const n = r.u32();
  // An entry takes at least 11 bytes (ns, empty string key, 1-byte seq): a damaged count cannot make a huge array.
  if (n * 11 > r.remaining) throw new ChunkFormatError(`entry count ${n} exceeds the ${r.remaining} bytes left`);
  const out = new Array<StateEntry<V>>(n);
  const read = codec.read;
  for (let i = 0; i < n; i++) {
    const ns = r.f64();
    const tag = r.u8();
    let key: StateKey;
    if (tag === KEY_NUMBER) {
      key = r.f64();
      r.refString = null;
    } else if (tag === KEY_STRING) {
      key = r.string();
      r.refString = key;
    } else throw new ChunkFormatError(`unknown key tag ${tag}`);
    const seq = r.uvar();
    const value = read !== undefined ? read(r) : codec.decode(readTagged(r));
    const g = keyGroupOf(key);
    if (g !== group) throw new KeyGroupMismatch(g);
    out[i] = new StateEntry(spaces.of(ns), key, g, seq, value);
  }
  if (r.remaining !== 0) throw new ChunkFormatError(`${r.remaining} bytes after the last entry`);
  return out;
}

function reviver(_k: string, v: unknown): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const f = (v as { $f?: unknown }).$f;
    if (typeof f === 'string' && Object.keys(v).length === 1) return Number(f);
  }
  return v;
}

function readJsonChunk<V>(bytes: Buffer, group: number, codec: StateCodec<V>, spaces: RestoreSpaces<V>): StateEntry<V>[] {
  let doc: { v?: unknown; e?: unknown };
  try {
    doc = JSON.parse(bytes.toString('utf8'), reviver) as { v?: unknown; e?: unknown };
  } catch {
    throw new ChunkFormatError('not valid JSON');
  }
  if (doc.v !== 1 || !Array.isArray(doc.e)) throw new ChunkFormatError(`unknown format version ${String(doc.v)}`);
  const out: StateEntry<V>[] = [];
  for (const item of doc.e as unknown[]) {
    if (!Array.isArray(item) || item.length !== 4) throw new ChunkFormatError('malformed entry');
    const [ns, key, seq, value] = item as [unknown, unknown, unknown, unknown];
    if (typeof ns !== 'number' || (typeof key !== 'number' && typeof key !== 'string') || !Number.isSafeInteger(seq) || (seq as number) < 0) throw new ChunkFormatError('malformed entry');
    const g = keyGroupOf(key);
    if (g !== group) throw new KeyGroupMismatch(g);
    out.push(new StateEntry(spaces.of(ns), key, g, seq as number, codec.decode(value)));
  }
  return out;
}
