import { internalError } from '../common/errors.js';
import { isDecimal, type Row, type Value } from '../common/types.js';
import type { ObjectLayout } from '../common/object-layout.js';
import type { BoundExpr } from '../planner/bound.js';
import { CodeGen } from './expr-compiler.js';

/**
 * The one key encoding of the engine. A key is always encoded with the same arity within one
 * state table, so the encoding only has to be injective per arity:
 *  - 0 keys: the constant 0;
 *  - 1 key: a number stays a number (-0 becomes 0); a string stays a string, except that strings
 *    starting with U+0001 get one more U+0001 in front, which frees `\u0001N`, `\u0001T`, `\u0001F`
 *    for NULL, TRUE and FALSE, and `\u0001B<digits>` for a BigInt (a BIGINT or DECIMAL beyond 2^53);
 *  - 2+ keys: a JSON array text, with non-finite numbers written as {"f":"NaN"} etc. (plain JSON
 *    would turn them into null), BigInts as {"b":"<digits>"}, an ARRAY (or ROW) as an array, a MAP as {"m":[[k,v],...]};
 *  - 1 ARRAY or MAP key: `\u0001C` then its 2+-key form.
 * Exact numbers are canonical (exact.ts), so equal values always encode alike.
 */
export type StateKey = number | string;

const ESC = '\u0001';
export const NULL_KEY = '\u0001N';
const TRUE_KEY = '\u0001T';
const FALSE_KEY = '\u0001F';
/** An ARRAY or MAP key (GROUP BY tags): this prefix, then its composite-form text. */
const COLLECTION_KEY = '\u0001C';
const BIG_PREFIX = '\u0001B';

/** Encodes one key value on its own (the 1-key form). */
export function encodeSingle(v: Value): StateKey {
  if (typeof v === 'number') return v + 0;
  if (typeof v === 'string') return v.charCodeAt(0) === 1 ? ESC + v : v;
  if (v === null) return NULL_KEY;
  if (typeof v === 'bigint') return BIG_PREFIX + String(v);
  if (typeof v === 'object') return COLLECTION_KEY + encodePart(v);
  return v ? TRUE_KEY : FALSE_KEY;
}

/** Encodes one value as a JSON array element of the composite form. */
export function encodePart(v: Value): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : `{"f":"${v}"}`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `{"b":"${v}"}`;
  if (Array.isArray(v)) return '[' + v.map(encodePart).join(',') + ']';
  if (v instanceof Map) return '{"m":[' + [...v].map(([k, x]) => `[${encodePart(k)},${encodePart(x)}]`).sort().join(',') + ']}';
  return v === null ? 'null' : v ? 'true' : 'false';
}

/** Encodes a key tuple into a StateKey (see the module comment for the format). */
export function encodeKey(values: readonly Value[]): StateKey {
  if (values.length === 0) return 0;
  if (values.length === 1) return encodeSingle(values[0]!);
  let s = '[';
  for (let i = 0; i < values.length; i++) s += (i ? ',' : '') + encodePart(values[i]!);
  return s + ']';
}

/** Decodes a StateKey made by encodeKey for a key of `arity` values. */
export function decodeKey(key: StateKey, arity: number): Value[] {
  if (arity === 0) return [];
  if (arity === 1) {
    if (typeof key === 'number') return [key];
    if (key.charCodeAt(0) !== 1) return [key];
    if (key === NULL_KEY) return [null];
    if (key === TRUE_KEY) return [true];
    if (key === FALSE_KEY) return [false];
    if (key.startsWith(COLLECTION_KEY)) return [decodePart(JSON.parse(key.slice(2)))];
    if (key.startsWith(BIG_PREFIX)) return [BigInt(key.slice(2))];
    return [key.slice(1)];
  }
  if (typeof key !== 'string') throw internalError(`composite key is not a string: ${key}`);
  const parsed = JSON.parse(key) as unknown[];
  return parsed.map(decodePart);
}

/** One parsed element of encodePart's text back as a value. */
function decodePart(x: unknown): Value {
  if (Array.isArray(x)) return x.map(decodePart);
  if (x !== null && typeof x === 'object') {
    const o = x as { f?: string; b?: string; m?: [unknown, unknown][] };
    if (o.m !== undefined) return new Map(o.m.map(([k, v]) => [decodePart(k), decodePart(v)]));
    return o.b !== undefined ? BigInt(o.b) : Number(o.f);
  }
  return x as Value;
}

/**
 * Compiles the key of a row: for one key no array or string is built (numbers stay numbers);
 * composite keys are concatenated directly into the encodeKey text form. With a layout, of an
 * inserted object (see ObjectLayout).
 */
export function compileKeyExtractor(keys: readonly BoundExpr[], layout: ObjectLayout | null = null): (row: Row) => StateKey {
  const g = new CodeGen(layout);
  if (keys.length === 0) return g.build(['r'], 'return 0;');
  if (keys.length === 1) {
    const k = keys[0]!;
    const v = g.expr(k);
    const t = k.type;
    if (t === 'INT' || t === 'FLOAT' || t === 'DOUBLE' || t === 'TIMESTAMP') {
      return g.build(['r'], `return ${v} === null ? ${g.constant(NULL_KEY)} : ${v} + 0;`);
    }
    if (t === 'BIGINT' || isDecimal(t)) {
      return g.build(['r'], `return typeof ${v} === 'number' ? ${v} + 0 : ${g.constant(encodeSingle)}(${v});`);
    }
    return g.build(['r'], `return ${g.constant(encodeSingle)}(${v});`);
  }
  const part = g.constant(encodePart);
  const vs = keys.map((k) => g.expr(k));
  return g.build(['r'], `return "[" + ${vs.map((v) => `${part}(${v})`).join(' + "," + ')} + "]";`);
}

/**
 * As compileKeyExtractor, but null when any key value is NULL (an equi-join key that matches
 * nothing, as SQL's `=`): the join's key in one call, with no array of key values per row.
 */
export function compileNullableKey(keys: readonly BoundExpr[]): (row: Row) => StateKey | null {
  const g = new CodeGen(null);
  if (keys.length === 0) return g.build(['r'], 'return 0;');
  const vs = keys.map((k) => g.expr(k));
  const anyNull = vs.map((v) => `${v} === null`).join(' || ');
  if (keys.length === 1) {
    const t = keys[0]!.type;
    const numeric = t === 'INT' || t === 'FLOAT' || t === 'DOUBLE' || t === 'TIMESTAMP';
    if (t === 'BIGINT' || isDecimal(t)) return g.build(['r'], `const v = ${vs[0]}; return typeof v === 'number' ? v + 0 : v === null ? null : ${g.constant(encodeSingle)}(v);`);
    return g.build(['r'], numeric ? `return ${anyNull} ? null : ${vs[0]} + 0;` : `return ${anyNull} ? null : ${g.constant(encodeSingle)}(${vs[0]});`);
  }
  const part = g.constant(encodePart);
  return g.build(['r'], `if (${anyNull}) return null; return "[" + ${vs.map((v) => `${part}(${v})`).join(' + "," + ')} + "]";`);
}
