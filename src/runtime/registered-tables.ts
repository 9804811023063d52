/**
 * Registered tables (eddy.registerTable(name, arqueroTable)): a bounded arquero table under a
 * name, readable wherever a stream is. A continuous query reads it as a bounded input that ends
 * after its rows (a regular join's build side, a lookup table); a point-in-time query reads it as
 * a batch table beside materialized views (point-in-time.ts). Its rows live in this process only:
 * a registered table is not saved in the state database, like a temporary view, so a persistent
 * query over it is refused when there is a state database to resume it from.
 *
 * Column types come from the table's values, unless given: numbers that are all safe integers →
 * BIGINT, other numbers → DOUBLE, strings → VARCHAR, booleans → BOOLEAN, Dates → TIMESTAMP(3)
 * (a column of only NULLs needs its type given).
 */
import type { ColumnTable } from 'arquero';
import { EddyError } from '../common/errors.js';
import type { Column, SqlType } from '../common/types.js';

/** Type names a caller may give (as in CREATE STREAM); a length or precision in parentheses is ignored. */
const TYPE_WORDS: ReadonlyMap<string, SqlType> = new Map<string, SqlType>([
  ['BOOLEAN', 'BOOLEAN'],
  ['INT', 'INT'],
  ['INTEGER', 'INT'],
  ['BIGINT', 'BIGINT'],
  ['FLOAT', 'FLOAT'],
  ['DOUBLE', 'DOUBLE'],
  ['VARCHAR', 'VARCHAR'],
  ['STRING', 'VARCHAR'],
  ['TIMESTAMP', 'TIMESTAMP'],
]);

export interface RegisterTableOptions {
  /** Column types by column name ('BIGINT', 'TIMESTAMP(3)', ...), for columns whose values do not tell. */
  readonly types?: Readonly<Record<string, string>>;
}

/** The stream columns of a registered table: its column names, typed as given or by their values. */
export function registeredColumns(name: string, table: ColumnTable, opts: RegisterTableOptions = {}): Column[] {
  const names = table.columnNames();
  if (names.length === 0) throw new EddyError('TYPE_MISMATCH', `table '${name}' has no columns`);
  for (const given of Object.keys(opts.types ?? {})) {
    if (!names.includes(given)) throw new EddyError('UNKNOWN_COLUMN', `registerTable('${name}'): types names '${given}', which is not a column of the table`, undefined, `columns: ${names.join(', ')}`);
  }
  return names.map((col) => {
    const given = opts.types?.[col];
    if (given !== undefined) {
      const t = TYPE_WORDS.get(given.trim().toUpperCase().replace(/\s*\(.*\)$/, ''));
      if (!t) throw new EddyError('TYPE_MISMATCH', `registerTable('${name}'): unknown type '${given}' for column '${col}'`, undefined, `types: ${[...TYPE_WORDS.keys()].join(', ')}`);
      return { name: col, type: t };
    }
    return { name: col, type: inferType(name, col, table) };
  });
}

function inferType(table: string, col: string, t: ColumnTable): SqlType {
  const get = t.getter(col);
  const n = t.numRows();
  let seen: SqlType | null = null;
  for (let r = 0; r < n; r++) {
    const v: unknown = get(r);
    if (v === null || v === undefined) continue;
    const type: SqlType | null =
      typeof v === 'number' ? (Number.isSafeInteger(v) ? 'BIGINT' : 'DOUBLE')
      : typeof v === 'string' ? 'VARCHAR'
      : typeof v === 'boolean' ? 'BOOLEAN'
      : v instanceof Date ? 'TIMESTAMP'
      : null;
    if (type === null) {
      throw new EddyError('TYPE_MISMATCH', `registerTable('${table}'): column '${col}' holds ${Array.isArray(v) ? 'an array' : typeof v} values, which have no SQL type here`, undefined, 'Eddy has BOOLEAN, INT, BIGINT, FLOAT, DOUBLE, VARCHAR and TIMESTAMP(3) columns: derive such columns first');
    }
    if (seen === null || (seen === 'BIGINT' && type === 'DOUBLE')) seen = type;
    else if (seen !== type && !(seen === 'DOUBLE' && type === 'BIGINT')) {
      throw new EddyError('TYPE_MISMATCH', `registerTable('${table}'): column '${col}' mixes ${seen} and ${type} values (row ${r + 1})`, undefined, `give its type: registerTable('${table}', table, { types: { ${col}: '${seen}' } })`);
    }
  }
  if (seen === null) {
    throw new EddyError('TYPE_MISMATCH', `registerTable('${table}'): column '${col}' holds only NULLs, so its type is unknown`, undefined, `give its type: registerTable('${table}', table, { types: { ${col}: 'VARCHAR' } })`);
  }
  return seen;
}
