import type { Row, Schema, SqlType } from '../common/types.js';
import { inlineCheck } from '../common/object-layout.js';
import { parseTimestamp } from '../common/time.js';
import { coerceRest } from './object-converter.js';
import { BAD } from './values.js';

/** Converts one parsed JSON object to a row, or returns undefined when the caller's general path must decide. */
export type JsonRowConverter = (obj: unknown) => Row | undefined;

/**
 * Where each column is read in a JSON record: the top-level key, then (for a flattened ROW field
 * such as `person.id`) the key of each nested field below it, or null while no record has shown a
 * non-null object at that level (the converter then takes the record only when that object is null).
 */
export interface JsonPlan {
  readonly paths: readonly (readonly (string | null)[])[];
  /** Whether every nested key is known. */
  readonly complete: boolean;
}

/**
 * For JSON records (file sources, Kafka), the path in `record` to each column as the general path
 * (JsonRowDecoder.decode) finds it: the exact column name, else the first top-level key equal to it
 * ignoring case (data files often write `dateTime` for the column `datetime`), else, for a name
 * with dots, the nested fields it names (a flattened ROW field): each the field of its declared
 * name, else the one equal to it ignoring case. A nested level that is null here keeps what
 * `prior` (the plan of an earlier record) knew of it. Null when a column has no top-level key in
 * this record (the plan would not know where to read it).
 */
export function jsonPlan(record: object, columnNames: readonly string[], prior: JsonPlan | null = null): JsonPlan | null {
  const keys = Object.keys(record);
  const paths: (string | null)[][] = [];
  let complete = true;
  for (const [c, name] of columnNames.entries()) {
    const top = topLevelKey(keys, name);
    if (top !== undefined) {
      paths.push([top]);
      continue;
    }
    const parts = name.split('.');
    const head = parts.length > 1 ? topLevelKey(keys, parts[0]!) : undefined;
    if (head === undefined) return null;
    const path: (string | null)[] = [head];
    let at: unknown = (record as Record<string, unknown>)[head];
    for (let i = 1; i < parts.length; i++) {
      if (typeof at === 'object' && at !== null && !Array.isArray(at)) {
        const key = nestedKey(Object.keys(at), parts[i]!);
        path.push(key);
        at = (at as Record<string, unknown>)[key];
      } else {
        const known = prior?.paths[c]?.[i] ?? null;
        if (known === null) complete = false;
        path.push(known);
        at = undefined;
      }
    }
    paths.push(path);
  }
  return { paths, complete };
}

function topLevelKey(keys: readonly string[], name: string): string | undefined {
  if (keys.includes(name)) return name;
  const lower = name.toLowerCase();
  const key = keys.find((k) => k.toLowerCase() === lower);
  return key === undefined || key in Object.prototype ? undefined : key;
}

