import * as os from 'node:os';
import { EddyError, internalError } from '../common/errors.js';
import { crc32, decodeMeta, encodeMeta } from './codec.js';
import { SqliteDb, type SqlExecutor, type TxExecutor } from './sqlite-db.js';
import type { CheckpointInfo, CheckpointMeta, StateChunk } from './types.js';

/** Lifecycle of a persistent query as recorded in the state database. */
export type PersistedQueryStatus = 'RUNNING' | 'RESTARTING' | 'FAILED' | 'FINISHED' | 'STOPPED';

export interface PersistedQuery {
  readonly queryId: string;
  readonly sql: string;
  /** Identifies the plan's shape, so a resumed query whose plan changed can be refused. */
  readonly fingerprint: string;
  readonly status: PersistedQueryStatus;
  readonly error: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * What a persistent query wrote into its sink, so a fresh start replaces only its own output:
 * `sink` identifies the sink (a resolved file path, a SQLite table, a topic), `startAt`/`endAt`
 * are positions in the sink's unit (bytes of a file, rows of a table) where its output began and,
 * once it finished, ended (null while it runs: nobody else may write the sink meanwhile).
 */
export interface QuerySink {
  readonly queryId: string;
  readonly sink: string;
  /** The stream it writes, and those it reads (DROP STREAM refuses while a running query uses one). */
  readonly stream: string;
  readonly reads: readonly string[];
  readonly startAt: number | null;
  readonly endAt: number | null;
}

export interface WriteCheckpointArgs {
  readonly queryId: string;
  /**
   * Must be greater than every checkpoint this run builds on. Checkpoints with this id or later
   * (left over from a run that was rolled back to an earlier checkpoint) are discarded.
   */
  readonly checkpointId: number;
  readonly meta: CheckpointMeta;
  /** Only the key groups changed since the previous checkpoint; empty bytes = the group is now empty. */
  readonly chunks: readonly StateChunk[];
  /** How many complete checkpoints to keep (>= 1). */
  readonly retained: number;
  /** When the checkpoint started (its synchronous phase), for the recorded duration; default now. */
  readonly startedAt?: number;
  /** Runs inside the checkpoint's transaction (e.g. a SQLite sink inserting its rows). */
  readonly inTransaction?: (db: TxExecutor) => Promise<void>;
}

export interface LoadedCheckpoint {
  readonly checkpointId: number;
  readonly meta: CheckpointMeta;
  /** The full keyed state at the checkpoint: one chunk per non-empty (operatorUid, keyGroup). */
  readonly chunks: StateChunk[];
}

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS eddy_schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS eddy_streams (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, ddl TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS eddy_queries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, query_id TEXT NOT NULL UNIQUE, sql TEXT NOT NULL,
  fingerprint TEXT NOT NULL, status TEXT NOT NULL, error TEXT,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS eddy_checkpoints (
  query_id TEXT NOT NULL, checkpoint_id INTEGER NOT NULL, created_at INTEGER NOT NULL,
  meta TEXT NOT NULL, meta_crc INTEGER NOT NULL, chunk_count INTEGER NOT NULL,
  chunk_bytes INTEGER NOT NULL, key_groups_written INTEGER NOT NULL, duration_ms INTEGER NOT NULL,
  complete INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (query_id, checkpoint_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS eddy_chunks (
  query_id TEXT NOT NULL, operator_uid TEXT NOT NULL, key_group INTEGER NOT NULL,
  checkpoint_id INTEGER NOT NULL, bytes BLOB NOT NULL, crc INTEGER NOT NULL,
  PRIMARY KEY (query_id, operator_uid, key_group, checkpoint_id));
CREATE TABLE IF NOT EXISTS eddy_locks (
  query_id TEXT PRIMARY KEY, pid INTEGER NOT NULL, hostname TEXT NOT NULL, started_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS eddy_query_sinks (
  query_id TEXT PRIMARY KEY, sink TEXT NOT NULL, stream TEXT NOT NULL, reads TEXT NOT NULL,
  start_at INTEGER, end_at INTEGER);
`;

// The newest chunk at or before the target checkpoint, per (operator, key group).
const ASSEMBLE_SQL = `
SELECT c.operator_uid AS op, c.key_group AS kg, c.checkpoint_id AS cp, c.bytes AS bytes, c.crc AS crc
FROM (SELECT operator_uid, key_group, MAX(checkpoint_id) AS cp FROM eddy_chunks
      WHERE query_id = ?1 AND checkpoint_id <= ?2 GROUP BY operator_uid, key_group) m
JOIN eddy_chunks c ON c.query_id = ?1 AND c.operator_uid = m.operator_uid
  AND c.key_group = m.key_group AND c.checkpoint_id = m.cp`;

// Chunks older than the oldest retained checkpoint that it does not need: all but the newest per
// group, and that one too when it is empty (an empty base chunk means the same as no chunk).
const PRUNE_SQL = `
DELETE FROM eddy_chunks WHERE query_id = ?1 AND checkpoint_id < ?2 AND (length(bytes) = 0
  OR checkpoint_id < (SELECT MAX(c2.checkpoint_id) FROM eddy_chunks c2 WHERE c2.query_id = ?1
    AND c2.operator_uid = eddy_chunks.operator_uid AND c2.key_group = eddy_chunks.key_group
    AND c2.checkpoint_id <= ?2))`;

interface CheckpointRow {
  readonly query_id: string;
  readonly checkpoint_id: number;
  readonly created_at: number;
  readonly meta: string;
  readonly meta_crc: number;
  readonly chunk_count: number;
  readonly chunk_bytes: number;
  readonly key_groups_written: number;
  readonly duration_ms: number;
}

interface QueryRow {
  readonly query_id: string;
  readonly sql: string;
  readonly fingerprint: string;
  readonly status: PersistedQueryStatus;
  readonly error: string | null;
  readonly created_at: number;
  readonly updated_at: number;
}

/**
 * The SQLite state database: the persisted catalog (streams, persistent queries), incremental
 * checkpoints with integrity checks and retention, and per-query ownership locks.
 */
export class CheckpointStore {
  private constructor(readonly db: SqliteDb) {}

  /** Opens or creates the state database at `path` (':memory:' allowed) and its schema. */
  static async open(path: string): Promise<CheckpointStore> {
    const db = await SqliteDb.open(path);
    try {
      await db.transaction(async (tx) => {
        await tx.exec(SCHEMA);
        const row = await tx.get<{ version: number }>('SELECT version FROM eddy_schema_version');
        if (!row) await tx.run('INSERT INTO eddy_schema_version (version) VALUES (?)', [SCHEMA_VERSION]);
        else if (row.version > SCHEMA_VERSION) {
          throw new EddyError(
            'CHECKPOINT',
            `state database '${path}' has schema version ${row.version}, newer than this Eddy supports (${SCHEMA_VERSION})`,
            undefined,
            'upgrade Eddy, or use another --state database',
          );
        }
      });
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err;
    }
    return new CheckpointStore(db);
  }

  // ---- catalog ----

  /** Records a stream's DDL; re-saving a name replaces it and moves it to the end of the order. */
  async saveStream(name: string, ddl: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM eddy_streams WHERE name = ?', [name]);
      await tx.run('INSERT INTO eddy_streams (name, ddl) VALUES (?, ?)', [name, ddl]);
    });
  }

  async dropStream(name: string): Promise<void> {
    await this.db.run('DELETE FROM eddy_streams WHERE name = ?', [name]);
  }

  /** Streams in creation order, for replaying the catalog on startup. */
  async listStreams(): Promise<{ name: string; ddl: string }[]> {
    return this.db.all<{ name: string; ddl: string }>('SELECT name, ddl FROM eddy_streams ORDER BY seq');
  }

  /** Inserts or updates a persistent query (keeping its creation time and order). */
  async saveQuery(q: { queryId: string; sql: string; fingerprint: string; status: PersistedQueryStatus; error?: string | null }): Promise<void> {
    const now = Date.now();
    await this.db.run(
      `INSERT INTO eddy_queries (query_id, sql, fingerprint, status, error, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
       ON CONFLICT (query_id) DO UPDATE SET sql = ?2, fingerprint = ?3, status = ?4, error = ?5, updated_at = ?6`,
      [q.queryId, q.sql, q.fingerprint, q.status, q.error ?? null, now],
    );
  }

  async setQueryStatus(queryId: string, status: PersistedQueryStatus, error?: string | null): Promise<void> {
    const r = await this.db.run('UPDATE eddy_queries SET status = ?, error = ?, updated_at = ? WHERE query_id = ?', [
      status,
      error ?? null,
      Date.now(),
      queryId,
    ]);
    if (r.changes === 0) throw internalError(`setQueryStatus: unknown query '${queryId}'`);
  }

  /** Persistent queries in creation order. */
  async listQueries(): Promise<PersistedQuery[]> {
    return (await this.db.all<QueryRow>('SELECT * FROM eddy_queries ORDER BY seq')).map(toQuery);
  }

  async getQuery(queryId: string): Promise<PersistedQuery | null> {
    const row = await this.db.get<QueryRow>('SELECT * FROM eddy_queries WHERE query_id = ?', [queryId]);
    return row ? toQuery(row) : null;
  }

  /** Drops a query's checkpoints and chunks (fresh start); its catalog entry stays. */
  async deleteQueryState(queryId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM eddy_chunks WHERE query_id = ?', [queryId]);
      await tx.run('DELETE FROM eddy_checkpoints WHERE query_id = ?', [queryId]);
    });
  }

  /**
   * Drops checkpoint `checkpointId` of a query and any later one, with the chunks they wrote (a sink's
   * transaction for it was lost: SinkTransactionLost); returns the newest complete checkpoint left (0: none).
   */
  async abandonCheckpoint(queryId: string, checkpointId: number): Promise<number> {
    let left = 0;
    await this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM eddy_chunks WHERE query_id = ? AND checkpoint_id >= ?', [queryId, checkpointId]);
      await tx.run('DELETE FROM eddy_checkpoints WHERE query_id = ? AND checkpoint_id >= ?', [queryId, checkpointId]);
      const rows = await tx.all<{ id: number }>('SELECT checkpoint_id AS id FROM eddy_checkpoints WHERE query_id = ? AND complete = 1 ORDER BY checkpoint_id DESC LIMIT 1', [queryId]);
      left = rows[0]?.id ?? 0;
    });
    return left;
  }

  /** Forgets a query entirely: catalog entry, state and lock. */
  async deleteQuery(queryId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM eddy_chunks WHERE query_id = ?', [queryId]);
      await tx.run('DELETE FROM eddy_checkpoints WHERE query_id = ?', [queryId]);
      await tx.run('DELETE FROM eddy_locks WHERE query_id = ?', [queryId]);
      await tx.run('DELETE FROM eddy_query_sinks WHERE query_id = ?', [queryId]);
      await tx.run('DELETE FROM eddy_queries WHERE query_id = ?', [queryId]);
    });
  }

  // ---- sink ownership ----

  /** Records which sink a query writes (its extent is set as it starts and finishes). */
  async saveQuerySink(queryId: string, sink: string, stream: string, reads: readonly string[]): Promise<void> {
    await this.db.run(
      `INSERT INTO eddy_query_sinks (query_id, sink, stream, reads) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (query_id) DO UPDATE SET sink = ?2, stream = ?3, reads = ?4`,
      [queryId, sink, stream, JSON.stringify(reads)],
    );
  }

  /** Where a fresh start of the query began writing; its end is unknown until it finishes. */
  async setSinkStart(queryId: string, startAt: number): Promise<void> {
    await this.db.run('UPDATE eddy_query_sinks SET start_at = ?, end_at = NULL WHERE query_id = ?', [startAt, queryId]);
  }

  async setSinkEnd(queryId: string, endAt: number): Promise<void> {
    await this.db.run('UPDATE eddy_query_sinks SET end_at = ? WHERE query_id = ?', [endAt, queryId]);
  }

  async querySinks(): Promise<QuerySink[]> {
    const rows = await this.db.all<{ query_id: string; sink: string; stream: string; reads: string; start_at: number | null; end_at: number | null }>('SELECT * FROM eddy_query_sinks');
    return rows.map((r) => ({ queryId: r.query_id, sink: r.sink, stream: r.stream, reads: JSON.parse(r.reads) as string[], startAt: r.start_at, endAt: r.end_at }));
  }

  /**
   * Another query took the sink over: this one's checkpoints and extent no longer describe the
   * sink, so resuming it must not truncate to them (it starts fresh and appends instead).
   */
  async forgetSinkWrites(queryId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM eddy_chunks WHERE query_id = ?', [queryId]);
      await tx.run('DELETE FROM eddy_checkpoints WHERE query_id = ?', [queryId]);
      await tx.run('UPDATE eddy_query_sinks SET start_at = NULL, end_at = NULL WHERE query_id = ?', [queryId]);
    });
  }

  /** The live process (on this host) holding the query's lock, other than this one; null when none. */
  async lockHolder(queryId: string): Promise<number | null> {
    const held = await this.db.get<{ pid: number; hostname: string }>('SELECT pid, hostname FROM eddy_locks WHERE query_id = ?', [queryId]);
    if (!held || held.hostname !== os.hostname() || held.pid === process.pid || !isAlive(held.pid)) return null;
    return held.pid;
  }

  // ---- checkpoints ----

  /**
   * Writes one checkpoint in one transaction (chunks, meta, the caller's inTransaction work), marks
   * it complete, then prunes to the newest `retained` checkpoints. Nothing is visible unless it all commits.
   */
  async writeCheckpoint(args: WriteCheckpointArgs): Promise<CheckpointInfo> {
    const { queryId, checkpointId, meta, chunks, retained } = args;
    if (!Number.isSafeInteger(checkpointId) || checkpointId < 1) throw internalError(`bad checkpoint id ${checkpointId}`);
    if (!Number.isSafeInteger(retained) || retained < 1) {
      throw new EddyError('INVALID_OPTION', `'checkpoint.retained' must be a positive integer, got ${retained}`);
    }
    const seen = new Set<string>();
    let chunkBytes = 0;
    for (const c of chunks) {
      const k = `${c.operatorUid}\u0000${c.keyGroup}`;
      if (seen.has(k)) throw internalError(`checkpoint ${checkpointId} has two chunks for ${c.operatorUid}/${c.keyGroup}`);
      seen.add(k);
      chunkBytes += c.bytes.length;
    }
    const startedAt = args.startedAt ?? Date.now();
    const createdAt = Date.now();
    const metaText = encodeMeta(meta);
    const metaBuf = Buffer.from(metaText, 'utf8');
    let durationMs = 0;

    await this.db.transaction(async (tx) => {
      // A later checkpoint id that already exists belongs to a history this run has rolled back.
      await tx.run('DELETE FROM eddy_chunks WHERE query_id = ? AND checkpoint_id >= ?', [queryId, checkpointId]);
      await tx.run('DELETE FROM eddy_checkpoints WHERE query_id = ? AND checkpoint_id >= ?', [queryId, checkpointId]);
      await tx.run(
        `INSERT INTO eddy_checkpoints (query_id, checkpoint_id, created_at, meta, meta_crc, chunk_count,
           chunk_bytes, key_groups_written, duration_ms, complete) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0)`,
        [queryId, checkpointId, createdAt, metaText, crc32(metaBuf), chunks.length, chunkBytes, chunks.length],
      );
      const insert = tx.prepared(
        'INSERT INTO eddy_chunks (query_id, operator_uid, key_group, checkpoint_id, bytes, crc) VALUES (?, ?, ?, ?, ?, ?)',
      );
      // The binding runs one statement's calls in order, so they can be queued without awaiting each.
      await Promise.all(chunks.map((c) => insert.run([queryId, c.operatorUid, c.keyGroup, checkpointId, c.bytes, crc32(c.bytes)])));
      if (args.inTransaction) await args.inTransaction(tx);
      durationMs = Date.now() - startedAt;
      await tx.run('UPDATE eddy_checkpoints SET complete = 1, duration_ms = ? WHERE query_id = ? AND checkpoint_id = ?', [
        durationMs,
        queryId,
        checkpointId,
      ]);
      await prune(tx, queryId, retained);
    });
    return { queryId, checkpointId, createdAt, bytes: chunkBytes + metaBuf.length, durationMs, keyGroupsWritten: chunks.length };
  }

  /**
   * The newest complete checkpoint whose meta and every needed chunk verify, with its full state
   * assembled; warns about and skips damaged ones. null when the query has no checkpoint; throws
   * CHECKPOINT when checkpoints exist but none is usable.
   */
  async loadLatest(queryId: string, onWarning?: (msg: string) => void): Promise<LoadedCheckpoint | null> {
    const candidates = await this.db.all<CheckpointRow>(
      'SELECT * FROM eddy_checkpoints WHERE query_id = ? AND complete = 1 ORDER BY checkpoint_id DESC',
      [queryId],
    );
    if (candidates.length === 0) return null;
    const written = new Map<number, { n: number; bytes: number }>();
    for (const r of await this.db.all<{ cp: number; n: number; bytes: number }>(
      'SELECT checkpoint_id AS cp, COUNT(*) AS n, TOTAL(length(bytes)) AS bytes FROM eddy_chunks WHERE query_id = ? GROUP BY checkpoint_id',
      [queryId],
    )) {
      written.set(r.cp, { n: r.n, bytes: r.bytes });
    }
    let first: { id: number; reason: string } | undefined;
    for (let i = 0; i < candidates.length; i++) {
      const cand = candidates[i]!;
      const result = await this.tryLoad(queryId, cand, candidates, written).catch((err: unknown) => {
        // SQLite itself reporting a damaged file (SQLITE_CORRUPT, SQLITE_IOERR ...) is damage too, also
        // when the connection explained it as an I/O error of the file (state-db-errors.ts); a lock
        // another process holds is not (falling back would resume from older state for no reason).
        const cause = err instanceof EddyError && err.code === 'IO' ? (err as { cause?: unknown }).cause : err;
        if (isSqliteError(cause) && !NOT_DAMAGE.has((cause as { code?: string }).code ?? '')) return `unreadable: ${cause.message}`;
        throw err;
      });
      if (typeof result !== 'string') return result;
      first ??= { id: cand.checkpoint_id, reason: result };
      const next = candidates[i + 1];
      if (next) {
        onWarning?.(
          `checkpoint ${cand.checkpoint_id} of query '${queryId}' is damaged (${result}); falling back to checkpoint ${next.checkpoint_id}`,
        );
      }
    }
    throw new EddyError(
      'CHECKPOINT',
      `checkpoint ${first!.id} of query '${queryId}' is damaged (${first!.reason}) and no earlier complete checkpoint is usable`,
      undefined,
      'restart the query with --fresh to discard its state',
    );
  }

  /** The loaded checkpoint, or the reason it is damaged. */
  private async tryLoad(
    queryId: string,
    cand: CheckpointRow,
    all: readonly CheckpointRow[],
    written: ReadonlyMap<number, { n: number; bytes: number }>,
  ): Promise<LoadedCheckpoint | string> {
    const id = cand.checkpoint_id;
    if (crc32(Buffer.from(cand.meta, 'utf8')) !== cand.meta_crc) return 'meta checksum mismatch';
    let meta: CheckpointMeta;
    try {
      meta = decodeMeta(cand.meta);
    } catch (err) {
      return err instanceof Error ? err.message : 'meta is not valid checkpoint metadata';
    }
    // Every retained checkpoint this one builds on must still have all the chunks it wrote.
    for (const c of all) {
      if (c.checkpoint_id > id) continue;
      const w = written.get(c.checkpoint_id) ?? { n: 0, bytes: 0 };
      const where = c.checkpoint_id === id ? '' : ` of checkpoint ${c.checkpoint_id}`;
      if (w.n !== c.chunk_count) return `chunk count mismatch${where}: expected ${c.chunk_count}, found ${w.n}`;
      if (w.bytes !== c.chunk_bytes) return `chunk size mismatch${where}: expected ${c.chunk_bytes} bytes, found ${w.bytes}`;
    }
    const rows = await this.db.all<{ op: string; kg: number; cp: number; bytes: Buffer | null; crc: number }>(ASSEMBLE_SQL, [
      queryId,
      id,
    ]);
    const chunks: StateChunk[] = [];
    for (const r of rows) {
      if (r.bytes !== null && !Buffer.isBuffer(r.bytes)) return `chunk ${r.op}/${r.kg} is not a blob`;
      const bytes = r.bytes ?? Buffer.alloc(0);
      if (crc32(bytes) !== r.crc) {
        const from = r.cp === id ? '' : `, written by checkpoint ${r.cp}`;
        return `chunk ${r.op}/${r.kg} checksum mismatch${from}`;
      }
      if (bytes.length > 0) chunks.push({ operatorUid: r.op, keyGroup: r.kg, bytes });
    }
    return { checkpointId: id, meta, chunks };
  }

  /** Complete checkpoints, oldest first (all queries when queryId is omitted), for SHOW CHECKPOINTS. */
  async listCheckpoints(queryId?: string): Promise<CheckpointInfo[]> {
    const cols = 'query_id, checkpoint_id, created_at, chunk_bytes + length(CAST(meta AS BLOB)) AS bytes, duration_ms, key_groups_written';
    const rows =
      queryId === undefined
        ? await this.db.all<Record<string, number | string>>(`SELECT ${cols} FROM eddy_checkpoints WHERE complete = 1 ORDER BY query_id, checkpoint_id`)
        : await this.db.all<Record<string, number | string>>(
            `SELECT ${cols} FROM eddy_checkpoints WHERE complete = 1 AND query_id = ? ORDER BY checkpoint_id`,
            [queryId],
          );
    return rows.map((r) => ({
      queryId: String(r.query_id),
      checkpointId: Number(r.checkpoint_id),
      createdAt: Number(r.created_at),
      bytes: Number(r.bytes),
      durationMs: Number(r.duration_ms),
      keyGroupsWritten: Number(r.key_groups_written),
    }));
  }

  // ---- ownership ----

  /**
   * Claims a query for this process. Refuses when a live other process on this host holds it; a lock
   * from a dead process, from this process, or from another host (unverifiable; hostnames of
   * containers change between runs) is taken over.
   */
  async acquireLock(queryId: string): Promise<void> {
    const host = os.hostname();
    await this.db.transaction(async (tx) => {
      const held = await tx.get<{ pid: number; hostname: string }>('SELECT pid, hostname FROM eddy_locks WHERE query_id = ?', [queryId]);
      if (held && held.hostname === host && held.pid !== process.pid && isAlive(held.pid)) {
        throw new EddyError(
          'CHECKPOINT',
          `query '${queryId}' is already running in process ${held.pid}`,
          undefined,
          'stop that process first, or use another --state database',
        );
      }
      await tx.run('INSERT OR REPLACE INTO eddy_locks (query_id, pid, hostname, started_at) VALUES (?, ?, ?, ?)', [
        queryId,
        process.pid,
        host,
        Date.now(),
      ]);
    });
  }

  /** Releases this process's lock on a query (a lock held by another process is left alone). */
  async releaseLock(queryId: string): Promise<void> {
    await this.db.run('DELETE FROM eddy_locks WHERE query_id = ? AND pid = ? AND hostname = ?', [queryId, process.pid, os.hostname()]);
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

async function prune(tx: SqlExecutor, queryId: string, retained: number): Promise<void> {
  const keep = await tx.all<{ id: number }>(
    'SELECT checkpoint_id AS id FROM eddy_checkpoints WHERE query_id = ? AND complete = 1 ORDER BY checkpoint_id DESC LIMIT ?',
    [queryId, retained],
  );
  const oldest = keep[keep.length - 1]?.id;
  if (oldest === undefined) throw internalError('prune: the checkpoint just written is missing');
  await tx.run('DELETE FROM eddy_checkpoints WHERE query_id = ? AND (checkpoint_id < ? OR complete = 0)', [queryId, oldest]);
  await tx.run(PRUNE_SQL, [queryId, oldest]);
}

/** SQLite errors of a read that say nothing about the file's contents. */
const NOT_DAMAGE = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_INTERRUPT', 'SQLITE_NOMEM']);

function isSqliteError(err: unknown): err is Error {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'string' && code.startsWith('SQLITE_');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function toQuery(r: QueryRow): PersistedQuery {
  return {
    queryId: r.query_id,
    sql: r.sql,
    fingerprint: r.fingerprint,
    status: r.status,
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
