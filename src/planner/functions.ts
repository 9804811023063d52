import type { Span } from '../common/errors.js';
import { EddyError } from '../common/errors.js';
import { closest as suggest } from '../common/errors.js';
import type { SqlType } from '../common/types.js';
import { NUMERIC_TYPES } from '../common/types.js';
import type { AggFn } from './bound.js';
import { SCALAR_SIGNATURES, type ArgInfo } from './scalar-signatures.js';

export type { ArgInfo } from './scalar-signatures.js';

const isNum = (t: SqlType): boolean => NUMERIC_TYPES.has(t) || t === 'NULL';

/** Type rules of the scalar functions implemented in src/exec/functions.ts (same upper-case names). */
export const SCALAR_FUNCTIONS = SCALAR_SIGNATURES;

export const AGGREGATE_FUNCTIONS: ReadonlySet<string> = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX']);
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

/**
 * The AggFn and result type of an aggregate call. COUNT → BIGINT; SUM of integers → BIGINT, of FLOAT/DOUBLE → DOUBLE;
 * AVG keeps integer types (as Flink) and gives DOUBLE for FLOAT/DOUBLE; MIN/MAX keep the argument type.
 */
export function aggregateCallType(name: string, star: boolean, args: readonly ArgInfo[], span: Span): { readonly fn: AggFn; readonly type: SqlType } {
  if (name === 'COUNT' && star) return { fn: 'COUNT_STAR', type: 'BIGINT' };
  if (star) throw new EddyError('TYPE_MISMATCH', `${name}(*) is not allowed`, span, `only COUNT accepts *; write ${name}(column)`);
  if (args.length !== 1) {
    throw new EddyError('TYPE_MISMATCH', `${name} takes 1 argument, got ${args.length}`, span, `usage: ${name}(expression)`);
  }
  const arg = args[0]!;
  switch (name) {
    case 'COUNT':
      return { fn: 'COUNT', type: 'BIGINT' };
    case 'SUM':
    case 'AVG': {
      if (!isNum(arg.type)) {
        throw new EddyError('TYPE_MISMATCH', `${name} does not accept ${arg.type}`, arg.span, `${name} needs a numeric argument (INT, BIGINT, FLOAT, DOUBLE)`);
      }
      const fractional = arg.type === 'FLOAT' || arg.type === 'DOUBLE';
      if (name === 'SUM') return { fn: 'SUM', type: fractional ? 'DOUBLE' : 'BIGINT' };
      return { fn: 'AVG', type: fractional ? 'DOUBLE' : arg.type === 'NULL' ? 'INT' : arg.type };
    }
    case 'MIN':
    case 'MAX':
      if (arg.type === 'INTERVAL') {
        throw new EddyError('TYPE_MISMATCH', `${name} does not accept INTERVAL`, arg.span, `${name} needs a comparable argument`);
      }
      return { fn: name, type: arg.type };
    default:
      return unknownFunction(name, span);
  }
}
