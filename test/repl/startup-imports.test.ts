/**
 * `eddy -f` of a script that uses neither Kafka, metrics nor materialized views does not load
 * their libraries (the Kafka client compiles its JSON schemas at import, about half a second of
 * every start; prom-client and arquero cost 100-200 ms more, flechette for Arrow files ~60 ms):
 * they are imported on first use.
 * A module-resolution hook in the child process records every module it loads.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const CLI = resolve(__dirname, '../../dist/repl/main.js');

/** The URLs of the modules `eddy -f script` loads, and its exit status. */
function modulesLoaded(dir: string, script: string): { urls: string[]; status: number | null; stderr: string } {
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(hooks, "export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write('LOADED ' + r.url + '\\n'); return r; }\n");
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, CLI, '-f', script, '--quiet'], { cwd: dir, encoding: 'utf8' });
  const urls = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('LOADED '))
    .map((l) => l.slice(7));
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
    // The hook saw the engine load (so an empty list cannot pass by accident).
    expect(urls.some((u) => u.endsWith('/runtime/session.js'))).toBe(true);
    for (const lib of ['@platformatic/kafka', 'prom-client', '/arquero/', '/ajv/', '@uwdata/flechette']) expect(urls.filter((u) => u.includes(lib))).toEqual([]);
  }, 60_000);
});
