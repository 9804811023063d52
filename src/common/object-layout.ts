import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS } from './time.js';
import type { Row, Schema, SqlType } from './types.js';
import { isCollection } from './collection-types.js';

/**
 * Rows kept in the plain objects an embedding host inserted, instead of being copied into row
 * arrays: `keys[c]` is the property holding column c (undefined: the column is NULL). Operators
 * that understand a layout read the properties directly (generated code, see CodeGen), so a row
 * a query only aggregates is never copied at all; any other consumer gets row arrays from
 * toRows/toRow. Only objects whose values are already exactly of their column's type are stored
 * this way (see firstUnstorable), so reading a property is reading the row's value.
 */
export interface ObjectLayout {
  readonly keys: readonly (string | undefined)[];
  /** JS source of column c's value read from the object in variable `obj` (undefined reads as NULL). */
  access(c: number, obj: string): string;
  /** Index of the first element of `input` this layout cannot store as it is, or -1 when it can store them all. */
  firstUnstorable(input: readonly unknown[]): number;
  /** Row arrays of objects[from..to). */
  toRows(objects: readonly object[], from: number, to: number): Row[];
  toRow(obj: object): Row;
}

/** Objects stored under a layout, as a source returns them (see SourceReader.readObjects). */
export interface StoredObjects {
  readonly objects: readonly object[];
  readonly layout: ObjectLayout;
}

/** The JS test under which a value is already of `type`; null when no value is (type NULL). */
export function inlineCheck(type: SqlType, v: string): string | null {
  if (isCollection(type)) return null;
  switch (type) {
    case 'DOUBLE':
    case 'FLOAT':
      return `typeof ${v} === 'number'`;
    case 'BIGINT':
    case 'INTERVAL':
      return `typeof ${v} === 'number' && Number.isSafeInteger(${v})`;
    case 'INT':
      return `typeof ${v} === 'number' && (${v} | 0) === ${v}`;
    case 'VARCHAR':
      return `typeof ${v} === 'string'`;
    case 'TIMESTAMP':
      return `typeof ${v} === 'number' && Number.isInteger(${v}) && ${v} >= ${MIN_TIMESTAMP_MS} && ${v} <= ${MAX_TIMESTAMP_MS}`;
    case 'BOOLEAN':
      return `typeof ${v} === 'boolean'`;
    case 'NULL':
      return null;
    default:
      return null; // DECIMAL: input values are never unscaled already
  }
}

/**
 * A per-(schema, plan) cache of code compiled for one object shape: `plan[c]` is the key holding
 * column c (undefined: none). The layout, the object converter and the JSON converter each keep one.
 */
export class PlanCache<T> {
  private readonly bySchema = new WeakMap<Schema, Map<string, T>>();

  constructor(private readonly compile: (schema: Schema, plan: readonly (string | undefined)[]) => T) {}

  of(schema: Schema, plan: readonly (string | undefined)[]): T {
    let byPlan = this.bySchema.get(schema);
    if (byPlan === undefined) this.bySchema.set(schema, (byPlan = new Map()));
    const id = plan.map((k) => (k === undefined ? '' : `=${k}`)).join('\u0000');
    let compiled = byPlan.get(id);
    if (compiled === undefined) byPlan.set(id, (compiled = this.compile(schema, plan)));
    return compiled;
  }
}

/** `compile` memoized per layout: an operator's code for each layout of the objects it reads. */
export function perLayout<T>(compile: (layout: ObjectLayout) => T): (layout: ObjectLayout) => T {
  const byLayout = new Map<ObjectLayout, T>();
  return (layout) => {
    let compiled = byLayout.get(layout);
    if (compiled === undefined) byLayout.set(layout, (compiled = compile(layout)));
    return compiled;
  };
}

/**
 * Compiled layouts by column types and keys, shared by every schema (every stream, every Eddy of
 * the process) with those types: a fresh compile costs each new stream its first inserts' time
 * in unoptimized code (a few ms per stream). Bounded: past LAYOUTS_MAX shapes it starts over.
 */
const byTypes = new Map<string, ObjectLayout>();
const LAYOUTS_MAX = 1024;

const layouts = new PlanCache((schema, keys) => {
  const types = schema.columns.map((c) => c.type);
  const id = JSON.stringify([types, keys.map((k) => k ?? null)]);
  let layout = byTypes.get(id);
  if (layout === undefined) {
    if (byTypes.size >= LAYOUTS_MAX) byTypes.clear();
    byTypes.set(id, (layout = compileLayout(types, keys)));
  }
  return layout;
});

/** The layout of `schema` under `keys` (one per column), compiled once per (column types, keys) and cached: equal layouts are the same object. */
export function objectLayout(schema: Schema, keys: readonly (string | undefined)[]): ObjectLayout {
  return layouts.of(schema, keys);
}

function compileLayout(types: readonly SqlType[], keys: readonly (string | undefined)[]): ObjectLayout {
  const frozen = Object.freeze([...keys]);
  const access = (c: number, obj: string): string => {
    const k = frozen[c];
    return k === undefined ? 'null' : `(${obj}[${JSON.stringify(k)}] ?? null)`;
  };
  // Storable: a plain object (or one without prototype), each planned value absent, null or exactly of its type, and no
  // other enumerable key (as many keys as present planned values), the object converter's rules
  // minus every coercion (a Date, a numeric string ... would need a converted copy).
  const check: string[] = [
    'for (let r = 0; r < input.length; r++) {',
    '  const o = input[r];',
    '  if (typeof o !== \'object\' || o === null) return r;',
    // Plain objects only (a class instance's getters could change): Object.prototype or none.
    '  const proto = getProto(o);',
    '  if (proto !== OBJECT_PROTO && proto !== null) return r;',
    '  let found = 0;',
  ];
  frozen.forEach((k, c) => {
    if (k === undefined) return;
    const v = `v${c}`;
    const exact = inlineCheck(types[c]!, v);
    check.push(`  const ${v} = o[${JSON.stringify(k)}];`, `  if (${v} !== undefined) {`, '    found++;');
    check.push(exact === null ? `    if (${v} !== null) return r;` : `    if (${v} !== null && !(${exact})) return r;`, '  }');
  });
  check.push('  let n = 0;', '  for (const _ in o) n++;', '  if (n !== found) return r;', '}', 'return -1;');
  const firstUnstorable = new Function('getProto', 'OBJECT_PROTO', `return function firstUnstorable(input) {\n${check.join('\n')}\n};`)(
    Object.getPrototypeOf,
    Object.prototype,
  ) as ObjectLayout['firstUnstorable'];
  const row = `[${frozen.map((_, c) => access(c, 'o')).join(', ')}]`;
  const toRow = new Function(`return function toRow(o) { return ${row}; };`)() as ObjectLayout['toRow'];
  const toRows = new Function(
    `return function toRows(objects, from, to) { const out = new Array(to - from); for (let i = from; i < to; i++) { const o = objects[i]; out[i - from] = ${row}; } return out; };`,
  )() as ObjectLayout['toRows'];
  return { keys: frozen, access, firstUnstorable, toRows, toRow };
}
