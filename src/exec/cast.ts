import { EddyError } from '../common/errors.js';
import { typeName, type SqlType, type Value } from '../common/types.js';
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
  return new EddyError('QUERY_FAILED', `cannot cast ${JSON.stringify(v)} to ${typeName(to)}`, undefined, 'fix the input data or filter such rows out before the CAST');
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

/** The conversion for CAST(<from> AS <to>); `null` means the value passes through unchanged. */
export function castFunction(from: SqlType, to: SqlType): CastFn | null {
  if (from === to || from === 'NULL') return null;
  if (isCollection(from) || isCollection(to)) return collectionCast(from, to);
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
