/**
 * Golden SQL tests: every `test/sql/<name>.sql` runs in-process through the script runner (the
 * code path of `eddy -f`, with `--format json` and no state database). Its stdout must equal
 * `<name>.out` and its stderr `<name>.err`; a missing expected file means "expected empty".
 * Scripts named `error-*.sql` must exit non-zero, all others must exit 0. Relative data paths
 * (`data/...`) resolve against test/sql.
 *
 * To (re)write the expected files after an intended change, run
 *   UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts
 * then review the diff of test/sql/*.out and *.err before committing.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { Session } from '../src/runtime/session.js';
import { runScript } from '../repl/script-runner.js';

const SQL_DIR = join(dirname(fileURLToPath(import.meta.url)), 'sql');
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

interface GoldenRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly warnings: readonly string[];
}

/** Runs one script exactly as `eddy -f <file> --format json --state :memory:` would. */
async function runGolden(file: string): Promise<GoldenRun> {
  const text = readFileSync(join(SQL_DIR, file), 'utf8');
  const warnings: string[] = [];
  const session = new Session({ store: null, endMemoryWhenDrained: true, baseDir: SQL_DIR, fresh: false, onWarning: (m) => warnings.push(m) });
  const out = new Collect();
  const err = new Collect();
  const status = await runScript(session, text, { out, err, format: 'json', file, quiet: true }, { stopped: false });
  await session.close();
  return { status, stdout: out.text, stderr: err.text, warnings };
}

function expected(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

function updateExpected(path: string, actual: string, keepEmpty: boolean): void {
  if (actual === '' && !keepEmpty) rmSync(path, { force: true });
  else writeFileSync(path, actual);
}

const scripts = readdirSync(SQL_DIR)
  .filter((f) => f.endsWith('.sql'))
  .sort();

describe('golden SQL scripts', () => {
  it('has scripts to run', () => {
    expect(scripts.length).toBeGreaterThan(10);
  });

  for (const file of scripts) {
    const base = file.slice(0, -'.sql'.length);
    const isError = base.startsWith('error-');
    it(file, async () => {
      const run = await runGolden(file);
      const outPath = join(SQL_DIR, `${base}.out`);
      const errPath = join(SQL_DIR, `${base}.err`);
      if (UPDATE) {
        updateExpected(outPath, run.stdout, !isError);
        updateExpected(errPath, run.stderr, isError);
      }
      expect(run.warnings).toEqual([]);
      expect(run.status === 0 ? 'exit 0' : 'exit non-zero').toBe(isError ? 'exit non-zero' : 'exit 0');
      expect(run.stdout).toBe(expected(outPath));
      expect(run.stderr).toBe(expected(errPath));
    });
  }
});
