import type sqlite3 from 'sqlite3';
import { EddyError, internalError } from '../common/errors.js';
import { explainSqliteError, fileIdentity, type FileIdentity } from './state-db-errors.js';

/** Positional or named bind parameters, as the sqlite3 binding takes them. */
export type SqlParams = readonly unknown[] | Readonly<Record<string, unknown>>;

export interface RunInfo {
  readonly changes: number;
  readonly lastID: number;
}

/** A prepared statement kept for reuse on the hot insert paths. */
export interface Prepared {
  run(params?: SqlParams): Promise<RunInfo>;
}

/**
 * What both the database and an open transaction offer. Code running inside `transaction(fn)`
 * must use the handle it is given, never the SqliteDb itself (which would wait for the
 * transaction to end, i.e. forever).
 */
export interface SqlExecutor {
  run(sql: string, params?: SqlParams): Promise<RunInfo>;
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined>;
  all<T>(sql: string, params?: SqlParams): Promise<T[]>;
  exec(sql: string): Promise<void>;
  /** A cached prepared statement for `sql` (prepared once per connection). */
  prepared(sql: string): Prepared;
}

/** The handle `transaction(fn)` passes to fn. */
export interface TxExecutor extends SqlExecutor {
  /** Runs fn once the transaction has committed (not at all if it rolls back). */
  afterCommit(fn: () => void): void;
}

const BUSY_TIMEOUT_MS = 5000;

/**
 * The sqlite3 binding, loaded when the first database is opened: a run without a state database
 * (`--state :memory:`, Eddy.open() without state) and without SQLite tables never needs it, and
 * loading the native module costs ~25 ms.
 */
let binding: typeof sqlite3 | null = null;

export async function loadSqlite3(): Promise<typeof sqlite3> {
  binding ??= (await import('sqlite3')).default;
  return binding;
}

/**
 * A promise wrapper over one sqlite3 connection. Every top-level call and every transaction takes
 * a turn on an internal queue, so a transaction never picks up statements issued concurrently by
 * unrelated callers (one connection = one transaction at a time).
 */
export class SqliteDb implements SqlExecutor {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly statements = new Map<string, { stmt: sqlite3.Statement; ready: Promise<void> }>();
  private readonly attached = new Map<string, string>();
  private closed = false;
  private readonly direct: SqlExecutor;
  /** The file opened, so that errors can tell a deleted or replaced file (state-db-errors.ts). */
  private identity: FileIdentity | null = null;

  private constructor(
    private readonly db: sqlite3.Database,
    readonly path: string,
    /** What the file is, in messages. */
    private readonly what: string,
  ) {
    this.direct = {
      run: (sql, params) => this.rawRun(sql, params),
      get: (sql, params) => this.rawGet(sql, params),
      all: (sql, params) => this.rawAll(sql, params),
      exec: (sql) => this.rawExec(sql),
      prepared: (sql) => this.rawPrepared(sql),
    };
  }

