import { formatTimestamp } from '../common/time.js';
import { collectionJson, isCollection } from '../common/collection-types.js';
import * as nodePath from 'node:path';
import { EddyError, assertNever, internalError } from '../common/errors.js';
import { isDecimal, type Row, type Schema, type SqlType, type Value } from '../common/types.js';
import { decimalText } from './values.js';
import { crc32 } from '../checkpoint/codec.js';
import { SqliteDb, type SqlExecutor, type TxExecutor } from '../checkpoint/sqlite-db.js';
import { freshStartAt, type FreshStart, type SinkWriter } from './connector.js';
import { checkOptions, type OptionSpec } from './options.js';

/**
 * A 'sqlite' table's options: the file as 'path' or, under Flink JDBC's name, 'url'
 * ('jdbc:sqlite:/path/file.db', 'sqlite:/path/file.db' or a plain path); the table as 'table' or
 * 'table-name'; and the lookup cache options of a lookup join (interpreted by the planner,
 * src/planner/lookup-options.ts).
 */
const SQLITE_SPEC: OptionSpec = {
  connector: 'sqlite',
  required: [],
  optional: [
    'path',
    'url',
    'table',
    'table-name',
    'lookup.cache',
    'lookup.cache.max-rows',
    'lookup.cache.ttl',
    'lookup.cache.caching-missing-key',
    'lookup.partial-cache.max-rows',
    'lookup.partial-cache.expire-after-write',
    'lookup.partial-cache.cache-missing-key',
    'lookup.full-cache.reload-strategy',
    'lookup.full-cache.periodic-reload.interval',
    'lookup.full-cache.periodic-reload.schedule-mode',
    'lookup.full-cache.timed-reload.iso-time',
    'lookup.full-cache.timed-reload.interval-in-days',
    'lookup.max-retries',
  ],
};

/** Validates `'connector'='sqlite'` WITH options (for CREATE STREAM time) and returns the file and table. */
export function sqliteSinkOptions(options: Readonly<Record<string, string>>): { readonly path: string; readonly table: string } {
  checkOptions(options, SQLITE_SPEC);
  const one = (a: string, b: string, example: string): string => {
    if (options[a] !== undefined && options[b] !== undefined) throw new EddyError('INVALID_OPTION', `connector 'sqlite' takes '${a}' or '${b}', not both`, undefined, `remove '${b}'`);
    const v = (options[a] ?? options[b])?.trim();
    if (v === undefined) throw new EddyError('INVALID_OPTION', `connector 'sqlite' needs option '${a}' (or '${b}')`, undefined, `add ${example} to the WITH clause`);
    if (v === '') throw new EddyError('INVALID_OPTION', `option '${options[a] !== undefined ? a : b}' of connector 'sqlite' is empty`, undefined, `e.g. ${example}`);
    return v;
  };
  const location = one('path', 'url', "'path' = 'out.db'");
  const path = location.replace(/^jdbc:/i, '').replace(/^sqlite:/i, '');
  if (path === '') throw new EddyError('INVALID_OPTION', `option 'url' of connector 'sqlite' names no file: '${location}'`, undefined, "e.g. 'url' = 'jdbc:sqlite:/data/dim.db'");
  return { path, table: one('table', 'table-name', "'table' = 'results'") };
}

/** What position() returns and restore() takes: rows of the table covered by a checkpoint. */
export interface SqliteSinkPosition {
  readonly rows: number;
}

// SQLite's historical bound on bind parameters per statement (newer builds allow more).
const MAX_PARAMS = 999;
const MAX_ROWS_PER_INSERT = 100;

/**
 * Writes result rows into a SQLite table, exactly once.
 *
 * Wiring (engine): construct with the state database's connection (`CheckpointStore.db`), call
 * restore() before the first write (null = fresh run: the table is emptied; otherwise the position
 * from the checkpoint being resumed), and pass `(db) => sink.commitInto(db)` as writeCheckpoint's
 * `inTransaction`. write() only buffers; flush() marks the cut (rows written so far belong to the
 * next checkpoint) and commitInto() inserts them inside that checkpoint's transaction, so the rows
 * become visible exactly when the state that produced them is durable. A checkpoint that rolls back
 * leaves its rows buffered for the next one.
 *
 * With `stateDb` null (no checkpointing) the sink opens the file itself and flush() commits
 * directly: at-least-once, like any non-checkpointed sink.
 */
