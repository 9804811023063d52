import type { Row, Schema } from '../../common/types.js';
import { csvLineFormatter, jsonLineFormatter } from '../printers.js';
import { JsonRowDecoder, RowError, csvFieldsToRow, splitCsvRecord } from '../row-decoders.js';
import { partSchema, type FormatSpec, type KafkaOptions } from './kafka-options.js';

/*
 * Rows to and from Kafka messages: the value holds the value columns and the key the key columns,
 * each in its format (json: an object by column name, as Flink's json format; csv: the fields in
 * column order, no header; raw: one VARCHAR as UTF-8 text). The JSON and CSV conversions are the
 * file connector's (row-decoders.ts, printers.ts), so both read and write values alike.
 */

type Bytes = Buffer | null | undefined;

/** A message's row in the stream's schema; null when the message holds none (a tombstone the stream cannot show). Throws RowError. */
export type MessageDecoder = (key: Bytes, value: Bytes) => Row | null;

export function messageDecoder(schema: Schema, opts: KafkaOptions): MessageDecoder {
  const width = schema.columns.length;
  const value = partDecoder(schema, opts.value);
  const key = opts.key ? partDecoder(schema, opts.key) : null;
  const valueCols = opts.value.columns;
  const keyCols = opts.key?.columns ?? [];
  const op = opts.opColumn;
  return (k, v) => {
    if (v === null || v === undefined) {
      // A tombstone: a deletion for upsert-kafka (shown when the stream has the op column), nothing for kafka.
      if (op < 0 || !key || !k) return null;
      const row: Row = new Array(width).fill(null);
      const kr = key(k);
      for (let i = 0; i < keyCols.length; i++) row[keyCols[i]!] = kr[i]!;
      row[op] = '-D';
      return row;
    }
    const row: Row = new Array(width).fill(null);
    const vr = value(v);
    for (let i = 0; i < valueCols.length; i++) row[valueCols[i]!] = vr[i]!;
    if (key && k) {
      const kr = key(k);
      for (let i = 0; i < keyCols.length; i++) row[keyCols[i]!] = kr[i]!;
    }
    if (op >= 0) row[op] = '+U';
    return row;
  };
}

/** Decodes one part (key or value) into the values of its columns, in order. */
function partDecoder(schema: Schema, part: FormatSpec): (bytes: Buffer) => Row {
  const sub = partSchema(schema, part);
  switch (part.format) {
    case 'json': {
      const json = new JsonRowDecoder(sub);
      return (b) => json.decodeText(b.toString('utf8'));
    }
    case 'csv': {
      const identity = sub.columns.map((_, i) => i);
      return (b) => {
        const text = b.toString('utf8').replace(/\r?\n$/, '');
        return csvFieldsToRow(splitCsvRecord(text, part.delimiter), identity, sub.columns, identity.length);
      };
    }
    case 'raw':
      return (b) => [b.toString('utf8')];
    default:
      throw new RowError(`unknown format ${String(part.format)}`);
  }
}

/** A message to produce: null value = tombstone. */
export interface EncodedMessage {
  readonly key: Buffer | undefined;
  readonly value: Buffer | null;
}

/**
 * Encodes a row of the stream's schema; null when the row writes nothing (upsert-kafka skips the
 * `-U` half of an update, as Flink's upsert sink does: the `+U` after it overwrites the key).
 */
export type MessageEncoder = (row: Row) => EncodedMessage | null;

export function messageEncoder(schema: Schema, opts: KafkaOptions): MessageEncoder {
  const value = partEncoder(schema, opts.value);
  const key = opts.key ? partEncoder(schema, opts.key) : null;
  const op = opts.opColumn;
  const upsert = opts.connector === 'upsert-kafka';
  const rawKey = opts.key?.format === 'raw' ? opts.key.columns[0]! : -1;
  return (row) => {
    // A NULL raw key is no key (an unkeyed message), as a null field is no text.
    const k = key && !(rawKey >= 0 && row[rawKey] === null) ? key(row) : undefined;
    if (upsert && op >= 0) {
      const kind = row[op];
      if (kind === '-U') return null;
      if (kind === '-D') return { key: k, value: null };
    }
    return { key: k, value: value(row) };
  };
}

/** Encodes the columns of one part of a row in its format. */
function partEncoder(schema: Schema, part: FormatSpec): (row: Row) => Buffer {
  const cols = part.columns;
  const pick = (row: Row): Row => cols.map((i) => row[i] ?? null);
  const sub = partSchema(schema, part).columns;
  switch (part.format) {
    case 'json': {
      const f = jsonLineFormatter(sub);
      return (row) => Buffer.from(f(pick(row)));
    }
    case 'csv': {
      const f = csvLineFormatter(sub, part.delimiter);
      return (row) => Buffer.from(f(pick(row)));
    }
    case 'raw': {
      const at = cols[0]!;
      return (row) => Buffer.from(row[at] === null || row[at] === undefined ? '' : String(row[at]));
    }
    default:
      throw new RowError(`unknown format ${String(part.format)}`);
  }
}
