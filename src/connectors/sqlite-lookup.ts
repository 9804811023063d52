import * as nodePath from 'node:path';
import type sqlite3 from 'sqlite3';
import { EddyError, assertNever } from '../common/errors.js';
import { formatTimestamp, parseTimestamp } from '../common/time.js';
import { isDecimal, type Row, type Schema, type SqlType, type Value } from '../common/types.js';
import { BAD, coerceValue } from './values.js';
import type { LookupReader } from './connector.js';
import { isCollection } from '../common/collection-types.js';
import { loadSqlite3 } from '../checkpoint/sqlite-db.js';

/** Key values per statement at most (SQLite's historical bound on bind parameters is 999). */
const MAX_PARAMS = 900;

/**
 * The lookup side of a `'connector' = 'sqlite'` table: reads the rows of one SQLite table by the
 * lookup join's key columns, through the asynchronous `sqlite3` binding (the queries run off the
 * event loop). The file is opened read-only, so a lookup never changes it, and other processes may
 * write it meanwhile: each lookup sees the table as it is then. One statement per batch of keys
 * (`WHERE k IN (...)`, or `(k1, k2) IN (VALUES (...), ...)` for several key columns).
 *
 * Values map back to the table's declared types as the SQLite sink writes them: TIMESTAMP as
 * 'yyyy-MM-dd HH:mm:ss.SSS' text (epoch ms numbers accepted), BOOLEAN as 0/1.
 */
export class SqliteLookup implements LookupReader {
  private db: sqlite3.Database | null = null;
  private opening: Promise<sqlite3.Database> | null = null;
  private readonly path: string;
  private readonly keyTypes: readonly SqlType[];

  constructor(
    private readonly schema: Schema,
    path: string,
    private readonly table: string,
    /** Column indices of the key, in key order. */
    private readonly keyColumns: readonly number[],
    baseDir?: string,
  ) {
    this.path = nodePath.resolve(baseDir ?? process.cwd(), path);
    this.keyTypes = keyColumns.map((i) => schema.columns[i]!.type);
  }

  private open(): Promise<sqlite3.Database> {
    if (this.db) return Promise.resolve(this.db);
    this.opening ??= openReadOnly(this.path).then(async (db) => {
      const cols = await all<{ name: string }>(db, 'SELECT name FROM pragma_table_info(?)', [this.table]);
      if (cols.length === 0) {
        db.close();
        throw new EddyError('IO', `SQLite file '${this.path}' has no table '${this.table}'`, undefined, "check the table's 'table-name'");
      }
      const have = new Set(cols.map((c) => c.name.toLowerCase()));
      const missing = this.schema.columns.filter((c) => !have.has(c.name.toLowerCase())).map((c) => c.name);
      if (missing.length > 0) {
        db.close();
        throw new EddyError('IO', `table '${this.table}' in '${this.path}' has no column ${missing.map((m) => `'${m}'`).join(', ')}`, undefined, `its columns are ${cols.map((c) => c.name).join(', ')}`);
      }
      this.db = db;
      return db;
    });
    return this.opening;
  }

  async lookup(keys: readonly (readonly Value[])[]): Promise<Row[][]> {
    const db = await this.open();
    const out: Row[][] = keys.map(() => []);
    // Keys with a NULL match nothing (SQL equality); the others are asked for in chunks.
    const index = new Map<string, number[]>();
    const asked: unknown[][] = [];
    keys.forEach((k, i) => {
      if (k.some((v) => v === null)) return;
      const params = k.map((v, j) => toSqlite(v, this.keyTypes[j]!));
      const id = JSON.stringify(params);
      const at = index.get(id);
      if (at) at.push(i);
      else {
        index.set(id, [i]);
        asked.push(params);
      }
    });
    const n = this.keyColumns.length;
    const per = Math.max(1, Math.floor(MAX_PARAMS / n));
    const cols = this.schema.columns.map((c) => quoteIdent(c.name)).join(', ');
    const keyCols = this.keyColumns.map((i) => quoteIdent(this.schema.columns[i]!.name));
    const types = this.schema.columns.map((c) => c.type);
    for (let at = 0; at < asked.length; at += per) {
      const chunk = asked.slice(at, at + per);
      const where =
        n === 1
          ? `${keyCols[0]} IN (${chunk.map(() => '?').join(', ')})`
          : `(${keyCols.join(', ')}) IN (VALUES ${chunk.map(() => `(${new Array(n).fill('?').join(', ')})`).join(', ')})`;
      const rows = await allRows(db, `SELECT ${cols} FROM ${quoteIdent(this.table)} WHERE ${where}`, chunk.flat());
      for (const raw of rows) {
        const id = JSON.stringify(this.keyColumns.map((c, j) => normalize(raw[c]!, this.keyTypes[j]!)));
        const targets = index.get(id);
        if (!targets) continue; // an affinity conversion matched a key written differently; SQL equality over Eddy's values decides
        const row = raw.map((v, c) => fromSqlite(v, types[c]!));
        for (const t of targets) out[t]!.push(row);
      }
    }
    return out;
  }

