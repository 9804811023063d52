/**
 * A file source decodes only the columns its query reads (readColumns, set by column pruning), as
 * Flink's projection pushdown into a format: an unread column is never converted, so a bad value
 * there does not make the row malformed; a late-row side stream still gets whole rows.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

describe('computed columns over a file source', () => {
  it('are filled in the rows the file reader leaves room in (JSON, CSV) and placed where declared', () => {
    const dir = tempDir('computed-file');
    writeFileSync(join(dir, 'in.jsonl'), '{"k": "a", "v": 2, "ts": 1000}\n{"k": "b", "v": 5, "ts": 2000}\n');
    writeFileSync(join(dir, 'in.csv'), 'k,v,ts\na,2,1000\nb,5,2000\n');
    const stream = (name: string, file: string, format: string) =>
      `CREATE STREAM ${name} (k VARCHAR, twice AS v * 2, v INT, ts TIMESTAMP(3), t AS ts + INTERVAL '1' SECOND, WATERMARK FOR t AS t)
        WITH ('connector' = 'file', 'path' = '${file}', 'format' = '${format}');`;
    for (const [file, format] of [['in.jsonl', 'json'], ['in.csv', 'csv']] as const) {
      const r = runCli(dir, ['-e', `${stream('s', file, format)} SELECT * FROM s; SELECT k, t FROM s;`, '--state', ':memory:', '--format', 'json']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(
        [
          '{"k":"a","twice":4,"v":2,"ts":"1970-01-01 00:00:01.000","t":"1970-01-01 00:00:02.000"}',
          '{"k":"b","twice":10,"v":5,"ts":"1970-01-01 00:00:02.000","t":"1970-01-01 00:00:03.000"}',
          '{"k":"a","t":"1970-01-01 00:00:02.000"}',
          '{"k":"b","t":"1970-01-01 00:00:03.000"}',
        ].join('\n') + '\n',
      );
    }
  });

  it("through the 'filesystem' connector's directory reader, computed columns last", () => {
    const dir = tempDir('computed-dir');
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'a.jsonl'), '{"k": "a", "ts": 1000}\n');
    writeFileSync(join(dir, 'in', 'b.jsonl'), '{"k": "b", "ts": 2000}\n');
    const ddl = "CREATE TABLE s (k VARCHAR, ts TIMESTAMP(3), t AS ts + INTERVAL '1' SECOND, u AS UPPER(k)) WITH ('connector' = 'filesystem', 'path' = 'in', 'format' = 'json');";
    const r = runCli(dir, ['-e', `${ddl} SELECT u, t FROM s;`, '--state', ':memory:', '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('{"u":"A","t":"1970-01-01 00:00:02.000"}\n{"u":"B","t":"1970-01-01 00:00:03.000"}\n');
  });
});
