/**
 * Real operating-system faults for the fault tests (issue 13 item 6): a small tmpfs that a test
 * fills up, an immutable (read-only even for root) state database, a process's run state from
 * /proc, and `eddy` runs with EDDY_FAULT (src/common/fault.ts) set.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { EDDY, type CliResult } from './checkpoint-helpers.js';
import type { FaultPoint } from '../../src/common/fault.js';

/** Why a tmpfs cannot be mounted here (not root, no mount), or null when it can. */
export function tmpfsSkip(): string | null {
  if (process.platform !== 'linux') return 'a tmpfs needs Linux';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', '/nonexistent-eddy-probe'], { encoding: 'utf8' });
  if (r.error) return `no mount command: ${r.error.message}`;
  // The probe's mount point does not exist: "mount point does not exist" means mounting itself is allowed.
  return /does not exist|No such file/i.test(r.stderr) ? null : `mount refused: ${r.stderr.trim()}`;
}

/** Mounts a tmpfs of `size` (e.g. '8m') at `dir` (created). */
export function mountTmpfs(dir: string, size: string): void {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mount tmpfs at ${dir}: ${r.stderr}`);
}

export function unmount(dir: string): void {
  spawnSync('umount', ['-l', dir]);
}

/** Writes zeros into `path` until the file system holding it is full (ENOSPC): the disk fills up. */
export function fillDisk(path: string): number {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(64 * 1024);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  return written;
}

/** Why `chattr +i` cannot make a file immutable here, or null. As root, chmod does not stop writes; the immutable flag does. */
export function chattrSkip(dir: string): string | null {
  if (process.platform !== 'linux') return 'chattr needs Linux';
  if (process.getuid?.() !== 0) return 'chattr +i needs root';
  const probe = join(dir, 'chattr-probe');
  closeSync(openSync(probe, 'w'));
  const r = spawnSync('chattr', ['+i', probe], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `chattr +i refused: ${r.error?.message ?? r.stderr.trim()}`;
  spawnSync('chattr', ['-i', probe]);
  return null;
}

export function chattr(flag: '+i' | '-i', path: string): void {
  const r = spawnSync('chattr', [flag, path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`chattr ${flag} ${path}: ${r.stderr}`);
}

/** The run state of a process from /proc (R, S, T = stopped ...), null when it is gone. */
export function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

/** Whether process `pid` holds a POSIX lock on `file` (/proc/locks; SQLite locks the database file while a statement or transaction runs). */
export function holdsLock(pid: number, file: string): boolean {
  const ino = statSync(file).ino;
  return readFileSync('/proc/locks', 'utf8')
    .split('\n')
    .some((line) => {
      const m = /^\d+:\s+POSIX\s+\S+\s+\S+\s+(\d+)\s+[0-9a-f]+:[0-9a-f]+:(\d+)\s/.exec(line);
      return m !== null && Number(m[1]) === pid && Number(m[2]) === ino;
    });
}

/**
 * Where a kill at each fault point of a run's third checkpoint leaves it: rolled back (the re-run
 * resumes from checkpoint 2) or committed in the state database (from 3).
 */
export const THIRD_CHECKPOINT_KILLS: readonly { point: FaultPoint; resumesFrom: number }[] = [
  { point: 'checkpoint-sink-durable', resumesFrom: 2 },
  { point: 'checkpoint-before-commit', resumesFrom: 2 },
  { point: 'checkpoint-after-commit', resumesFrom: 3 },
  { point: 'checkpoint-complete', resumesFrom: 3 },
];

/**
 * Runs `eddy` with EDDY_FAULT set to stop it (`<point>@n:SIGSTOP`), waits until it is stopped,
 * keeps it stopped for `pauseMs`, sends SIGCONT and resolves with its exit code and stderr.
 */
export async function runStoppedAt(cwd: string, args: readonly string[], fault: string, pauseMs: number): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(EDDY, [...args], { cwd, env: { ...process.env, EDDY_FAULT: fault }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const deadline = Date.now() + 60_000;
  while (procState(child.pid!) !== 'T') {
    if (Date.now() > deadline) throw new Error(`the run never stopped: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, pauseMs));
  process.kill(child.pid!, 'SIGCONT');
  return { code: await exited, stderr };
}

/** Runs `eddy` to completion with extra environment (EDDY_FAULT). */
export function runEddy(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): CliResult {
  const r = spawnSync(EDDY, [...args], { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, ...env } });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The newest complete checkpoint recorded in a state database (0 when none), read as another
 * program would. Read-write: a run that died mid-transaction leaves a hot journal, which only a
 * writable connection may roll back (a read-only one gets SQLITE_READONLY).
 */
export function latestCheckpoint(state: string): Promise<{ id: number; meta: Record<string, { state: unknown }> }> {
  return new Promise((res, rej) => {
    const db = new sqlite3.Database(state);
    db.get('SELECT checkpoint_id AS id, meta FROM eddy_checkpoints WHERE complete = 1 ORDER BY checkpoint_id DESC LIMIT 1', (err, row: { id: number; meta: string } | undefined) => {
      db.close(() => (err ? rej(err) : res(row ? { id: row.id, meta: JSON.parse(row.meta).operators } : { id: 0, meta: {} })));
    });
  });
}

/** A consistent copy of a live state database (VACUUM INTO, on a separate connection). */
export function backupStateDb(state: string, to: string): Promise<void> {
  return new Promise((res, rej) => {
    const db = new sqlite3.Database(state);
    db.configure('busyTimeout', 10_000);
    db.run('VACUUM INTO ?', [to], (err) => db.close(() => (err ? rej(err) : res())));
  });
}

/** The rows of a SQLite sink's table, in a fixed order. */
export function sqliteRows(path: string, table: string, order: string): Promise<unknown[]> {
  return new Promise((res, rej) => {
    const db = new sqlite3.Database(path, sqlite3.OPEN_READONLY);
    db.all(`SELECT * FROM ${table} ORDER BY ${order}`, (err, rows) => db.close(() => (err ? rej(err) : res(rows))));
  });
}
