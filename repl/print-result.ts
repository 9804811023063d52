import type { Writable } from 'node:stream';
import { assertNever } from '../src/common/errors.js';
import { renderTable } from '../src/connectors/printers.js';
import type { PrintFormat } from '../src/connectors/stdout-sink.js';
import type { StatementResult } from '../src/runtime/session.js';
import type { Row } from '../src/common/types.js';

/** Prints a one-shot statement result (not a continuous SELECT) in the chosen format. */
export function printResult(r: Exclude<StatementResult, { kind: 'select' }>, format: PrintFormat, out: Writable, err: Writable): void {
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
        out.write(renderTable(r.columns, r.rows as Row[]));
      } else if (format === 'json') {
        for (const row of r.rows) out.write(JSON.stringify(Object.fromEntries(r.columns.map((c, i) => [c, row[i] ?? null]))) + '\n');
      } else {
        const field = (v: unknown) => {
          const s = v === null || v === undefined ? '' : String(v);
          return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
        };
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
