/**
 * The framing of the Arrow IPC stream format (https://arrow.apache.org/docs/format/Columnar.html#ipc-streaming-format),
 * read here so the file source can checkpoint by record-batch offset and the sink can append
 * record batches to one stream: each message is a 0xFFFFFFFF continuation marker, an int32
 * metadata length, the flatbuffer Message (padded to 8 bytes) and a body of `bodyLength` bytes;
 * 0xFFFFFFFF 0x00000000 ends the stream. Decoding and encoding the messages themselves is
 * flechette's (through arquero's fromArrow / toArrow): this file reads only the four fields it
 * needs to walk the stream (header type, body length; a dictionary's id and delta flag).
 */
import { internalError } from '../common/errors.js';

/** What a message at some byte offset is, or why there is none. */
export type ArrowFrame =
  | { readonly kind: 'schema' | 'record' | 'dictionary'; readonly length: number; readonly dictionaryId: number; readonly isDelta: boolean }
  | { readonly kind: 'eos'; readonly length: number }
  /** The buffer ends inside the message: `need` bytes from the offset hold the whole of it (when the prefix says). */
  | { readonly kind: 'partial'; readonly need: number }
  | { readonly kind: 'invalid'; readonly reason: string };

/** 'ARROW1' followed by two bytes of padding begins an Arrow IPC *file*, whose messages follow as a stream. */
export const ARROW_FILE_MAGIC = Buffer.from('ARROW1\0\0', 'latin1');

const HEADER_SCHEMA = 1;
const HEADER_DICTIONARY = 2;
const HEADER_RECORD = 3;

/** Reads the message framed at `at` in `buf` (bytes `buf[at..]`), without decoding its contents. */
export function frameAt(buf: Uint8Array, at: number): ArrowFrame {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const avail = buf.byteLength - at;
  if (avail < 4) return { kind: 'partial', need: 8 };
  let prefix = 4;
  let metaLength = view.getInt32(at, true);
  if (metaLength === -1) {
    if (avail < 8) return { kind: 'partial', need: 8 };
    metaLength = view.getInt32(at + 4, true);
    prefix = 8;
  }
  if (metaLength === 0) return { kind: 'eos', length: prefix };
  if (metaLength < 0) return { kind: 'invalid', reason: `negative message length ${metaLength}` };
  if (avail < prefix + metaLength) return { kind: 'partial', need: prefix + metaLength };
  const m = at + prefix;
  const table = (offset: number): { get: (field: number) => number | null } => {
    const vtable = offset - view.getInt32(offset, true);
    const vtSize = view.getUint16(vtable, true);
    return {
      get: (field: number) => {
        const slot = 4 + 2 * field;
        if (slot >= vtSize) return null;
        const rel = view.getUint16(vtable + slot, true);
        return rel === 0 ? null : offset + rel;
      },
    };
  };
  try {
    const root = m + view.getUint32(m, true);
    const msg = table(root);
    // Message: 0 version (int16), 1 header_type (uint8), 2 header (table), 3 bodyLength (int64).
    const typeAt = msg.get(1);
    const type = typeAt === null ? 0 : view.getUint8(typeAt);
    const bodyAt = msg.get(3);
    const body = bodyAt === null ? 0 : Number(view.getBigInt64(bodyAt, true));
    const length = prefix + metaLength + body;
    if (!Number.isSafeInteger(length) || body < 0) return { kind: 'invalid', reason: `bad body length ${body}` };
    if (type === HEADER_SCHEMA) return { kind: 'schema', length, dictionaryId: -1, isDelta: false };
    if (type === HEADER_RECORD) return avail < length ? { kind: 'partial', need: length } : { kind: 'record', length, dictionaryId: -1, isDelta: false };
    if (type === HEADER_DICTIONARY) {
      if (avail < length) return { kind: 'partial', need: length };
      // DictionaryBatch: 0 id (int64), 1 data (RecordBatch), 2 isDelta (bool).
      const headerAt = msg.get(2);
      if (headerAt === null) return { kind: 'invalid', reason: 'dictionary batch without a header' };
      const dict = table(headerAt + view.getUint32(headerAt, true));
      const idAt = dict.get(0);
      const deltaAt = dict.get(2);
      return { kind: 'dictionary', length, dictionaryId: idAt === null ? 0 : Number(view.getBigInt64(idAt, true)), isDelta: deltaAt !== null && view.getUint8(deltaAt) !== 0 };
    }
    return { kind: 'invalid', reason: `unsupported message type ${type}` };
  } catch (e) {
    if (e instanceof RangeError) return { kind: 'invalid', reason: 'malformed message metadata' };
    throw e;
  }
}

/** The messages of a whole IPC stream buffer (as tableToIPC writes it), by kind, in order. */
export function splitMessages(buf: Uint8Array): { readonly kind: 'schema' | 'record' | 'dictionary'; readonly bytes: Uint8Array }[] {
  const out: { kind: 'schema' | 'record' | 'dictionary'; bytes: Uint8Array }[] = [];
  let at = 0;
  while (at < buf.byteLength) {
    const f = frameAt(buf, at);
    if (f.kind === 'eos') break;
    if (f.kind === 'partial' || f.kind === 'invalid') throw internalError(`malformed Arrow IPC stream at byte ${at}`);
    out.push({ kind: f.kind, bytes: buf.subarray(at, at + f.length) });
    at += f.length;
  }
  return out;
}
