import type { Writable } from 'node:stream';
import { assertNever } from '../src/common/errors.js';
import { StreamingTable, csvField, renderTable, type StreamingTableOptions } from '../src/connectors/printers.js';
import type { PrintFormat } from '../src/connectors/stdout-sink.js';
import type { StatementResult } from '../src/runtime/session.js';
import type { Row } from '../src/common/types.js';

/** Prints a one-shot statement result (not a continuous SELECT) in the chosen format. */
export function printResult(r: Exclude<StatementResult, { kind: 'select' }>, format: PrintFormat, out: Writable, err: Writable, table?: StreamingTableOptions): void {
  switch (r.kind) {
    case 'message':
      // Status messages are not data: keep stdout clean for json/csv consumers.
      (format === 'table' ? out : err).write(r.text + '\n');
      return;
    case 'explain':
      out.write(r.text.endsWith('\n') ? r.text : r.text + '\n');
      return;
    case 'table': {
      if (format === 'table') {
        // In a terminal: the table fits its width (text wraps, or rows go one field per line); always a row count, as psql.
        if (table?.maxWidth !== undefined) out.write(fittedTable(r.columns, r.rows as Row[], table));
        else out.write(renderTable(r.columns, r.rows as Row[]));
        out.write(`(${r.rows.length} row${r.rows.length === 1 ? '' : 's'})\n`);
      } else if (format === 'json') {
        for (const row of r.rows) out.write(JSON.stringify(Object.fromEntries(r.columns.map((c, i) => [c, row[i] ?? null]))) + '\n');
      } else {
        // RFC 4180, with the quoting of every other CSV Eddy writes (printers.ts): a SHOW QUERIES sql
        // column holds commas and quotes, a DDL line breaks. NULL is an empty field.
        const field = (v: unknown) => csvField(v === null || v === undefined ? '' : String(v));
        out.write(r.columns.map(field).join(',') + '\n');
        for (const row of r.rows) out.write(row.map(field).join(',') + '\n');
      }
      return;
    }
    case 'persistent':
      err.write(`Query '${r.query.id}' started (${r.query.status === 'RUNNING' ? 'running' : r.query.status.toLowerCase()}).\n`);
      return;
    default:
      return assertNever(r, 'statement result');
  }
}

/** A one-shot table sized to its values and fitted to the terminal (text columns, by the values' own types). */
function fittedTable(columns: readonly string[], rows: readonly Row[], opts: StreamingTableOptions): string {
  const natural = renderTable(columns, rows);
  const width = natural.indexOf('\n');
  if (opts.expanded !== 'on' && width <= (opts.maxWidth ?? Infinity)) return natural;
  const t = new StreamingTable(columns.map((name) => ({ name, type: 'VARCHAR' as const })), opts);
  const text = t.rows(rows.map((r) => r.map((v) => (v === null || v === undefined ? null : String(v)))));
  return text === '' ? natural : text + t.end();
}
