/**
 * The packed package installs outside the clone and runs: `npm pack`, `npm install -g` into a
 * temporary prefix, then `eddy` in an unrelated folder, from the startup snapshot the install made. It builds sqlite3 from source (minutes),
 * so it runs only with EDDY_PACK_TEST=1 (the suite must stay fast); skipped otherwise, visibly.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

describe('the packed package', () => {
  it.runIf(process.env['EDDY_PACK_TEST'] === '1')('installs into a fresh prefix and runs eddy in any folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-pack-'));
    const pack = spawnSync('npm', ['pack', ROOT, '--silent'], { cwd: dir, encoding: 'utf8' });
    expect(pack.status, pack.stderr).toBe(0);
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    const prefix = join(dir, 'prefix');
    const install = spawnSync('npm', ['install', '-g', '--prefix', prefix, `./${tgz}`], { cwd: dir, encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    const r = spawnSync(join(prefix, 'bin', 'eddy'), ['-e', "CREATE STREAM s (x INT) WITH ('connector'='memory'); INSERT INTO s VALUES (1), (2); SELECT x * 10 AS y FROM s;", '--state', 'state.db'], {
      cwd: elsewhere,
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('{"y":10}\n{"y":20}\n');
    expect(readdirSync(elsewhere)).toContain('state.db');
    // The install made the startup snapshot for this node (postinstall), and eddy starts from it.
    const traced = spawnSync('sh', ['-x', join(prefix, 'bin', 'eddy'), '-e', 'SELECT 1 AS one;', '--state', ':memory:'], { cwd: elsewhere, encoding: 'utf8' });
    expect(traced.stdout).toBe('{"one":1}\n');
    expect(traced.stderr).toMatch(/\+ exec \S*node --snapshot-blob \S*\/dist\/eddy\.blob -- -e/);
  }, 600_000);
});
