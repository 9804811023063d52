import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteDb } from '../../src/checkpoint/sqlite-db.js';
import { CheckpointStore } from '../../src/checkpoint/store.js';
import { CHECKPOINT_FORMAT, type CheckpointMeta } from '../../src/checkpoint/types.js';
import type { Row, Schema } from '../../src/common/types.js';
import { SqliteSink, sqliteSinkOptions } from '../../src/connectors/sqlite-sink.js';
import { formatTimestamp } from '../../src/common/time.js';
import { EddyError } from '../../src/common/errors.js';

const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-sink-'));
  dirs.push(d);
  return d;
}

async function open(file: string): Promise<CheckpointStore> {
  const s = await CheckpointStore.open(file);
  closers.push(() => s.close());
  return s;
}

/** Reads a table through an independent connection: what another process would see. */
async function readTable(file: string, table: string): Promise<Record<string, unknown>[]> {
  const db = await SqliteDb.open(file);
  try {
    return await db.all(`SELECT * FROM "${table}" ORDER BY rowid`);
  } finally {
    await db.close();
  }
}

const schema: Schema = {
  columns: [
    { name: 'user', type: 'VARCHAR' },
    { name: 'n', type: 'BIGINT' },
    { name: 'avg', type: 'DOUBLE' },
    { name: 'ok', type: 'BOOLEAN' },
    { name: 'window_end', type: 'TIMESTAMP' },
  ],
};

const meta = (sink: unknown): CheckpointMeta => ({ format: CHECKPOINT_FORMAT, operators: { 'sink-0': { state: sink } } });

/** What the coordinator does: flush (the cut), read position(), write the checkpoint with the sink's rows. */
async function checkpoint(store: CheckpointStore, sink: SqliteSink, id: number, inTransactionExtra?: () => Promise<void>) {
  await sink.flush();
  const pos = sink.position();
  await store.writeCheckpoint({
    queryId: 'q',
    checkpointId: id,
    meta: meta(pos),
    chunks: [],
    retained: 3,
    inTransaction: async (tx) => {
      await sink.commitInto(tx);
      await inTransactionExtra?.();
    },
  });
  return pos;
}

