import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteDb } from '../../src/checkpoint/sqlite-db.js';
import { CheckpointStore } from '../../src/checkpoint/store.js';
import { CHECKPOINT_FORMAT, type CheckpointMeta, type StateChunk } from '../../src/checkpoint/types.js';
import { EddyError } from '../../src/common/errors.js';

const dirs: string[] = [];
const stores: CheckpointStore[] = [];

function tempDb(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-store-'));
  dirs.push(dir);
  return path.join(dir, 'state.db');
}

async function openStore(file: string): Promise<CheckpointStore> {
  const s = await CheckpointStore.open(file);
  stores.push(s);
  return s;
}

afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const meta = (n: number, watermark: number | null = n === 0 ? null : n * 1000): CheckpointMeta => ({
  format: CHECKPOINT_FORMAT,
  operators: {
    'source-0': { state: { offset: { byte: n * 100, line: n }, watermark, ended: false } },
    'limit-0': { state: { count: n } },
    'sink-0': { state: { rows: n } },
  },
});
const sinkOf = (m: CheckpointMeta): unknown => (m.operators['sink-0'] as { state: unknown }).state;

const chunk = (op: string, kg: number, text: string): StateChunk => ({ operatorUid: op, keyGroup: kg, bytes: Buffer.from(text) });

/** Chunks as sorted "op/kg=text" strings, for readable comparisons. */
const show = (chunks: readonly StateChunk[]): string[] =>
  chunks.map((c) => `${c.operatorUid}/${c.keyGroup}=${c.bytes.toString()}`).sort();

/** A second connection, as an outside process damaging the file would have. */
async function tamper(file: string, sql: string, params: unknown[] = []): Promise<number> {
  const db = await SqliteDb.open(file);
  try {
    return (await db.run(sql, params)).changes;
  } finally {
    await db.close();
  }
}

async function countChunks(file: string): Promise<{ cp: number; kg: number }[]> {
  const db = await SqliteDb.open(file);
  try {
    return await db.all('SELECT checkpoint_id AS cp, key_group AS kg FROM eddy_chunks ORDER BY cp, kg');
  } finally {
    await db.close();
  }
}

