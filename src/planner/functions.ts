import type { Span } from '../common/errors.js';
import { isCollection } from '../common/collection-types.js';
import { EddyError } from '../common/errors.js';
import { closest as suggest } from '../common/errors.js';
import type { SqlType } from '../common/types.js';
import { NUMERIC_TYPES, isDecimal } from '../common/types.js';
import { decimalAvgType, decimalSumType } from './decimal-type-rules.js';
import type { AggFn, BoundExpr } from './bound.js';
import { foldExpr } from './fold.js';
import { SCALAR_SIGNATURES, type ArgInfo } from './scalar-signatures.js';

export type { ArgInfo } from './scalar-signatures.js';

const isNum = (t: SqlType): boolean => NUMERIC_TYPES.has(t) || t === 'NULL';

/** Type rules of the scalar functions implemented in src/exec/functions.ts (same upper-case names). */
export const SCALAR_FUNCTIONS = SCALAR_SIGNATURES;

export const WINDOW_FUNCTIONS: ReadonlySet<string> = new Set(['TUMBLE', 'HOP', 'SESSION', 'CUMULATE']);
const AUX_SUFFIXES = ['START', 'END', 'ROWTIME'] as const;
export type WindowAuxPart = (typeof AUX_SUFFIXES)[number];

/** Splits TUMBLE_START / HOP_END / SESSION_ROWTIME ... into the window function and the part it names. */
export function windowAux(name: string): { readonly fn: string; readonly part: WindowAuxPart } | undefined {
  const i = name.lastIndexOf('_');
  if (i < 0) return undefined;
  const fn = name.slice(0, i);
  const part = name.slice(i + 1) as WindowAuxPart;
  return WINDOW_FUNCTIONS.has(fn) && AUX_SUFFIXES.includes(part) ? { fn, part } : undefined;
}

function allFunctionNames(): string[] {
  const aux = [...WINDOW_FUNCTIONS].flatMap((w) => AUX_SUFFIXES.map((s) => `${w}_${s}`));
  return [...Object.keys(SCALAR_FUNCTIONS), ...AGGREGATE_FUNCTIONS, ...WINDOW_FUNCTIONS, ...aux];
}

/** Whether `name` (upper-case) is a built-in function or a ranking function, which a user-defined function may not shadow. */
export function isBuiltinFunction(name: string): boolean {
  return allFunctionNames().includes(name) || ['ROW_NUMBER', 'RANK', 'DENSE_RANK', 'CAST', 'TRY_CAST'].includes(name);
}

/** Throws UNKNOWN_FUNCTION for `name`, suggesting the closest known function. */
export function unknownFunction(name: string, span: Span): never {
  const guess = suggest(name, allFunctionNames());
  throw new EddyError('UNKNOWN_FUNCTION', `unknown function '${name}'`, span, guess ? `did you mean '${guess}'?` : `known functions: ${Object.keys(SCALAR_FUNCTIONS).join(', ')}`);
}

/** Result type of a scalar function call; throws UNKNOWN_FUNCTION or TYPE_MISMATCH (pointing at the offending argument). */
export function scalarCallType(name: string, args: readonly ArgInfo[], nameSpan: Span, span: Span): SqlType {
  const sig = SCALAR_FUNCTIONS[name];
  if (!sig) return unknownFunction(name, nameSpan);
  if (args.length < sig.minArgs || args.length > sig.maxArgs) {
    const want = sig.minArgs === sig.maxArgs ? `${sig.minArgs}` : sig.maxArgs === Infinity ? `at least ${sig.minArgs}` : `${sig.minArgs} to ${sig.maxArgs}`;
    throw new EddyError('TYPE_MISMATCH', `${name} takes ${want} argument${want === '1' ? '' : 's'}, got ${args.length}`, span, `usage: ${sig.usage}`);
  }
  return sig.result(args, name);
}

