/**
 * The file path's hand-written baseline, a process of its own like `eddy -f`:
 * `node dist/bench/nexmark/flink/handwritten-file.js <query> <events.jsonl> <flink home>`. Reads
 * 256 KiB chunks, splits lines, JSON.parses each event, parses its text timestamps and feeds the
 * query's baseline, whose changes go to a counting blackhole; prints {"changes": n} at the end.
 */
import { open } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CountingOut, FLUSH_EVERY, feed } from './baseline-api.js';
import { makeBaseline, parseEventLine } from './baselines.js';
import { isBenchQuery } from './sql.js';

const CHUNK = 256 * 1024;

async function main(q: string, input: string, flinkHome: string): Promise<void> {
  if (!isBenchQuery(q)) throw new Error(`unknown query ${q}`);
  const out = new CountingOut();
  const side = q === 'q13' ? readFileSync(join(flinkHome, 'data', 'side_input.txt'), 'utf8') : '';
  const b = makeBaseline(q, out, side);
  const fh = await open(input, 'r');
  let rest = '';
  let events = 0;
  const chunk = Buffer.allocUnsafe(CHUNK);
  for (;;) {
    const { bytesRead } = await fh.read(chunk, 0, CHUNK, null);
    if (bytesRead === 0) break;
    const text = rest + chunk.toString('utf8', 0, bytesRead);
    let pos = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', pos)) {
      if (nl > pos) {
        feed(b, parseEventLine(text.slice(pos, nl)));
        if (++events % FLUSH_EVERY === 0) b.flush();
      }
      pos = nl + 1;
    }
    rest = text.slice(pos);
  }
  if (rest.trim()) feed(b, parseEventLine(rest));
  await fh.close();
  b.flush();
  b.end();
  process.stdout.write(JSON.stringify({ changes: out.changes }) + '\n');
}

const [q, input, home] = process.argv.slice(2);
main(q!, input!, home!).catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
