import type { Writable } from 'node:stream';
import type { Row, Schema } from '../common/types.js';
import { assertNever } from '../common/errors.js';
import type { SinkWriter } from './connector.js';
import { flinkRowFormatter } from './flink-row-text.js';
import { StreamingTable, csvHeader, csvLineFormatter, jsonLineFormatter, type StreamingTableOptions } from './printers.js';

export type PrintFormat = 'table' | 'json' | 'csv';
/** What the 'print' connector writes: Flink's row text (`+I[...]`, its default), or one of Eddy's formats. */
export type PrintSinkFormat = PrintFormat | 'flink';

/**
 * Prints result rows to a terminal or pipe as they arrive. At-least-once: it cannot take back
 * what it printed, so restore() is a no-op and rows replayed after a restart print again.
 */
export class StdoutSink implements SinkWriter {
  private readonly formatRow: ((row: Row) => string) | undefined;
  private readonly table: StreamingTable | undefined;
  private headerDone = false;
  private closed = false;
  private printed = 0;

  constructor(
    private readonly schema: Schema,
    private readonly format: PrintSinkFormat = 'table',
    private readonly out: Writable = process.stdout,
    tableOptions: StreamingTableOptions = {},
    /** Flink's 'print-identifier': each printed line starts with `<identifier>> `. */
    private readonly prefix = '',
    /** The rows are a changelog, their op first (the RowKind of Flink's row text). */
    changes = false,
  ) {
    switch (format) {
      case 'table':
        this.table = new StreamingTable(schema.columns, tableOptions);
        break;
      case 'json':
        this.formatRow = jsonLineFormatter(schema.columns);
        break;
      case 'csv':
        this.formatRow = csvLineFormatter(schema.columns);
        break;
      case 'flink':
        this.formatRow = flinkRowFormatter(schema.columns, changes);
        break;
      default:
        assertNever(format, 'print format');
    }
  }

  /** Prints the table header (or CSV header) before any row arrives, so a slow query shows its columns at once. */
  begin(): void {
    if (this.table) this.out.write(this.table.start());
    else if (this.format === 'csv' && !this.headerDone) {
      this.headerDone = true;
      this.out.write(csvHeader(this.schema.columns) + '\n');
    }
  }

  /** Rows printed so far. */
  get printedRows(): number {
    return this.printed;
  }

  write(rows: readonly Row[]): void {
    this.printed += rows.length;
    if (rows.length === 0) return;
    if (this.table) {
      this.out.write(this.table.rows(rows));
      return;
    }
    let text = '';
    if (this.format === 'csv' && !this.headerDone) text += csvHeader(this.schema.columns) + '\n';
    this.headerDone = true;
    for (const r of rows) text += this.prefix + this.formatRow!(r) + '\n';
    this.out.write(text);
  }

  /** Waits until the stream has taken everything written (backpressure on slow pipes). */
  async flush(): Promise<void> {
    if (!this.out.writableNeedDrain) return;
    await new Promise<void>((resolve) => this.out.once('drain', resolve));
  }

  cut(): { position: null; durable: Promise<void> } {
    return { position: null, durable: this.flush() };
  }

  position(): null {
    return null;
  }

  async restore(_position: unknown | null): Promise<void> {}

  /** Ends the table (closing border; header and "(0 rows)" if nothing came) or the CSV header for no rows. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.table) this.out.write(this.table.end());
    else if (this.format === 'csv' && !this.headerDone) this.out.write(csvHeader(this.schema.columns) + '\n');
    await this.flush();
  }
}
