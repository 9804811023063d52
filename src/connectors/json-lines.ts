import type { Row } from '../common/types.js';
import type { LineReader } from './line-reader.js';
import { RowError, type JsonRowDecoder } from './row-decoders.js';

/** Receives a malformed line: its number, why it was refused, and its text. */
export type BadLine = (line: number, reason: string, raw: string) => void;

/**
 * Takes up to `max` rows of JSON Lines from `lr`: blank lines are skipped, a byte-order mark on
 * line 1 is dropped, and each malformed line goes to `bad` (which may throw). Null once the file
 * is read to its end and no row is left.
 */
export async function readJsonRows(lr: LineReader, decoder: JsonRowDecoder, max: number, bad: BadLine): Promise<Row[] | null> {
  if (lr.done) return null;
  const rows: Row[] = [];
  while (rows.length < max) {
    let text = lr.take();
    if (text === null) {
      if (lr.done) break;
      await lr.fill();
      continue;
    }
    // Editors on Windows often start UTF-8 files with a byte-order mark.
    if (lr.line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (isBlank(text)) continue;
    try {
      rows.push(decoder.decodeText(text));
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      bad(lr.line, e.reason, text);
    }
  }
  return rows.length === 0 && lr.done ? null : rows;
}

export function isBlank(s: string): boolean {
  if (s.length === 0) return true;
  const c = s.charCodeAt(0);
  return (c === 32 || c === 9 || c === 13) && s.trim() === '';
}

