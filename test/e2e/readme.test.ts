/**
 * The README's embedding example, run as written: the ```ts block after the
 * `embedding-example` marker is executed by node (against the built package) and its output must
 * equal the block that follows it. Editing either without the other fails here.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(__dirname, '../..');

function readmeExample(): { code: string; expected: string } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('<!-- embedding-example');
  expect(at).toBeGreaterThan(0);
  const blocks = [...readme.slice(at).matchAll(/```(\w*)\n([\s\S]*?)```/g)];
  expect(blocks[0]?.[1]).toBe('ts');
  return { code: blocks[0]![2]!, expected: blocks[1]![2]! };
}

describe('README', () => {
  it('embedding example prints what the README says it prints', () => {
    const { code, expected } = readmeExample();
    expect(code).toContain("from 'eddy'");
    const entry = pathToFileURL(join(ROOT, 'dist/src/index.js')).href;
    const dir = mkdtempSync(join(tmpdir(), 'eddy-readme-'));
    const file = join(dir, 'example.mjs');
    // The example is plain JavaScript apart from its import, which points at the built package.
    writeFileSync(file, code.replace("from 'eddy'", `from '${entry}'`));
    const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(expected);
  });
});
