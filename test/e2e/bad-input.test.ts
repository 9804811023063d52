/**
 * Bad input named (issue 13): a directory as a source path, a state file that is not SQLite and a
 * duration without a unit get clear messages, never a bare EISDIR or SQLITE_NOTADB.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { EDDY, runCli, tempDir } from './checkpoint-helpers.js';

describe('bad input gets a clear error', () => {
  it('a directory as a file source path', () => {
    const dir = tempDir('bad-dir');
    mkdirSync(join(dir, 'data'));
    const r = runCli(dir, ['-e', "CREATE STREAM d (x INT) WITH ('connector' = 'file', 'path' = 'data', 'format' = 'json'); SELECT x FROM d;", '--state', ':memory:']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("cannot read 'data': it is a directory");
    expect(r.stderr).toContain("hint: give the path of a file");
    expect(r.stderr).not.toMatch(/EISDIR/);
  });

  it('a --state file that is not a SQLite database', () => {
    const dir = tempDir('bad-state');
    writeFileSync(join(dir, 'notes.txt'), 'these are my notes, not a database\n'.repeat(20));
    const r = runCli(dir, ['-e', 'SHOW STREAMS;', '--state', 'notes.txt']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("cannot open state database 'notes.txt': the file is not a SQLite database");
    expect(r.stderr).not.toMatch(/SQLITE_NOTADB/);
  });

  it('--checkpoint-interval without a unit is a usage error', () => {
    const r = runCli(tempDir('bad-interval'), ['-e', 'SHOW STREAMS;', '--state', ':memory:', '--checkpoint-interval', '5']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('eddy: --checkpoint-interval needs a unit, e.g. 5s or 5ms\n');
  });

  it("skipped rows are reported by file and line: the first five and the count, for a SELECT and a persistent query", () => {
    const dir = tempDir('bad-rows');
    const good = (i: number) => `{"id": ${i}, "ts": ${i}}`;
    const lines = [good(1), ...Array.from({ length: 8 }, (_, i) => `{"id": "x${i}", "ts": 1}`), good(2)];
    writeFileSync(join(dir, 'in.jsonl'), lines.join('\n') + '\n');
    const ddl = "CREATE STREAM r (id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'file', 'path' = 'in.jsonl', 'on-error' = 'skip');";
    const sink = "CREATE STREAM o (id BIGINT) WITH ('connector' = 'file', 'path' = 'o.jsonl', 'format' = 'json');";
    const r = runCli(dir, ['-e', `${ddl} ${sink} SELECT id FROM r; INSERT INTO o SELECT id FROM r;`, '--state', ':memory:', '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('{"id":1}\n{"id":2}\n');
    const report = (id: string) =>
      [`note: 8 malformed rows skipped by ${id}:`, ...[2, 3, 4, 5, 6].map((n) => `  in.jsonl:${n}: id: expected BIGINT, got "x${n - 2}"`), '  ... and 3 more'].join('\n') + '\n';
    expect(r.stderr).toContain(report('select_1'));
    expect(r.stderr).toMatch(/note: 8 malformed rows skipped by insert_into_o_[0-9a-f]{8}:\n  in\.jsonl:2: /);
  });

  it("Flink's 'filesystem' connector reports them by file and line too, across the files of a directory", () => {
    const dir = tempDir('bad-rows-fs');
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'a.jsonl'), '{"id": 1}\n{"id": "x"}\n');
    writeFileSync(join(dir, 'in', 'b.jsonl'), '{bad\n{"id": 2}\n');
    const ddl = "CREATE TABLE r (id BIGINT) WITH ('connector' = 'filesystem', 'path' = 'in', 'format' = 'json', 'json.ignore-parse-errors' = 'true');";
    const r = runCli(dir, ['-e', `${ddl} SELECT id FROM r;`, '--state', ':memory:', '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('{"id":1}\n{"id":2}\n');
    expect(r.stderr).toMatch(/note: 2 malformed rows skipped by select_1:\n  \S*a\.jsonl:2: id: expected BIGINT, got "x"\n  \S*b\.jsonl:1: invalid JSON/);
    expect(r.stderr).not.toContain('... and');
  });

  it('a script piped in by a slow writer is read whole (it used to fail with a bare EAGAIN)', async () => {
    const child = spawn(EDDY, ['--state', ':memory:', '--format', 'json'], { cwd: tempDir('slow-stdin'), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.write("CREATE STREAM m (x INT) WITH ('connector' = 'memory');\n");
    await new Promise((r) => setTimeout(r, 400));
    child.stdin.end('INSERT INTO m VALUES (1), (2); SELECT x FROM m;\n');
    const status = await new Promise<number | null>((r) => child.on('close', r));
    expect(stderr).not.toMatch(/EAGAIN/);
    expect(status, stderr).toBe(0);
    expect(stdout).toBe('{"x":1}\n{"x":2}\n');
  });
});
