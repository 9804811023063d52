import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineReader, type ChunkFile } from '../../src/connectors/line-reader.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eddy-lr-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A real file handle whose reads are logged (position, and how many were in flight at once). */
async function observed(name: string, content: string) {
  const path = join(dir, name);
  await writeFile(path, content);
  const fh = await open(path, 'r');
  const log = { positions: [] as number[], inFlight: 0, maxInFlight: 0, events: [] as string[] };
  const file: ChunkFile = {
    async read(buffer, offset, length, position) {
      log.positions.push(position);
      log.inFlight++;
      log.maxInFlight = Math.max(log.maxInFlight, log.inFlight);
      try {
        return await fh.read(buffer, offset, length, position);
      } finally {
        log.inFlight--;
        log.events.push(`read ${position} done`);
      }
    },
    async close() {
      log.events.push('close');
      await fh.close();
    },
  };
  return { file, log };
}

/** Takes every line, filling when needed, and records each line's end byte offset. */
async function drain(lr: LineReader, onLine: () => void = () => {}): Promise<{ lines: string[]; bytes: number[] }> {
  const lines: string[] = [];
  const bytes: number[] = [];
  while (!lr.done) {
    const t = lr.take();
    if (t === null) {
      await lr.fill();
      continue;
    }
    lines.push(t);
    bytes.push(lr.byte);
    onLine();
  }
  return { lines, bytes };
}

describe('LineReader read-ahead', () => {
  it('issues the read of the next chunk as soon as a chunk is handed over', async () => {
    const content = Array.from({ length: 10 }, (_, i) => `line-${i}`).join('\n') + '\n'; // 70 bytes
    const { file, log } = await observed('ahead.txt', content);
    const lr = LineReader.over(file, 0, 0, 16);
    expect(log.positions).toEqual([]);
    await lr.fill();
    // Chunk 0 is handed over and nothing has been taken yet, but chunk 1's read is already out.
    expect(log.positions).toEqual([0, 16]);
    expect(lr.take()).toBe('line-0');
    expect(lr.take()).toBe('line-1');
    expect(lr.take()).toBeNull();
    await lr.fill();
    // The fill used the read already issued for chunk 1 and issued chunk 2's: no read repeated.
    expect(log.positions).toEqual([0, 16, 32]);
    const rest = await drain(lr);
    expect(rest.lines).toEqual(['line-2', 'line-3', 'line-4', 'line-5', 'line-6', 'line-7', 'line-8', 'line-9']);
    expect(log.positions).toEqual([0, 16, 32, 48, 64, 70]);
    expect(log.maxInFlight).toBe(1);
    await lr.close();
  });

  it('keeps lines, byte offsets and line numbers exact with multi-byte characters across chunks', async () => {
    const lines = ['€uro', '', 'naïve 日本語', 'a\r', 'z€', '𝄞 clef', 'tail without newline €'];
    const content = lines.join('\n');
    const want = lines.map((l) => l.replace(/\r$/, ''));
    const ends: number[] = [];
    let at = 0;
    for (let i = 0; i < lines.length; i++) {
      at += Buffer.byteLength(lines[i]!) + (i < lines.length - 1 ? 1 : 0);
      ends.push(at);
    }
    for (const chunk of [1, 2, 3, 5, 7, 64]) {
      const { file, log } = await observed(`mb-${chunk}.txt`, content);
      const lr = LineReader.over(file, 0, 0, chunk);
      const got = await drain(lr);
      expect(got.lines).toEqual(want);
      expect(got.bytes).toEqual(ends);
      expect(lr.line).toBe(lines.length);
      expect(log.maxInFlight).toBe(1);
      await lr.close();
    }
  });

  it('resumes from a byte and line offset mid-file', async () => {
    const content = 'a\nbb\nccc\ndddd\n';
    const { file } = await observed('resume.txt', content);
    const lr = LineReader.over(file, 5, 2, 3);
    const got = await drain(lr);
    expect(got.lines).toEqual(['ccc', 'dddd']);
    expect(got.bytes).toEqual([9, 14]);
    expect(lr.line).toBe(4);
    await lr.close();
  });

  it('holds at most two chunks plus the unfinished line, read-ahead included', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `{"n":${i},"pad":"${'x'.repeat(i % 97)}"}`);
    const longest = Math.max(...rows.map((r) => r.length + 1));
    const chunk = 1024;
    const { file } = await observed('bound.txt', rows.join('\n') + '\n');
    const lr = LineReader.over(file, 0, 0, chunk);
    let maxHeld = 0;
    let maxBuffered = 0;
    let sawAhead = false;
    const got = await drain(lr, () => {
      maxHeld = Math.max(maxHeld, lr.heldBytes);
      maxBuffered = Math.max(maxBuffered, lr.bufferedBytes);
      if (lr.heldBytes > lr.bufferedBytes) sawAhead = true;
    });
    expect(got.lines).toEqual(rows);
    expect(sawAhead).toBe(true);
    expect(maxBuffered).toBeLessThanOrEqual(chunk + longest);
    expect(maxHeld).toBeLessThanOrEqual(2 * chunk + longest);
    await lr.close();
  });

  it('lets a read-ahead finish before closing the file', async () => {
    const { file, log } = await observed('close.txt', 'x\n'.repeat(100));
    const lr = LineReader.over(file, 0, 0, 8);
    await lr.fill();
    expect(lr.take()).toBe('x');
    await lr.close();
    expect(log.events).toEqual(['read 0 done', 'read 8 done', 'close']);
  });

  it('reports a failed read-ahead at the next fill, not as an unhandled rejection', async () => {
    let reads = 0;
    const file: ChunkFile = {
      async read(buffer, offset) {
        if (++reads === 2) throw new Error('disk on fire');
        buffer.write('ab\ncd\n', offset);
        return { bytesRead: 6 };
      },
      async close() {},
    };
    const lr = LineReader.over(file, 0, 0, 6);
    await lr.fill();
    // The second read has already failed; give an unhandled rejection the chance to surface.
    await new Promise((r) => setTimeout(r, 10));
    expect(lr.take()).toBe('ab');
    expect(lr.take()).toBe('cd');
    expect(lr.take()).toBeNull();
    await expect(lr.fill()).rejects.toThrow('disk on fire');
    await lr.close();
  });
});
