import type { Schema, SqlType, Value } from '../common/types.js';
import { decimalParams, isDecimal } from '../common/types.js';
import { formatDecimal } from '../common/exact.js';
import { assertNever } from '../common/errors.js';
import { collectionShape, elementTypeOf } from '../common/collection-types.js';
import type { AggCall, BoundExpr, WindowSpec } from './bound.js';
import { formatTimestampLiteral } from './timestamp-literal.js';

const UNITS: readonly (readonly [number, string, string])[] = [
  [86_400_000, 'DAY', 'd'],
  [3_600_000, 'HOUR', 'h'],
  [60_000, 'MINUTE', 'min'],
  [1_000, 'SECOND', 's'],
];

/** Renders milliseconds as SQL: INTERVAL '5' SECOND (largest unit that divides it; fractions of seconds as '0.5' SECOND). */
export function intervalSql(ms: number): string {
  for (const [size, unit] of UNITS) {
    if (ms !== 0 && ms % size === 0) return `INTERVAL '${ms / size}' ${unit}`;
  }
  return `INTERVAL '${ms / 1000}' SECOND`;
}

/** Renders milliseconds for EXPLAIN: "10 s", "1 min", "250 ms". */
export function durationText(ms: number): string {
  for (const [size, , short] of UNITS) {
    if (ms !== 0 && ms % size === 0) return `${ms / size} ${short}`;
  }
  return `${ms} ms`;
}

/** Renders a window for EXPLAIN in SQL argument order, e.g. TUMBLE(ts, 10 s), HOP(ts, 5 s, 10 s). */
export function windowText(w: WindowSpec, timeColumn: string): string {
  const offset = (o: number): string => (o ? `, offset=${durationText(o)}` : '');
  switch (w.kind) {
    case 'tumble':
      return `TUMBLE(${timeColumn}, ${durationText(w.size)}${offset(w.offset)})`;
    case 'hop':
      return `HOP(${timeColumn}, ${durationText(w.slide)}, ${durationText(w.size)}${offset(w.offset)})`;
    case 'cumulate':
      return `CUMULATE(${timeColumn}, ${durationText(w.step)}, ${durationText(w.size)}${offset(w.offset)})`;
    case 'session':
      return `SESSION(${timeColumn}, ${durationText(w.gap)})`;
    default:
      return assertNever(w, 'window');
  }
}

function literalSql(value: Value, type: SqlType): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  if (isDecimal(type)) return `CAST('${formatDecimal(value as number | bigint, decimalParams(type)!.scale)}' AS ${type})`;
  if (typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `ARRAY[${value.map((x) => literalSql(x, elementTypeOf(type) ?? 'NULL')).join(', ')}]`;
  if (value instanceof Map) {
    const s = collectionShape(type);
    const [kt, vt] = s?.kind === 'map' ? [s.key, s.value] : ['NULL' as const, 'NULL' as const];
    return `MAP[${[...value].map(([k, x]) => `${literalSql(k, kt)}, ${literalSql(x, vt)}`).join(', ')}]`;
  }
  if (type === 'TIMESTAMP') return `TIMESTAMP '${formatTimestampLiteral(value)}'`;
  if (type === 'INTERVAL') return intervalSql(value);
  if ((type === 'DOUBLE' || type === 'FLOAT') && Number.isInteger(value)) return `${value}.0`;
  return String(value);
}

/** Whether an expression needs parentheses when it is an operand of an operator. */
function isCompound(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'binary':
    case 'isNull':
    case 'between':
    case 'in':
    case 'like':
      return true;
    case 'unary':
      return e.op === 'NOT';
    default:
      return false;
  }
}

/** Renders a bound expression as SQL text with column names taken from `input` (the schema it is evaluated over). */
export function exprToSql(e: BoundExpr, input?: Schema): string {
  const sub = (x: BoundExpr): string => (isCompound(x) ? `(${exprToSql(x, input)})` : exprToSql(x, input));
  switch (e.kind) {
    case 'literal':
      return literalSql(e.value, e.type);
    case 'inputRef':
      return input?.columns[e.index]?.name ?? e.name;
    case 'binary':
      return `${sub(e.left)} ${e.op} ${sub(e.right)}`;
    case 'unary':
      return e.op === 'NOT' ? `NOT ${sub(e.operand)}` : `-${sub(e.operand)}`;
    case 'isNull':
      return `${sub(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL`;
    case 'between':
      return `${sub(e.operand)} ${e.negated ? 'NOT ' : ''}BETWEEN ${sub(e.low)} AND ${sub(e.high)}`;
    case 'in':
      return `${sub(e.operand)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map((x) => exprToSql(x, input)).join(', ')})`;
    case 'like':
      return `${sub(e.operand)} ${e.negated ? 'NOT ' : ''}LIKE ${sub(e.pattern)}`;
    case 'case': {
      const whens = e.whens.map((w) => ` WHEN ${exprToSql(w.when, input)} THEN ${exprToSql(w.then, input)}`).join('');
      return `CASE${whens} ELSE ${exprToSql(e.else, input)} END`;
    }
    case 'cast':
      return `CAST(${exprToSql(e.operand, input)} AS ${e.type})`;
    case 'call':
      return callToSql(e.fn, e.args.map((x) => exprToSql(x, input)));
    default:
      return assertNever(e, 'bound expression');
  }
}

/** Prints the keyword forms the parser turned into plain calls back in Flink's spelling. */
function callToSql(fn: string, args: readonly string[]): string {
  const unit = (u: string | undefined) => (u ?? '').replace(/^'|'$/g, '');
  switch (fn) {
    case 'ITEM':
      return `${args[0]}[${args[1]}]`;
    case 'FIELD':
      return `${args[0]}.${unit(args[1])}`;
    case 'ARRAY':
    case 'MAP':
      return `${fn}[${args.join(', ')}]`;
    case 'EXTRACT':
      return `EXTRACT(${unit(args[0])} FROM ${args[1]})`;
    case 'FLOOR':
    case 'CEIL':
      return args.length === 2 && /^'[A-Z]+'$/.test(args[1] ?? '') ? `${fn}(${args[0]} TO ${unit(args[1])})` : `${fn}(${args.join(', ')})`;
    case 'POSITION':
      return `POSITION(${args[0]} IN ${args[1]})`;
    case 'LTRIM':
    case 'RTRIM':
      return args.length === 2 ? `TRIM(${fn === 'LTRIM' ? 'LEADING' : 'TRAILING'} ${args[1]} FROM ${args[0]})` : `${fn}(${args[0]})`;
    case 'LIKE':
      return `(${args[0]} LIKE ${args[1]} ESCAPE ${args[2]})`;
    default:
      return `${fn}(${args.join(', ')})`;
  }
}

/** The text of an aggregate call as written, e.g. COUNT(*), COUNT(DISTINCT bidder), SUM(price) FILTER (WHERE price > 1). */
export function aggDisplay(fn: AggCall['fn'], arg: BoundExpr | undefined, distinct: boolean, filter: BoundExpr | undefined, input: Schema): string {
  const name = fn === 'COUNT_STAR' ? 'COUNT' : fn;
  const inner = arg ? `${distinct ? 'DISTINCT ' : ''}${exprToSql(arg, input)}` : '*';
  const f = filter ? ` FILTER (WHERE ${exprToSql(filter, input)})` : '';
  return `${name}(${inner})${f}`;
}
