import { accessSync, constants, readFileSync, statSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { EddyError } from '../common/errors.js';

/*
 * What went wrong with the state database, in words (DESIGN.md §4, "Failure handling"): SQLite
 * reports a full disk, a file deleted or replaced under an open connection (it refuses to write
 * one in rollback-journal mode), a read-only file or directory, or a lock another process holds,
 * as a bare SQLITE_FULL / READONLY / IOERR / CANTOPEN / BUSY. These checks of the file system
 * name the cause, so a user knows what to fix; the original error is kept as `cause`.
 */

/** The file a connection opened (device and inode), so a replaced or deleted file can be told apart. */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

/** The identity of the database file at `path`, or null (':memory:', or not there yet). */
export function fileIdentity(path: string): FileIdentity | null {
  if (path === '' || path === ':memory:') return null;
  try {
    const s = statSync(path);
    return { dev: s.dev, ino: s.ino };
  } catch {
    return null;
  }
}

const EXPLAINED = new Set(['SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_PERM', 'SQLITE_BUSY']);

/**
 * An EddyError naming the cause of a SQLite error on the state database at `path` (opened as
 * `identity`; `attached` are the SQLite sink files attached to the connection); other errors come
 * back unchanged. A deleted or replaced file is code CHECKPOINT (no restart can cure it: the
 * connection writes a file nobody will read again); the rest are IO.
 */
export function explainSqliteError(err: unknown, path: string, identity: FileIdentity | null, attached: readonly string[] = [], what = 'state database'): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (!(err instanceof Error) || typeof code !== 'string' || !EXPLAINED.has(code) || identity === null) return err;
  const detail = `${code}: ${err.message.replace(/^SQLITE_[A-Z]+: /, '')}`;
  const withCause = (e: EddyError): EddyError => Object.assign(e, { cause: err });
  if (code === 'SQLITE_BUSY') {
    const holders = lockHolders(identity.ino);
    const who = holders.length === 0 ? 'another process' : holders.map((h) => `process ${h.pid}${h.stopped ? ' (stopped: it was sent SIGSTOP or is being debugged)' : ''}`).join(', ');
    return withCause(
      new EddyError('IO', `${what} '${path}' is locked by ${who}: its write lock was not released within 5 s (${detail})`, undefined,
        holders.some((h) => h.stopped) ? `continue that process (kill -CONT ${holders.find((h) => h.stopped)!.pid}) or end it, then run again` : 'wait for that process to finish its transaction, or end it, then run again'),
    );
  }
  let now: FileIdentity | null = null;
  try {
    const s = statSync(path);
    now = { dev: s.dev, ino: s.ino };
  } catch {
    now = null;
  }
  const rerun = 'restore the file to resume from its checkpoints; a run on a new state database starts every query over (appending to its sinks: INSERT OVERWRITE or removing the output replaces it)';
  if (now === null) {
    return withCause(new EddyError('CHECKPOINT', `${what} '${path}' was deleted while Eddy had it open, so nothing more can be checkpointed (SQLite refuses to write it: ${detail})`, undefined, rerun));
  }
  if (now.dev !== identity.dev || now.ino !== identity.ino) {
    return withCause(new EddyError('CHECKPOINT', `${what} '${path}' was replaced by another file while Eddy had it open, so nothing more can be checkpointed (SQLite refuses to write it: ${detail})`, undefined, rerun));
  }
  const again = 'the failed checkpoint was rolled back; fix it and run again: each query resumes from its last complete checkpoint';
  // A write past the process's file size limit fails with EFBIG, which SQLite reports as a bare
  // IOERR (or FULL, for a short write): name the limit, not a full disk.
  const limit = fileSizeLimit();
  const capped = limit === null ? undefined : [path, ...attached].flatMap((p) => [p, `${p}-journal`]).find((p) => fileSize(p) + MAX_PAGE_SIZE > limit);
  if (capped !== undefined) {
    const which = capped.startsWith(path) ? `${what} '${path}'${capped === path ? '' : ` (its rollback journal '${capped}')`}` : `SQLite sink '${capped.replace(/-journal$/, '')}' (attached to ${what} '${path}')`;
    return withCause(new EddyError('IO', `${which} reached the file size limit of ${limit} bytes (ulimit -f) (${detail})`, undefined, `raise the limit (ulimit -f); ${again}`));
  }
  // The journal a failed write rolled back is gone: with a limit set, it is still the likely cause.
  if (limit !== null && (code === 'SQLITE_IOERR' || code === 'SQLITE_FULL') && freeBytes(path) !== 0) {
    return withCause(new EddyError('IO', `cannot write ${what} '${path}', most likely past the file size limit of ${limit} bytes (ulimit -f) (${detail})`, undefined, `raise the limit (ulimit -f); ${again}`));
  }
  const full = [path, ...attached].find((p) => freeBytes(p) === 0);
  if (code === 'SQLITE_FULL' || full !== undefined) {
    const which = full !== undefined && full !== path ? `the disk of SQLite sink '${full}' (attached to ${what} '${path}')` : `the disk of ${what} '${path}'`;
    return withCause(new EddyError('IO', `${which} is full (${detail})`, undefined, `free space there; ${again}`));
  }
  if (!writable(path)) return withCause(new EddyError('IO', `${what} '${path}' is read-only (${detail})`, undefined, `make it writable again (chmod u+w, chattr -i); ${again}`));
  if (!writable(dirname(path))) {
    return withCause(new EddyError('IO', `the directory of ${what} '${path}' is read-only: SQLite creates its rollback journal there (${detail})`, undefined, `make the directory writable again; ${again}`));
  }
  return withCause(new EddyError('IO', `cannot write ${what} '${path}' (${detail})`, undefined, again));
}

/** SQLite's largest page: a file within one of the limit may be what a page write failed to extend. */
const MAX_PAGE_SIZE = 65_536;

/** This process's soft RLIMIT_FSIZE in bytes (Linux /proc/self/limits), null when unlimited or unknown. */
function fileSizeLimit(): number | null {
  try {
    const m = /^Max file size\s+(\d+)\s/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function freeBytes(path: string): number | null {
  try {
    const s = statfsSync(dirname(path));
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/**
 * Processes other than this one holding a POSIX lock on the file with inode `ino` (Linux
 * /proc/locks; SQLite locks bytes of the database file), and whether each is stopped. [] elsewhere.
 */
function lockHolders(ino: number): { pid: number; stopped: boolean }[] {
  let text: string;
  try {
    text = readFileSync('/proc/locks', 'utf8');
  } catch {
    return [];
  }
  const pids = new Set<number>();
  for (const line of text.split('\n')) {
    const m = /^\d+:\s+POSIX\s+\S+\s+\S+\s+(\d+)\s+[0-9a-f]+:[0-9a-f]+:(\d+)\s/.exec(line);
    if (m && Number(m[2]) === ino && Number(m[1]) !== process.pid) pids.add(Number(m[1]));
  }
  return [...pids].map((pid) => ({ pid, stopped: processState(pid) === 'T' }));
}

function processState(pid: number): string | null {
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; comm may hold spaces or parentheses, the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}
