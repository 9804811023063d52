import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EddyError, formatError, type Span } from '../src/common/errors.js';
import { toFlinkSql, type FlinkScript, type FlinkStatement } from '../src/flink/translate.js';
import { renderTable } from '../src/connectors/printers.js';
import type { Row, Value } from '../src/common/types.js';
import { FlinkGateway, GatewayStatementError, type FlinkPosition, type GatewayColumn } from './flink-gateway.js';

const USAGE = `Usage: eddy flink script.sql                  print the script as Flink SQL (stdout); what Eddy-only parts were left out or changed, on stderr
       eddy flink --gateway URL script.sql    run the translated script on Flink through its SQL Gateway (REST, e.g. http://localhost:8083)

Options with --gateway:
      --format table|json   how query results print: a table of changes once a query ends (default),
                            or one JSON line per change as it arrives ({"op":"+I","row":{"col":...}})
`;

/**
 * `eddy flink script.sql`: the way out to Flink. Prints the Eddy script translated to Flink SQL
 * (src/flink/translate.ts); each warning (an Eddy-only statement left out, a `$late` stream) is
 * reported on stderr as file:line:col. With `--gateway URL` the translated statements run one by
 * one on a Flink SQL Gateway instead (INSERTs synchronously, 'table.dml-sync'), each query's
 * changes printed; the first failing statement stops the run with Flink's message at its line.
 * Exit 0 (warnings allowed), 1 when the script cannot be translated or a statement fails, 2 on
 * bad arguments.
 */
export async function runFlinkCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: [...argv], options: { gateway: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    err.write(`eddy flink: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    out.write(USAGE);
    return 0;
  }
  const format = values.format ?? 'table';
  if (positionals.length !== 1 || (format !== 'table' && format !== 'json') || (values.format !== undefined && values.gateway === undefined)) {
    err.write(`eddy flink: ${positionals.length !== 1 ? 'give one script file' : values.gateway === undefined ? '--format applies to --gateway only' : `unknown --format '${format}' (table or json)`}\n\n${USAGE}`);
    return 2;
  }
  const file = positionals[0]!;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    err.write(`eddy flink: cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  let script: FlinkScript;
  try {
    script = toFlinkSql(text);
  } catch (e) {
    err.write(formatError(e, text, file) + '\n');
    return 1;
  }
  for (const w of script.warnings) err.write(`${file}:${at(w.span)}: warning: ${w.message}\n`);
  if (values.gateway === undefined) {
    out.write(script.sql);
    return 0;
  }
  return runOnGateway(values.gateway, script, text, file, format, out, err);
}

/** Submits each translated statement to the gateway in order; stops at the first failure. */
async function runOnGateway(url: string, script: FlinkScript, text: string, file: string, format: 'table' | 'json', out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  let gateway: FlinkGateway;
  try {
    gateway = await FlinkGateway.open(url, { 'table.dml-sync': 'true' });
  } catch (e) {
    err.write(`eddy flink: cannot open a session on the Flink SQL Gateway at ${url}: ${describe(e)}\n`);
    return 1;
  }
  let interrupted = false;
  const onSigint = () => (interrupted = true);
  process.on('SIGINT', onSigint);
  let current: FlinkStatement | undefined;
  try {
    for (const stmt of script.statements) {
      current = stmt;
      const rows: Row[] = [];
      const result = await gateway.run(
        stmt.sql,
        (c, columns) => {
          const fields = c.fields.map((v, i) => eddyValue(v, columns[i]));
          if (format === 'table') rows.push([c.op, ...fields]);
          else out.write(JSON.stringify({ op: c.op, row: Object.fromEntries(columns.map((col, i) => [col.name, fields[i]])) }) + '\n');
        },
        () => interrupted,
      );
      if (format === 'table' && result.isQuery) out.write(renderTable(['op', ...result.columns.map((c) => c.name)], rows));
      if (!result.isQuery && result.jobId !== null) err.write(`${file}:${at(stmt.span)}: Flink job ${result.jobId} finished\n`);
      if (interrupted) {
        err.write('eddy flink: interrupted; the session is closed\n');
        return 130;
      }
    }
    return 0;
  } catch (e) {
    if (e instanceof GatewayStatementError && current) {
      err.write(formatError(new EddyError('QUERY_FAILED', `Flink: ${e.detail}`, scriptSpan(text, current.span, e.position)), text, file) + '\n');
    } else {
      err.write(`${current ? `${file}:${at(current.span)}` : file}: error: ${describe(e)}\n`);
    }
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
    await gateway.close();
  }
}

/**
 * A value from the gateway's JSON rows as Eddy prints it: Flink writes timestamps ISO-style
 * ('2024-01-01T00:00:05', fractions only when non-zero); Eddy's 'YYYY-MM-DD HH:MM:SS.mmm' makes
 * the output of `eddy -f` and of the same script on Flink comparable line by line.
 */
function eddyValue(v: unknown, column: GatewayColumn | undefined): Value {
  const type = column?.logicalType?.type ?? '';
  if (typeof v === 'string' && type.startsWith('TIMESTAMP')) {
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z)?$/.exec(v);
    if (m) return `${m[1]} ${m[2]!.length === 5 ? `${m[2]}:00` : m[2]}.${(m[3] ?? '').padEnd(3, '0').slice(0, 3)}${m[4] ?? ''}`;
  }
  return v as Value;
}

function describe(e: unknown): string {
  if (e instanceof GatewayStatementError) return e.detail;
  // fetch() hides the socket error in its cause (an AggregateError when several addresses were tried)
  const cause = (e as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
  const code = cause?.code ?? cause?.errors?.find((x) => x.code)?.code;
  return code ? `${(e as Error).message} (${code})` : cause?.message ? `${(e as Error).message}: ${cause.message}` : (e as Error).message;
}

/**
 * Flink's position inside the submitted statement, mapped back into the Eddy script. The
 * translation keeps a statement's line breaks, so lines map exactly; columns are exact where
 * the translation kept token widths (queries) and approximate where it did not (DDL options).
 * Without a position, the whole statement's first token.
 */
function scriptSpan(text: string, stmt: Span, pos: FlinkPosition | undefined): Span {
  if (!pos) return { ...stmt, end: stmt.start + 1 };
  const line = stmt.line + pos.line - 1;
  const column = pos.line === 1 ? stmt.column + pos.column - 1 : pos.column;
  let start = 0;
  for (let l = 1; l < line; l++) start = text.indexOf('\n', start) + 1;
  start += column - 1;
  const width = pos.endLine === pos.line ? Math.max(1, pos.endColumn - pos.column + 1) : 1;
  return { start, end: start + width, line, column };
}

const at = (span: Span): string => `${span.line}:${span.column}`;
