/**
 * The worker thread of ParallelJsonFileSource: reads and decodes one JSON Lines file from an
 * offset, posting batches of rows with the offset after each, at most AHEAD batches ahead of the
 * main thread's reads. It imports only the line reader and the decoder, so it starts quickly.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Schema } from '../common/types.js';
import { EddyError } from '../common/errors.js';
import { LineReader } from './line-reader.js';
import { JsonRowDecoder } from './row-decoders.js';
import { SKIPPED_SAMPLES, badRowError, readJsonRows } from './json-lines.js';
import { encodeRows, type WorkerMessage, type WorkerStart } from './json-file-protocol.js';

const AHEAD = 4;

async function run(start: WorkerStart, post: (m: WorkerMessage, transfer?: ArrayBuffer[]) => void, credit: () => Promise<void>): Promise<void> {
  const schema: Schema = start.schema;
  const decoder = new JsonRowDecoder(schema, start.readColumns);
  let skipped = 0;
  const samples: string[] = [];
  const bad = (line: number, reason: string): void => {
    if (start.onError === 'fail') throw badRowError(start.displayPath, line, reason);
    skipped++;
    if (samples.length < SKIPPED_SAMPLES) samples.push(`${start.displayPath}:${line}: ${reason}`);
  };
  const lr = await LineReader.open(start.fullPath, start.displayPath, start.offset.byte, start.offset.line, start.chunkSize);
  try {
    for (let sent = 0; ; sent++) {
      if (sent >= AHEAD) await credit();
      const rows = await readJsonRows(lr, decoder, start.max, bad);
      const offset = { byte: lr.byte, line: lr.line };
      if (rows === null) {
        post({ kind: 'end', offset, skipped, samples });
        return;
      }
      const { encoded, transfer } = encodeRows(rows, schema, start.readColumns);
      post({ kind: 'rows', rows: encoded, offset, skipped, samples }, transfer);
    }
  } finally {
    await lr.close();
  }
}

const port = parentPort!;
let credits = 0;
let wake: (() => void) | null = null;
port.on('message', () => {
  credits++;
  wake?.();
});
const credit = (): Promise<void> => {
  if (credits > 0) {
    credits--;
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    wake = () => {
      wake = null;
      credits--;
      resolve();
    };
  });
};
run(workerData as WorkerStart, (m, transfer) => port.postMessage(m, transfer), credit).catch((e: unknown) => {
  const err = e instanceof EddyError ? e : null;
  port.postMessage({ kind: 'error', code: err?.code ?? 'IO', message: err ? err.message : e instanceof Error ? e.message : String(e), hint: err?.hint } satisfies WorkerMessage);
});
