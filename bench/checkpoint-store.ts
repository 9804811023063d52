/**
 * Checkpoint store throughput: write and restore the keyed state of 1M keys spread over 128 key
 * groups (one operator), then an incremental checkpoint, then a cold restore from a reopened file.
 * Then the same end to end with the engine's KeyedStateBackend (snapshot, write, load, restore).
 * Run: `npm run build && node dist/bench/checkpoint-store.js [keys] [bytesPerKey]`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckpointStore } from '../src/checkpoint/store.js';
import { CHECKPOINT_FORMAT, type CheckpointMeta, type StateChunk } from '../src/checkpoint/types.js';
import { KeyedStateBackend, jsonCodec } from '../src/exec/state/index.js';

const KEY_GROUPS = 128;

function makeChunks(keys: number, bytesPerKey: number, groups: readonly number[], seed: number): StateChunk[] {
  const perGroup = Math.ceil(keys / KEY_GROUPS);
  return groups.map((kg) => {
    const bytes = Buffer.allocUnsafe(perGroup * bytesPerKey);
    // Cheap deterministic filler: incompressible enough, and distinct per checkpoint.
    let x = (seed * 2654435761 + kg * 40503) >>> 0;
    for (let i = 0; i < bytes.length; i += 4) {
      x = (x ^ (x << 13)) >>> 0;
      x = (x ^ (x >>> 17)) >>> 0;
      x = (x ^ (x << 5)) >>> 0;
      bytes.writeUInt32LE(x, i);
    }
    return { operatorUid: 'agg#1', keyGroup: kg, bytes };
  });
}

const meta: CheckpointMeta = {
  format: CHECKPOINT_FORMAT,
  operators: {
    'source-0': { state: { offset: { byte: 123456789, line: 1000000 }, watermark: 1700000000000, ended: false } },
    'sink-0': { state: { bytes: 4096 } },
  },
};

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

async function main(): Promise<void> {
  const keys = Number(process.argv[2] ?? 1_000_000);
  const bytesPerKey = Number(process.argv[3] ?? 32);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-bench-'));
  const file = path.join(dir, 'state.db');
  try {
    const all = Array.from({ length: KEY_GROUPS }, (_, i) => i);
    const full = makeChunks(keys, bytesPerKey, all, 1);
    const mb = full.reduce((n, c) => n + c.bytes.length, 0) / 1e6;
    let store = await CheckpointStore.open(file);
    const [, writeMs] = await time(() => store.writeCheckpoint({ queryId: 'q', checkpointId: 1, meta, chunks: full, retained: 3 }));
    const delta = makeChunks(keys, bytesPerKey, all.filter((g) => g % 8 === 0), 2);
    const [, incMs] = await time(() => store.writeCheckpoint({ queryId: 'q', checkpointId: 2, meta, chunks: delta, retained: 3 }));
    await store.close();

    store = await CheckpointStore.open(file);
    const [loaded, loadMs] = await time(() => store.loadLatest('q'));
    const [, warmMs] = await time(() => store.loadLatest('q'));
    await store.close();
    if (!loaded || loaded.checkpointId !== 2 || loaded.chunks.length !== KEY_GROUPS) throw new Error('bench: restore returned the wrong state');

    console.log(`checkpoint store: ${keys.toLocaleString('en-US')} keys x ${bytesPerKey} B over ${KEY_GROUPS} key groups (${mb.toFixed(1)} MB)`);
    console.log(`  full checkpoint write        ${writeMs.toFixed(0).padStart(6)} ms`);
    console.log(`  incremental (${delta.length} groups) write ${incMs.toFixed(0).padStart(6)} ms`);
    console.log(`  restore (reopened, verified) ${loadMs.toFixed(0).padStart(6)} ms`);
    console.log(`  restore (again, warm cache)  ${warmMs.toFixed(0).padStart(6)} ms`);
    await endToEnd(keys, path.join(dir, 'e2e.db'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** 1M (window, user) -> {count, sum} entries through the real state backend and the store. */
async function endToEnd(keys: number, file: string): Promise<void> {
  type Acc = { count: number; sum: number };
  const backend = new KeyedStateBackend();
  const table = backend.table<Acc>('agg#1', 'acc', jsonCodec<Acc>());
  for (let i = 0; i < keys; i++) table.insert(1700000000000, `user-${i}`, { count: i % 17, sum: i * 1.5 });
  const [chunks, snapMs] = await time(async () => backend.snapshotAll());
  const mb = chunks.reduce((n, c) => n + c.bytes.length, 0) / 1e6;
  let store = await CheckpointStore.open(file);
  const [, writeMs] = await time(() => store.writeCheckpoint({ queryId: 'q', checkpointId: 1, meta, chunks, retained: 3 }));
  await store.close();
  store = await CheckpointStore.open(file);
  const [loaded, loadMs] = await time(() => store.loadLatest('q'));
  await store.close();
  const fresh = new KeyedStateBackend();
  const t2 = fresh.table<Acc>('agg#1', 'acc', jsonCodec<Acc>());
  const [, restoreMs] = await time(async () => fresh.restore(loaded!.chunks));
  if (t2.size !== keys) throw new Error(`bench: restored ${t2.size} entries, expected ${keys}`);
  console.log(`end to end with KeyedStateBackend: ${keys.toLocaleString('en-US')} entries, ${mb.toFixed(1)} MB of chunks`);
  console.log(`  snapshotAll                  ${snapMs.toFixed(0).padStart(6)} ms`);
  console.log(`  store write                  ${writeMs.toFixed(0).padStart(6)} ms`);
  console.log(`  store load (verified)        ${loadMs.toFixed(0).padStart(6)} ms`);
  console.log(`  backend restore (decode)     ${restoreMs.toFixed(0).padStart(6)} ms`);
}

await main();
