import { EddyError } from '../common/errors.js';
import { decimalParams, isDecimal, typeName, type SqlType, type Value } from '../common/types.js';
import { INT64_MAX, INT64_MIN, canonical, decimalFromDouble, decimalToDouble, decimalTrunc, formatDecimal, parseDecimal, rescale, wrap64, type ExactInt } from '../common/exact.js';
import { decimalToDecimal } from './decimal-ops.js';
import { formatDouble, formatTimestamp, parseTimestamp } from './time-format.js';
import { collectionShape, collectionText, isCollection } from '../common/collection-types.js';

/**
 * CAST conversions, chosen once at compile time per (from, to) pair. A value that cannot be
 * converted (CAST('abc' AS INT)) raises QUERY_FAILED rather than yielding NULL: Flink's CAST fails
 * the job too, and a silent NULL would hide bad input. TIMESTAMP <-> numbers use epoch
 * milliseconds, the engine's native TIMESTAMP representation.
 */
export type CastFn = (v: Value) => Value;

const INT_RE = /^[+-]?\d+$/;
const NUM_RE = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function castError(v: Value, to: SqlType): EddyError {
  return new EddyError('QUERY_FAILED', `cannot cast ${typeof v === 'bigint' ? String(v) : JSON.stringify(v)} to ${typeName(to)}`, undefined, 'fix the input data or filter such rows out before the CAST');
}

function numberToString(from: SqlType): CastFn {
  return from === 'FLOAT' || from === 'DOUBLE' ? (v) => formatDouble(v as number) : (v) => String(v);
}

function toVarchar(from: SqlType): CastFn | undefined {
  switch (from) {
    case 'BOOLEAN':
      return (v) => (v ? 'TRUE' : 'FALSE');
    case 'TIMESTAMP':
      return (v) => formatTimestamp(v as number);
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'INTERVAL':
      return numberToString(from);
    default:
      return undefined;
  }
}

function toInteger(from: SqlType, to: SqlType): CastFn | undefined {
  switch (from) {
    case 'VARCHAR':
      return (v) => {
        const s = (v as string).trim();
        if (!INT_RE.test(s)) throw castError(v, to);
        return Number(s);
      };
    case 'FLOAT':
    case 'DOUBLE':
      return (v) => {
        if (!Number.isFinite(v)) throw castError(v, to);
        return Math.trunc(v as number) + 0;
      };
    case 'BOOLEAN':
      return (v) => (v ? 1 : 0);
    case 'INT':
    case 'BIGINT':
    case 'TIMESTAMP':
    case 'INTERVAL':
      return undefined;
    default:
      return undefined;
  }
}

