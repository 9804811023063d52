/**
 * Hand-written baseline for the file path, run as its own process like `eddy -f`:
 * `node dist/bench/handwritten-file.js in.jsonl out.jsonl`. Reads the file in 256 KiB chunks and
 * splits lines on the '\n' byte (the engine's LineReader approach), JSON.parses each line, parses
 * the text timestamp, aggregates with the hand-written tumbling loop and writes JSON Lines.
 */
import { open } from 'node:fs/promises';
import { HandwrittenTumble } from './handwritten.js';

const CHUNK = 256 * 1024;

/** `yyyy-MM-dd HH:mm:ss.SSS` as UTC epoch ms, digit by digit (what a careful hand would write). */
function parseTs(s: string): number {
  const d = (i: number, n: number) => {
    let v = 0;
    for (let k = i; k < i + n; k++) v = v * 10 + (s.charCodeAt(k) - 48);
    return v;
  };
  return Date.UTC(d(0, 4), d(5, 2) - 1, d(8, 2), d(11, 2), d(14, 2), d(17, 2), d(20, 3));
}

function formatTs(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.slice(0, 10) + ' ' + iso.slice(11, 23);
}

async function main(input: string, output: string): Promise<void> {
  const out = await open(output, 'w');
  let pending: string[] = [];
  let pendingLen = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const buf = Buffer.from(pending.join(''));
    pending = [];
    pendingLen = 0;
    await out.write(buf);
  };
  const agg = new HandwrittenTumble();
  const take = () => {
    for (const r of agg.out) {
      const line = `{"auction":${r.auction},"window_start":"${formatTs(r.window_start.getTime())}","n":${r.n},"top":${r.top},"total":${r.total}}\n`;
      pending.push(line);
      pendingLen += line.length;
    }
    agg.out = [];
  };

  const fh = await open(input, 'r');
  let buf = Buffer.alloc(0);
  let pos = 0;
  let readPos = 0;
  let batch: { auction: number; price: number; ts: number }[] = [];
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
      const end = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
      const text = buf.toString('utf8', pos, end);
      pos = nl + 1;
      if (text.length === 0) continue;
      const o = JSON.parse(text) as { auction: number; price: number; ts: string };
      batch.push({ auction: o.auction, price: o.price, ts: parseTs(o.ts) });
    }
    agg.push(batch);
    take();
    batch = [];
    if (pendingLen > 1 << 20) await flush();
    if (eof) break;
  }
  await fh.close();
  agg.end();
  take();
  await flush();
  await out.sync();
  await out.close();
  if (agg.lateRows > 0) process.stderr.write(`note: ${agg.lateRows} late rows dropped\n`);
}

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  process.stderr.write('usage: node dist/bench/handwritten-file.js in.jsonl out.jsonl\n');
  process.exit(2);
}
main(input, output).catch((e: unknown) => {
  process.stderr.write(String((e as Error).stack ?? e) + '\n');
  process.exit(1);
});
