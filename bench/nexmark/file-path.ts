/**
 * The file path of the Nexmark suite: `eddy -f` (file source -> file sink, a persistent query)
 * with 1 s checkpoints to a state db, the same with `--state :memory:` (no checkpoints), and the
 * hand-written file program, each a child process whose peak RSS is reported by rss-report.js.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Fingerprinter, bidStreamDdl, type Fingerprint, type NexmarkQuery } from './queries.js';

export interface ChildRun {
  readonly ms: number;
  /** Peak RSS of the child (bytes), from getrusage at its exit. */
  readonly maxRss: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node <args>` in `cwd`; resolves with wall time and the child's peak RSS. */
export function runChild(root: string, args: readonly string[], cwd: string, nodeFlags: string[] = []): Promise<ChildRun> {
  const rssFile = path.join(cwd, `rss-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...nodeFlags, '--import', path.join(root, 'dist/bench/nexmark/rss-report.js'), ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, EDDY_BENCH_RSS_FILE: rssFile },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      let maxRss = NaN;
      try {
        maxRss = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()) * 1024;
        fs.rmSync(rssFile);
      } catch {
        // The child died before its exit hook: no figure.
      }
      if (code !== 0) reject(new Error(`bench: 'node ${args.join(' ')}' exited with ${code}\n${stderr}${stdout}`));
      else resolve({ ms, maxRss, stdout, stderr });
    });
  });
}

/** The script `eddy -f` runs: bid from the JSON Lines file, the query INSERTed into a file sink. */
export function writeScript(q: NexmarkQuery, dir: string, input: string, output: string, name: string = q.id): string {
  const script = path.join(dir, `${name}.sql`);
  fs.writeFileSync(
    script,
    `${bidStreamDdl(`'connector' = 'file', 'path' = '${input}', 'format' = 'json'`)};\n` +
      `CREATE STREAM ${q.id}_out (${q.sinkColumns}) WITH ('connector' = 'file', 'path' = '${output}', 'format' = 'json');\n` +
      // OVERWRITE: every round writes the whole result again (INSERT INTO would append to the last round's).
      `INSERT OVERWRITE ${q.id}_out ${q.select};\n`,
  );
  return script;
}

/** Fingerprint of a JSON Lines result file (values in key order; text timestamps parsed). */
export function fingerprintFile(q: NexmarkQuery, file: string): Fingerprint {
  const f = new Fingerprinter(q.tsColumns);
  const buf = fs.readFileSync(file);
  let pos = 0;
  while (pos < buf.length) {
    let nl = buf.indexOf(10, pos);
    if (nl < 0) nl = buf.length;
    if (nl > pos) f.add(Object.values(JSON.parse(buf.toString('utf8', pos, nl)) as Record<string, unknown>));
    pos = nl + 1;
  }
  return f.result();
}
