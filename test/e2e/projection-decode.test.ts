/**
 * A file source decodes only the columns its query reads (readColumns, set by column pruning), as
 * Flink's projection pushdown into a format: an unread column is never converted, so a bad value
 * there does not make the row malformed; a late-row side stream still gets whole rows.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './checkpoint-helpers.js';

const ddl = `CREATE STREAM s (k VARCHAR, v INT, note VARCHAR, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
  WITH ('connector' = 'file', 'path' = 'in.jsonl', 'format' = 'json', 'on-error' = 'skip');`;

function input(dir: string): void {
  const rows = [
    { k: 'a', v: 1, note: 'x', ts: 1000 },
    // v is not an INT: only a query reading v finds this row malformed.
    { k: 'b', v: 'oops', note: 'y', ts: 2000 },
    { k: 'c', v: 3, note: 'z', ts: 30_000 },
    // Late for a 10 s window once the watermark is at 30 s.
    { k: 'd', v: 4, note: 'late one', ts: 1500 },
  ];
  writeFileSync(join(dir, 'in.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

describe('a file source decodes the columns the query reads', () => {
  it('a bad value in an unread column does not skip the row; reading the column does', () => {
    const dir = tempDir('projection');
    input(dir);
    const unread = runCli(dir, ['-e', `${ddl} SELECT k FROM s;`, '--state', ':memory:', '--format', 'json']);
    expect(unread.status, unread.stderr).toBe(0);
    expect(unread.stdout).toBe('{"k":"a"}\n{"k":"b"}\n{"k":"c"}\n{"k":"d"}\n');
    expect(unread.stderr).not.toContain('malformed rows skipped');
    const read = runCli(dir, ['-e', `${ddl} SELECT k, v FROM s;`, '--state', ':memory:', '--format', 'json']);
    expect(read.status, read.stderr).toBe(0);
    expect(read.stdout).toBe('{"k":"a","v":1}\n{"k":"c","v":3}\n{"k":"d","v":4}\n');
    expect(read.stderr).toContain('in.jsonl:2: v: expected INT, got "oops"');
  });

  it('a window over the stream routes its late rows whole, unread columns included', () => {
    const dir = tempDir('projection-late');
    input(dir);
    const sql = `${ddl}
      CREATE STREAM late_rows (k VARCHAR, v INT, note VARCHAR, ts TIMESTAMP(3)) WITH ('connector' = 'file', 'path' = 'late.jsonl', 'format' = 'json');
      SELECT window_start, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end;
      INSERT INTO late_rows SELECT * FROM "s$late";`;
    const r = runCli(dir, ['-e', sql, '--state', ':memory:', '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('"n":1');
    expect(r.stdout).toContain('"window_start":"1970-01-01 00:00:30.000"');
    expect(readFileSync(join(dir, 'late.jsonl'), 'utf8')).toBe('{"k":"d","v":4,"note":"late one","ts":"1970-01-01 00:00:01.500"}\n');
  });
});
