import { isAbsolute, resolve } from 'node:path';
import type { Row, Schema } from '../common/types.js';
import { EddyError, closest } from '../common/errors.js';
import type { SourceReader } from './connector.js';
import type { StreamDef } from '../planner/catalog.js';
import { LineReader, DEFAULT_CHUNK_SIZE } from './line-reader.js';
import { JsonRowDecoder, RowError, csvFieldsToRow, splitCsvRecord } from './row-decoders.js';
import { isBlank, readJsonRows } from './json-lines.js';
import { checkOptions, enumOption, fileFormatOption, type FileFormat, type OptionSpec } from './options.js';
import { ArrowFileSource } from './arrow-source.js';

export const FILE_SOURCE_SPEC: OptionSpec = {
  connector: 'file',
  required: ['path'],
  optional: ['format', 'on-error', 'csv.field-delimiter'],
};

export interface FileSourceOptions {
  /** The path as written in the WITH clause: error messages show this one. */
  readonly path: string;
  readonly format: FileFormat;
  /** 'dead-letter': skipped, and routed (raw text, reason) to the side stream `<stream>$errors`. */
  readonly onError: 'fail' | 'skip' | 'dead-letter';
  readonly delimiter: string;
  /** CSV: false reads fields by position, with no header line (Flink's CSV format); absent: a header names the columns. */
  readonly header?: boolean;
}

/** Validates a file stream's WITH options (at CREATE STREAM time and when a reader is made). */
export function fileSourceOptions(options: Readonly<Record<string, string>>): FileSourceOptions {
  checkOptions(options, FILE_SOURCE_SPEC);
  const delimiter = options['csv.field-delimiter'] ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new EddyError('INVALID_OPTION', `option 'csv.field-delimiter' must be a single character other than a quote or newline, got '${delimiter}'`);
  }
  return {
    path: options['path']!,
    format: fileFormatOption(options),
    onError: enumOption(options, 'on-error', ['fail', 'skip', 'dead-letter'], 'fail'),
    delimiter,
  };
}

export interface FileOffset {
  readonly byte: number;
  readonly line: number;
}

/**
 * Bounded reader of a JSON Lines or CSV file (header row) in constant memory (the LineReader reads
 * one chunk ahead so disk reads overlap parsing). The offset is the
 * byte and line just after the last consumed row, so seek() resumes exactly there.
 */
/** Receives a malformed row: its file, line number, raw text and why it was refused. */
export type DeadLetter = (path: string, line: number, raw: string, reason: string) => void;

/** How many skipped rows a query reports by file and line (the count covers all of them). */
export const SKIPPED_SAMPLES = 5;

export class FileSource implements SourceReader {
  readonly bounded = true;
  skippedRows = 0;
  readonly skippedSamples: string[] = [];
  private reader: LineReader | undefined;
  private start: FileOffset = { byte: 0, line: 0 };
  private committed: FileOffset = { byte: 0, line: 0 };
  private readonly fullPath: string;
  /** CSV: stream column index → field index in a record. */
  private csvFields: number[] | undefined;
  private csvWidth = 0;
  private readonly lowerNames: readonly string[];
  private readonly json: JsonRowDecoder;

  constructor(
    private readonly schema: Schema,
    private readonly opts: FileSourceOptions,
    baseDir?: string,
    private readonly chunkSize = DEFAULT_CHUNK_SIZE,
    /** Where 'on-error' = 'dead-letter' sends a malformed row (the session's `<stream>$errors`). */
    private readonly deadLetter?: DeadLetter,
    /** The columns the query reads (absent: all): JSON leaves the others NULL, undecoded. */
    readColumns?: readonly number[],
  ) {
    this.lowerNames = schema.columns.map((c) => c.name.toLowerCase());
    this.json = new JsonRowDecoder(schema, readColumns);
    this.fullPath = isAbsolute(opts.path) ? opts.path : resolve(baseDir ?? process.cwd(), opts.path);
  }

  offset(): FileOffset {
    return this.committed;
  }

  /** JSON Lines: every row is a new array; CSV rows get the slots pushed. */
  reserveTrailing(n: number): void {
    this.spare = n;
    this.json.reserveTrailing(n);
  }

  private spare = 0;

  async seek(offset: unknown): Promise<void> {
    const o = offset as FileOffset | null;
    if (!o || typeof o.byte !== 'number' || typeof o.line !== 'number') {
      throw new EddyError('CHECKPOINT', `invalid file source offset ${JSON.stringify(offset)}`);
    }
    // Seeking an open reader repositions it: close it so the next read reopens at the offset.
    await this.close();
    this.start = o;
    this.committed = o;
  }

  /** Bytes of the chunk being parsed plus the unfinished line (tests assert it stays bounded). */
  get bufferedBytes(): number {
    return this.reader?.bufferedBytes ?? 0;
  }

  /** All bytes held, counting the chunk read ahead: at most two chunks plus a line. */
  get heldBytes(): number {
    return this.reader?.heldBytes ?? 0;
  }

