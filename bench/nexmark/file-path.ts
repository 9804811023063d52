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

/** Runs `node <args>` in `cwd`; resolves with wall time and the child's peak RSS (rss-report.js, preloaded). */
export function runChild(root: string, args: readonly string[], cwd: string, nodeFlags: string[] = []): Promise<ChildRun> {
  const rssFile = path.join(cwd, `rss-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`);
  return measured(process.execPath, [...nodeFlags, '--import', path.join(root, 'dist/bench/nexmark/rss-report.js'), ...args], cwd, { EDDY_BENCH_RSS_FILE: rssFile }, () => {
    try {
      const kib = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop());
      fs.rmSync(rssFile);
      return kib * 1024;
    } catch {
      return NaN; // The child died before its exit hook: no figure.
    }
  });
}

/**
 * Runs the `eddy` command as users do (repl/eddy, which starts node from the startup snapshot) in
 * `cwd`. A snapshot's node runs no --import hook: the peak RSS is the child's VmHWM, read from
 * /proc every 5 ms while it runs (the same figure rss-report.js reads at exit, short of a peak in
 * its last 5 ms).
 */
export function runEddyCommand(root: string, args: readonly string[], cwd: string): Promise<ChildRun> {
  let peakKib = NaN;
  return measured(path.join(root, 'repl/eddy'), args, cwd, {}, () => peakKib * 1024, (pid) => {
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) peakKib = Number.isNaN(peakKib) ? Number(m[1]) : Math.max(peakKib, Number(m[1]));
      } catch {
        // Gone (or not Linux).
      }
    };
    const timer = setInterval(sample, 5);
    return () => clearInterval(timer);
  });
}

/** Spawns `command argv`; resolves with its wall time, output and `peak()` once it exits 0. */
function measured(command: string, argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv, peak: () => number, watch?: (pid: number) => () => void): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, [...argv], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const unwatch = watch && child.pid !== undefined ? watch(child.pid) : () => undefined;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      unwatch();
      const maxRss = peak();
      if (code !== 0) reject(new Error(`bench: '${command} ${argv.join(' ')}' exited with ${code}\n${stderr}${stdout}`));
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
