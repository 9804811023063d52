import { decimalParams, isDecimal, type SqlType, type Value } from '../common/types.js';
import { INT64_MAX, INT64_MIN, canonical, decimalFromDouble, formatDecimal, parseDecimal } from '../common/exact.js';
import { assertNever } from '../common/errors.js';
import { isCollection } from '../common/collection-types.js';
import { coerceCollection, collectionOutputText } from './collection-values.js';

/** Marker returned by coerceValue when a raw value does not fit the column type. */
export const BAD: unique symbol = Symbol('BAD');
export type Bad = typeof BAD;

export { daysFromCivil, formatTimestamp, parseTimestamp } from '../common/time.js';
import { INTEGER_TEXT, formatTimestamp, inTimestampRange, parseTimestamp } from '../common/time.js';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

function toInteger(raw: unknown, min: number, max: number): number | Bad {
  let v: number;
  if (typeof raw === 'number') v = raw;
  else if (typeof raw === 'string') {
    const t = raw.trim();
    if (!INTEGER_TEXT.test(t)) return BAD;
    v = Number(t);
  } else return BAD;
  return Number.isInteger(v) && v >= min && v <= max ? v : BAD;
}

/** A BIGINT: exact over 64 bits (numbers beyond 2^53 arrive as text or BigInt; see JsonRowDecoder). */
function toBigint(raw: unknown): Value | Bad {
  if (typeof raw === 'number') {
    if (Number.isSafeInteger(raw)) return raw;
    // A double beyond 2^53 is taken as the integer it denotes (JSON.parse already rounded it).
    return Number.isInteger(raw) && raw >= -(2 ** 63) && raw < 2 ** 63 ? canonical(BigInt(raw)) : BAD;
  }
  let b: bigint;
  if (typeof raw === 'bigint') b = raw;
  else if (typeof raw === 'string') {
    const t = raw.trim();
    if (!INTEGER_TEXT.test(t)) return BAD;
    if (t.length <= 15) return Number(t);
    b = BigInt(t);
  } else return BAD;
  return b >= INT64_MIN && b <= INT64_MAX ? canonical(b) : BAD;
}

/** A DECIMAL(p, s) unscaled value, rounded HALF_UP; NULL when it needs more than p digits (Flink's json format does the same). */
function toDecimal(raw: unknown, type: SqlType): Value | Bad {
  const { precision, scale } = decimalParams(type)!;
  let v: Value | undefined;
  if (typeof raw === 'number') v = decimalFromDouble(raw, precision, scale);
  else if (typeof raw === 'string') v = parseDecimal(raw, precision, scale);
  else if (typeof raw === 'bigint') v = parseDecimal(String(raw), precision, scale);
  return v === undefined ? BAD : v;
}

function toDouble(raw: unknown): number | Bad {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') return Number(raw);
  if (typeof raw !== 'string') return BAD;
  const t = raw.trim();
  if (t === '') return BAD;
  const v = Number(t);
  return Number.isNaN(v) && t !== 'NaN' ? BAD : v;
}

/**
 * Converts a raw JSON/CSV/object value to the column type. undefined/null → NULL; with `csv`,
 * an empty field is NULL too. Numeric and boolean text is accepted (CSV has no other kind).
 * Returns BAD when the value does not fit; `badValueReason` then explains why.
 */
export function coerceValue(raw: unknown, type: SqlType, csv = false): Value | Bad {
  if (raw === null || raw === undefined) return null;
  if (csv && raw === '') return null;
  if (isCollection(type)) return coerceCollection(raw, type, (x, t) => { const v = coerceValue(x, t); return v === BAD ? undefined : v; }) ?? BAD;
  if (isDecimal(type)) return toDecimal(raw, type);
  switch (type) {
    case 'VARCHAR':
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return String(raw);
      if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? BAD : formatTimestamp(raw.getTime());
      return typeof raw === 'object' ? JSON.stringify(raw) : BAD;
    case 'DOUBLE':
    case 'FLOAT':
      return toDouble(raw);
    case 'INT':
      return toInteger(raw, INT_MIN, INT_MAX);
    case 'BIGINT':
      return toBigint(raw);
    case 'INTERVAL':
      return toInteger(raw, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    case 'BOOLEAN':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string') {
        const t = raw.trim().toLowerCase();
        if (t === 'true') return true;
        if (t === 'false') return false;
      }
      return BAD;
    case 'TIMESTAMP': {
      if (typeof raw === 'number' || typeof raw === 'string') {
        const v = parseTimestamp(typeof raw === 'string' ? raw.trim() : raw);
        return v === null ? BAD : v;
      }
      if (raw instanceof Date) {
        const v = raw.getTime();
        return inTimestampRange(v) ? v : BAD;
      }
      return BAD;
    }
    case 'NULL':
      return BAD;
    default:
      return assertNever(type, 'SQL type');
  }
}

/** Why `raw` is not a valid `type`, e.g. `expected DOUBLE, got "abc"`. */
export function badValueReason(raw: unknown, type: SqlType): string {
  let shown: string;
  try {
    shown = raw instanceof Date ? 'an invalid date' : typeof raw === 'bigint' ? String(raw) : JSON.stringify(raw) ?? String(raw);
  } catch {
    shown = String(raw);
  }
  if (shown.length > 60) shown = shown.slice(0, 57) + '...';
  const extra =
    type === 'INT' && typeof raw === 'number' && Number.isInteger(raw)
      ? ' (out of INT range; use BIGINT)'
      : type === 'BIGINT' && ((typeof raw === 'number' && Number.isInteger(raw)) || typeof raw === 'bigint' || (typeof raw === 'string' && INTEGER_TEXT.test(raw.trim())))
        ? ' (beyond the 64-bit range)'
        : type === 'TIMESTAMP' && (typeof raw === 'number' || (typeof raw === 'string' && INTEGER_TEXT.test(raw.trim())))
          ? ' (epoch ms outside the years 0000-9999)'
          : type === 'TIMESTAMP'
          ? " (use epoch ms, 'yyyy-MM-dd HH:mm:ss[.SSS]' or ISO-8601)"
          : '';
  return `expected ${type === 'TIMESTAMP' ? 'TIMESTAMP(3)' : type}, got ${shown}${extra}`;
}

/** A DECIMAL value's text, exactly `scale` digits after the point. */
export function decimalText(v: Value, type: SqlType): string {
  return formatDecimal(v as number | bigint, decimalParams(type)!.scale);
}

export type OutputFormat = 'json' | 'csv' | 'table';

/**
 * A value as an output format shows it: json keeps numbers/booleans/null (TIMESTAMP as text,
 * non-finite numbers as null); csv and table give text, NULL as '' and 'NULL' respectively.
 */
export function formatValueForOutput(v: Value, type: SqlType, format: OutputFormat): Value {
  if (v === null) return format === 'json' ? null : format === 'csv' ? '' : 'NULL';
  if (isCollection(type) && format !== 'json') return collectionOutputText(v, type, (x, t) => String(formatValueForOutput(x, t, 'table')));
  if (type === 'TIMESTAMP' && typeof v === 'number') return formatTimestamp(v);
  if (isDecimal(type)) return decimalText(v, type);
  if (typeof v === 'bigint') return String(v);
  if (format === 'json') return typeof v === 'number' && !Number.isFinite(v) ? null : v;
  return String(v);
}