describe('checkpoints', () => {
  it('round-trips meta and chunks across a reopen', async () => {
    const file = tempDb();
    const s = await openStore(file);
    const m: CheckpointMeta = { ...meta(1, -Infinity), operators: { ...meta(1, -Infinity).operators, 'source-1': { state: { offset: null, watermark: Infinity, ended: true } } } };
    const info = await s.writeCheckpoint({ queryId: 'q1', checkpointId: 1, meta: m, chunks: [chunk('agg', 3, 'abc'), chunk('agg', 7, 'defg')], retained: 3 });
    expect(info).toMatchObject({ queryId: 'q1', checkpointId: 1, keyGroupsWritten: 2 });
    expect(info.bytes).toBeGreaterThan(7);
    await s.close();
    stores.pop();

    const again = await openStore(file);
    const loaded = await again.loadLatest('q1');
    expect(loaded!.checkpointId).toBe(1);
    expect(loaded!.meta.operators).toEqual(m.operators);
    expect((loaded!.meta.operators['source-0'] as { state: { watermark: number } }).state.watermark).toBe(-Infinity);
    expect((loaded!.meta.operators['source-1'] as { state: { watermark: number } }).state.watermark).toBe(Infinity);
    expect(show(loaded!.chunks)).toEqual(['agg/3=abc', 'agg/7=defg']);
    expect(Buffer.isBuffer(loaded!.chunks[0]!.bytes)).toBe(true);
    expect(await again.loadLatest('other')).toBeNull();
    const list = await again.listCheckpoints('q1');
    expect(list.map((c) => [c.checkpointId, c.keyGroupsWritten, c.bytes])).toEqual([[1, 2, info.bytes]]);
  });

  it('assembles state incrementally: newest chunk per group at or before the target', async () => {
    const s = await openStore(tempDb());
    await s.writeCheckpoint({ queryId: 'q', checkpointId: 1, meta: meta(1), chunks: [chunk('op', 1, 'a1'), chunk('op', 2, 'b1'), chunk('op', 3, 'c1')], retained: 5 });
    await s.writeCheckpoint({ queryId: 'q', checkpointId: 2, meta: meta(2), chunks: [chunk('op', 2, 'b2')], retained: 5 });
    let loaded = await s.loadLatest('q');
    expect(loaded!.checkpointId).toBe(2);
    expect(sinkOf(loaded!.meta)).toEqual({ rows: 2 });
    expect(show(loaded!.chunks)).toEqual(['op/1=a1', 'op/2=b2', 'op/3=c1']);

    // Group 3 emptied, a new operator appears.
    await s.writeCheckpoint({ queryId: 'q', checkpointId: 3, meta: meta(3), chunks: [chunk('op', 3, ''), chunk('op2', 0, 'z')], retained: 5 });
    loaded = await s.loadLatest('q');
    expect(show(loaded!.chunks)).toEqual(['op/1=a1', 'op/2=b2', 'op2/0=z']);
  });

  it('keeps queries apart', async () => {
    const s = await openStore(tempDb());
    await s.writeCheckpoint({ queryId: 'a', checkpointId: 1, meta: meta(1), chunks: [chunk('op', 1, 'A')], retained: 1 });
    await s.writeCheckpoint({ queryId: 'b', checkpointId: 1, meta: meta(1), chunks: [chunk('op', 1, 'B')], retained: 1 });
    await s.writeCheckpoint({ queryId: 'b', checkpointId: 2, meta: meta(2), chunks: [chunk('op', 1, 'B2')], retained: 1 });
    expect(show((await s.loadLatest('a'))!.chunks)).toEqual(['op/1=A']);
    expect(show((await s.loadLatest('b'))!.chunks)).toEqual(['op/1=B2']);
    expect((await s.listCheckpoints()).map((c) => `${c.queryId}:${c.checkpointId}`)).toEqual(['a:1', 'b:2']);
    await s.deleteQueryState('b');
    expect(await s.loadLatest('b')).toBeNull();
    expect(show((await s.loadLatest('a'))!.chunks)).toEqual(['op/1=A']);
  });

  it('retention keeps the newest N checkpoints and exactly the chunks they need', async () => {
    const file = tempDb();
    const s = await openStore(file);
    const w = (id: number, chunks: StateChunk[]) => s.writeCheckpoint({ queryId: 'q', checkpointId: id, meta: meta(id), chunks, retained: 2 });
    await w(1, [chunk('op', 1, 'a1'), chunk('op', 2, 'b1'), chunk('op', 3, 'c1'), chunk('op', 4, 'd1')]);
    await w(2, [chunk('op', 1, 'a2'), chunk('op', 4, '')]);
    await w(3, [chunk('op', 1, 'a3'), chunk('op', 2, 'b3')]);
    // Retained: 2 and 3. Needed: group 1 -> a2 (base of 2), a3; group 2 -> b1 (base), b3; group 3 -> c1;
    // group 4 -> the empty chunk of checkpoint 2 (checkpoint 2 must still see the group as empty).
    expect(await countChunks(file)).toEqual([
      { cp: 1, kg: 2 },
      { cp: 1, kg: 3 },
      { cp: 2, kg: 1 },
      { cp: 2, kg: 4 },
      { cp: 3, kg: 1 },
      { cp: 3, kg: 2 },
    ]);
    expect((await s.listCheckpoints('q')).map((c) => c.checkpointId)).toEqual([2, 3]);

    await w(4, [chunk('op', 3, 'c4')]);
    // Retained: 3 and 4. Checkpoint 3 still needs c1; a2 and b1 are superseded, and group 4's empty
    // chunk is now the group's oldest chunk, which means the same as none.
    expect(await countChunks(file)).toEqual([
      { cp: 1, kg: 3 },
      { cp: 3, kg: 1 },
      { cp: 3, kg: 2 },
      { cp: 4, kg: 3 },
    ]);
    expect(show((await s.loadLatest('q'))!.chunks)).toEqual(['op/1=a3', 'op/2=b3', 'op/3=c4']);
    // The oldest retained checkpoint is still fully restorable after pruning.
    await tamper(file, "UPDATE eddy_chunks SET bytes = X'00' WHERE checkpoint_id = 4");
    const fallback = await s.loadLatest('q', () => {});
    expect(fallback!.checkpointId).toBe(3);
    expect(show(fallback!.chunks)).toEqual(['op/1=a3', 'op/2=b3', 'op/3=c1']);
  });

  it('a transaction that fails midway leaves no trace of the checkpoint', async () => {
    const file = tempDb();
    const s = await openStore(file);
    await s.writeCheckpoint({ queryId: 'q', checkpointId: 1, meta: meta(1), chunks: [chunk('op', 1, 'a1')], retained: 1 });
    await expect(
      s.writeCheckpoint({
        queryId: 'q',
        checkpointId: 2,
        meta: meta(2),
        chunks: [chunk('op', 1, 'a2'), chunk('op', 2, 'b2')],
        retained: 1,
        inTransaction: async (tx) => {
          await tx.run('SELECT 1');
          throw new Error('sink exploded');
        },
      }),
    ).rejects.toThrow('sink exploded');
    expect(await countChunks(file)).toEqual([{ cp: 1, kg: 1 }]);
    expect((await s.listCheckpoints('q')).map((c) => c.checkpointId)).toEqual([1]);
    const loaded = await s.loadLatest('q');
    expect(loaded!.checkpointId).toBe(1);
    expect(show(loaded!.chunks)).toEqual(['op/1=a1']);
    // The store stays usable, and the same id can be written again.
    await s.writeCheckpoint({ queryId: 'q', checkpointId: 2, meta: meta(2), chunks: [chunk('op', 2, 'b2')], retained: 1 });
    expect(show((await s.loadLatest('q'))!.chunks)).toEqual(['op/1=a1', 'op/2=b2']);
  });

  it('a checkpoint id that already exists replaces it and everything after (a rolled-back history)', async () => {
    const s = await openStore(tempDb());
    for (const id of [1, 2, 3]) await s.writeCheckpoint({ queryId: 'q', checkpointId: id, meta: meta(id), chunks: [chunk('op', id, `x${id}`)], retained: 5 });
    await s.writeCheckpoint({ queryId: 'q', checkpointId: 2, meta: meta(20), chunks: [chunk('op', 9, 'new')], retained: 5 });
    const loaded = await s.loadLatest('q');
    expect(loaded!.checkpointId).toBe(2);
    expect(sinkOf(loaded!.meta)).toEqual({ rows: 20 });
    expect(show(loaded!.chunks)).toEqual(['op/1=x1', 'op/9=new']);
  });
});