/** The field of a nested object the general path reads for `declared`: that key, else the first equal ignoring case (absent: the declared name, which the record then lacks). */
function nestedKey(keys: readonly string[], declared: string): string {
  if (keys.includes(declared)) return declared;
  const lower = declared.toLowerCase();
  const key = keys.find((k) => k.toLowerCase() === lower);
  return key === undefined || key in Object.prototype ? declared : key;
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
 * handles it with its exact messages. A column `read` marks false is NULL, its value not looked at
 * (the query does not read it: as Flink's projection pushdown, not even a bad value there counts).
 * Rows have `spare` NULL slots after the columns.
 */
export function jsonRowConverter(schema: Schema, plan: JsonPlan, read: readonly boolean[] | null = null, spare = 0): JsonRowConverter {
  let bySchema = cache.get(schema);
  if (bySchema === undefined) cache.set(schema, (bySchema = new Map()));
  const id = JSON.stringify([plan, read, spare]);
  let compiled = bySchema.get(id);
  if (compiled === undefined) {
    compiled = compileJson(
      schema.columns.map((c) => c.type),
      schema.columns.map((c) => c.name),
      plan,
      read ?? schema.columns.map(() => true),
      spare,
    );
    bySchema.set(id, compiled);
  }
  return compiled;
}

/** The columns read below one object of the record: its own columns, and its nested objects by key; null keys while unknown. */
interface Level {
  readonly columns: { readonly column: number; readonly key: string | null }[];
  readonly nested: Map<string, { readonly key: string | null; readonly level: Level }>;
}

function levelsOf(plan: JsonPlan, names: readonly string[]): Level {
  const root: Level = { columns: [], nested: new Map() };
  plan.paths.forEach((path, column) => {
    const declared = path.length === 1 ? [names[column]!] : names[column]!.split('.');
    let at = root;
    for (let i = 0; i < path.length - 1; i++) {
      // Grouped by declared name: the keys of one level are all known or all unknown together.
      let next = at.nested.get(declared[i]!);
      if (next === undefined) at.nested.set(declared[i]!, (next = { key: path[i]!, level: { columns: [], nested: new Map() } }));
      at = next.level;
    }
    at.columns.push({ column, key: path[path.length - 1]! });
  });
  return root;
}

function compileJson(types: readonly SqlType[], names: readonly string[], plan: JsonPlan, read: readonly boolean[], spare: number): JsonRowConverter {
  const root = levelsOf(plan, names);
  const used = (level: Level): boolean => level.columns.some((c) => read[c.column]) || [...level.nested.values()].some((n) => used(n.level));
  const body: string[] = [
    "if (typeof o !== 'object' || o === null || getProto(o) !== OBJECT_PROTO) return undefined;",
    `let ${names.map((_, c) => `v${c}`).join(', ')};`,
  ];
  let objects = 0;
  const emit = (level: Level, obj: string, indent: string, exactKeys: boolean): void => {
    // Reading a key other than the declared one (a case variant, a nested field) is what the general
    // path would read only when no other candidate is there: the object must hold exactly the planned keys.
    if (!exactKeys) {
      const distinct = new Set([...level.columns.map((c) => c.key), ...[...level.nested].map(([declared, n]) => n.key ?? declared)]).size;
      body.push(`${indent}{ let keys = 0; for (const _ in ${obj}) keys++; if (keys !== ${distinct}) return undefined; }`);
    }
    for (const { column, key } of level.columns) {
      const v = `v${column}`;
      if (!read[column]) {
        // Under the key count, every planned key must be there for the count to mean no other candidate is.
        body.push(`${indent}${v} = null;`);
        if (!exactKeys) body.push(`${indent}if (${obj}[${JSON.stringify(key)}] === undefined) return undefined;`);
        continue;
      }
      body.push(`${indent}${v} = ${obj}[${JSON.stringify(key)}];`, `${indent}if (${v} === undefined) return undefined;`);
      const check = inlineCheck(types[column]!, v);
      let coerce = `{ ${v} = coerceRest(${v}, TYPES[${column}]); if (${v} === BAD) return undefined; }`;
      // Text timestamps are the common case in JSON files: parse directly (untrimmed text that does
      // not parse still goes through coerceRest, which trims).
      if (types[column] === 'TIMESTAMP') coerce = `{ const t = typeof ${v} === 'string' ? parseTs(${v}) : null; if (t !== null) ${v} = t; else ${coerce} }`;
      body.push(`${indent}${check === null ? `if (${v} !== null) ${coerce}` : `if (${v} !== null && !(${check})) ${coerce}`}`);
    }
    for (const [declared, { key, level: nested }] of level.nested) {
      if (!used(nested)) {
        for (const column of columnsBelow(nested)) body.push(`${indent}v${column} = null;`);
        if (!exactKeys) body.push(`${indent}if (${obj}[${JSON.stringify(key ?? declared)}] === undefined) return undefined;`);
        continue;
      }
      const child = `n${objects++}`;
      body.push(`${indent}const ${child} = ${obj}[${JSON.stringify(key ?? declared)}];`, `${indent}if (${child} === null) {`);
      for (const column of columnsBelow(nested)) body.push(`${indent}  v${column} = null;`);
      body.push(`${indent}} else {`);
      const fields = [...nested.columns.map((c) => c.key), ...[...nested.nested.values()].map((n) => n.key)];
      if (fields.includes(null)) {
        // No record has shown this object's fields yet: the decoder plans again from this one.
        body.push(`${indent}  return undefined;`);
      } else {
        body.push(`${indent}  if (typeof ${child} !== 'object' || getProto(${child}) !== OBJECT_PROTO) return undefined;`);
        const declaredNames = [...nested.columns.map((c) => declaredLeaf(names[c.column]!)), ...nested.nested.keys()];
        emit(nested, child, `${indent}  `, fields.every((k, i) => k === declaredNames[i]));
      }
      body.push(`${indent}}`);
    }
  };
  // A nested field's column name (`person.id`) could also be a literal top-level key: the top level
  // is exact only when every column is a top-level key of its own name.
  emit(root, 'o', '', plan.paths.every((path, c) => path.length === 1 && path[0] === names[c]));
  // `spare` NULL slots after the columns: room the computed-columns reader fills (SourceReader.reserveTrailing).
  body.push(`return [${[...names.map((_, c) => `v${c}`), ...Array<string>(spare).fill('null')].join(', ')}];`);
  const make = new Function('getProto', 'OBJECT_PROTO', 'coerceRest', 'TYPES', 'BAD', 'parseTs', `return function convertJson(o) {\n${body.join('\n')}\n};`);
  return make(Object.getPrototypeOf, Object.prototype, coerceRest, types, BAD, parseTimestamp) as JsonRowConverter;
}

function declaredLeaf(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function columnsBelow(level: Level): number[] {
  return [...level.columns.map((c) => c.column), ...[...level.nested.values()].flatMap((n) => columnsBelow(n.level))];
}
