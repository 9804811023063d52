import { arquero } from '../common/arquero-lib.js';
import type { DataType } from '@uwdata/flechette';
import { flechette } from './arrow-lib.js';
import { EddyError } from '../common/errors.js';
import { isDecimal, type Column, type Row, type Value } from '../common/types.js';
import { decimalText } from './values.js';
import { arrowTypeOf } from './arrow-types.js';
import { splitMessages } from './arrow-ipc.js';

/** Rows held before they are encoded as one record batch between checkpoints. */
export const ARROW_BATCH_ROWS = 64 * 1024;

/**
 * Encodes a sink's rows as Arrow IPC stream messages: rows are held and, when the sink cuts (a
 * checkpoint, a flush) or ARROW_BATCH_ROWS are held, turned into one record batch through
 * arquero's toArrow (columns typed per arrow-types.ts) and flechette's IPC writer; the schema
 * message is written once, at the start of the file. No end-of-stream marker is written: a stream
 * ends where the file ends, which Arrow readers accept, and the file can be appended to.
 */
/** An Arrow schema names its fields, so the sink's columns must have distinct names. */
export function checkArrowColumns(columns: readonly Column[]): void {
  const names = columns.map((c) => c.name);
  if (new Set(names).size !== names.length) {
    throw new EddyError('UNSUPPORTED', `an Arrow file needs distinct column names, got ${names.join(', ')}`, undefined, 'alias the repeated columns (AS ...)');
  }
}

/** Needs the Arrow libraries loaded (loadArrowLibs()) before it is constructed. */
export class ArrowBatchEncoder {
  private held: Row[] = [];
  private readonly types: Record<string, DataType>;
  private readonly names: string[];
  /** The schema message every file of this schema begins with. */
  readonly schemaMessage: Uint8Array;

  constructor(private readonly columns: readonly Column[]) {
    this.names = columns.map((c) => c.name);
    checkArrowColumns(columns);
    this.types = Object.fromEntries(columns.map((c) => [c.name, arrowTypeOf(c.type)]));
    this.schemaMessage = this.encode([]).schema;
  }

  get heldRows(): number {
    return this.held.length;
  }

  add(rows: readonly Row[]): void {
    for (const r of rows) this.held.push(r);
  }

  /** The record batch of the rows held (null when none), which are then released. */
  take(): Uint8Array | null {
    if (this.held.length === 0) return null;
    const rows = this.held;
    this.held = [];
    return this.encode(rows).records;
  }

  private encode(rows: readonly Row[]): { schema: Uint8Array; records: Uint8Array } {
    const data: Record<string, Value[]> = {};
    this.columns.forEach((col, c) => {
      const values = new Array<Value>(rows.length);
      for (let r = 0; r < rows.length; r++) values[r] = rows[r]![c] ?? null;
      // DECIMAL is written as its exact text (arrow-types.ts).
      if (isDecimal(col.type)) for (let r = 0; r < rows.length; r++) if (values[r] !== null) values[r] = decimalText(values[r]!, col.type);
      data[this.names[c]!] = values;
    });
    const ipc = flechette().tableToIPC(arquero().toArrow(arquero().table(data), { types: this.types }), { format: 'stream' });
    if (!ipc) throw new EddyError('INTERNAL', 'internal error: no Arrow IPC bytes');
    const messages = splitMessages(ipc);
    const schema = messages.find((m) => m.kind === 'schema')!.bytes;
    const records = messages.filter((m) => m.kind === 'record').map((m) => m.bytes);
    return { schema, records: records.length === 1 ? records[0]! : Buffer.concat(records) };
  }
}
