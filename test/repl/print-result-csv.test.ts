/**
 * One-shot results (SHOW QUERIES, DESCRIBE ...) in `--format csv` are RFC 4180: a field holding a
 * comma, a double quote or a line break is quoted, quotes doubled, so a CSV reader gets back
 * exactly the fields the JSON output has. The sql column of SHOW QUERIES is the usual victim.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { runCli, tempDir } from '../e2e/checkpoint-helpers.js';
import { printResult } from '../../repl/print-result.js';

const SCRIPT = `
CREATE STREAM m (a INT, s VARCHAR) WITH ('connector' = 'memory');
CREATE STREAM o (a INT, s VARCHAR) WITH ('connector' = 'file', 'path' = 'o.csv', 'format' = 'csv');
INSERT INTO o SELECT a, CONCAT(s, 'x,"y"') FROM m WHERE s <> 'a,b' AND s <> '';
SHOW QUERIES;
`;

function collect(): { out: Writable; text: () => string } {
  let text = '';
  const out = new Writable({ write: (chunk, _enc, cb) => ((text += chunk), cb()) });
  return { out, text: () => text };
}

describe('CSV output of one-shot results', () => {
  it("SHOW QUERIES in eddy -f --format csv quotes the sql column: a CSV reader gets the JSON output's fields back", () => {
    const dir = tempDir('show-csv');
    writeFileSync(join(dir, 'q.sql'), SCRIPT);
    const csv = runCli(dir, ['-f', 'q.sql', '--state', ':memory:', '--format', 'csv', '-q']);
    const json = runCli(dir, ['-f', 'q.sql', '--state', ':memory:', '--format', 'json', '-q']);
    expect(csv.status, csv.stderr).toBe(0);
    const records = parse(csv.stdout, { columns: true, relax_column_count: false }) as Record<string, string>[];
    const objects = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(1);
    expect(records[0]!['sql']).toBe(`INSERT INTO o SELECT a, CONCAT(s, 'x,"y"') FROM m WHERE s <> 'a,b' AND s <> ''`);
    expect(records[0]!['sql']).toBe(objects[0]!['sql']);
    expect(Object.keys(records[0]!)).toEqual(Object.keys(objects[0]!));
    expect(csv.stdout.split('\n')[1]).toContain(`"INSERT INTO o SELECT a, CONCAT(s, 'x,""y""') FROM m WHERE s <> 'a,b' AND s <> ''"`);
  });

  it('line breaks, carriage returns, quotes and commas survive a round trip; NULL is an empty field', () => {
    const { out, text } = collect();
    const values = ['two\nlines', 'cr\r\nlf', 'say "hi"', 'a,b', ' spaced ', '', 'plain'];
    printResult({ kind: 'table', columns: ['v', 'n', 'x,y'], rows: [...values.map((v, i) => [v, i, null]), [null, true, 'z']] }, 'csv', out, out);
    const rows = parse(text(), { relax_quotes: false }) as string[][];
    expect(rows[0]).toEqual(['v', 'n', 'x,y']);
    expect(rows.slice(1, -1).map((r) => r[0])).toEqual(values);
    expect(rows.slice(1, -1).map((r) => r[2])).toEqual(values.map(() => ''));
    expect(rows[rows.length - 1]).toEqual(['', 'true', 'z']);
  });
});
