import type { Row, Schema, SqlType, Value } from '../common/types.js';
import { BAD, coerceValue, type Bad } from './values.js';
import { inTimestampRange, parseTimestamp } from '../common/time.js';
import { PlanCache, inlineCheck } from '../common/object-layout.js';

/**
 * Converts input[start..end) to rows; a row it cannot take on the fast path (another shape, an
 * unknown key, a value needing coercion that fails) is handed to `slow`, which converts it or throws.
 */
export type ObjectConverter = (input: readonly unknown[], rows: Row[], slow: (obj: unknown, index: number) => Row) => void;

/** Dates for TIMESTAMP, then coerceValue: the conversions the inline checks leave out. */
function coerceRest(raw: unknown, type: SqlType): Value | Bad {
  if (type === 'TIMESTAMP' && raw instanceof Date) {
    const t = raw.getTime();
    return inTimestampRange(t) ? t : BAD;
  }
  return coerceValue(raw, type);
}

const converters = new PlanCache((schema, plan) =>
  compile(
    schema.columns.map((c) => c.type),
    plan,
  ),
);

/**
 * A converter compiled for one object shape: `plan[c]` is the key holding column c (undefined: the
 * column is NULL). Each key is read as a literal property access, so V8's inline caches see one
 * hidden class and the loop allocates nothing but the row. A row is accepted when it is a plain
 * object, each value is of its column's type (or coerces to it), and its enumerable key count
 * equals the keys found, so an extra, unknown key sends it to `slow` (which reports it).
 * Compiled once per (schema, plan) and cached.
 */
export function objectConverter(schema: Schema, plan: readonly (string | undefined)[]): ObjectConverter {
  return converters.of(schema, plan);
}

function compile(types: readonly SqlType[], plan: readonly (string | undefined)[]): ObjectConverter {
  const body: string[] = [
    'const n = input.length;',
    'next: for (let r = 0; r < n; r++) {',
    '  const o = input[r];',
    "  if (typeof o !== 'object' || o === null || getProto(o) !== OBJECT_PROTO) { rows[r] = slow(o, r); continue; }",
    '  let found = 0;',
  ];
  const vars: string[] = [];
  plan.forEach((key, c) => {
    const v = `v${c}`;
    vars.push(v);
    if (key === undefined) {
      body.push(`  const ${v} = null;`);
      return;
    }
    const check = inlineCheck(types[c]!, v);
    body.push(`  let ${v} = o[${JSON.stringify(key)}];`);
    body.push(`  if (${v} === undefined) ${v} = null;`);
    body.push(`  else {`, `    found++;`);
    const coerce = [`${v} = coerceRest(${v}, TYPES[${c}]);`, `if (${v} === BAD) { rows[r] = slow(o, r); continue next; }`];
    if (check === null) body.push(...coerce.map((l) => `    ${l}`));
    else body.push(`    if (!(${check})) {`, ...coerce.map((l) => `      ${l}`), '    }');
    body.push('  }');
  });
  body.push(
    '  let keys = 0;',
    '  for (const _ in o) keys++;',
    '  if (keys !== found) { rows[r] = slow(o, r); continue; }',
    `  rows[r] = [${vars.join(', ')}];`,
    '}',
  );
  const make = new Function('getProto', 'OBJECT_PROTO', 'coerceRest', 'TYPES', 'BAD', `return function convert(input, rows, slow) {\n${body.join('\n')}\n};`);
  return make(Object.getPrototypeOf, Object.prototype, coerceRest, types, BAD) as ObjectConverter;
}

/** Converts one parsed JSON object to a row, or returns undefined when the caller's general path must decide. */
export type JsonRowConverter = (obj: unknown) => Row | undefined;

const jsonConverters = new PlanCache((schema, plan) =>
  compileJson(
    schema.columns.map((c) => c.type),
    schema.columns.map((c) => c.name),
    plan as readonly string[],
  ),
);

/**
 * For JSON records (file sources), the key of `record` holding each column as the file source's
 * general path would find it: the exact column name, else the first key equal to it ignoring case
 * (data files often write `dateTime` for the column `datetime`). Null when a column has no key in
 * this record (the plan would not know where to read it).
 */
export function jsonPlan(record: object, columnNames: readonly string[]): string[] | null {
  const keys = Object.keys(record);
  const plan: string[] = [];
  for (const name of columnNames) {
    if (keys.includes(name)) {
      plan.push(name);
      continue;
    }
    const lower = name.toLowerCase();
    const key = keys.find((k) => k.toLowerCase() === lower);
    if (key === undefined || key in Object.prototype) return null;
    plan.push(key);
  }
  return plan;
}

/**
 * For JSON records (file sources): reads column c under `plan[c]` (see jsonPlan) with a literal
 * property access and accepts the row when each value is present and of (or coerces to) its
 * column's type. Other keys are ignored, as the file source ignores unknown fields (unless the plan
 * reads a case variant, see compileJson). A record missing a planned key or holding a bad value
 * returns undefined, and the general path handles it with its exact messages.
 */
export function jsonRowConverter(schema: Schema, plan: readonly string[]): JsonRowConverter {
  return jsonConverters.of(schema, plan);
}

function compileJson(types: readonly SqlType[], names: readonly string[], plan: readonly string[]): JsonRowConverter {
  const body: string[] = ["if (typeof o !== 'object' || o === null || getProto(o) !== OBJECT_PROTO) return undefined;"];
  // Under a case variant the general path reads the record's FIRST key equal ignoring case, which
  // is the planned one only if no other variant is there: so such a plan takes only records whose
  // keys are exactly the planned ones (as many keys as columns, every planned key present).
  if (plan.some((k, c) => k !== names[c])) body.push('let keys = 0;', 'for (const _ in o) keys++;', `if (keys !== ${names.length}) return undefined;`);
  names.forEach((_name, c) => {
    const v = `v${c}`;
    const check = inlineCheck(types[c]!, v);
    body.push(`let ${v} = o[${JSON.stringify(plan[c])}];`, `if (${v} === undefined) return undefined;`);
    let coerce = `{ ${v} = coerceRest(${v}, TYPES[${c}]); if (${v} === BAD) return undefined; }`;
    // Text timestamps are the common case in JSON files: parse directly (untrimmed text that does
    // not parse still goes through coerceRest, which trims).
    if (types[c] === 'TIMESTAMP') coerce = `{ const t = typeof ${v} === 'string' ? parseTs(${v}) : null; if (t !== null) ${v} = t; else ${coerce} }`;
    body.push(check === null ? coerce : `if (!(${check})) ${coerce}`);
  });
  body.push(`return [${names.map((_, c) => `v${c}`).join(', ')}];`);
  const make = new Function('getProto', 'OBJECT_PROTO', 'coerceRest', 'TYPES', 'BAD', 'parseTs', `return function convertJson(o) {\n${body.join('\n')}\n};`);
  return make(Object.getPrototypeOf, Object.prototype, coerceRest, types, BAD, parseTimestamp) as JsonRowConverter;
}
