import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Schema } from '../../src/common/types.js';
import { FileSink, fileSinkOptions } from '../../src/connectors/file-sink.js';
import { FileSource, fileSourceOptions } from '../../src/connectors/file-source.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eddy-sink-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const schema: Schema = {
  columns: [
    { name: 'auction', type: 'BIGINT' },
    { name: 'note', type: 'VARCHAR' },
    { name: 'window_start', type: 'TIMESTAMP' },
    { name: 'top', type: 'DOUBLE' },
  ],
};
const T0 = Date.UTC(2024, 0, 1);
const sink = (path: string, format?: string): FileSink => new FileSink(schema, fileSinkOptions({ connector: 'file', path, ...(format ? { format } : {}) }), dir);

describe('FileSink', () => {
  it('writes behind in the background past 1 MiB of buffered output, so memory stays bounded; a cut still covers it', async () => {
    const s = sink('behind.jsonl');
    await s.restore(null);
    const rows = Array.from({ length: 20_000 }, (_, i) => [i, 'x'.repeat(40), T0, i / 2]);
    s.write(rows); // about 2.4 MB: more than the write-behind threshold
    // Nothing asked for a flush, yet the output reaches the file.
    const { stat } = await import('node:fs/promises');
    for (let i = 0; i < 100 && (await stat(join(dir, 'behind.jsonl'))).size === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await stat(join(dir, 'behind.jsonl'))).size).toBeGreaterThan(1 << 20);
    const { position, durable } = s.cut();
    await durable;
    const text = await readFile(join(dir, 'behind.jsonl'), 'utf8');
    expect(Buffer.byteLength(text)).toBe((position as { bytes: number }).bytes);
    expect(text.split('\n')).toHaveLength(20_001);
    await s.close();
  });

  it('CSV: rows written while a flush is in flight get no second header', async () => {
    const s = sink('inflight.csv', 'csv');
    await s.restore(null);
    s.write([[1, 'a', T0, 1]]);
    const first = s.flush();
    s.write([[2, 'b', T0, 2]]);
    await first;
    await s.close();
    const text = await readFile(join(dir, 'inflight.csv'), 'utf8');
    expect(text.match(/^auction,/gm)).toHaveLength(1);
    expect(text.trim().split('\n')).toHaveLength(3);
  });

  it('cut(): the position covers rows written before it, the flush runs in the background, restore truncates to it', async () => {
    const s = sink('cut.jsonl');
    await s.restore(null);
    s.write([[1, 'a', T0, 1]]);
    const { position, durable } = s.cut();
    // Rows written while the flush is under way belong to the next checkpoint.
    s.write([[2, 'b', T0, 2]]);
    await durable;
    const first = '{"auction":1,"note":"a","window_start":"2024-01-01 00:00:00.000","top":1}\n';
    expect(position).toEqual({ bytes: Buffer.byteLength(first) });
    expect((await readFile(join(dir, 'cut.jsonl'), 'utf8')).startsWith(first)).toBe(true);
    await s.flush();
    await s.close();
    const again = sink('cut.jsonl');
    await again.restore(position);
    await again.close();
    expect(await readFile(join(dir, 'cut.jsonl'), 'utf8')).toBe(first);
  });

  it('writes JSON Lines on flush, creating parent directories', async () => {
    const s = sink('out/deep/a.jsonl');
    await s.restore(null);
    s.write([[1, 'x "y"', T0, 2.5], [2, null, T0 + 10_000, null]]);
    expect(s.position()).toEqual({ bytes: 0 });
    await s.flush();
    const text = await readFile(join(dir, 'out/deep/a.jsonl'), 'utf8');
    expect(text).toBe(
      '{"auction":1,"note":"x \\"y\\"","window_start":"2024-01-01 00:00:00.000","top":2.5}\n' +
        '{"auction":2,"note":null,"window_start":"2024-01-01 00:00:10.000","top":null}\n',
    );
    expect(s.position()).toEqual({ bytes: Buffer.byteLength(text) });
    await s.close();
  });

  it('writes CSV with a header and RFC 4180 quoting, readable by the file source', async () => {
    const s = sink('a.csv');
    await s.restore(null);
    s.write([[1, 'a,b', T0, 1], [2, 'say "hi"\nbye', T0, null]]);
    await s.close();
    const text = await readFile(join(dir, 'a.csv'), 'utf8');
    expect(text).toBe('auction,note,window_start,top\n1,"a,b",2024-01-01 00:00:00.000,1\n2,"say ""hi""\nbye",2024-01-01 00:00:00.000,\n');
    const src = new FileSource(schema, fileSourceOptions({ path: 'a.csv' }), dir);
    expect(await src.read(10)).toEqual([[1, 'a,b', T0, 1], [2, 'say "hi"\nbye', T0, null]]);
    await src.close();
  });

  it('truncates to the checkpointed position on recovery, and to zero on a fresh run', async () => {
    const path = join(dir, 'eo.jsonl');
    await writeFile(path, 'stale output from an earlier run\n');
    const first = sink('eo.jsonl');
    await first.restore(null);
    first.write([[1, 'a', T0, 1]]);
    await first.flush();
    const checkpoint = JSON.parse(JSON.stringify(first.position()));
    first.write([[2, 'b', T0, 2]]);
    first.write([[3, 'c', T0, 3]]);
    await first.close(); // output after the checkpoint reached the file, then the process "crashed"
    expect((await readFile(path, 'utf8')).trimEnd().split('\n')).toHaveLength(3);

    const second = sink('eo.jsonl');
    await second.restore(checkpoint);
    second.write([[2, 'b', T0, 2]]);
    await second.flush();
    await second.close();
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).auction)).toEqual([1, 2]);

    const third = sink('eo.jsonl');
    await third.restore(null);
    await third.close();
    expect(await readFile(path, 'utf8')).toBe('');
  });

  it('keeps one CSV header across a restore', async () => {
    const a = sink('r.csv');
    await a.restore(null);
    a.write([[1, 'a', T0, 1]]);
    await a.flush();
    const pos = a.position();
    await a.close();
    const b = sink('r.csv');
    await b.restore(pos);
    b.write([[2, 'b', T0, 2]]);
    await b.close();
    expect(await readFile(join(dir, 'r.csv'), 'utf8')).toBe('auction,note,window_start,top\n1,a,2024-01-01 00:00:00.000,1\n2,b,2024-01-01 00:00:00.000,2\n');
  });

  it('refuses a position beyond the end of the file', async () => {
    await writeFile(join(dir, 'short.jsonl'), 'abc\n');
    const s = sink('short.jsonl');
    await expect(s.restore({ bytes: 100 })).rejects.toMatchObject({ code: 'CHECKPOINT' });
    await s.close();
  });
});