const AGGREGATE_USAGE: Readonly<Record<string, string>> = {
  COUNT: 'COUNT(*), COUNT([DISTINCT] expression)',
  SUM: 'SUM([DISTINCT] number)',
  AVG: 'AVG([DISTINCT] number)',
  MIN: 'MIN(expression)',
  MAX: 'MAX(expression)',
  APPROX_COUNT_DISTINCT: 'APPROX_COUNT_DISTINCT(expression)',
  STDDEV_POP: 'STDDEV_POP([DISTINCT] number)',
  STDDEV_SAMP: 'STDDEV_SAMP([DISTINCT] number)',
  STDDEV: 'STDDEV([DISTINCT] number)',
  VAR_POP: 'VAR_POP([DISTINCT] number)',
  VAR_SAMP: 'VAR_SAMP([DISTINCT] number)',
  VARIANCE: 'VARIANCE([DISTINCT] number)',
  FIRST_VALUE: 'FIRST_VALUE(expression)',
  LAST_VALUE: 'LAST_VALUE(expression)',
  LISTAGG: "LISTAGG(string[, separator]), e.g. LISTAGG(name, '; ')",
  APPROX_PERCENTILE: 'APPROX_PERCENTILE(number, p), e.g. APPROX_PERCENTILE(latency, 0.95)',
};

export const AGGREGATE_FUNCTIONS: ReadonlySet<string> = new Set(Object.keys(AGGREGATE_USAGE));

/** Aliases of aggregate functions, as Flink and Calcite spell them. */
const AGGREGATE_ALIASES: Readonly<Record<string, AggFn>> = { STDDEV: 'STDDEV_SAMP', VARIANCE: 'VAR_SAMP' };

/** Aggregates whose result depends on the order or multiplicity of values in a way DISTINCT cannot keep. */
const NO_DISTINCT: ReadonlySet<string> = new Set(['FIRST_VALUE', 'LAST_VALUE', 'LISTAGG', 'APPROX_PERCENTILE']);

/** The planned form of an aggregate call: see aggregateCallType. */
export interface AggregateSignature {
  readonly fn: AggFn;
  readonly type: SqlType;
  /** Constant extra arguments (LISTAGG's separator, APPROX_PERCENTILE's p), folded to literals. */
  readonly constants?: readonly BoundExpr[];
}

function arity(name: string, args: readonly ArgInfo[], min: number, max: number, span: Span): void {
  if (args.length >= min && args.length <= max) return;
  const want = min === max ? `${min} argument${min === 1 ? '' : 's'}` : `${min} or ${max} arguments`;
  throw new EddyError('TYPE_MISMATCH', `${name} takes ${want}, got ${args.length}`, span, `usage: ${AGGREGATE_USAGE[name]}`);
}

function needNumeric(name: string, arg: ArgInfo, decimals = true): void {
  if (isDecimal(arg.type) && !decimals) {
    throw new EddyError('UNSUPPORTED', `${name} does not accept DECIMAL yet`, arg.span, `CAST the argument AS DOUBLE: ${name}(CAST(... AS DOUBLE))`);
  }
  if (!isNum(arg.type) && !isDecimal(arg.type)) {
    throw new EddyError('TYPE_MISMATCH', `${name} does not accept ${arg.type}`, arg.span, `${name} needs a numeric argument (INT, BIGINT, FLOAT, DOUBLE)`);
  }
}

/** The folded literal of a constant argument, or a TYPE_MISMATCH naming what it must be. */
function constant(name: string, arg: ArgInfo, what: string): Extract<BoundExpr, { kind: 'literal' }> {
  const e = arg.expr ? foldExpr(arg.expr) : undefined;
  if (e?.kind !== 'literal' || e.value === null) {
    throw new EddyError('TYPE_MISMATCH', `${name}'s ${what} must be a constant`, arg.span, `usage: ${AGGREGATE_USAGE[name]}`);
  }
  return e;
}

/**
 * The AggFn, result type and constant arguments of an aggregate call; throws TYPE_MISMATCH for
 * bad arguments and UNSUPPORTED for DISTINCT where it cannot apply. COUNT and
 * APPROX_COUNT_DISTINCT → BIGINT; SUM of integers → BIGINT, of FLOAT/DOUBLE → DOUBLE; AVG and the
 * variance family keep integer types (as Flink) and give DOUBLE for FLOAT/DOUBLE; MIN, MAX,
 * FIRST_VALUE, LAST_VALUE and APPROX_PERCENTILE keep the argument type; LISTAGG → VARCHAR.
 */
