/** SQL types. Integers are JS numbers (exact to 2^53); TIMESTAMP is epoch milliseconds, UTC. */
export type SqlType = 'BOOLEAN' | 'INT' | 'BIGINT' | 'FLOAT' | 'DOUBLE' | 'VARCHAR' | 'TIMESTAMP' | 'INTERVAL' | 'NULL' | CollectionType;

/**
 * A composite type, spelled canonically (`ARRAY<INT>`, `MAP<VARCHAR, ARRAY<INT>>`, `ROW<a INT, b VARCHAR>`)
 * so that types stay strings: equal types are equal strings. src/common/collection-types.ts reads them.
 * A ROW type appears only inside a collection (a ROW column is flattened into `row.field` columns).
 */
export type CollectionType = `ARRAY<${string}>` | `MAP<${string}>` | `ROW<${string}>`;

/**
 * A runtime value. TIMESTAMP and INTERVAL are numbers of milliseconds. An ARRAY is a JS array, a
 * MAP a JS Map (keys compared by value: scalar keys only), a ROW inside a collection a positional array.
 */
export type Value = number | string | boolean | null | Value[] | Map<Value, Value>;

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
export const isNumeric = (t: SqlType): boolean => NUMERIC_TYPES.has(t) || t === 'NULL';
export const isInteger = (t: SqlType): boolean => t === 'INT' || t === 'BIGINT';

export function columnIndex(schema: Schema, name: string): number {
  return schema.columns.findIndex((c) => c.name === name);
}

/** SQL display name of a type, as DESCRIBE prints it. */
export function typeName(t: SqlType): string {
  if (t.endsWith('>')) return t.replace(/\bTIMESTAMP\b/g, 'TIMESTAMP(3)');
  return t === 'TIMESTAMP' ? 'TIMESTAMP(3)' : t;
}
