import { EddyError } from '../common/errors.js';
import type { SqlType, Value } from '../common/types.js';
import type { UserFunction } from '../planner/user-functions.js';

/**
 * The call of a user-defined function from compiled code: `(row, ...args)`. Arguments go in as JS
 * values (TIMESTAMP as a Date, as the API gives them); the result comes back in the declared type
 * (undefined is NULL, a bigint or Date is converted). A throw, or a result of the wrong type,
 * becomes an EddyError naming the function, its arguments and the row.
 */
export function udfInvoker(fn: UserFunction, argTypes: readonly SqlType[]): (row: unknown, ...args: Value[]) => Value {
  const dates = argTypes.map((t) => t === 'TIMESTAMP');
  const anyDate = dates.some(Boolean);
  const invoke = fn.invoke;
  const convert = resultConverter(fn.returns);
  return (row, ...args) => {
    const jsArgs: unknown[] = anyDate ? args.map((a, i) => (dates[i] && typeof a === 'number' ? new Date(a) : a)) : args;
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
      case 'BIGINT':
        if (typeof v === 'bigint') return Number(v);
        return typeof v === 'number' && Number.isInteger(v) ? v : BAD;
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
