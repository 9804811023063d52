import { collectionShape, collectionText } from '../common/collection-types.js';
import type { SqlType, Value } from '../common/types.js';

/**
 * Raw JSON/object data as a collection value (see CollectionType): an ARRAY from a JS array, a
 * MAP from a JSON object (keys converted to the key type: MAP<INT, ...> accepts {"1": ...}) or a
 * JS Map, a ROW from an object by field name or an array by position. Elements go through
 * `scalar` (coerceValue); undefined when anything does not fit.
 */
export function coerceCollection(raw: unknown, type: SqlType, scalar: (raw: unknown, t: SqlType) => Value | undefined): Value | undefined {
  const shape = collectionShape(type);
  if (shape === undefined) return scalar(raw, type);
  if (raw === null || raw === undefined) return null;
  const inner = (x: unknown, t: SqlType): Value | undefined => coerceCollection(x, t, scalar);
  switch (shape.kind) {
    case 'array': {
      if (!Array.isArray(raw)) return undefined;
      const out: Value[] = new Array<Value>(raw.length);
      for (let i = 0; i < raw.length; i++) {
        const v = inner(raw[i], shape.element);
        if (v === undefined) return undefined;
        out[i] = v;
      }
      return out;
    }
    case 'map': {
      const entries = raw instanceof Map ? [...(raw as Map<unknown, unknown>)] : isPlainObject(raw) ? Object.entries(raw) : undefined;
      if (entries === undefined) return undefined;
      const out = new Map<Value, Value>();
      for (const [k, x] of entries) {
        const key = inner(k, shape.key);
        const v = inner(x, shape.value);
        if (key === undefined || v === undefined) return undefined;
        out.set(key, v);
      }
      return out;
    }
    case 'row': {
      const out: Value[] = [];
      if (Array.isArray(raw)) {
        if (raw.length !== shape.fields.length) return undefined;
        for (const [i, f] of shape.fields.entries()) {
          const v = inner(raw[i], f.type);
          if (v === undefined) return undefined;
          out.push(v);
        }
        return out;
      }
      if (!isPlainObject(raw)) return undefined;
      for (const f of shape.fields) {
        const v = inner(raw[f.name], f.type);
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out;
    }
  }
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x) && !(x instanceof Date);
}

/** A collection as text for csv/table output: Flink's `[1, 2]`, `{a=1}`, `(1, x)` with scalars as `scalar` shows them. */
export function collectionOutputText(v: Value, type: SqlType, scalar: (x: Value, t: SqlType) => string): string {
  return collectionText(v, type, scalar);
}
