import { decimalParams, isDecimal, type CollectionType, type SqlType, type Value } from './types.js';
import { formatDecimal } from './exact.js';
import { formatTimestamp } from './time.js';

/** A collection type read back from its canonical spelling (see CollectionType). */
export type CollectionShape =
  | { readonly kind: 'array'; readonly element: SqlType }
  | { readonly kind: 'map'; readonly key: SqlType; readonly value: SqlType }
  | { readonly kind: 'row'; readonly fields: readonly RowFieldType[] };

export interface RowFieldType {
  readonly name: string;
  readonly type: SqlType;
}

export const isCollection = (t: SqlType): t is CollectionType => t.endsWith('>');

export const arrayOf = (element: SqlType): SqlType => `ARRAY<${element}>`;
export const mapOf = (key: SqlType, value: SqlType): SqlType => `MAP<${key}, ${value}>`;

const PLAIN_NAME = /^[a-z_][a-z0-9_$]*$/;
const fieldName = (n: string): string => (PLAIN_NAME.test(n) ? n : '`' + n.replace(/`/g, '``') + '`');
export const rowOf = (fields: readonly RowFieldType[]): SqlType => `ROW<${fields.map((f) => `${fieldName(f.name)} ${f.type}`).join(', ')}>`;

const shapes = new Map<string, CollectionShape>();

/** The shape of a collection type, or undefined for a scalar type. Parsed once per distinct type. */
export function collectionShape(t: SqlType): CollectionShape | undefined {
  if (!isCollection(t)) return undefined;
  let s = shapes.get(t);
  if (s === undefined) {
    s = parseShape(t);
    shapes.set(t, s);
  }
  return s;
}

export const elementTypeOf = (t: SqlType): SqlType | undefined => {
  const s = collectionShape(t);
  return s?.kind === 'array' ? s.element : undefined;
};

/** Splits `a, b<c, d>, DECIMAL(10, 2)` at top-level commas (backquoted names may hold anything). */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '`') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '<' || c === '(') depth++;
    else if (c === '>' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out;
}

function parseShape(t: CollectionType): CollectionShape {
  const open = t.indexOf('<');
  const head = t.slice(0, open);
  const parts = splitTop(t.slice(open + 1, -1));
  if (head === 'ARRAY') return { kind: 'array', element: parts[0] as SqlType };
  if (head === 'MAP') return { kind: 'map', key: parts[0] as SqlType, value: parts[1] as SqlType };
  return {
    kind: 'row',
    fields: parts.map((p) => {
      if (p.startsWith('`')) {
        const end = p.indexOf('` ', 1);
        return { name: p.slice(1, end).replace(/``/g, '`'), type: p.slice(end + 2) as SqlType };
      }
      const sp = p.indexOf(' ');
      return { name: p.slice(0, sp), type: p.slice(sp + 1) as SqlType };
    }),
  };
}

/** SQL equality of two non-NULL values, deep for arrays, maps (any entry order) and rows; NaN = NaN as Flink's array equality. */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      const y = b[i]!;
      if (x === null || y === null ? x !== y : !valuesEqual(x, y)) return false;
    }
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, x] of a) {
      if (!b.has(k)) return false;
      const y = b.get(k)!;
      if (x === null || y === null ? x !== y : !valuesEqual(x, y)) return false;
    }
    return true;
  }
  return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
}

/**
 * A value of type `t` as JSON text, numbers exact: a DECIMAL element with its s digits and a BIGINT
 * beyond 2^53 as its digits (JSON.stringify of toJsonData would throw on a bigint and print a
 * DECIMAL's unscaled integer). What the JSON and SQLite sinks write for a collection.
 */
export function collectionJson(v: Value, t: SqlType): string {
  if (v === null) return 'null';
  if (t === 'TIMESTAMP') return JSON.stringify(typeof v === 'number' ? formatTimestamp(v) : v);
  if (isDecimal(t)) return formatDecimal(v as number | bigint, decimalParams(t)!.scale);
  if (typeof v === 'bigint') return String(v);
  const shape = collectionShape(t);
  if (shape === undefined) return typeof v === 'number' && !Number.isFinite(v) ? 'null' : JSON.stringify(v);
  switch (shape.kind) {
    case 'array':
      return `[${(v as Value[]).map((x) => collectionJson(x, shape.element)).join(',')}]`;
    case 'map':
      return `{${[...(v as Map<Value, Value>)].map(([k, x]) => `${JSON.stringify(String(k))}:${collectionJson(x, shape.value)}`).join(',')}}`;
    case 'row':
      return `{${shape.fields.map((f, i) => `${JSON.stringify(f.name)}:${collectionJson((v as Value[])[i] ?? null, f.type)}`).join(',')}}`;
  }
}

/** Flink's text form of a value (as its print sink and SQL client show it): `[1, 2]`, `{a=1, b=2}`, `(1, x)`. */
export function collectionText(v: Value, t: SqlType, scalar: (x: Value, t: SqlType) => string): string {
  const shape = collectionShape(t);
  if (v === null) return 'NULL';
  if (shape === undefined) return scalar(v, t);
  switch (shape.kind) {
    case 'array':
      return `[${(v as Value[]).map((x) => collectionText(x, shape.element, scalar)).join(', ')}]`;
    case 'map':
      return `{${[...(v as Map<Value, Value>)].map(([k, x]) => `${collectionText(k, shape.key, scalar)}=${collectionText(x, shape.value, scalar)}`).join(', ')}}`;
    case 'row':
      return `(${shape.fields.map((f, i) => collectionText((v as Value[])[i] ?? null, f.type, scalar)).join(', ')})`;
  }
}

/** A collection as the embedding API returns it: arrays, Maps, a ROW element as an object by field name, TIMESTAMP as a Date. */
export function toApiValue(v: Value, t: SqlType): unknown {
  if (v === null) return null;
  if (t === 'TIMESTAMP') return typeof v === 'number' ? new Date(v) : v;
  // A DECIMAL as its exact text, as the API returns DECIMAL columns.
  if (isDecimal(t)) return formatDecimal(v as number | bigint, decimalParams(t)!.scale);
  const shape = collectionShape(t);
  if (shape === undefined) return v;
  switch (shape.kind) {
    case 'array':
      return (v as Value[]).map((x) => toApiValue(x, shape.element));
    case 'map':
      return new Map([...(v as Map<Value, Value>)].map(([k, x]) => [toApiValue(k, shape.key), toApiValue(x, shape.value)]));
    case 'row': {
      const o: Record<string, unknown> = {};
      shape.fields.forEach((f, i) => (o[f.name] = toApiValue((v as Value[])[i] ?? null, f.type)));
      return o;
    }
  }
}
