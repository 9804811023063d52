import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../src/checkpoint/store.js';
import { EddyError } from '../../src/common/errors.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let work: string;
let storeJs: string;
const children: ChildProcess[] = [];

// Children must run the real CheckpointStore; Node 20 cannot load .ts, so compile it (and only
// its imports) to plain JS in a temp dir that resolves `sqlite3` through a node_modules link.
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-lock-'));
  const out = path.join(work, 'js');
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules/typescript/bin/tsc'),
      '--ignoreConfig',
      path.join(root, 'src/checkpoint/store.ts'),
      '--outDir', out,
      '--module', 'nodenext',
      '--moduleResolution', 'nodenext',
      '--target', 'es2022',
      '--types', 'node',
      '--skipLibCheck',
    ],
    { cwd: root, stdio: 'pipe' },
  );
  fs.writeFileSync(path.join(out, 'package.json'), '{"type":"module"}');
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(work, 'node_modules'), 'dir');
  storeJs = pathToFileURL(path.join(out, 'checkpoint/store.js')).href;
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  fs.rmSync(work, { recursive: true, force: true });
});

/** A child node process that takes the lock, prints "locked", then stays alive or exits. */
function childTakingLock(db: string, queryId: string, stay: boolean): Promise<ChildProcess> {
  const code = `
    const { CheckpointStore } = await import(${JSON.stringify(storeJs)});
    const s = await CheckpointStore.open(${JSON.stringify(db)});
    await s.acquireLock(${JSON.stringify(queryId)});
    await s.close();
    console.log('locked');
    ${stay ? 'setInterval(() => {}, 1000);' : ''}
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('locked')) resolve(child);
    });
    child.on('exit', (c) => {
      if (c !== 0) reject(new Error(`child failed (${c}): ${err}`));
    });
  });
}

const exited = (c: ChildProcess): Promise<void> =>
  c.exitCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', () => r()));

describe('query ownership lock', () => {
  it('refuses a query held by a live other process, takes over once it is dead', async () => {
    const db = path.join(work, 'live.db');
    const child = await childTakingLock(db, 'q1', true);
    const s = await CheckpointStore.open(db);
    try {
      const err = await s.acquireLock('q1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EddyError);
      expect((err as EddyError).code).toBe('CHECKPOINT');
      expect((err as EddyError).message).toBe(`query 'q1' is already running in process ${child.pid}`);
      expect((err as EddyError).hint).toBe('stop that process first, or use another --state database');
      // Other queries are not affected.
      await s.acquireLock('q2');

      child.kill('SIGKILL');
      await exited(child);
      await s.acquireLock('q1');
    } finally {
      await s.close();
    }
  });

  it('takes over a lock left by a process that exited without releasing it', async () => {
    const db = path.join(work, 'dead.db');
    const child = await childTakingLock(db, 'q1', false);
    await exited(child);
    const s = await CheckpointStore.open(db);
    try {
      await s.acquireLock('q1');
      await s.acquireLock('q1'); // re-acquiring our own lock is fine
      // Once we hold it, a new child is refused.
      await expect(childTakingLock(db, 'q1', false)).rejects.toThrow(`query 'q1' is already running in process ${process.pid}`);
      await s.releaseLock('q1');
      const c2 = await childTakingLock(db, 'q1', false);
      await exited(c2);
    } finally {
      await s.close();
    }
  });
});