  /** Opens (creating if needed) a database file, or ':memory:', with rollback journal and full sync. */
  static async open(path: string, what = 'state database'): Promise<SqliteDb> {
    const { Database } = await loadSqlite3();
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const d = new Database(path, (err) => (err ? reject(ioError(`cannot open state database '${path}'`, err)) : resolve(d)));
    });
    db.configure('busyTimeout', BUSY_TIMEOUT_MS);
    const s = new SqliteDb(db, path, what);
    try {
      // Only takes effect on a new file: 64 KiB pages mean far fewer overflow pages per state-chunk blob.
      await s.rawExec(`PRAGMA page_size=65536; ${durabilityPragmas('main')}`);
    } catch (err) {
      await new Promise<void>((resolve) => db.close(() => resolve()));
      if ((err as { code?: unknown }).code === 'SQLITE_NOTADB') {
        throw new EddyError('IO', `cannot open state database '${path}': the file is not a SQLite database`, undefined, 'give --state the path of an Eddy state database, or of a new file');
      }
      const explained = explainSqliteError(err, path, fileIdentity(path), [], what);
      throw explained instanceof EddyError ? explained : ioError(`cannot open state database '${path}'`, err);
    }
    s.identity = fileIdentity(path);
    return s;
  }

  run(sql: string, params?: SqlParams): Promise<RunInfo> {
    return this.turn(() => this.rawRun(sql, params));
  }

  get<T>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return this.turn(() => this.rawGet<T>(sql, params));
  }

  all<T>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.turn(() => this.rawAll<T>(sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.turn(() => this.rawExec(sql));
  }

  prepared(sql: string): Prepared {
    const p = this.rawPrepared(sql);
    return { run: (params) => this.turn(() => p.run(params)) };
  }

  /** Runs fn inside BEGIN IMMEDIATE … COMMIT; any error rolls back and is rethrown. */
  transaction<T>(fn: (tx: TxExecutor) => Promise<T>): Promise<T> {
    return this.turn(async () => {
      const hooks: (() => void)[] = [];
      const tx: TxExecutor = { ...this.direct, afterCommit: (h) => void hooks.push(h) };
      await this.rawExec('BEGIN IMMEDIATE');
      let result: T;
      try {
        result = await fn(tx);
      } catch (err) {
        await this.rawExec('ROLLBACK').catch(() => undefined);
        throw err;
      }
      try {
        await this.rawExec('COMMIT');
      } catch (err) {
        await this.rawExec('ROLLBACK').catch(() => undefined);
        throw err;
      }
      for (const h of hooks) h();
      return result;
    });
  }

  /** ATTACHes another database file under `alias`; a no-op if that file is already attached there. */
  attach(path: string, alias: string): Promise<void> {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(alias)) throw internalError(`bad attach alias '${alias}'`);
    const existing = this.attached.get(alias);
    if (existing !== undefined) {
      if (existing === path) return Promise.resolve();
      throw internalError(`alias '${alias}' is already attached to '${existing}'`);
    }
    this.attached.set(alias, path);
    return this.turn(async () => {
      try {
        await this.rawRun(`ATTACH DATABASE ? AS ${alias}`, [path]);
        await this.rawExec(durabilityPragmas(alias));
      } catch (err) {
        await this.rawRun(`DETACH DATABASE ${alias}`).catch(() => undefined);
        this.attached.delete(alias);
        throw ioError(`cannot attach '${path}'`, err);
      }
    });
  }

  /** Finalizes cached statements and closes the connection once queued work is done. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return this.queue.then(
      () => this.finish(),
      () => this.finish(),
    );
  }

  private async finish(): Promise<void> {
    await Promise.all([...this.statements.values()].map((e) => new Promise<void>((resolve) => e.stmt.finalize(() => resolve()))));
    this.statements.clear();
    await new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(ioError('cannot close state database', err)) : resolve())));
  }

  private turn<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(internalError(`state database '${this.path}' used after close`));
    const next = this.queue.then(fn, fn).catch((err: unknown) => {
      throw explainSqliteError(err, this.path, this.identity, [...this.attached.values()], this.what);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private rawRun(sql: string, params?: SqlParams): Promise<RunInfo> {
    return new Promise((resolve, reject) => {
      this.db.run(sql, params ?? [], function (this: sqlite3.RunResult, err: Error | null) {
        if (err) reject(err);
        else resolve({ changes: this.changes, lastID: this.lastID });
      });
    });
  }

  private rawGet<T>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      this.db.get(sql, params ?? [], (err: Error | null, row: T | undefined) => (err ? reject(err) : resolve(row)));
    });
  }

  private rawAll<T>(sql: string, params?: SqlParams): Promise<T[]> {
    return new Promise((resolve, reject) => {
      this.db.all(sql, params ?? [], (err: Error | null, rows: T[]) => (err ? reject(err) : resolve(rows)));
    });
  }

  private rawExec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.db.exec(sql, (err) => (err ? reject(err) : resolve())));
  }

  private rawPrepared(sql: string): Prepared {
    let entry = this.statements.get(sql);
    if (!entry) {
      let stmt!: sqlite3.Statement;
      // A run() queued on a statement whose prepare failed never calls back, so runs wait for the
      // prepare first; a failed prepare is not cached (the table may exist next time).
      const ready = new Promise<void>((resolve, reject) => {
        stmt = this.db.prepare(sql, (err) => {
          if (!err) return resolve();
          this.statements.delete(sql);
          reject(err);
        });
      });
      ready.catch(() => undefined);
      entry = { stmt, ready };
      this.statements.set(sql, entry);
    }
    const { stmt, ready } = entry;
    return {
      run: (params) =>
        ready.then(
          () =>
            new Promise<RunInfo>((resolve, reject) => {
              stmt.run(params ?? [], function (this: sqlite3.RunResult, err: Error | null) {
                if (err) reject(err);
                else resolve({ changes: this.changes, lastID: this.lastID });
              });
            }),
        ),
    };
  }
}

// Per schema: a file attached with its own (persistent) WAL mode would break cross-file atomicity.
// DELETE journal (not WAL): a transaction spanning ATTACHed files commits atomically across them.
function durabilityPragmas(schema: string): string {
  return `PRAGMA ${schema}.journal_mode=DELETE; PRAGMA ${schema}.synchronous=FULL;`;
}

function ioError(message: string, err: unknown): EddyError {
  const detail = err instanceof Error ? err.message : String(err);
  return new EddyError('IO', `${message}: ${detail}`, undefined, 'check that the path exists and is writable');
}