export class SqliteSink implements SinkWriter {
  private readonly path: string;
  private readonly table: string;
  private pending: Row[] = [];
  /** Rows cut by flush() and not yet committed; committed in order, oldest first. */
  private staged: Row[] = [];
  private committed = 0;
  private db: SqliteDb | null;
  private readonly ownsDb: boolean;
  /** Schema-qualified, quoted table name once the file is attached and the table exists. */
  private target: string | null = null;
  private columnsSql = '';

  /** `baseDir`: where a relative 'path' resolves (default: the working directory). */
  constructor(
    private readonly schema: Schema,
    options: Readonly<Record<string, string>>,
    stateDb: SqliteDb | null,
    baseDir?: string,
    /** How a run without a checkpoint begins; without one the table starts empty. */
    private readonly fresh?: FreshStart,
  ) {
    const { path, table } = sqliteSinkOptions(options);
    this.path = path === ':memory:' ? path : nodePath.resolve(baseDir ?? process.cwd(), path);
    this.table = table;
    this.db = stateDb;
    this.ownsDb = stateDb === null;
  }

  write(rows: readonly Row[]): void {
    for (const r of rows) this.pending.push(r);
  }

  /** The checkpoint cut: buffered rows now belong to the next commit. Commits directly when standalone. */
  async flush(): Promise<void> {
    await this.ready();
    if (this.pending.length > 0) {
      for (const r of this.pending) this.staged.push(r);
      this.pending = [];
    }
    if (this.ownsDb && this.staged.length > 0) await this.db!.transaction((tx) => this.commitInto(tx));
  }

  /** Stages the rows written so far for the checkpoint's transaction (commitInto); later rows wait for the next. */
  cut(): { position: SqliteSinkPosition; durable: Promise<void> } {
    for (const r of this.pending) this.staged.push(r);
    this.pending = [];
    return { position: this.position(), durable: this.ownsDb ? this.flush() : this.ready() };
  }

  /** Rows in the table once the checkpoint taken after the latest flush() commits. */
  position(): SqliteSinkPosition {
    return { rows: this.committed + this.staged.length };
  }

