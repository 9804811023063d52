import { EddyError } from '../common/errors.js';
import { canonical, formatDecimal, parseDecimal, wrap64 } from '../common/exact.js';
import { decimalParams, isDecimal, type SqlType, type Value } from '../common/types.js';
import { isCollection, toApiValue } from '../common/collection-types.js';
import type { UserFunction } from '../planner/user-functions.js';

/**
 * The call of a user-defined function from compiled code: `(row, ...args)`. Arguments go in as JS
 * values (TIMESTAMP as a Date, as the API gives them); the result comes back in the declared type
 * (undefined is NULL, a bigint or Date is converted). A throw, or a result of the wrong type,
 * becomes an EddyError naming the function, its arguments and the row.
 */
export function udfInvoker(fn: UserFunction, argTypes: readonly SqlType[]): (row: unknown, ...args: Value[]) => Value {
  // Arguments as the API gives values: TIMESTAMP a Date, DECIMAL its exact text, a collection arrays/Maps/objects.
  const toJs = argTypes.map((t): ((v: Value) => unknown) | null => {
    if (t === 'TIMESTAMP') return (a) => (typeof a === 'number' ? new Date(a) : a);
    if (isDecimal(t)) return (a) => (a === null ? null : formatDecimal(a as number | bigint, decimalParams(t)!.scale));
    if (isCollection(t)) return (a) => toApiValue(a, t);
    return null;
  });
  const anyConverted = toJs.some((c) => c !== null);
  const invoke = fn.invoke;
  const convert = resultConverter(fn.returns);
  return (row, ...args) => {
    const jsArgs: unknown[] = anyConverted ? args.map((a, i) => (toJs[i] ? toJs[i]!(a) : a)) : args;
    let out: unknown;
    try {
      out = invoke(...jsArgs);
    } catch (e) {
      throw failure(fn, jsArgs, row, `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, e);
    }
    const v = convert(out);
    if (v === BAD) throw failure(fn, jsArgs, row, `returned ${show(out)}, not ${fn.returns}`);
    return v;
  };
}

const BAD = Symbol('bad');

function resultConverter(type: SqlType): (v: unknown) => Value | typeof BAD {
  return (v) => {
    if (v === null || v === undefined) return null;
    switch (type) {
      case 'INT':
        if (typeof v === 'bigint') return Number(v);
        return typeof v === 'number' && Number.isInteger(v) ? v : BAD;
      case 'BIGINT':
        // Exact over 64 bits (wrapping as Java's long), a number while safe.
        if (typeof v === 'bigint') return wrap64(v);
        return typeof v === 'number' && Number.isSafeInteger(v) ? v : typeof v === 'number' && Number.isInteger(v) ? canonical(BigInt(v)) : BAD;
      case 'FLOAT':
      case 'DOUBLE':
        if (typeof v === 'bigint') return Number(v);
        return typeof v === 'number' ? v : BAD;
      case 'BOOLEAN':
        return typeof v === 'boolean' ? v : BAD;
      case 'VARCHAR':
        return typeof v === 'string' ? v : BAD;
      case 'TIMESTAMP':
        if (v instanceof Date) return Number.isNaN(v.getTime()) ? BAD : v.getTime();
        return typeof v === 'number' && Number.isFinite(v) ? Math.floor(v) : BAD;
      default:
        if (isDecimal(type)) {
          // A number, bigint or digit string, rounded HALF_UP to the type's scale; NULL beyond its precision (as Flink).
          const { precision, scale } = decimalParams(type)!;
          if (typeof v !== 'number' && typeof v !== 'bigint' && typeof v !== 'string') return BAD;
          const x = parseDecimal(String(v), precision, scale);
          return x === undefined ? BAD : x;
        }
        return BAD;
    }
  };
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'object' && v !== null) {
    try {
      return JSON.stringify(v);
    } catch {
      return String(v);
    }
  }
  return String(v);
}

function failure(fn: UserFunction, args: readonly unknown[], row: unknown, what: string, cause?: unknown): EddyError {
  const rowText = Array.isArray(row) ? `[${row.map(show).join(', ')}]` : show(row);
  const err = new EddyError('QUERY_FAILED', `function ${fn.name}(${args.map(show).join(', ')}) ${what}, on row ${rowText}`, undefined, 'fix the function, or keep the rows it cannot take from reaching it (WHERE, CASE)');
  return cause === undefined ? err : Object.assign(err, { cause });
}
