/**
 * SQL types. INT is a JS number; BIGINT is exact over 64 bits (a number while safe, a BigInt
 * beyond: see exact.ts); TIMESTAMP is epoch milliseconds, UTC.
 */
export type SqlType = 'BOOLEAN' | 'INT' | 'BIGINT' | 'FLOAT' | 'DOUBLE' | 'VARCHAR' | 'TIMESTAMP' | 'INTERVAL' | 'NULL' | DecimalType | CollectionType;

/**
 * A composite type, spelled canonically (`ARRAY<INT>`, `MAP<VARCHAR, ARRAY<INT>>`, `ROW<a INT, b VARCHAR>`)
 * so that types stay strings: equal types are equal strings. src/common/collection-types.ts reads them.
 * A ROW type appears only inside a collection (a ROW column is flattened into `row.field` columns).
 */
export type CollectionType = `ARRAY<${string}>` | `MAP<${string}>` | `ROW<${string}>`;

/**
 * DECIMAL(precision, scale), 1 ≤ precision ≤ 38, 0 ≤ scale ≤ precision, spelled exactly as
 * decimalType writes it (so types compare with ===). A value is its unscaled exact integer
 * (value × 10^scale: 1.50 in DECIMAL(5, 2) is 150), the scale coming from the type.
 */
export type DecimalType = `DECIMAL(${number}, ${number})`;

/**
 * A runtime value. TIMESTAMP and INTERVAL are numbers of milliseconds; bigint only for BIGINT/DECIMAL
 * values beyond 2^53. An ARRAY is a JS array, a MAP a JS Map (keys compared by value: scalar keys
 * only), a ROW inside a collection a positional array.
 */
export type Value = number | string | boolean | bigint | null | Value[] | Map<Value, Value>;

/** Rows inside the engine are positional arrays, matching a Schema's column order. */
export type Row = Value[];

export interface Column {
  readonly name: string;
  readonly type: SqlType;
}

export interface Schema {
  readonly columns: readonly Column[];
}

export const NUMERIC_TYPES: ReadonlySet<SqlType> = new Set(['INT', 'BIGINT', 'FLOAT', 'DOUBLE']);
export const isNumeric = (t: SqlType): boolean => NUMERIC_TYPES.has(t) || t === 'NULL' || isDecimal(t);
export const isInteger = (t: SqlType): boolean => t === 'INT' || t === 'BIGINT';

export function columnIndex(schema: Schema, name: string): number {
  return schema.columns.findIndex((c) => c.name === name);
}

/** SQL display name of a type, as DESCRIBE prints it. */
export function typeName(t: SqlType): string {
  if (t.endsWith('>')) return t.replace(/\bTIMESTAMP\b/g, 'TIMESTAMP(3)');
  return t === 'TIMESTAMP' ? 'TIMESTAMP(3)' : t;
}

/** The DECIMAL(precision, scale) type. */
export const decimalType = (precision: number, scale: number): DecimalType => `DECIMAL(${precision}, ${scale})`;

export const isDecimal = (t: SqlType): t is DecimalType => t.charCodeAt(0) === 68 /* D */ && t.charCodeAt(1) === 69 /* E */;

/** Precision and scale of a DECIMAL type; integers as their exact decimal (INT: DECIMAL(10, 0), BIGINT: DECIMAL(19, 0)); undefined otherwise. */
export function decimalParams(t: SqlType): { readonly precision: number; readonly scale: number } | undefined {
  if (t === 'INT') return { precision: 10, scale: 0 };
  if (t === 'BIGINT') return { precision: 19, scale: 0 };
  if (!isDecimal(t)) return undefined;
  const comma = t.indexOf(',');
  return { precision: Number(t.slice(8, comma)), scale: Number(t.slice(comma + 1, -1)) };
}