  /**
   * null: a fresh run, the table is emptied. A position: rows beyond it (committed with a later
   * checkpoint that recovery skipped, e.g. because it was damaged) are deleted.
   */
  async restore(position: unknown | null): Promise<void> {
    await this.ready();
    this.pending = [];
    this.staged = [];
    const db = this.db!;
    let rows = 0;
    if (position !== null) rows = positionRows(position);
    else if (this.fresh) {
      const n = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${this.target}`))?.n ?? 0;
      rows = freshStartAt(this.fresh, n);
      await this.fresh.started(rows);
    }
    if (rows === 0) await db.run(`DELETE FROM ${this.target}`);
    else await db.run(`DELETE FROM ${this.target} WHERE rowid > (SELECT rowid FROM ${this.target} ORDER BY rowid LIMIT 1 OFFSET ?)`, [rows - 1]);
    this.committed = rows;
  }

  outputEnd(): number {
    return this.committed + this.staged.length + this.pending.length;
  }

  /** Inserts the staged rows inside the caller's transaction (writeCheckpoint's inTransaction). */
  async commitInto(tx: TxExecutor): Promise<void> {
    if (this.target === null) throw internalError('SqliteSink.commitInto called before restore()/flush()');
    const rows = this.staged.slice();
    if (rows.length === 0) return;
    await insertRows(tx, this.target, this.columnsSql, this.schema, rows);
    tx.afterCommit(() => {
      this.staged.splice(0, rows.length);
      this.committed += rows.length;
    });
  }

  async close(): Promise<void> {
    if (this.ownsDb && this.db) await this.db.close();
    this.db = null;
  }

  /** Attaches the file and creates the table if missing: outside any transaction (ATTACH cannot run inside one). */
  private async ready(): Promise<void> {
    if (this.target !== null) return;
    if (!this.db) this.db = await SqliteDb.open(this.path, 'SQLite sink database');
    this.target = await openSinkTable(this.db, this.path, this.table, this.schema);
    this.columnsSql = this.schema.columns.map((c) => quoteIdent(c.name)).join(', ');
  }
}

/**
 * Attaches the sink's file to `db` (unless it is the state database itself) and creates the table
 * if missing, with `primaryKey` as its PRIMARY KEY; an existing table must have every column of
 * `schema`. Returns the schema-qualified, quoted table name. Outside any transaction (ATTACH cannot
 * run inside one).
 */
export async function openSinkTable(db: SqliteDb, path: string, table: string, schema: Schema, primaryKey?: readonly string[]): Promise<string> {
  let schemaName = 'main';
  const statePath = db.path === ':memory:' || db.path === '' ? null : nodePath.resolve(db.path);
  if (statePath !== path) {
    schemaName = `eddy_sink_${crc32(Buffer.from(path, 'utf8')).toString(16)}`;
    await db.attach(path, schemaName);
  }
  const qualified = `${schemaName}.${quoteIdent(table)}`;
  const existing = await db.all<{ name: string }>(`SELECT name FROM pragma_table_info(?, ?)`, [table, schemaName]);
  if (existing.length === 0) {
    const cols = schema.columns.map((c) => `${quoteIdent(c.name)} ${sqliteType(c.type)}`);
    if (primaryKey) cols.push(`PRIMARY KEY (${primaryKey.map(quoteIdent).join(', ')})`);
    await db.run(`CREATE TABLE IF NOT EXISTS ${qualified} (${cols.join(', ')})`);
  } else {
    const have = new Set(existing.map((c) => c.name.toLowerCase()));
    const missing = schema.columns.filter((c) => !have.has(c.name.toLowerCase())).map((c) => c.name);
    if (missing.length > 0) {
      throw new EddyError(
        'INVALID_OPTION',
        `table '${table}' in '${path}' has no column ${missing.map((m) => `'${m}'`).join(', ')}`,
        undefined,
        `its columns are ${existing.map((c) => c.name).join(', ')}; drop the table or use another 'table'`,
      );
    }
  }
  return qualified;
}

async function insertRows(db: SqlExecutor, target: string, columnsSql: string, schema: Schema, rows: readonly Row[]): Promise<void> {
  const ncols = schema.columns.length;
  const types = schema.columns.map((c) => c.type);
  const perInsert = Math.max(1, Math.min(MAX_ROWS_PER_INSERT, Math.floor(MAX_PARAMS / Math.max(1, ncols))));
  const tuple = `(${new Array(ncols).fill('?').join(', ')})`;
  const many = db.prepared(`INSERT INTO ${target} (${columnsSql}) VALUES ${new Array(perInsert).fill(tuple).join(', ')}`);
  const one = db.prepared(`INSERT INTO ${target} (${columnsSql}) VALUES ${tuple}`);
  const runs: Promise<unknown>[] = [];
  let i = 0;
  for (; i + perInsert <= rows.length; i += perInsert) {
    const params: unknown[] = [];
    for (let j = i; j < i + perInsert; j++) pushRow(params, rows[j]!, types);
    runs.push(many.run(params));
  }
  // The multi-row statement's inserts must land before the tail's, so rowids follow emission order.
  await Promise.all(runs);
  runs.length = 0;
  for (; i < rows.length; i++) {
    const params: unknown[] = [];
    pushRow(params, rows[i]!, types);
    runs.push(one.run(params));
  }
  await Promise.all(runs);
}

export function pushRow(out: unknown[], row: Row, types: readonly SqlType[]): void {
  for (let c = 0; c < types.length; c++) out.push(toSqlite(row[c] ?? null, types[c]!));
}

export function toSqlite(v: Value, t: SqlType): Value {
  if (v === null) return null;
  if (isCollection(t)) return collectionJson(v, t);
  switch (t) {
    case 'BOOLEAN':
      return v ? 1 : 0;
    case 'TIMESTAMP':
      return typeof v === 'number' ? formatTimestamp(v) : v;
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'VARCHAR':
    case 'INTERVAL':
    case 'NULL':
      // A BigInt (BIGINT beyond 2^53) is bound as its digits: the INTEGER column's affinity stores them as the exact integer.
      return typeof v === 'bigint' ? String(v) : v;
    default:
      if (isDecimal(t)) return decimalText(v, t);
      return assertNever(t, 'SQL type');
  }
}

function sqliteType(t: SqlType): string {
  if (isCollection(t)) return 'TEXT';
  switch (t) {
    case 'BOOLEAN':
    case 'INT':
    case 'BIGINT':
    case 'INTERVAL':
      return 'INTEGER';
    case 'FLOAT':
    case 'DOUBLE':
      return 'REAL';
    case 'VARCHAR':
    case 'TIMESTAMP':
      return 'TEXT';
    case 'NULL':
      return '';
    default:
      // DECIMAL as its exact text (s digits after the point): SQLite's REAL/NUMERIC would round beyond 15 digits.
      if (isDecimal(t)) return 'TEXT';
      return assertNever(t, 'SQL type');
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function positionRows(position: unknown): number {
  const rows = (position as Partial<SqliteSinkPosition> | null)?.rows;
  if (typeof rows !== 'number' || !Number.isSafeInteger(rows) || rows < 0) throw internalError(`bad SQLite sink position ${JSON.stringify(position)}`);
  return rows;
}
