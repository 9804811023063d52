/**
 * `eddy -f` runs from the bundle `npm run build` makes (scripts/bundle.mjs), and a script that
 * uses neither Kafka, metrics nor materialized views does not load their libraries (the Kafka client compiles its JSON schemas at import, about half a second of
 * every start; prom-client and arquero cost 100-200 ms more, flechette for Arrow files ~60 ms):
 * they are imported on first use.
 * A module-resolution hook in the child process records every module it loads.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const CLI = resolve(__dirname, '../../dist/repl/main.js');

/** The URLs of the modules `eddy -f script ...args` loads, and its exit status. */
function modulesLoaded(dir: string, script: string, args: readonly string[] = []): { urls: string[]; status: number | null; stderr: string } {
  // The hooks run on their own thread: they append to a file synchronously, as writes to stderr
  // from there may be lost when the CLI exits.
  const log = join(dir, `loaded-${Date.now()}.txt`);
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`);
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, CLI, '-f', script, '--quiet', ...args], { cwd: dir, encoding: 'utf8' });
  const urls = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l !== '') : [];
  return { urls, status: r.status, stderr: r.stderr };
}

describe('eddy -f start-up', () => {
  it('loads neither the Kafka client, prom-client, arquero nor flechette for a script that does not use them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-startup-'));
    writeFileSync(join(dir, 'in.jsonl'), '{"k":1,"v":2.5}\n{"k":2,"v":3.5}\n');
    const script = join(dir, 'script.sql');
    writeFileSync(
      script,
      "CREATE STREAM s (k BIGINT, v DOUBLE) WITH ('connector' = 'file', 'path' = 'in.jsonl', 'format' = 'json');\n" +
        "CREATE STREAM o (k BIGINT, v DOUBLE) WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json');\n" +
        'INSERT INTO o SELECT k, v * 2 FROM s WHERE k > 0;\n',
    );
    const { urls, status, stderr } = modulesLoaded(dir, script);
    expect(status, stderr).toBe(0);
    // The hook saw the engine load its parser library (so an empty list cannot pass by accident).
    expect(urls.some((u) => u.includes('/chevrotain/'))).toBe(true);
    for (const lib of ['@platformatic/kafka', 'prom-client', '/arquero/', '/ajv/', '@uwdata/flechette']) expect(urls.filter((u) => u.includes(lib))).toEqual([]);
  }, 60_000);

  it('loads the sqlite3 binding only when a state database is opened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-startup-'));
    const script = join(dir, 'script.sql');
    writeFileSync(script, 'SELECT 1;\n');
    const sqlite = (urls: string[]) => urls.filter((u) => u.includes('/sqlite3/'));
    const memory = modulesLoaded(dir, script, ['--state', ':memory:']);
    expect(memory.status, memory.stderr).toBe(0);
    expect(memory.urls.some((u) => u.includes('/chevrotain/'))).toBe(true);
    expect(sqlite(memory.urls)).toEqual([]);
    // The default state database: the hook sees the binding load after start-up.
    const stored = modulesLoaded(dir, script);
    expect(stored.status, stored.stderr).toBe(0);
    expect(sqlite(stored.urls)).not.toEqual([]);
  }, 60_000);

  it('loads the engine from the bundle: a few files of dist/, not one module per source file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-startup-'));
    const script = join(dir, 'script.sql');
    writeFileSync(script, 'SELECT 1;\n');
    const { urls, status, stderr } = modulesLoaded(dir, script, ['--state', ':memory:']);
    expect(status, stderr).toBe(0);
    const dist = pathToFileURL(resolve(__dirname, '../../dist')).href + '/';
    // The hook sees every resolution: a chunk imported by three others appears three times.
    const fromDist = [...new Set(urls.filter((u) => u.startsWith(dist)).map((u) => u.slice(dist.length)))];
    expect(fromDist[0]).toBe('repl/main.js');
    expect(fromDist.filter((u) => !u.startsWith('chunks/') && u !== 'repl/main.js')).toEqual([]);
    expect(fromDist.length).toBeLessThan(12);
  }, 60_000);
});
