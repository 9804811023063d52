import * as zlib from 'node:zlib';
import { CHECKPOINT_FORMAT, type CheckpointMeta } from './types.js';
import { EddyError } from '../common/errors.js';

/** CRC-32 (IEEE, as zlib/PNG) of a buffer, as an unsigned 32-bit integer. */
export const crc32: (buf: Uint8Array) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (buf) => zlib.crc32(buf) >>> 0 : crc32Table;

let TABLE: Uint32Array | undefined;

/** Table-driven CRC-32 for runtimes whose zlib lacks crc32 (Node < 20.15). */
export function crc32Table(buf: Uint8Array): number {
  const t = (TABLE ??= makeTable());
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = t[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

// JSON has no Infinity/NaN (stringify turns them into null); tag them so they survive a round trip.
const NUM_TAG = '$eddy.num';
// A SQL MAP value (a JS Map) as its entries.
const MAP_TAG = '$eddy.map';
// Nor BigInt (BIGINT and DECIMAL values beyond 2^53): their digits, tagged.
const BIG_TAG = '$eddy.big';

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return { [NUM_TAG]: String(value) };
  if (typeof value === 'bigint') return { [BIG_TAG]: String(value) };
  if (value instanceof Map) return { [MAP_TAG]: [...(value as Map<unknown, unknown>)] };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === MAP_TAG) return new Map((value as Record<string, [unknown, unknown][]>)[MAP_TAG]);
    if (keys.length === 1 && keys[0] === NUM_TAG) {
      const s = (value as Record<string, unknown>)[NUM_TAG];
      if (s === 'Infinity') return Infinity;
      if (s === '-Infinity') return -Infinity;
      if (s === 'NaN') return NaN;
    }
    if (keys.length === 1 && keys[0] === BIG_TAG) {
      const s = (value as Record<string, unknown>)[BIG_TAG];
      if (typeof s === 'string' && /^-?\d+$/.test(s)) return BigInt(s);
    }
  }
  return value;
}

/** JSON text for a value that may hold ±Infinity or NaN anywhere; decodeJson restores them. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, replacer);
}

/** Inverse of encodeJson. */
export function decodeJson(text: string): unknown {
  return JSON.parse(text, reviver);
}

/** CheckpointMeta as JSON text (non-finite numbers preserved). */
export function encodeMeta(meta: CheckpointMeta): string {
  return encodeJson(meta);
}

/** Parses encodeMeta's output; CHECKPOINT (with the reason) when it is not this format's metadata. */
export function decodeMeta(text: string): CheckpointMeta {
  let v: Partial<CheckpointMeta> | null;
  try {
    v = decodeJson(text) as Partial<CheckpointMeta> | null;
  } catch {
    throw new EddyError('CHECKPOINT', 'checkpoint metadata is not JSON');
  }
  if (v === null || typeof v !== 'object') throw new EddyError('CHECKPOINT', 'checkpoint metadata is malformed');
  if (v.format !== CHECKPOINT_FORMAT) {
    const was = typeof v.format === 'number' ? `format ${v.format}` : 'an older format';
    throw new EddyError('CHECKPOINT', `checkpoint was written in ${was}; this version of Eddy reads format ${CHECKPOINT_FORMAT}`);
  }
  if (!isRecord(v.operators)) throw new EddyError('CHECKPOINT', 'checkpoint metadata is malformed');
  return v as CheckpointMeta;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}
