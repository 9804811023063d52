import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Schema } from '../../src/common/types.js';
import { FileSource, fileSourceOptions } from '../../src/connectors/file-source.js';

let dir: string;
let path: string;
const n = 50_000;
const schema: Schema = { columns: [{ name: 'n', type: 'BIGINT' }, { name: 's', type: 'VARCHAR' }] };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eddy-fsp-'));
  path = join(dir, 'rows.jsonl');
  let text = '';
  for (let i = 0; i < n; i++) text += `{"n":${i},"s":"é${'x'.repeat(i % 50)}"}\n`;
  await writeFile(path, text);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileSource read-ahead', () => {
  it('holds the read-ahead chunk while parsing, never more than two chunks plus a line', async () => {
    const chunk = 16 * 1024;
    const src = new FileSource(schema, fileSourceOptions({ path }), undefined, chunk);
    let next = 0;
    let maxHeld = 0;
    let maxBuffered = 0;
    let batchesWithReadAhead = 0;
    for (let rows = await src.read(512); rows !== null; rows = await src.read(512)) {
      for (const r of rows) expect(r[0]).toBe(next++);
      maxHeld = Math.max(maxHeld, src.heldBytes);
      maxBuffered = Math.max(maxBuffered, src.bufferedBytes);
      if (src.heldBytes > src.bufferedBytes) batchesWithReadAhead++;
    }
    expect(next).toBe(n);
    // Between batches the next chunk is already being read for almost every batch.
    expect(batchesWithReadAhead).toBeGreaterThan(n / 512 / 2);
    expect(maxBuffered).toBeLessThanOrEqual(chunk + 100);
    expect(maxHeld).toBeLessThanOrEqual(2 * chunk + 100);
    await src.close();
  });

  it('seeks back exactly while a read-ahead is in flight', async () => {
    const src = new FileSource(schema, fileSourceOptions({ path }), undefined, 4096);
    await src.read(1000);
    const mark = src.offset();
    expect(mark.line).toBe(1000);
    const after = (await src.read(300))!;
    expect(src.heldBytes).toBeGreaterThan(src.bufferedBytes);
    await src.seek(mark);
    const again = (await src.read(300))!;
    expect(again).toEqual(after);
    expect(again[0]![0]).toBe(1000);
    await src.close();
  });
});