function toDouble(from: SqlType, to: SqlType): CastFn | undefined {
  switch (from) {
    case 'VARCHAR':
      return (v) => {
        const s = (v as string).trim();
        if (NUM_RE.test(s)) return Number(s);
        const special = s.replace(/^\+/, '');
        if (special === 'NaN') return NaN;
        if (special === 'Infinity') return s.startsWith('-') ? -Infinity : Infinity;
        if (special === '-Infinity') return -Infinity;
        throw castError(v, to);
      };
    case 'BOOLEAN':
      return (v) => (v ? 1 : 0);
    default:
      return undefined;
  }
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

/**
 * CASTs from and to DECIMAL, as Flink: to DECIMAL rounds HALF_UP and gives NULL when the value
 * needs more digits than the precision; from DECIMAL to an integer truncates toward zero (wrapping
 * as Java's long/int conversions); undefined when neither side is a DECIMAL.
 */
function decimalCast(from: SqlType, to: SqlType): CastFn | undefined {
  if (isDecimal(to)) {
    const { precision, scale } = decimalParams(to)!;
    if (isDecimal(from)) {
      const f = decimalToDecimal(from, to);
      return (v) => f(v as ExactInt);
    }
    switch (from) {
      case 'INT':
      case 'BIGINT':
        return (v) => rescale(v as ExactInt, 0, scale, precision);
      case 'BOOLEAN':
        return (v) => rescale(v ? 1 : 0, 0, scale, precision);
      case 'FLOAT':
      case 'DOUBLE':
        return (v) => {
          const x = decimalFromDouble(v as number, precision, scale);
          if (x === undefined) throw castError(v, to);
          return x;
        };
      case 'VARCHAR':
        return (v) => {
          const x = parseDecimal(v as string, precision, scale);
          if (x === undefined) throw castError(v, to);
          return x;
        };
      default:
        return undefined;
    }
  }
  if (!isDecimal(from)) return undefined;
  const { scale } = decimalParams(from)!;
  switch (to) {
    case 'VARCHAR':
      return (v) => formatDecimal(v as ExactInt, scale);
    case 'FLOAT':
    case 'DOUBLE':
      return (v) => decimalToDouble(v as ExactInt, scale);
    case 'BIGINT':
      return (v) => wrap64(decimalTrunc(v as ExactInt, scale));
    case 'INT':
      return (v) => Number(BigInt.asIntN(32, decimalTrunc(v as ExactInt, scale)));
    case 'BOOLEAN':
      return (v) => v !== 0;
    default:
      return undefined;
  }
}

/** BIGINT conversions where a value may be a BigInt (beyond 2^53); undefined where the general rules apply. */
function bigintCast(from: SqlType, to: SqlType): CastFn | null | undefined {
  if (from === 'BIGINT') {
    if (to === 'FLOAT' || to === 'DOUBLE') return (v) => (typeof v === 'bigint' ? Number(v) : v);
    if (to === 'INT') return (v) => (typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : v);
    if (to === 'TIMESTAMP') {
      return (v) => {
        if (typeof v === 'bigint') throw castError(v, to);
        return v;
      };
    }
    return undefined;
  }
  if (to !== 'BIGINT') return undefined;
  if (from === 'VARCHAR') {
    return (v) => {
      const s = (v as string).trim();
      if (!INT_RE.test(s)) throw castError(v, to);
      if (s.length <= 15) return Number(s);
      const b = BigInt(s);
      if (b < INT64_MIN || b > INT64_MAX) throw castError(v, to);
      return canonical(b);
    };
  }
  if (from === 'FLOAT' || from === 'DOUBLE') {
    // Java's (long) of a double: truncated, saturating at the 64-bit bounds.
    return (v) => {
      if (!Number.isFinite(v)) throw castError(v, to);
      const t = Math.trunc(v as number) + 0;
      if (Number.isSafeInteger(t)) return t;
      const b = BigInt(t);
      return canonical(b < INT64_MIN ? INT64_MIN : b > INT64_MAX ? INT64_MAX : b);
    };
  }
  return undefined;
}

/** The conversion for CAST(<from> AS <to>); `null` means the value passes through unchanged. */
export function castFunction(from: SqlType, to: SqlType): CastFn | null {
  if (from === to || from === 'NULL') return null;
  if (isCollection(from) || isCollection(to)) return collectionCast(from, to);
  const dec = decimalCast(from, to);
  if (dec !== undefined) return dec;
  const big = bigintCast(from, to);
  if (big !== undefined) return big;
  const unsupported = (): never => {
    throw new EddyError('TYPE_MISMATCH', `cannot cast ${typeName(from)} to ${typeName(to)}`);
  };
  switch (to) {
    case 'VARCHAR':
      return toVarchar(from) ?? unsupported();
    case 'INT':
    case 'BIGINT':
      if (from === 'INT' || from === 'BIGINT' || from === 'TIMESTAMP' || from === 'INTERVAL') return null;
      return toInteger(from, to) ?? unsupported();
    case 'FLOAT':
    case 'DOUBLE':
      if (from === 'INT' || from === 'BIGINT' || from === 'FLOAT' || from === 'DOUBLE' || from === 'TIMESTAMP') return null;
      return toDouble(from, to) ?? unsupported();
    case 'BOOLEAN':
      if (from === 'VARCHAR') {
        return (v) => {
          const s = (v as string).trim().toLowerCase();
          if (TRUE_WORDS.has(s)) return true;
          if (FALSE_WORDS.has(s)) return false;
          throw castError(v, to);
        };
      }
      if (from === 'INT' || from === 'BIGINT' || from === 'FLOAT' || from === 'DOUBLE') return (v) => v !== 0;
      return unsupported();
    case 'TIMESTAMP':
      if (from === 'VARCHAR') {
        return (v) => {
          const ms = parseTimestamp(v as string);
          if (ms === null) throw castError(v, to);
          return ms;
        };
      }
      if (from === 'INT' || from === 'BIGINT') return null;
      if (from === 'FLOAT' || from === 'DOUBLE') return (v) => Math.trunc(v as number) + 0;
      return unsupported();
    case 'INTERVAL':
    case 'NULL':
      return unsupported();
    default:
      return unsupported();
  }
}

/** CAST of collections: to VARCHAR as Flink prints them (`[1, 2]`, `{a=1}`); element-wise to a collection of other element types. */
function collectionCast(from: SqlType, to: SqlType): CastFn | null {
  if (to === 'VARCHAR') {
    const scalar = (x: Value, t: SqlType): string => String(castFunction(t, 'VARCHAR')?.(x) ?? x);
    return (v) => collectionText(v, from, scalar);
  }
  const f = collectionShape(from);
  const t = collectionShape(to);
  const each = (a: SqlType, b: SqlType): CastFn | null => castFunction(a, b);
  if (f?.kind === 'array' && t?.kind === 'array') {
    const e = each(f.element, t.element);
    return e === null ? null : (v) => (v as Value[]).map((x) => (x === null ? null : e(x)));
  }
  if (f?.kind === 'map' && t?.kind === 'map') {
    const k = each(f.key, t.key);
    const x = each(f.value, t.value);
    if (k === null && x === null) return null;
    return (v) => new Map([...(v as Map<Value, Value>)].map(([a, b]) => [a === null || k === null ? a : k(a), b === null || x === null ? b : x(b)]));
  }
  throw new EddyError('TYPE_MISMATCH', `cannot cast ${typeName(from)} to ${typeName(to)}`);
}
