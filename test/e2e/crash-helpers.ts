/** The `eddy -f` runs the crash tests share: to completion, or SIGKILLed after a checkpoint. */
import { expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EDDY } from './checkpoint-helpers.js';

export interface Attempt {
  readonly killed: boolean;
  /** The checkpoint the run resumed from, 0 when it started fresh. */
  readonly resumedFrom: number;
}

const resumedFrom = (stderr: string): number => Number(/resumed from checkpoint (\d+)/.exec(stderr)?.[1] ?? 0);

/** Runs the script to completion, without errors or warnings; returns the checkpoint it resumed from (0 = started fresh). */
export function runToEnd(cwd: string, file: string, state: string, intervalMs: number): number {
  const r = spawnSync(EDDY, ['-f', file, '--state', state, '--checkpoint-interval', `${intervalMs}ms`], { cwd, encoding: 'utf8' });
  expect(r.stderr).not.toMatch(/error|warning/i);
  expect(r.status).toBe(0);
  return resumedFrom(r.stderr);
}

/** The rows per second a killed run reads by default: its kill lands mid-run however fast the engine is. */
export const KILLED_RUN_RATE = 50_000;

/**
 * Starts the CLI with --verbose, reading at most `rowsPerSecond` ('execution.source.rate-limit'),
 * and SIGKILLs it `delayMs` after it reports its first newly committed checkpoint: the kill lands
 * mid-run, after real progress, at a moment the test does not control exactly (the process keeps
 * working and checkpointing during the delay).
 */
export function runAndKill(cwd: string, file: string, state: string, delayMs: number, intervalMs: number, rowsPerSecond = KILLED_RUN_RATE): Promise<Attempt> {
  return new Promise((res, rej) => {
    const pace = ['-D', `execution.source.rate-limit=${rowsPerSecond}`];
    const child = spawn(EDDY, ['-f', file, '--state', state, '--checkpoint-interval', `${intervalMs}ms`, '--verbose', ...pace], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!timer && /checkpoint \d+ of query .* complete/.test(stderr)) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') res({ killed: true, resumedFrom: resumedFrom(stderr) });
      else if (code === 0) res({ killed: false, resumedFrom: resumedFrom(stderr) });
      else rej(new Error(`eddy exited ${code}: ${stderr}`));
    });
  });
}

/** Enough kills landed mid-run, and recovery really resumed (starting over would also give identical output). */
export function expectRealRecovery(attempts: readonly Attempt[], finalResumedFrom: number, minKills: number): void {
  expect(attempts.filter((a) => a.killed).length, JSON.stringify(attempts)).toBeGreaterThanOrEqual(minKills);
  // Every run after the first starts from the checkpoints its predecessor reported.
  expect(attempts.slice(1).every((a) => a.resumedFrom > 0), JSON.stringify(attempts)).toBe(true);
  expect(finalResumedFrom).toBeGreaterThan(0);
}

/**
 * The crash test of a persistent query writing `out`: `kills` runs of `file` SIGKILLed after
 * observed checkpoints (30 ms interval, kill delays spread over 10-69 ms, `rowsPerSecond` read),
 * then a run to the end at full speed; recovery must really resume, and `out` must equal
 * `reference` byte for byte.
 */
export async function expectSameOutputAfterKills(cwd: string, file: string, state: string, kills: number, out: string, reference: Buffer, rowsPerSecond = KILLED_RUN_RATE): Promise<void> {
  const attempts: Attempt[] = [];
  for (let i = 0; i < kills; i++) attempts.push(await runAndKill(cwd, file, state, 10 + ((i * 37) % 60), 30, rowsPerSecond));
  const final = runToEnd(cwd, file, state, 30);
  expectRealRecovery(attempts, final, 3);
  const recovered = readFileSync(join(cwd, out));
  expect(recovered.length).toBe(reference.length);
  expect(recovered.equals(reference)).toBe(true);
}
