/**
 * Bad input named (issue 13): a directory as a source path, a state file that is not SQLite and a
 * duration without a unit get clear messages, never a bare EISDIR or SQLITE_NOTADB.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from './checkpoint-helpers.js';

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
});