describe('damage detection', () => {
  async function threeCheckpoints(file: string): Promise<CheckpointStore> {
    const s = await openStore(file);
    await s.writeCheckpoint({ queryId: 'q1', checkpointId: 1, meta: meta(1), chunks: [chunk('op', 1, 'a1'), chunk('op', 17, 'z1')], retained: 3 });
    await s.writeCheckpoint({ queryId: 'q1', checkpointId: 2, meta: meta(2), chunks: [chunk('op', 17, 'z2')], retained: 3 });
    await s.writeCheckpoint({ queryId: 'q1', checkpointId: 3, meta: meta(3), chunks: [chunk('op', 17, 'z3')], retained: 3 });
    return s;
  }

  it('a corrupted chunk makes loadLatest warn and fall back to the previous checkpoint', async () => {
    const file = tempDb();
    const s = await threeCheckpoints(file);
    expect(await tamper(file, "UPDATE eddy_chunks SET bytes = X'7a39' WHERE checkpoint_id = 3 AND key_group = 17")).toBe(1);
    const warnings: string[] = [];
    const loaded = await s.loadLatest('q1', (m) => warnings.push(m));
    expect(loaded!.checkpointId).toBe(2);
    expect(show(loaded!.chunks)).toEqual(['op/17=z2', 'op/1=a1']);
    expect(warnings).toEqual(["checkpoint 3 of query 'q1' is damaged (chunk op/17 checksum mismatch); falling back to checkpoint 2"]);
  });

  it('a damaged chunk an older checkpoint shares is detected in every checkpoint that needs it', async () => {
    const file = tempDb();
    const s = await threeCheckpoints(file);
    // a1 (checkpoint 1) is part of every checkpoint's state: nothing is usable.
    await tamper(file, "UPDATE eddy_chunks SET bytes = X'6132' WHERE checkpoint_id = 1 AND key_group = 1");
    const warnings: string[] = [];
    const err = await s.loadLatest('q1', (m) => warnings.push(m)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EddyError);
    expect((err as EddyError).code).toBe('CHECKPOINT');
    expect((err as EddyError).message).toBe(
      "checkpoint 3 of query 'q1' is damaged (chunk op/1 checksum mismatch, written by checkpoint 1) and no earlier complete checkpoint is usable",
    );
    expect((err as EddyError).hint).toBe('restart the query with --fresh to discard its state');
    expect(warnings).toHaveLength(2);
  });

  it('throws the clear error when the only checkpoint is damaged', async () => {
    const file = tempDb();
    const s = await openStore(file);
    await s.writeCheckpoint({ queryId: 'q1', checkpointId: 7, meta: meta(7), chunks: [chunk('op', 17, 'z')], retained: 3 });
    await tamper(file, "UPDATE eddy_chunks SET bytes = X'00' WHERE key_group = 17");
    await expect(s.loadLatest('q1')).rejects.toThrow(
      "checkpoint 7 of query 'q1' is damaged (chunk op/17 checksum mismatch) and no earlier complete checkpoint is usable",
    );
  });

  it('a corrupted meta falls back, and with nothing left throws', async () => {
    const file = tempDb();
    const s = await threeCheckpoints(file);
    await tamper(file, `UPDATE eddy_checkpoints SET meta = replace(meta, '"line":3', '"line":4') WHERE checkpoint_id = 3`);
    const warnings: string[] = [];
    const loaded = await s.loadLatest('q1', (m) => warnings.push(m));
    expect(loaded!.checkpointId).toBe(2);
    expect(warnings).toEqual(["checkpoint 3 of query 'q1' is damaged (meta checksum mismatch); falling back to checkpoint 2"]);

    await tamper(file, `UPDATE eddy_checkpoints SET meta = '{' WHERE checkpoint_id < 3`);
    await expect(s.loadLatest('q1')).rejects.toThrow(/checkpoint 3 of query 'q1' is damaged \(meta checksum mismatch\) and no earlier complete checkpoint is usable/);
  });

  it('a missing chunk row is caught by the recorded chunk count', async () => {
    const file = tempDb();
    const s = await threeCheckpoints(file);
    await tamper(file, 'DELETE FROM eddy_chunks WHERE checkpoint_id = 3');
    const warnings: string[] = [];
    const loaded = await s.loadLatest('q1', (m) => warnings.push(m));
    expect(loaded!.checkpointId).toBe(2);
    expect(warnings[0]).toContain('chunk count mismatch: expected 1, found 0');
  });

  it('a truncated chunk is caught', async () => {
    const file = tempDb();
    const s = await threeCheckpoints(file);
    await tamper(file, "UPDATE eddy_chunks SET bytes = X'7a', crc = 0 WHERE checkpoint_id = 3");
    const warnings: string[] = [];
    expect((await s.loadLatest('q1', (m) => warnings.push(m)))!.checkpointId).toBe(2);
    expect(warnings[0]).toContain('chunk size mismatch');
  });
});