  async read(max: number): Promise<Row[] | null> {
    const lr = this.reader ?? (await this.openReader());
    if (this.opts.format === 'json') {
      const rows = await readJsonRows(lr, this.json, max, (line, reason, raw) => this.bad(line, reason, raw));
      // The position after the last line taken; only read (offset()) between reads, at batch boundaries.
      this.committed = { byte: lr.byte, line: lr.line };
      return rows;
    }
    if (lr.done) return null;
    const rows: Row[] = [];
    while (rows.length < max) {
      let text = lr.take();
      if (text === null) {
        if (lr.done) break;
        await lr.fill();
        continue;
      }
      const lineNo = lr.line;
      // Editors on Windows often start UTF-8 files with a byte-order mark.
      if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.includes('"')) {
        // A quoted CSV field may span lines: keep taking lines until the quotes balance.
        let unterminated = false;
        while (countQuotes(text) % 2 === 1) {
          let more = lr.take();
          while (more === null && !lr.done) {
            await lr.fill();
            more = lr.take();
          }
          if (more === null) {
            unterminated = true;
            break;
          }
          text += '\n' + more;
        }
        if (unterminated) {
          this.bad(lineNo, 'unterminated quoted field', text);
          continue;
        }
      }
      if (isBlank(text)) continue;
      try {
        const row = this.parseCsvRecord(text, lineNo);
        for (let i = 0; i < this.spare; i++) row.push(null);
        rows.push(row);
      } catch (e) {
        if (!(e instanceof RowError)) throw e;
        this.bad(lineNo, e.reason, text);
      }
    }
    // The position after the last line taken; only read (offset()) between reads, at batch boundaries.
    this.committed = { byte: lr.byte, line: lr.line };
    return rows.length === 0 && lr.done ? null : rows;
  }

  async close(): Promise<void> {
    const lr = this.reader;
    this.reader = undefined;
    await lr?.close();
  }

  private bad(line: number, reason: string, raw: string): void {
    if (this.opts.onError === 'dead-letter') this.deadLetter?.(this.opts.path, line, raw, reason);
    if (this.opts.onError !== 'fail') {
      this.skippedRows++;
      if (this.skippedSamples.length < SKIPPED_SAMPLES) this.skippedSamples.push(`${this.opts.path}:${line}: ${reason}`);
      return;
    }
    throw new EddyError('BAD_ROW', `${this.opts.path}:${line}: ${reason}`, undefined, "fix the input, or set 'on-error' = 'skip' to skip malformed rows");
  }

  private async openReader(): Promise<LineReader> {
    if (this.opts.format === 'csv' && this.opts.header === false) {
      this.csvWidth = this.schema.columns.length;
      this.csvFields = this.schema.columns.map((_, i) => i);
    } else if (this.opts.format === 'csv') await this.readHeader();
    const lr = await LineReader.open(this.fullPath, this.opts.path, this.start.byte, this.start.line, this.chunkSize);
    this.reader = lr;
    return lr;
  }

  /** Reads the CSV header (the first non-blank line) and maps its names to stream columns. */
  private async readHeader(): Promise<void> {
    const lr = await LineReader.open(this.fullPath, this.opts.path, 0, 0, Math.min(this.chunkSize, 64 * 1024));
    try {
      let text: string | null = null;
      while (text === null || text.trim() === '') {
        text = lr.take();
        if (text === null) {
          if (lr.done) return this.mapHeader([], 1);
          await lr.fill();
        }
      }
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      const fields = this.splitCsv(text, lr.line).map((f) => f.trim().toLowerCase());
      this.mapHeader(fields, lr.line);
      // A fresh run starts after the header; a seek offset is always past it already.
      if (this.start.byte < lr.byte) this.start = this.committed = { byte: lr.byte, line: lr.line };
    } finally {
      await lr.close();
    }
  }

  private mapHeader(fields: readonly string[], line: number): void {
    this.csvWidth = fields.length;
    this.csvFields = this.lowerNames.map((name) => {
      const at = fields.indexOf(name);
      if (at < 0) {
        const guess = closest(name, fields);
        throw new EddyError(
          'BAD_ROW',
          `${this.opts.path}:${line}: CSV header has no column '${name}'${fields.length ? ` (header: ${fields.join(', ')})` : ' (the file is empty)'}`,
          undefined,
          guess ? `did you mean '${guess}'? CSV header names must match the stream's columns` : "the first line of a CSV file must name the stream's columns",
        );
      }
      return at;
    });
  }

  private splitCsv(text: string, line: number): string[] {
    try {
      return splitCsvRecord(text, this.opts.delimiter);
    } catch (e) {
      if (this.csvFields === undefined && e instanceof RowError) throw new EddyError('BAD_ROW', `${this.opts.path}:${line}: bad CSV header: ${e.reason.replace(/^bad CSV record: /, '')}`);
      throw e;
    }
  }

  private parseCsvRecord(text: string, line: number): Row {
    return csvFieldsToRow(this.splitCsv(text, line), this.csvFields!, this.schema.columns, this.csvWidth);
  }
}

function countQuotes(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) n++;
  return n;
}

/** The reader of one file in its format: JSON Lines and CSV by line, Arrow by record batch. */
export function fileReaderFor(schema: Schema, opts: FileSourceOptions, baseDir?: string, deadLetter?: DeadLetter, readColumns?: readonly number[]): SourceReader {
  if (opts.format === 'arrow') return new ArrowFileSource(schema, opts, baseDir, deadLetter);
  return new FileSource(schema, opts, baseDir, undefined, deadLetter, readColumns);
}

/** A file source for a declared stream; relative paths resolve against `baseDir` (default: cwd). */
export function createFileSource(stream: StreamDef, baseDir?: string, chunkSize?: number): FileSource {
  return new FileSource(stream.schema, fileSourceOptions(stream.options), baseDir, chunkSize);
}
