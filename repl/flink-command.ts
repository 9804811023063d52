import { readFileSync } from 'node:fs';
import { formatError, type Span } from '../src/common/errors.js';
import { toFlinkSql } from '../src/flink/translate.js';

const USAGE = `Usage: eddy flink script.sql    print the script as Flink SQL (stdout); what Eddy-only parts were left out or changed, on stderr
`;

/**
 * `eddy flink script.sql`: the way out to Flink. Prints the Eddy script translated to Flink SQL
 * (src/flink/translate.ts); each warning (an Eddy-only statement left out, a `$late` stream) is
 * reported on stderr as file:line:col. Exit 0 with warnings, 1 when the script cannot be
 * translated (a syntax error, a `memory` stream), 2 on bad arguments.
 */
export function runFlinkCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): number {
  if (argv.length === 1 && (argv[0] === '-h' || argv[0] === '--help')) {
    out.write(USAGE);
    return 0;
  }
  if (argv.length !== 1 || argv[0]!.startsWith('-')) {
    err.write(`eddy flink: give one script file\n\n${USAGE}`);
    return 2;
  }
  const file = argv[0]!;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    err.write(`eddy flink: cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    const { sql, warnings } = toFlinkSql(text);
    for (const w of warnings) err.write(`${file}:${at(w.span)}: warning: ${w.message}\n`);
    out.write(sql);
    return 0;
  } catch (e) {
    err.write(formatError(e, text, file) + '\n');
    return 1;
  }
}

const at = (span: Span): string => `${span.line}:${span.column}`;