export function aggregateCallType(name: string, star: boolean, args: readonly ArgInfo[], span: Span, distinct = false): AggregateSignature {
  if (name === 'COUNT' && star) return { fn: 'COUNT_STAR', type: 'BIGINT' };
  const usage = AGGREGATE_USAGE[name];
  if (usage === undefined) return unknownFunction(name, span);
  if (star) throw new EddyError('TYPE_MISMATCH', `${name}(*) is not allowed`, span, `only COUNT accepts *; write ${name}(column)`);
  if (distinct && NO_DISTINCT.has(name)) {
    throw new EddyError('UNSUPPORTED', `${name}(DISTINCT ...) is not supported`, span, `remove DISTINCT; usage: ${usage}`);
  }
  arity(name, args, name === 'APPROX_PERCENTILE' ? 2 : 1, name === 'LISTAGG' || name === 'APPROX_PERCENTILE' ? 2 : 1, span);
  const arg = args[0]!;
  const fractional = arg.type === 'FLOAT' || arg.type === 'DOUBLE';
  switch (name) {
    case 'COUNT':
      return { fn: 'COUNT', type: 'BIGINT' };
    case 'APPROX_COUNT_DISTINCT':
      if (arg.type === 'INTERVAL') throw new EddyError('TYPE_MISMATCH', `${name} does not accept INTERVAL`, arg.span, `usage: ${usage}`);
      return { fn: name, type: 'BIGINT' };
    case 'SUM':
      needNumeric(name, arg);
      if (isDecimal(arg.type)) return { fn: 'SUM', type: decimalSumType(arg.type) };
      return { fn: 'SUM', type: fractional ? 'DOUBLE' : 'BIGINT' };
    case 'AVG':
    case 'STDDEV_POP':
    case 'STDDEV_SAMP':
    case 'STDDEV':
    case 'VAR_POP':
    case 'VAR_SAMP':
    case 'VARIANCE':
      needNumeric(name, arg, name === 'AVG');
      if (isDecimal(arg.type)) return { fn: 'AVG', type: decimalAvgType(arg.type) };
      return { fn: AGGREGATE_ALIASES[name] ?? (name as AggFn), type: fractional ? 'DOUBLE' : arg.type === 'NULL' ? 'INT' : arg.type };
    case 'MIN':
    case 'MAX':
    case 'FIRST_VALUE':
    case 'LAST_VALUE':
      if (arg.type === 'INTERVAL') {
        throw new EddyError('TYPE_MISMATCH', `${name} does not accept INTERVAL`, arg.span, `${name} needs a comparable argument`);
      }
      if ((name === 'MIN' || name === 'MAX') && isCollection(arg.type)) {
        throw new EddyError('TYPE_MISMATCH', `${name} does not accept ${arg.type}`, arg.span, `collections have no order; aggregate an element or the size, e.g. ${name}(CARDINALITY(x))`);
      }
      return { fn: name, type: arg.type };
    case 'LISTAGG': {
      if (arg.type !== 'VARCHAR' && arg.type !== 'NULL') {
        throw new EddyError('TYPE_MISMATCH', `LISTAGG does not accept ${arg.type}`, arg.span, 'LISTAGG joins strings: CAST the argument AS VARCHAR');
      }
      const sep = args[1] ? constant(name, args[1], 'separator') : ({ kind: 'literal', value: ',', type: 'VARCHAR' } as const);
      if (sep.type !== 'VARCHAR') throw new EddyError('TYPE_MISMATCH', `LISTAGG's separator must be a string, not ${sep.type}`, args[1]!.span, `usage: ${usage}`);
      return { fn: 'LISTAGG', type: 'VARCHAR', constants: [sep] };
    }
    case 'APPROX_PERCENTILE': {
      if ((!isNum(arg.type) && arg.type !== 'TIMESTAMP') || isDecimal(arg.type)) {
        throw new EddyError('TYPE_MISMATCH', `APPROX_PERCENTILE does not accept ${arg.type}`, arg.span, 'APPROX_PERCENTILE needs a numeric or TIMESTAMP argument');
      }
      const p = constant(name, args[1]!, 'percentile');
      if (typeof p.value !== 'number' || p.type === 'TIMESTAMP' || p.type === 'INTERVAL' || !(p.value >= 0 && p.value <= 1)) {
        throw new EddyError('TYPE_MISMATCH', `APPROX_PERCENTILE's percentile must be a number from 0 to 1, got ${String(p.value)}`, args[1]!.span, 'e.g. 0.5 for the median, 0.99 for the 99th percentile');
      }
      return { fn: 'APPROX_PERCENTILE', type: arg.type === 'NULL' ? 'DOUBLE' : arg.type, constants: [p] };
    }
    default:
      return unknownFunction(name, span);
  }
}
