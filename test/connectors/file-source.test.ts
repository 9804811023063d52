import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row, Schema } from '../../src/common/types.js';
import { EddyError } from '../../src/common/errors.js';
import { FileSource, fileSourceOptions, type FileOffset } from '../../src/connectors/file-source.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eddy-fs-'));
});
const opened: FileSource[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bids: Schema = {
  columns: [
    { name: 'auction', type: 'BIGINT' },
    { name: 'price', type: 'DOUBLE' },
    { name: 'channel', type: 'VARCHAR' },
    { name: 'ts', type: 'TIMESTAMP' },
  ],
};

async function source(name: string, content: string | Buffer, options: Record<string, string> = {}, chunkSize?: number, schema = bids): Promise<FileSource> {
  await writeFile(join(dir, name), content);
  const src = new FileSource(schema, fileSourceOptions({ connector: 'file', path: name, ...options }), dir, chunkSize);
  opened.push(src);
  return src;
}

async function readAll(src: FileSource, batch = 1000): Promise<Row[]> {
  const out: Row[] = [];
  for (let rows = await src.read(batch); rows !== null; rows = await src.read(batch)) out.push(...rows);
  return out;
}

async function errorOf(p: Promise<unknown>): Promise<EddyError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(EddyError);
    return e as EddyError;
  }
  throw new Error('expected an error');
}

const T0 = Date.UTC(2024, 0, 1);

