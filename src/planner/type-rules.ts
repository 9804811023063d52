import type { SqlType } from '../common/types.js';
import { NUMERIC_TYPES, decimalParams, isDecimal } from '../common/types.js';
import { commonDecimalType } from './decimal-type-rules.js';
import { arrayOf, collectionShape, isCollection, mapOf } from '../common/collection-types.js';

const isNum = (t: SqlType): boolean => NUMERIC_TYPES.has(t) || isDecimal(t);

/**
 * Result type of arithmetic on two numeric types (the common numeric type): any FLOAT/DOUBLE →
 * DOUBLE, else any DECIMAL → the common DECIMAL (commonDecimalType), any BIGINT → BIGINT, else
 * INT. Decimal + - * / % derive their own types: decimalArithmeticType.
 */
export function promoteNumeric(a: SqlType, b: SqlType): SqlType {
  if (a === 'NULL') return b;
  if (b === 'NULL') return a;
  if (a === 'FLOAT' || a === 'DOUBLE' || b === 'FLOAT' || b === 'DOUBLE') return 'DOUBLE';
  if (isDecimal(a) || isDecimal(b)) return commonDecimalType(a, b);
  if (a === 'BIGINT' || b === 'BIGINT') return 'BIGINT';
  return 'INT';
}

/** The common type of two branches (CASE, COALESCE, IN), or undefined when they have none. NULL unifies with anything. */
export function unifyTypes(a: SqlType, b: SqlType): SqlType | undefined {
  if (a === b) return a;
  if (a === 'NULL') return b;
  if (b === 'NULL') return a;
  if (isNum(a) && isNum(b)) return promoteNumeric(a, b);
  return unifyCollections(a, b);
}

/** ARRAY<INT> and ARRAY<BIGINT> unify to ARRAY<BIGINT> (elements, keys and values unified alike); ROWs only when equal. */
function unifyCollections(a: SqlType, b: SqlType): SqlType | undefined {
  const sa = collectionShape(a);
  const sb = collectionShape(b);
  if (sa?.kind === 'array' && sb?.kind === 'array') {
    const e = unifyTypes(sa.element, sb.element);
    return e === undefined ? undefined : arrayOf(e);
  }
  if (sa?.kind === 'map' && sb?.kind === 'map') {
    const k = unifyTypes(sa.key, sb.key);
    const v = unifyTypes(sa.value, sb.value);
    return k === undefined || v === undefined ? undefined : mapOf(k, v);
  }
  return undefined;
}

/** Whether values of the two types may be compared with =, <, BETWEEN, IN. */
export function comparable(a: SqlType, b: SqlType): boolean {
  return unifyTypes(a, b) !== undefined && a !== 'INTERVAL';
}

/** Whether CAST(from AS to) is allowed. TIMESTAMP ↔ integer casts use epoch milliseconds. */
export function castAllowed(from: SqlType, to: SqlType): boolean {
  if (from === to || from === 'NULL') return true;
  if (isCollection(from) || isCollection(to)) return collectionCastAllowed(from, to);
  if (from === 'VARCHAR' || to === 'VARCHAR') return true;
  if (isNum(from) && isNum(to)) return true;
  if (from === 'BOOLEAN') return isNum(to);
  if (to === 'BOOLEAN') return isNum(from);
  if (from === 'TIMESTAMP') return to === 'BIGINT';
  if (to === 'TIMESTAMP') return from === 'BIGINT' || from === 'INT';
  return false;
}

/** Whether a value of type `from` may be written to a column of type `to` without an explicit CAST (widening only). */
export function assignable(from: SqlType, to: SqlType): boolean {
  if (from === to || from === 'NULL') return true;
  if (isDecimal(to) || isDecimal(from)) {
    // Only where the stored value needs no conversion: the same scale, no fewer digits (into DOUBLE a CAST is needed too).
    const f = decimalParams(from);
    const t = decimalParams(to);
    return f !== undefined && t !== undefined && isDecimal(to) && f.scale === t.scale && f.precision <= t.precision;
  }
  const rank: Partial<Record<SqlType, number>> = { INT: 0, BIGINT: 1, FLOAT: 2, DOUBLE: 3 };
  const f = rank[from];
  const t = rank[to];
  return f !== undefined && t !== undefined && f <= t;
}

/** A collection casts to VARCHAR (its text form) and to a collection of the same kind whose elements cast. */
function collectionCastAllowed(from: SqlType, to: SqlType): boolean {
  if (to === 'VARCHAR') return true;
  const f = collectionShape(from);
  const t = collectionShape(to);
  if (f?.kind === 'array' && t?.kind === 'array') return castAllowed(f.element, t.element);
  if (f?.kind === 'map' && t?.kind === 'map') return castAllowed(f.key, t.key) && castAllowed(f.value, t.value);
  return false;
}
