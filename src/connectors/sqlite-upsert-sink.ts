import * as nodePath from 'node:path';
import { EddyError, internalError } from '../common/errors.js';
import type { Row, Schema, SqlType, Value } from '../common/types.js';
import { SqliteDb, type SqlExecutor, type TxExecutor } from '../checkpoint/sqlite-db.js';
import type { FreshStart, SinkWriter } from './connector.js';
import { openSinkTable, pushRow, quoteIdent, sqliteSinkOptions, toSqlite } from './sqlite-sink.js';

/** What position() returns: changes applied so far (for information; the table itself is the position). */
export interface SqliteUpsertPosition {
  readonly upserts: number;
}

/** Per primary key, the row it holds after the changes (null: deleted). */
type Changes = Map<string, { readonly key: readonly Value[]; readonly row: Row | null }>;

const MAX_PARAMS = 999;
const MAX_ROWS_PER_STATEMENT = 100;

/**
 * A 'sqlite' sink whose stream declares `PRIMARY KEY (...) NOT ENFORCED`: rows are upserts by that
 * key, as Flink's JDBC sink writes a table with a primary key. With `changes` the rows are an
 * updating changelog, [op, ...columns]: `+I` / `+U` write the row under its key (INSERT ... ON
 * CONFLICT DO UPDATE), `-U` / `-D` delete the key (a `-U` directly followed by its `+U` comes to
 * the `+U`'s upsert). Without it every row is an upsert (an append-only result, last row wins).
 *
 * Exactly-once as the plain SQLite sink: write() buffers, cut() stages what came so far, and
 * commitInto() applies it inside the checkpoint's own transaction, so the table always holds the
 * result as of the latest completed checkpoint and a restored run has nothing to undo. Only each
 * key's last change in a checkpoint is written. A fresh run (no checkpoint) keeps the table under
 * INSERT INTO (the upserts merge into it, as Flink's do) and empties it under INSERT OVERWRITE.
 */
export class SqliteUpsertSink implements SinkWriter {
  private readonly path: string;
  private readonly table: string;
  private readonly keyIndex: readonly number[];
  private readonly types: readonly SqlType[];
  private pending: Changes = new Map();
  /** Cut by cut()/flush() and not yet committed, oldest first. */
  private staged: Changes[] = [];
  private applied = 0;
  private db: SqliteDb | null;
  private readonly ownsDb: boolean;
  private target: string | null = null;

  constructor(
    private readonly schema: Schema,
    primaryKey: readonly string[],
    private readonly changes: boolean,
    options: Readonly<Record<string, string>>,
    stateDb: SqliteDb | null,
    baseDir?: string,
    private readonly fresh?: FreshStart,
  ) {
    const { path, table } = sqliteSinkOptions(options);
    this.path = path === ':memory:' ? path : nodePath.resolve(baseDir ?? process.cwd(), path);
    this.table = table;
    this.db = stateDb;
    this.ownsDb = stateDb === null;
    const names = schema.columns.map((c) => c.name);
    this.keyIndex = primaryKey.map((k) => {
      const i = names.indexOf(k);
      if (i < 0) throw internalError(`PRIMARY KEY column '${k}' is not a column of the sink`);
      return i;
    });
    this.types = schema.columns.map((c) => c.type);
  }

  write(rows: readonly Row[]): void {
    const off = this.changes ? 1 : 0;
    for (const r of rows) {
      const row = off === 0 ? r : r.slice(1);
      const op = off === 0 ? '+I' : r[0];
      const key = this.keyIndex.map((i) => toSqlite(row[i] ?? null, this.types[i]!));
      const id = JSON.stringify(key);
      // A key's earlier change in this batch is superseded: delete and set, so the map keeps one entry per key.
      this.pending.delete(id);
      this.pending.set(id, { key, row: op === '+I' || op === '+U' ? row : null });
    }
  }

  async flush(): Promise<void> {
    await this.ready();
    this.stage();
    if (this.ownsDb && this.staged.length > 0) await this.db!.transaction((tx) => this.commitInto(tx));
  }

  cut(): { position: SqliteUpsertPosition; durable: Promise<void> } {
    this.stage();
    return { position: this.position(), durable: this.ownsDb ? this.flush() : this.ready() };
  }

  position(): SqliteUpsertPosition {
    return { upserts: this.applied + this.staged.reduce((n, m) => n + m.size, 0) };
  }

  /** A checkpoint's position needs nothing undone (its changes committed with it); a fresh run keeps or empties the table. */
  async restore(position: unknown | null): Promise<void> {
    await this.ready();
    this.pending = new Map();
    this.staged = [];
    if (position !== null) {
      const n = (position as Partial<SqliteUpsertPosition> | null)?.upserts;
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw internalError(`bad SQLite upsert sink position ${JSON.stringify(position)}`);
      this.applied = n;
      return;
    }
    this.applied = 0;
    if (!this.fresh || this.fresh.mode === 'overwrite') await this.db!.run(`DELETE FROM ${this.target}`);
  }