describe('FileSource JSON Lines', () => {
  it('reads typed rows, skips blank lines, handles CRLF and a missing final newline', async () => {
    const src = await source(
      'a.jsonl',
      '{"auction":1,"price":2.5,"channel":"web","ts":"2024-01-01 00:00:00"}\r\n\r\n' +
        '{"auction":2,"price":"3","ts":1704067200500}\n   \n' +
        '{"AUCTION":3,"price":null,"channel":"app","ts":"2024-01-01T00:00:01Z"}',
    );
    expect(src.bounded).toBe(true);
    expect(await readAll(src)).toEqual([
      [1, 2.5, 'web', T0],
      [2, 3, null, T0 + 500],
      [3, null, 'app', T0 + 1000],
    ]);
    expect(await src.read(10)).toBeNull();
    await src.close();
  });

  it('keeps byte offsets exact when a multi-byte character straddles chunks', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ auction: i, channel: 'é€😀'.repeat(i % 4), price: i / 2, ts: T0 + i }));
    const text = lines.join('\n') + '\n';
    for (const chunk of [1, 2, 3, 5, 7, 16]) {
      const src = await source(`mb-${chunk}.jsonl`, text, {}, chunk);
      const rows = await readAll(src, 7);
      expect(rows.map((r) => r[2])).toEqual(lines.map((_, i) => 'é€😀'.repeat(i % 4)));
      expect(src.offset()).toEqual({ byte: Buffer.byteLength(text), line: 50 });
      await src.close();
    }
  });

  it('resumes exactly after seek(offset())', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ auction: i, channel: 'ü'.repeat(i % 3), price: 1, ts: T0 }));
    const content = lines.join('\r\n');
    const first = await source('seek.jsonl', content, {}, 11);
    const head = [...((await first.read(8)) ?? []), ...((await first.read(5)) ?? [])];
    const off = first.offset() as FileOffset;
    expect(off.line).toBe(13);
    expect(off.byte).toBe(Buffer.byteLength(lines.slice(0, 13).join('\r\n') + '\r\n'));
    await first.close();

    const second = new FileSource(bids, fileSourceOptions({ path: 'seek.jsonl' }), dir, 5);
    await second.seek(JSON.parse(JSON.stringify(off)));
    const tail = await readAll(second, 4);
    expect([...head, ...tail].map((r) => r[0])).toEqual(lines.map((_, i) => i));
    await second.close();
  });

  it('fails on a malformed row with path:line: reason', async () => {
    const src = await source('bad.jsonl', '{"auction":1,"price":1}\n\n{"auction":2,"price":"abc"}\n');
    expect(await src.read(1)).toEqual([[1, 1, null, null]]);
    const err = await errorOf(src.read(10));
    expect(err.code).toBe('BAD_ROW');
    expect(err.message).toBe('bad.jsonl:3: price: expected DOUBLE, got "abc"');
    await src.close();

    const broken = await source('broken.jsonl', '{"auction":1}\n{"auction":\n');
    expect((await errorOf(readAll(broken))).message).toMatch(/^broken\.jsonl:2: invalid JSON: /);
    const arr = await source('arr.jsonl', '[1,2]\n');
    expect((await errorOf(readAll(arr))).message).toBe('arr.jsonl:1: expected a JSON object, got an array');
  });

  it("skips and counts malformed rows with 'on-error' = 'skip'", async () => {
    const src = await source('skip.jsonl', '{"auction":1}\nnot json\n{"auction":2.5}\n{"auction":3}\n', { 'on-error': 'skip' });
    expect((await readAll(src)).map((r) => r[0])).toEqual([1, 3]);
    expect(src.skippedRows).toBe(2);
  });

  it('ignores a UTF-8 byte-order mark and can seek back after reading', async () => {
    const src = await source('bom.jsonl', '\uFEFF{"auction":1}\n{"auction":2}\n');
    expect((await readAll(src)).map((r) => r[0])).toEqual([1, 2]);
    await src.seek({ byte: 0, line: 0 });
    expect((await readAll(src)).map((r) => r[0])).toEqual([1, 2]);
    const csv = await source('bom.csv', '\uFEFFauction,price,channel,ts\n1,1,a,0\n');
    expect(await readAll(csv)).toEqual([[1, 1, 'a', 0]]);
  });

  it('reports a missing file as an IO error', async () => {
    const src = new FileSource(bids, fileSourceOptions({ path: 'nope.jsonl' }), dir);
    const err = await errorOf(src.read(1));
    expect(err.code).toBe('IO');
    expect(err.message).toBe("cannot open 'nope.jsonl': no such file");
  });

  it('reads a 200k-line file holding no more than one chunk plus a line', async () => {
    const path = join(dir, 'big.jsonl');
    const n = 200_000;
    await new Promise<void>((resolve, reject) => {
      const ws = createWriteStream(path);
      ws.on('error', reject);
      let text = '';
      for (let i = 0; i < n; i++) {
        text += `{"auction":${i},"price":${i % 100},"channel":"c${i % 7}","ts":${T0 + i}}\n`;
        if (text.length > 1 << 16) {
          ws.write(text);
          text = '';
        }
      }
      ws.end(text, () => resolve());
    });
    const chunk = 64 * 1024;
    const src = new FileSource(bids, fileSourceOptions({ path }), undefined, chunk);
    let count = 0;
    let sum = 0;
    let maxBuffered = 0;
    for (let rows = await src.read(4096); rows !== null; rows = await src.read(4096)) {
      count += rows.length;
      for (const r of rows) sum += r[0] as number;
      maxBuffered = Math.max(maxBuffered, src.bufferedBytes);
    }
    expect(count).toBe(n);
    expect(sum).toBe((n * (n - 1)) / 2);
    expect(maxBuffered).toBeLessThanOrEqual(chunk + 200);
    await src.close();
  });
});

