import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteDb } from '../../src/checkpoint/sqlite-db.js';
import { EddyError } from '../../src/common/errors.js';

const dirs: string[] = [];
function tempFile(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-db-'));
  dirs.push(dir);
  return path.join(dir, name);
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('SqliteDb', () => {
  it('runs statements and returns rows', async () => {
    const db = await SqliteDb.open(':memory:');
    await db.exec('CREATE TABLE t (a INTEGER, b TEXT)');
    const r = await db.run('INSERT INTO t VALUES (?, ?)', [1, 'x']);
    expect(r.changes).toBe(1);
    await db.prepared('INSERT INTO t VALUES (?, ?)').run([2, 'y']);
    expect(await db.all('SELECT * FROM t ORDER BY a')).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ]);
    expect(await db.get('SELECT b FROM t WHERE a = ?', [2])).toEqual({ b: 'y' });
    expect(await db.get('SELECT b FROM t WHERE a = ?', [9])).toBeUndefined();
    await db.close();
  });

  it('uses the rollback journal and full sync', async () => {
    const db = await SqliteDb.open(tempFile('a.db'));
    expect(await db.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'delete' });
    expect(await db.get('PRAGMA synchronous')).toEqual({ synchronous: 2 });
    await db.close();
  });

  it('rolls a failed transaction back and runs afterCommit hooks only on commit', async () => {
    const db = await SqliteDb.open(':memory:');
    await db.exec('CREATE TABLE t (a INTEGER)');
    const events: string[] = [];
    await expect(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO t VALUES (1)');
        tx.afterCommit(() => events.push('first'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO t VALUES (2)');
      tx.afterCommit(() => events.push('second'));
    });
    expect(await db.all('SELECT a FROM t')).toEqual([{ a: 2 }]);
    expect(events).toEqual(['second']);
    await db.close();
  });

  it('keeps concurrent top-level statements out of an open transaction', async () => {
    const db = await SqliteDb.open(':memory:');
    await db.exec('CREATE TABLE t (a INTEGER)');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const tx = db.transaction(async (t) => {
      await t.run('INSERT INTO t VALUES (1)');
      await gate;
      throw new Error('rollback');
    });
    // Issued while the transaction is open: must wait and then commit on its own.
    const outside = db.run('INSERT INTO t VALUES (2)');
    release();
    await expect(tx).rejects.toThrow('rollback');
    await outside;
    expect(await db.all('SELECT a FROM t')).toEqual([{ a: 2 }]);
    await db.close();
  });

  it('commits a transaction spanning an attached database atomically', async () => {
    const main = tempFile('main.db');
    const other = tempFile('other.db');
    const db = await SqliteDb.open(main);
    await db.attach(other, 'o');
    await db.attach(other, 'o'); // idempotent
    await db.exec('CREATE TABLE a (x INTEGER); CREATE TABLE o.b (x INTEGER)');
    await expect(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO a VALUES (1)');
        await tx.run('INSERT INTO o.b VALUES (1)');
        throw new Error('fail');
      }),
    ).rejects.toThrow('fail');
    await db.transaction(async (tx) => {
      await tx.run('INSERT INTO a VALUES (2)');
      await tx.run('INSERT INTO o.b VALUES (2)');
    });
    await db.close();
    const check = await SqliteDb.open(other);
    expect(await check.all('SELECT x FROM b')).toEqual([{ x: 2 }]);
    await check.close();
  });

  it('switches an attached WAL-mode file to the rollback journal', async () => {
    const other = tempFile('wal.db');
    const w = await SqliteDb.open(other);
    await w.exec('PRAGMA journal_mode=WAL; CREATE TABLE b (x INTEGER)');
    await w.close();
    const db = await SqliteDb.open(tempFile('main.db'));
    await db.attach(other, 'o');
    expect(await db.get('PRAGMA o.journal_mode')).toEqual({ journal_mode: 'delete' });
    await db.close();
  });

  it('opening a file that is not a database is a clear IO error', async () => {
    const file = tempFile('junk.db');
    fs.writeFileSync(file, 'not a database '.repeat(20));
    const err = await SqliteDb.open(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EddyError);
    expect((err as EddyError).code).toBe('IO');
    expect((err as EddyError).message).toBe(`cannot open state database '${file}': the file is not a SQLite database`);
  });

  it('reports a failing prepared statement as a rejected promise', async () => {
    const db = await SqliteDb.open(':memory:');
    await expect(db.prepared('INSERT INTO missing VALUES (?)').run([1])).rejects.toThrow(/no such table/);
    await db.close();
  });
});