  /** Applies the staged changes inside the caller's transaction (writeCheckpoint's inTransaction). */
  async commitInto(tx: TxExecutor): Promise<void> {
    if (this.target === null) throw internalError('SqliteUpsertSink.commitInto called before restore()/flush()');
    const batches = this.staged.slice();
    if (batches.length === 0) return;
    const merged: Changes = new Map();
    for (const m of batches) for (const [id, c] of m) merged.set(id, c);
    const deletes: (readonly Value[])[] = [];
    const upserts: Row[] = [];
    for (const c of merged.values()) {
      if (c.row === null) deletes.push(c.key);
      else upserts.push(c.row);
    }
    await this.deleteKeys(tx, deletes);
    await this.upsertRows(tx, upserts);
    tx.afterCommit(() => {
      this.staged.splice(0, batches.length);
      this.applied += merged.size;
    });
  }

  async close(): Promise<void> {
    if (this.ownsDb && this.db) await this.db.close();
    this.db = null;
  }

  private stage(): void {
    if (this.pending.size === 0) return;
    this.staged.push(this.pending);
    this.pending = new Map();
  }

  private async deleteKeys(db: SqlExecutor, keys: readonly (readonly Value[])[]): Promise<void> {
    if (keys.length === 0) return;
    const where = this.keyIndex.map((i) => `${quoteIdent(this.schema.columns[i]!.name)} IS ?`).join(' AND ');
    const del = db.prepared(`DELETE FROM ${this.target} WHERE ${where}`);
    await Promise.all(keys.map((k) => del.run([...k])));
  }

  private async upsertRows(db: SqlExecutor, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    const cols = this.schema.columns.map((c) => quoteIdent(c.name));
    const keySet = new Set(this.keyIndex);
    const updates = cols.filter((_, i) => !keySet.has(i)).map((c) => `${c} = excluded.${c}`);
    const conflict = `ON CONFLICT (${this.keyIndex.map((i) => cols[i]).join(', ')}) ${updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING'}`;
    const tuple = `(${cols.map(() => '?').join(', ')})`;
    const per = Math.max(1, Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS / Math.max(1, cols.length))));
    const sql = (n: number) => `INSERT INTO ${this.target} (${cols.join(', ')}) VALUES ${new Array(n).fill(tuple).join(', ')} ${conflict}`;
    const many = db.prepared(sql(per));
    const one = db.prepared(sql(1));
    const runs: Promise<unknown>[] = [];
    let i = 0;
    for (; i + per <= rows.length; i += per) {
      const params: unknown[] = [];
      for (let j = i; j < i + per; j++) pushRow(params, rows[j]!, this.types);
      runs.push(many.run(params));
    }
    for (; i < rows.length; i++) {
      const params: unknown[] = [];
      pushRow(params, rows[i]!, this.types);
      runs.push(one.run(params));
    }
    await Promise.all(runs);
  }

  /** Opens the table (created with the PRIMARY KEY); an existing one gets a unique index on the key if it has none. */
  private async ready(): Promise<void> {
    if (this.target !== null) return;
    if (!this.db) this.db = await SqliteDb.open(this.path);
    const keyCols = this.keyIndex.map((i) => this.schema.columns[i]!.name);
    const target = await openSinkTable(this.db, this.path, this.table, this.schema, keyCols);
    const schemaName = target.slice(0, target.indexOf('.'));
    if (!(await hasUniqueIndex(this.db, schemaName, this.table, keyCols))) {
      try {
        await this.db.run(`CREATE UNIQUE INDEX IF NOT EXISTS ${schemaName}.${quoteIdent(`eddy_pk_${this.table}`)} ON ${quoteIdent(this.table)} (${keyCols.map(quoteIdent).join(', ')})`);
      } catch (e) {
        throw new EddyError(
          'INVALID_OPTION',
          `table '${this.table}' in '${this.path}' has no unique index on its PRIMARY KEY (${keyCols.join(', ')}), and one cannot be created: ${(e as Error).message}`,
          undefined,
          'the table holds rows with equal keys: drop the table, or use another \'table\'',
        );
      }
    }
    this.target = target;
  }
}

/** Whether the table has a PRIMARY KEY or UNIQUE index on exactly `columns` (ON CONFLICT needs one). */
async function hasUniqueIndex(db: SqliteDb, schemaName: string, table: string, columns: readonly string[]): Promise<boolean> {
  const want = [...columns].map((c) => c.toLowerCase()).sort().join('\u0000');
  const indexes = await db.all<{ name: string; unique: number }>(`SELECT name, "unique" FROM pragma_index_list(?, ?)`, [table, schemaName]);
  for (const ix of indexes) {
    if (!ix.unique) continue;
    const cols = await db.all<{ name: string }>(`SELECT name FROM pragma_index_info(?, ?)`, [ix.name, schemaName]);
    if (cols.map((c) => c.name.toLowerCase()).sort().join('\u0000') === want) return true;
  }
  return false;
}
