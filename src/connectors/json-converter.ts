import type { Row, Schema, SqlType } from '../common/types.js';
import { inlineCheck } from '../common/object-layout.js';
import { parseTimestamp } from '../common/time.js';
import { coerceRest } from './object-converter.js';
import { BAD } from './values.js';

/** Converts one parsed JSON object to a row, or returns undefined when the caller's general path must decide. */
export type JsonRowConverter = (obj: unknown) => Row | undefined;

/**
 * Where each column is read in a JSON record: the top-level key, then (for a flattened ROW field
 * such as `person.id`) the nested keys below it.
 */
export type JsonPlan = readonly (readonly string[])[];

/**
 * For JSON records (file sources, Kafka), the path in `record` to each column as the general path
 * (JsonRowDecoder.decode) finds it: the exact column name, else the first top-level key equal to it
 * ignoring case (data files often write `dateTime` for the column `datetime`), else, for a name
 * with dots, the nested fields it names (a flattened ROW field), each read under its declared name.
 * Null when a column has no top-level key in this record (the plan would not know where to read it).
 */
export function jsonPlan(record: object, columnNames: readonly string[]): JsonPlan | null {
  const keys = Object.keys(record);
  const plan: string[][] = [];
  for (const name of columnNames) {
    const top = topLevelKey(keys, name);
    if (top !== undefined) {
      plan.push([top]);
      continue;
    }
    const parts = name.split('.');
    const head = parts.length > 1 ? topLevelKey(keys, parts[0]!) : undefined;
    if (head === undefined) return null;
    plan.push([head, ...parts.slice(1)]);
  }
  return plan;
}

function topLevelKey(keys: readonly string[], name: string): string | undefined {
  if (keys.includes(name)) return name;
  const lower = name.toLowerCase();
  const key = keys.find((k) => k.toLowerCase() === lower);
  return key === undefined || key in Object.prototype ? undefined : key;
}

const cache = new WeakMap<Schema, Map<string, JsonRowConverter>>();

/**
 * A converter compiled for one plan (see jsonPlan), cached per (schema, plan): reads each column
 * with literal property accesses and accepts the record when each value is present and of (or
 * coerces to) its column's type; a nested object that is null makes its fields NULL. Other keys are
 * ignored, as the general path ignores unknown fields, unless the plan reads a case variant or a
 * nested field: then only records whose top-level keys are exactly the planned ones are taken
 * (the general path would prefer another key equal ignoring case, or a literal dotted key). A
 * record missing a planned key or holding a bad value returns undefined, and the general path
 * handles it with its exact messages.
 */
export function jsonRowConverter(schema: Schema, plan: JsonPlan): JsonRowConverter {
  let bySchema = cache.get(schema);
  if (bySchema === undefined) cache.set(schema, (bySchema = new Map()));
  const id = JSON.stringify(plan);
  let compiled = bySchema.get(id);
  if (compiled === undefined) {
    compiled = compileJson(
      schema.columns.map((c) => c.type),
      schema.columns.map((c) => c.name),
      plan,
    );
    bySchema.set(id, compiled);
  }
  return compiled;
}

/** The columns read below one object of the record: its own columns, and its nested objects by key. */
interface Level {
  readonly columns: { readonly column: number; readonly key: string }[];
  readonly nested: Map<string, Level>;
}

function levelsOf(plan: JsonPlan): Level {
  const root: Level = { columns: [], nested: new Map() };
  plan.forEach((path, column) => {
    let at = root;
    for (const key of path.slice(0, -1)) {
      let next = at.nested.get(key);
      if (next === undefined) at.nested.set(key, (next = { columns: [], nested: new Map() }));
      at = next;
    }
    at.columns.push({ column, key: path[path.length - 1]! });
  });
  return root;
}

function compileJson(types: readonly SqlType[], names: readonly string[], plan: JsonPlan): JsonRowConverter {
  const root = levelsOf(plan);
  const body: string[] = [
    "if (typeof o !== 'object' || o === null || getProto(o) !== OBJECT_PROTO) return undefined;",
    `let ${names.map((_, c) => `v${c}`).join(', ')};`,
  ];
  const exactTopLevel = plan.every((path, c) => path.length === 1 && path[0] === names[c]);
  if (!exactTopLevel) {
    const topKeys = new Set(plan.map((path) => path[0]));
    body.push('let keys = 0;', 'for (const _ in o) keys++;', `if (keys !== ${topKeys.size}) return undefined;`);
  }
  let objects = 0;
  const emit = (level: Level, obj: string, indent: string): void => {
    for (const { column, key } of level.columns) {
      const v = `v${column}`;
      body.push(`${indent}${v} = ${obj}[${JSON.stringify(key)}];`, `${indent}if (${v} === undefined) return undefined;`);
      const check = inlineCheck(types[column]!, v);
      let coerce = `{ ${v} = coerceRest(${v}, TYPES[${column}]); if (${v} === BAD) return undefined; }`;
      // Text timestamps are the common case in JSON files: parse directly (untrimmed text that does
      // not parse still goes through coerceRest, which trims).
      if (types[column] === 'TIMESTAMP') coerce = `{ const t = typeof ${v} === 'string' ? parseTs(${v}) : null; if (t !== null) ${v} = t; else ${coerce} }`;
      body.push(`${indent}${check === null ? `if (${v} !== null) ${coerce}` : `if (${v} !== null && !(${check})) ${coerce}`}`);
    }
    for (const [key, nested] of level.nested) {
      const child = `n${objects++}`;
      body.push(`${indent}const ${child} = ${obj}[${JSON.stringify(key)}];`, `${indent}if (${child} === null) {`);
      for (const column of columnsBelow(nested)) body.push(`${indent}  v${column} = null;`);
      body.push(`${indent}} else {`, `${indent}  if (typeof ${child} !== 'object' || getProto(${child}) !== OBJECT_PROTO) return undefined;`);
      emit(nested, child, `${indent}  `);
      body.push(`${indent}}`);
    }
  };
  emit(root, 'o', '');
  body.push(`return [${names.map((_, c) => `v${c}`).join(', ')}];`);
  const make = new Function('getProto', 'OBJECT_PROTO', 'coerceRest', 'TYPES', 'BAD', 'parseTs', `return function convertJson(o) {\n${body.join('\n')}\n};`);
  return make(Object.getPrototypeOf, Object.prototype, coerceRest, types, BAD, parseTimestamp) as JsonRowConverter;
}

function columnsBelow(level: Level): number[] {
  return [...level.columns.map((c) => c.column), ...[...level.nested.values()].flatMap(columnsBelow)];
}
