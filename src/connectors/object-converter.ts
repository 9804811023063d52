import type { Row, Schema, SqlType, Value } from '../common/types.js';
import { BAD, coerceValue, type Bad } from './values.js';
import { inTimestampRange } from '../common/time.js';
import { PlanCache, inlineCheck } from '../common/object-layout.js';

/**
 * Converts input[start..end) to rows; a row it cannot take on the fast path (another shape, an
 * unknown key, a value needing coercion that fails) is handed to `slow`, which converts it or throws.
 */
export type ObjectConverter = (input: readonly unknown[], rows: Row[], slow: (obj: unknown, index: number) => Row) => void;

/** Dates for TIMESTAMP, then coerceValue: the conversions the inline checks leave out. */
export function coerceRest(raw: unknown, type: SqlType): Value | Bad {
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