describe('SqliteSink', () => {
  it('rows become visible only when a checkpoint commits, typed as mapped', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out.db');
    const store = await open(path.join(dir, 'state.db'));
    const sink = new SqliteSink(schema, { path: out, table: 'results' }, store.db);
    await sink.restore(null);
    sink.write([
      ['ann', 3, 1.5, true, Date.UTC(2024, 0, 2, 3, 4, 5, 6)],
      ['bob', 1, null, false, null],
    ]);
    await sink.flush();
    expect(await readTable(out, 'results')).toEqual([]);

    const pos = await checkpoint(store, sink, 1);
    expect(pos).toEqual({ rows: 2 });
    expect(await readTable(out, 'results')).toEqual([
      { user: 'ann', n: 3, avg: 1.5, ok: 1, window_end: '2024-01-02 03:04:05.006' },
      { user: 'bob', n: 1, avg: null, ok: 0, window_end: null },
    ]);
    const cols = await (async () => {
      const db = await SqliteDb.open(out);
      try {
        return await db.all<{ name: string; type: string }>("SELECT name, type FROM pragma_table_info('results')");
      } finally {
        await db.close();
      }
    })();
    expect(cols.map((c) => `${c.name} ${c.type}`)).toEqual(['user TEXT', 'n INTEGER', 'avg REAL', 'ok INTEGER', 'window_end TEXT']);
    expect(sink.position()).toEqual({ rows: 2 });
  });

  it('rows written after the cut wait for the next checkpoint; a rolled-back checkpoint keeps its rows', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out.db');
    const store = await open(path.join(dir, 'state.db'));
    const sink = new SqliteSink(schema, { path: out, table: 't' }, store.db);
    await sink.restore(null);
    sink.write([['a', 1, 0, true, 0]]);
    await sink.flush();
    sink.write([['b', 2, 0, true, 0]]); // after the cut
    await store.writeCheckpoint({ queryId: 'q', checkpointId: 1, meta: meta({ rows: 1 }), chunks: [], retained: 3, inTransaction: (tx) => sink.commitInto(tx) });
    expect((await readTable(out, 't')).map((r) => r['user'])).toEqual(['a']);

    await expect(checkpoint(store, sink, 2, async () => Promise.reject(new Error('disk on fire')))).rejects.toThrow('disk on fire');
    expect((await readTable(out, 't')).map((r) => r['user'])).toEqual(['a']);

    sink.write([['c', 3, 0, true, 0]]);
    expect(await checkpoint(store, sink, 2)).toEqual({ rows: 3 });
    expect((await readTable(out, 't')).map((r) => r['user'])).toEqual(['a', 'b', 'c']);
  });

  it('restore(null) empties the table; restore(pos) drops rows a skipped later checkpoint committed', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out.db');
    const store = await open(path.join(dir, 'state.db'));
    const sink = new SqliteSink(schema, { path: out, table: 't' }, store.db);
    await sink.restore(null);
    for (let i = 0; i < 3; i++) {
      sink.write([[`r${i}a`, i, 0, true, 0], [`r${i}b`, i, 0, true, 0]]);
      await checkpoint(store, sink, i + 1);
    }
    expect(await readTable(out, 't')).toHaveLength(6);

    // Recovery resumes from checkpoint 2 (say 3 was damaged): its position is 4 rows.
    const resumed = new SqliteSink(schema, { path: out, table: 't' }, store.db);
    await resumed.restore({ rows: 4 });
    expect((await readTable(out, 't')).map((r) => r['user'])).toEqual(['r0a', 'r0b', 'r1a', 'r1b']);
    expect(resumed.position()).toEqual({ rows: 4 });
    resumed.write([['x', 9, 0, true, 0]]);
    expect(await checkpoint(store, resumed, 3)).toEqual({ rows: 5 });
    expect(await readTable(out, 't')).toHaveLength(5);

    const fresh = new SqliteSink(schema, { path: out, table: 't' }, store.db);
    await fresh.restore(null);
    expect(await readTable(out, 't')).toEqual([]);
    expect(fresh.position()).toEqual({ rows: 0 });
  });

  it('can write into the state database file itself, and inserts many rows in batches', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'state.db');
    const store = await open(file);
    const sink = new SqliteSink(schema, { path: file, table: 'results' }, store.db);
    await sink.restore(null);
    const rows: Row[] = [];
    for (let i = 0; i < 1234; i++) rows.push([`u${i}`, i, i / 2, i % 2 === 0, i * 1000]);
    sink.write(rows);
    await checkpoint(store, sink, 1);
    const got = await readTable(file, 'results');
    expect(got).toHaveLength(1234);
    expect(got[1233]).toEqual({ user: 'u1233', n: 1233, avg: 616.5, ok: 0, window_end: '1970-01-01 00:20:33.000' });
    expect((await store.loadLatest('q'))!.meta.operators['sink-0']).toEqual({ state: { rows: 1234 } });
  });

  it('refuses an existing table that lacks a column', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out.db');
    const pre = await SqliteDb.open(out);
    await pre.exec('CREATE TABLE t (user TEXT, n INTEGER)');
    await pre.close();
    const store = await open(path.join(dir, 'state.db'));
    const sink = new SqliteSink(schema, { path: out, table: 't' }, store.db);
    await expect(sink.restore(null)).rejects.toThrow("table 't' in '" + out + "' has no column 'avg', 'ok', 'window_end'");
  });

  it('without a state database, flush() commits directly', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out.db');
    const sink = new SqliteSink(schema, { path: out, table: 't' }, null);
    closers.push(() => sink.close());
    await sink.restore(null);
    sink.write([['a', 1, 1, true, 0]]);
    await sink.flush();
    expect((await readTable(out, 't')).map((r) => r['user'])).toEqual(['a']);
    expect(sink.position()).toEqual({ rows: 1 });
  });

  it('validates its options and resolves a relative path against baseDir', async () => {
    expect(() => sqliteSinkOptions({ connector: 'sqlite', path: 'x.db' })).toThrow("connector 'sqlite' needs option 'table'");
    const err = (() => {
      try {
        sqliteSinkOptions({ connector: 'sqlite', path: 'x.db', table: 't', tables: 'u' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EddyError);
    expect((err as EddyError).code).toBe('INVALID_OPTION');
    expect((err as EddyError).hint).toBe("did you mean 'table'?");

    const dir = tempDir();
    const store = await open(path.join(dir, 'state.db'));
    const sink = new SqliteSink(schema, { connector: 'sqlite', path: 'rel.db', table: 't' }, store.db, dir);
    await sink.restore(null);
    sink.write([['a', 1, 1, true, 0]]);
    await checkpoint(store, sink, 1);
    expect(await readTable(path.join(dir, 'rel.db'), 't')).toHaveLength(1);
  });

  it('formats timestamps as yyyy-MM-dd HH:mm:ss.SSS in UTC', () => {
    expect(formatTimestamp(0)).toBe('1970-01-01 00:00:00.000');
    expect(formatTimestamp(Date.UTC(1999, 11, 31, 23, 59, 59, 999))).toBe('1999-12-31 23:59:59.999');
    expect(formatTimestamp(-1)).toBe('1969-12-31 23:59:59.999');
  });
});