  async scanAll(): Promise<Row[]> {
    const db = await this.open();
    const cols = this.schema.columns.map((c) => quoteIdent(c.name)).join(', ');
    const types = this.schema.columns.map((c) => c.type);
    const rows = await allRows(db, `SELECT ${cols} FROM ${quoteIdent(this.table)}`, []);
    return rows.map((raw) => raw.map((v, c) => fromSqlite(v, types[c]!)));
  }

  async close(): Promise<void> {
    const db = this.db ?? (this.opening ? await this.opening.catch(() => null) : null);
    this.db = null;
    this.opening = null;
    if (db) await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

/** Opens a SQLite file read-only (the binding loads with the first one). */
async function openReadOnly(path: string): Promise<sqlite3.Database> {
  const { Database, OPEN_READONLY } = await loadSqlite3();
  return new Promise<sqlite3.Database>((resolve, reject) => {
    const db = new Database(path, OPEN_READONLY, (err) => {
      if (err) reject(new EddyError('IO', `cannot open SQLite lookup table file '${path}': ${err.message}`, undefined, "check the table's 'path' (or 'url')"));
      else resolve(db);
    });
  });
}

function all<T>(db: sqlite3.Database, sql: string, params: readonly unknown[]): Promise<T[]> {
  return new Promise((resolve, reject) => db.all(sql, params, (err: Error | null, rows: T[]) => (err ? reject(ioError(err)) : resolve(rows))));
}

/** Rows as positional arrays (the statement's column order). */
function allRows(db: sqlite3.Database, sql: string, params: readonly unknown[]): Promise<Value[][]> {
  return all<Record<string, Value>>(db, sql, params).then((rows) => rows.map((r) => Object.values(r)));
}

function ioError(err: Error): EddyError {
  return new EddyError('IO', `SQLite lookup failed: ${err.message}`, undefined, 'check that the lookup table file is a readable SQLite database');
}

/** A key value as it is stored (and so compared) in SQLite. */
function toSqlite(v: Value, t: SqlType): Value {
  if (v === null) return null;
  if (t === 'BOOLEAN') return v ? 1 : 0;
  if (t === 'TIMESTAMP' && typeof v === 'number') return formatTimestamp(v);
  return v;
}

/** A stored key value in the form toSqlite gives the probe's. */
function normalize(v: Value, t: SqlType): Value {
  return toSqlite(fromSqlite(v, t), t);
}

/** A stored value as the column's type. */
function fromSqlite(v: Value, t: SqlType): Value {
  if (v === null || v === undefined) return null;
  if (isCollection(t)) {
    const c = typeof v === 'string' ? coerceValue(JSON.parse(v), t) : BAD;
    return c === BAD ? null : c;
  }
  switch (t) {
    case 'BOOLEAN':
      return typeof v === 'string' ? v.toLowerCase() === 'true' || v === '1' : Boolean(v);
    case 'TIMESTAMP':
      return typeof v === 'number' ? v : parseTimestamp(String(v));
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'INTERVAL': {
      const n = typeof v === 'number' ? v : Number(v);
      return Number.isNaN(n) ? null : n;
    }
    case 'VARCHAR':
      return typeof v === 'string' ? v : String(v);
    case 'NULL':
      return null;
    default:
      if (isDecimal(t)) {
        const x = coerceValue(typeof v === 'number' || typeof v === 'string' ? v : String(v), t);
        return x === BAD ? null : x;
      }
      return assertNever(t, 'SQL type');
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
