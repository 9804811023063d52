/**
 * Eddy's SQL types as Arrow types and back (the 'arrow' file format).
 *
 * Written (the sink): BOOLEAN → Bool, INT → Int32, BIGINT → Int64, FLOAT and DOUBLE → Float64
 * (Eddy computes FLOAT in double precision, so Float32 would lose what the query produced), VARCHAR
 * → Utf8 (never dictionary-encoded, so every record batch stands alone), TIMESTAMP(3) →
 * Timestamp(MILLISECOND) without a time zone (zone-less, as Flink's), INTERVAL → Duration(MILLISECOND),
 * a NULL-typed column → Null. Every field is nullable.
 *
 * Read (the source), a stream column from the file's field of the same name (exact, else
 * case-insensitive): BOOLEAN from Bool; INT / BIGINT from any Int (64-bit values beyond 2^53 fail
 * the batch); FLOAT / DOUBLE from Float, Int or Decimal; VARCHAR from Utf8, LargeUtf8, Utf8View or a
 * dictionary of them; TIMESTAMP from Timestamp of any unit (floored to milliseconds; a time zone is
 * ignored, the instant is kept) or Date; any column from a Null field. Eddy has no ROW, ARRAY or MAP
 * type: a struct field is read by naming its path, `"parent.child"` (a quoted column name), and
 * other nested fields are refused when named. Fields the stream does not declare are not read.
 */
import type { DataType, Field } from '@uwdata/flechette';
import { flechette } from './arrow-lib.js';
import { EddyError, assertNever } from '../common/errors.js';
import { isCollection } from '../common/collection-types.js';
import { isDecimal, type SqlType, type Value } from '../common/types.js';

/** The Arrow type the sink writes for a column of `type`. */
export function arrowTypeOf(type: SqlType): DataType {
  const { TimeUnit, bool, duration, float64, int32, int64, nullType, timestamp, utf8 } = flechette();
  if (isCollection(type)) {
    throw new EddyError('UNSUPPORTED', `the arrow format does not support ${type} columns`, undefined, "use 'format' = 'json' for ARRAY and MAP columns");
  }
  switch (type) {
    case 'BOOLEAN':
      return bool();
    case 'INT':
      return int32();
    case 'BIGINT':
      return int64();
    case 'FLOAT':
    case 'DOUBLE':
      return float64();
    case 'VARCHAR':
      return utf8();
    case 'TIMESTAMP':
      return timestamp(TimeUnit.MILLISECOND);
    case 'INTERVAL':
      return duration(TimeUnit.MILLISECOND);
    case 'NULL':
      return nullType();
    default:
      // DECIMAL is written as its exact text (Utf8); an Arrow Decimal128 writer is not done yet.
      if (isDecimal(type)) return utf8();
      return assertNever(type, 'type');
  }
}

/** How an Arrow value becomes the engine's value of the column's type; null when the types do not fit. */
export type ValueConverter = 'same' | 'floor' | null;

/** Whether a field of `arrow` type can be read as `sql` (and how), per the table in this file's comment. */
export function converterFor(arrow: DataType, sql: SqlType): ValueConverter {
  const { Type } = flechette();
  const id = arrow.typeId;
  if (id === Type.Null) return 'same';
  if (id === Type.Dictionary) return converterFor(arrow.dictionary, sql);
  if (isCollection(sql)) return null;
  switch (sql) {
    case 'BOOLEAN':
      return id === Type.Bool ? 'same' : null;
    case 'INT':
    case 'BIGINT':
      return id === Type.Int ? 'same' : null;
    case 'FLOAT':
    case 'DOUBLE':
      return id === Type.Float || id === Type.Int || id === Type.Decimal ? 'same' : null;
    case 'VARCHAR':
      return id === Type.Utf8 || id === Type.LargeUtf8 || id === Type.Utf8View ? 'same' : null;
    case 'TIMESTAMP':
      return id === Type.Timestamp || id === Type.Date ? 'floor' : null;
    case 'INTERVAL':
      return id === Type.Duration ? 'floor' : null;
    case 'NULL':
      return null;
    default:
      // DECIMAL columns are not read from Arrow yet (flechette gives Decimal fields as doubles).
      if (isDecimal(sql)) return null;
      return assertNever(sql, 'type');
  }
}

/** A short name of an Arrow type for messages ('Int64', 'Utf8', 'Timestamp(MICROSECOND)', 'Struct<a, b>'). */
export function describeArrowType(t: DataType): string {
  const { Type } = flechette();
  switch (t.typeId) {
    case Type.Int:
      return `${t.signed ? 'Int' : 'UInt'}${t.bitWidth}`;
    case Type.Float:
      return ['Float16', 'Float32', 'Float64'][t.precision] ?? 'Float';
    case Type.Timestamp:
      return `Timestamp(${['SECOND', 'MILLISECOND', 'MICROSECOND', 'NANOSECOND'][t.unit]}${t.timezone ? `, ${t.timezone}` : ''})`;
    case Type.Struct:
      return `Struct<${t.children.map((c: Field) => c.name).join(', ')}>`;
    case Type.Dictionary:
      return `Dictionary<${describeArrowType(t.dictionary)}>`;
    default: {
      const name = Object.entries(Type).find(([, v]) => v === t.typeId)?.[0];
      return name ?? `type ${t.typeId}`;
    }
  }
}

/** Values of one column of a record batch, in the engine's representation. */
export function convertValues(values: ArrayLike<unknown>, conv: 'same' | 'floor'): ArrayLike<Value> {
  if (conv === 'same') return values as ArrayLike<Value>;
  const out = new Array<Value>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = typeof v === 'number' ? Math.floor(v) : v === undefined ? null : (v as Value);
  }
  return out;
}