describe('catalog', () => {
  it('persists streams and queries across a reopen', async () => {
    const file = tempDb();
    const s = await openStore(file);
    await s.saveStream('clicks', 'CREATE STREAM clicks (a INT)');
    await s.saveStream('views', 'CREATE STREAM views (b INT)');
    await s.saveStream('totals', 'CREATE STREAM totals AS SELECT ...');
    await s.dropStream('views');
    await s.saveStream('views', 'CREATE STREAM views (c INT)');
    await s.saveQuery({ queryId: 'q1', sql: 'INSERT INTO x SELECT 1', fingerprint: 'fp1', status: 'RUNNING' });
    await s.saveQuery({ queryId: 'q2', sql: 'INSERT INTO y SELECT 2', fingerprint: 'fp2', status: 'RUNNING' });
    await s.setQueryStatus('q1', 'FAILED', 'disk full');
    await s.saveQuery({ queryId: 'q2', sql: 'INSERT INTO y SELECT 3', fingerprint: 'fp3', status: 'STOPPED' });
    await s.close();
    stores.pop();

    const again = await openStore(file);
    expect(await again.listStreams()).toEqual([
      { name: 'clicks', ddl: 'CREATE STREAM clicks (a INT)' },
      { name: 'totals', ddl: 'CREATE STREAM totals AS SELECT ...' },
      { name: 'views', ddl: 'CREATE STREAM views (c INT)' },
    ]);
    const qs = await again.listQueries();
    expect(qs.map((q) => [q.queryId, q.sql, q.fingerprint, q.status, q.error])).toEqual([
      ['q1', 'INSERT INTO x SELECT 1', 'fp1', 'FAILED', 'disk full'],
      ['q2', 'INSERT INTO y SELECT 3', 'fp3', 'STOPPED', null],
    ]);
    expect((await again.getQuery('q2'))!.createdAt).toBeLessThanOrEqual((await again.getQuery('q2'))!.updatedAt);
    expect(await again.getQuery('nope')).toBeNull();
    await again.setQueryStatus('q1', 'RESTARTING');
    expect((await again.getQuery('q1'))!.error).toBeNull();
    await again.deleteQuery('q1');
    expect((await again.listQueries()).map((q) => q.queryId)).toEqual(['q2']);
  });

  it('refuses a state database from a newer schema version', async () => {
    const file = tempDb();
    await (await CheckpointStore.open(file)).close();
    await tamper(file, 'UPDATE eddy_schema_version SET version = 99');
    await expect(CheckpointStore.open(file)).rejects.toThrow(/schema version 99/);
  });
});