describe('FileSource CSV', () => {
  it('matches header names case-insensitively, in any order, ignoring extra columns', async () => {
    const src = await source('a.csv', 'TS,Channel,extra,price,auction\r\n2024-01-01 00:00:00,web,x,1.5,7\r\n,,,,\r\n2024-01-01T00:00:02Z,"a, ""quoted"" one",y,2,8');
    expect(await readAll(src)).toEqual([
      [7, 1.5, 'web', T0],
      [null, null, null, null],
      [8, 2, 'a, "quoted" one', T0 + 2000],
    ]);
  });

  it('reads a quoted field spanning lines and keeps line numbers right', async () => {
    const src = await source('multi.csv', 'auction,price,channel,ts\n1,1,"two\nlines",0\n2,x,web,0\n', { 'on-error': 'fail' }, 4);
    expect(await src.read(1)).toEqual([[1, 1, 'two\nlines', 0]]);
    expect(src.offset()).toEqual({ byte: Buffer.byteLength('auction,price,channel,ts\n1,1,"two\nlines",0\n'), line: 3 });
    expect((await errorOf(src.read(5))).message).toBe('multi.csv:4: price: expected DOUBLE, got "x"');
  });

  it('resumes after seek without re-reading the header as data', async () => {
    const content = 'auction,price,channel,ts\n1,1,a,0\n2,2,b,0\n3,3,c,0\n';
    const a = await source('seek.csv', content);
    expect((await a.read(2))!.map((r) => r[0])).toEqual([1, 2]);
    const off = a.offset();
    const b = new FileSource(bids, fileSourceOptions({ path: 'seek.csv' }), dir);
    opened.push(b);
    await b.seek(off);
    expect((await readAll(b)).map((r) => r[0])).toEqual([3]);
  });

  it('rejects a wrong field count, or skips it', async () => {
    const content = 'auction,price,channel,ts\n1,1,a,0\n2,2,b\n3,3,c,0\n';
    const a = await source('count.csv', content);
    expect((await errorOf(readAll(a))).message).toBe('count.csv:3: wrong number of fields: expected 4, got 3');
    const b = await source('count2.csv', content, { 'on-error': 'skip' });
    expect((await readAll(b)).map((r) => r[0])).toEqual([1, 3]);
    expect(b.skippedRows).toBe(1);
  });

  it('names a stream column missing from the header', async () => {
    const src = await source('hdr.csv', 'auction,prize,channel,ts\n1,1,a,0\n');
    const err = await errorOf(src.read(1));
    expect(err.message).toBe("hdr.csv:1: CSV header has no column 'price' (header: auction, prize, channel, ts)");
    expect(err.hint).toContain("did you mean 'prize'?");
  });

  it('honours csv.field-delimiter', async () => {
    const src = await source('semi.csv', 'auction;price;channel;ts\n1;2,5;x;0\n', { 'csv.field-delimiter': ';' }, undefined, {
      columns: [
        { name: 'auction', type: 'BIGINT' },
        { name: 'price', type: 'VARCHAR' },
        { name: 'channel', type: 'VARCHAR' },
        { name: 'ts', type: 'TIMESTAMP' },
      ],
    });
    expect(await readAll(src)).toEqual([[1, '2,5', 'x', 0]]);
  });
});

describe('fileSourceOptions', () => {
  it('validates keys and values', () => {
    expect(() => fileSourceOptions({ connector: 'file', pth: 'x.jsonl' })).toThrow("unknown option 'pth' for connector 'file'");
    try {
      fileSourceOptions({ connector: 'file', pth: 'x.jsonl' });
    } catch (e) {
      expect((e as EddyError).hint).toBe("did you mean 'path'?");
    }
    expect(() => fileSourceOptions({ connector: 'file' })).toThrow("connector 'file' needs option 'path'");
    expect(() => fileSourceOptions({ path: 'x.txt' })).toThrow("needs option 'format'");
    expect(fileSourceOptions({ path: 'x.CSV' }).format).toBe('csv');
    expect(() => fileSourceOptions({ path: 'x', format: 'jsn' })).toThrow("option 'format' must be one of 'json', 'csv', 'arrow', got 'jsn'");
    expect(() => fileSourceOptions({ path: 'x.csv', 'on-error': 'ignore' })).toThrow("option 'on-error' must be one of 'fail', 'skip'");
  });
});
