import { internalError } from '../../common/errors.js';
import type { Value } from '../../common/types.js';
import { ChunkFormatError, type ByteReader, type ByteWriter } from './byte-io.js';
import type { StateCodec } from './keyed-state-table.js';

/**
 * A generic binary form of JSON-able values, with every number kept exactly (NaN, ±Infinity and
 * -0 included): a tag byte, then
 *   NULL, FALSE, TRUE: nothing;  INT: int32;  F64: float64;  STRING: varint length + UTF-8;
 *   KEY: nothing (the string equals the key of the entry being written: `refString`);
 *   BIGINT: varint length + the decimal digits (a BigInt: a BIGINT or DECIMAL value beyond 2^53);
 *   ARRAY: varint count + items;  OBJECT: varint count + (name, item) pairs, where a name is a
 *   varint index into the chunk's name table (`names`), and index == table size means a new name follows;
 *   MAP: varint count + (key, value) items (a SQL MAP value, a JS Map).
 * As with JSON, undefined is null inside an array and omitted as an object property.
 */
const NULL = 0;
const FALSE = 1;
const TRUE = 2;
const INT = 3;
const F64 = 4;
const STRING = 5;
const KEY = 6;
const ARRAY = 7;
const OBJECT = 8;
const MAP = 9;
const BIG = 10;

/** Appends a JSON-able value (see the module comment). */
export function writeTagged(x: unknown, w: ByteWriter): void {
  switch (typeof x) {
    case 'number':
      if ((x | 0) === x && (x !== 0 || 1 / x > 0)) {
        w.u8(INT);
        w.i32(x);
      } else {
        w.u8(F64);
        w.f64(x);
      }
      return;
    case 'string':
      if (x === w.refString) w.u8(KEY);
      else {
        w.u8(STRING);
        w.string(x);
      }
      return;
    case 'boolean':
      w.u8(x ? TRUE : FALSE);
      return;
    case 'bigint':
      w.u8(BIG);
      w.string(String(x));
      return;
    case 'undefined':
      w.u8(NULL);
      return;
    case 'object':
      if (x === null) w.u8(NULL);
      else if (Array.isArray(x)) {
        w.u8(ARRAY);
        w.uvar(x.length);
        for (let i = 0; i < x.length; i++) writeTagged(x[i], w);
      } else if (x instanceof Map) {
        w.u8(MAP);
        w.uvar(x.size);
        for (const [k, v] of x as Map<unknown, unknown>) {
          writeTagged(k, w);
          writeTagged(v, w);
        }
      } else writeObject(x as Record<string, unknown>, w);
      return;
    default:
      throw internalError(`state value of type ${typeof x} cannot be checkpointed`);
  }
}

function writeObject(x: Record<string, unknown>, w: ByteWriter): void {
  const proto: unknown = Object.getPrototypeOf(x);
  if (proto !== Object.prototype && proto !== null) throw internalError(`state value ${String(x)} is not a plain object and cannot be checkpointed`);
  let n = 0;
  for (const k in x) if (x[k] !== undefined) n++;
  w.u8(OBJECT);
  w.uvar(n);
  for (const k in x) {
    const v = x[k];
    if (v === undefined) continue;
    const id = w.names.get(k);
    if (id !== undefined) w.uvar(id);
    else {
      w.uvar(w.names.size);
      w.string(k);
      w.names.set(k, w.names.size);
    }
    writeTagged(v, w);
  }
}

/** Reads what writeTagged wrote. */
export function readTagged(r: ByteReader): unknown {
  const tag = r.u8();
  switch (tag) {
    case NULL:
      return null;
    case FALSE:
      return false;
    case TRUE:
      return true;
    case INT:
      return r.i32();
    case F64:
      return r.f64();
    case STRING:
      return r.string();
    case BIG: {
      const s = r.string();
      if (!/^-?\d+$/.test(s)) throw new ChunkFormatError(`bad BigInt digits ${JSON.stringify(s.slice(0, 40))}`);
      return BigInt(s);
    }
    case KEY:
      if (r.refString === null) throw new ChunkFormatError('key reference outside a string-keyed entry');
      return r.refString;
    case ARRAY: {
      const n = count(r);
      const a = new Array<unknown>(n);
      for (let i = 0; i < n; i++) a[i] = readTagged(r);
      return a;
    }
    case MAP: {
      const n = count(r);
      const m = new Map<unknown, unknown>();
      for (let i = 0; i < n; i++) {
        const k = readTagged(r);
        m.set(k, readTagged(r));
      }
      return m;
    }
    case OBJECT: {
      const n = count(r);
      const o: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const id = r.uvar();
        let name: string;
        if (id < r.nameList.length) name = r.nameList[id]!;
        else if (id === r.nameList.length) {
          name = r.string();
          r.nameList.push(name);
        } else throw new ChunkFormatError(`name index ${id} beyond the name table`);
        o[name] = readTagged(r);
      }
      return o;
    }
    default:
      throw new ChunkFormatError(`unknown value tag ${tag}`);
  }
}

/** An item count; each item takes at least one byte, which bounds counts read from damaged bytes. */
function count(r: ByteReader): number {
  const n = r.uvar();
  if (n > r.remaining) throw new ChunkFormatError(`count ${n} exceeds the ${r.remaining} bytes left`);
  return n;
}

/**
 * The codec for a flat array of SQL values (e.g. a window aggregate's keys + accumulator slots):
 * JSON-able as is, and written in binary as a count then tagged items.
 */
export function valuesCodec(): StateCodec<Value[]> {
  return {
    encode: (v) => v,
    decode: (x) => {
      if (!Array.isArray(x)) throw new ChunkFormatError('state value is not an array');
      return x as Value[];
    },
    write: (v, w) => {
      w.uvar(v.length);
      for (let i = 0; i < v.length; i++) writeTagged(v[i], w);
    },
    read: (r) => {
      const n = count(r);
      const a = new Array<Value>(n);
      for (let i = 0; i < n; i++) a[i] = readTagged(r) as Value;
      return a;
    },
  };
}
