/**
 * Hand-written baseline for the file path, a process of its own like `eddy -f`:
 * `node dist/bench/nexmark/handwritten-file.js <query id> in.jsonl out.jsonl`. Reads 256 KiB
 * chunks, splits lines on '\n', JSON.parses each, parses the text timestamp digit by digit, runs
 * the hand-written query and writes its rows as JSON Lines (timestamps as text), then fsyncs.
 */
import { open } from 'node:fs/promises';
import type { Bid } from './generator.js';
import { formatTs } from './generator.js';
import { handwritten } from './handwritten.js';
import { QUERIES, type QueryId } from './queries.js';

const CHUNK = 256 * 1024;

function parseTs(s: string): number {
  const d = (i: number, n: number) => {
    let v = 0;
    for (let k = i; k < i + n; k++) v = v * 10 + (s.charCodeAt(k) - 48);
    return v;
  };
  return Date.UTC(d(0, 4), d(5, 2) - 1, d(8, 2), d(11, 2), d(14, 2), d(17, 2), d(20, 3));
}

async function main(id: QueryId, input: string, output: string): Promise<void> {
  const q = QUERIES.find((x) => x.id === id);
  if (!q) throw new Error(`unknown query ${id}`);
  const names = q.sinkColumns.split(', ').map((c) => JSON.stringify(c.split(' ')[0]));
  const isTs = names.map((_, i) => q.tsColumns.includes(i));
  const out = await open(output, 'w');
  let pending = '';
  const op = handwritten(id);
  const take = async () => {
    for (const r of op.out) {
      let line = '{';
      for (let i = 0; i < r.length; i++) {
        const v = r[i];
        line += (i ? ',' : '') + names[i] + ':' + (isTs[i] ? `"${formatTs(v as number)}"` : JSON.stringify(v));
      }
      pending += line + '}\n';
    }
    op.out = [];
    if (pending.length > 1 << 20) {
      await out.write(pending);
      pending = '';
    }
  };

  const fh = await open(input, 'r');
  let buf = Buffer.alloc(0);
  let pos = 0;
  let readPos = 0;
  let batch: Bid[] = [];
  for (;;) {
    const chunk = Buffer.allocUnsafe(CHUNK);
    const { bytesRead } = await fh.read(chunk, 0, CHUNK, readPos);
    readPos += bytesRead;
    const rest = buf.subarray(pos);
    const fresh = chunk.subarray(0, bytesRead);
    buf = rest.length === 0 ? fresh : Buffer.concat([rest, fresh]);
    pos = 0;
    const eof = bytesRead === 0;
    for (;;) {
      let nl = buf.indexOf(10, pos);
      if (nl < 0) {
        if (!eof || pos >= buf.length) break;
        nl = buf.length;
      }
      const text = buf.toString('utf8', pos, nl);
      pos = nl + 1;
      if (text.length === 0) continue;
      const o = JSON.parse(text) as Omit<Bid, 'dateTime'> & { dateTime: string };
      batch.push({ auction: o.auction, bidder: o.bidder, price: o.price, channel: o.channel, url: o.url, dateTime: parseTs(o.dateTime), extra: o.extra });
    }
    op.push(batch);
    batch = [];
    await take();
    if (eof) break;
  }
  await fh.close();
  op.end();
  await take();
  if (pending) await out.write(pending);
  await out.sync();
  await out.close();
  if (op.lateRows > 0) process.stderr.write(`note: ${op.lateRows} late rows dropped\n`);
}

const [id, input, output] = process.argv.slice(2);
if (!id || !input || !output) {
  process.stderr.write('usage: node dist/bench/nexmark/handwritten-file.js <q0|q1|q2|q5|q7|q11|q12> in.jsonl out.jsonl\n');
  process.exit(2);
}
main(id as QueryId, input, output).catch((e: unknown) => {
  process.stderr.write(String((e as Error).stack ?? e) + '\n');
  process.exit(1);
});
