/**
 * repl/eddy, the `eddy` command: starts node from the startup snapshot `npm run build` made
 * (scripts/snapshot.mjs) when its stamp matches this node and this dist/, and from the modules
 * otherwise, with the same behaviour either way.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EDDY, expectBuilt } from '../e2e/eddy-command.js';

const DIST = resolve(__dirname, '../../dist');

/** Runs `sh -x <launcher> ...args`: the trace shows the command it execs. */
function traced(launcher: string, args: readonly string[], cwd: string): { status: number | null; stdout: string; exec: string } {
  const r = spawnSync('sh', ['-x', launcher, ...args], { cwd, encoding: 'utf8' });
  const exec = r.stderr.split('\n').find((l) => l.startsWith('+ exec ')) ?? '';
  return { status: r.status, stdout: r.stdout, exec };
}

const SCRIPT = `CREATE TABLE t (k BIGINT, v DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory');
INSERT INTO t VALUES (1, 2.5, TIMESTAMP '2024-05-01 10:00:01'), (2, 3.5, TIMESTAMP '2024-05-01 10:00:04'), (1, 1, TIMESTAMP '2024-05-01 10:00:12');
SELECT k, window_start, COUNT(*) AS n, SUM(v) AS total FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end;`;

describe('the eddy launcher', () => {
  it('starts from the snapshot, with the same output as the modules', () => {
    expectBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'eddy-snapshot-'));
    const fromSnapshot = traced(EDDY, ['--state', ':memory:', '--format', 'json', '-e', SCRIPT], dir);
    expect(fromSnapshot.exec).toContain(`--snapshot-blob ${join(DIST, 'eddy.blob')} --`);
    expect(fromSnapshot.status).toBe(0);
    const fromModules = spawnSync(process.execPath, [join(DIST, 'repl/main.js'), '--state', ':memory:', '--format', 'json', '-e', SCRIPT], { cwd: dir, encoding: 'utf8' });
    expect(fromModules.status).toBe(0);
    expect(fromSnapshot.stdout).toBe(fromModules.stdout);
    expect(fromSnapshot.stdout.trim().split('\n')).toHaveLength(3);
    // The snapshot's paths: the version is read from package.json next to dist/.
    const version = (JSON.parse(readFileSync(resolve(DIST, '../package.json'), 'utf8')) as { version: string }).version;
    expect(spawnSync(EDDY, ['--version'], { encoding: 'utf8' }).stdout).toBe(`eddy ${version}\n`);
  });

  it('falls back to the modules when the stamp is not of this dist/ (or this node)', () => {
    // A copy of the package layout whose dist/ holds the real build's files but is another folder.
    const root = mkdtempSync(join(tmpdir(), 'eddy-moved-'));
    mkdirSync(join(root, 'repl'));
    mkdirSync(join(root, 'dist'));
    copyFileSync(EDDY, join(root, 'repl/eddy'));
    for (const entry of ['repl', 'src', 'chunks', 'eddy.blob']) symlinkSync(join(DIST, entry), join(root, 'dist', entry));
    writeFileSync(join(root, 'dist/eddy.blob.stamp'), readFileSync(join(DIST, 'eddy.blob.stamp')));
    const moved = traced(join(root, 'repl/eddy'), ['--state', ':memory:', '--format', 'json', '-e', 'SELECT 1 AS one;'], root);
    expect(moved.exec).toBe(`+ exec node ${join(root, 'dist')}/repl/main.js --state :memory: --format json -e SELECT 1 AS one;`);
    expect(moved.status).toBe(0);
    expect(moved.stdout).toBe('{"one":1}\n');
  });
});
