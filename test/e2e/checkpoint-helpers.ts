/**
 * Shared helpers for the checkpoint end-to-end tests (issue 3): temp dirs, the real `eddy` CLI as a
 * child process, an in-process Session over a real SQLite state file, and a second sqlite3
 * connection for inspecting or damaging the state database from outside.
 */
import { expect } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sqlite3 from 'sqlite3';
import { parseScript, parseStatement } from '../../src/parser/index.js';
import { CheckpointStore } from '../../src/checkpoint/store.js';
import type { CheckpointInfo } from '../../src/checkpoint/types.js';
import { Session, type StatementResult } from '../../src/runtime/session.js';

import { EDDY, expectBuilt } from './eddy-command.js';

export { CLI, EDDY } from './eddy-command.js';

export function tempDir(prefix: string): string {
  expectBuilt();
  return mkdtempSync(join(tmpdir(), `eddy-${prefix}-`));
}

export interface CliResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `eddy` to completion. */
export function runCli(cwd: string, args: readonly string[], timeoutMs = 10_000): CliResult {
  const r = spawnSync(EDDY, [...args], { cwd, encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** A running `eddy` process whose stderr is collected and can be waited on. */
export class CliProcess {
  readonly child: ChildProcess;
  stderr = '';
  stdout = '';
  readonly exited: Promise<CliResult>;
  private waiters: { re: RegExp; res: (m: RegExpExecArray) => void }[] = [];

  constructor(cwd: string, args: readonly string[], env?: NodeJS.ProcessEnv) {
    this.child = spawn(EDDY, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env: { ...process.env, ...env } } : {}) });
    this.child.stdout!.on('data', (d) => (this.stdout += d));
    this.child.stderr!.on('data', (d) => {
      this.stderr += d;
      this.waiters = this.waiters.filter((w) => {
        const m = w.re.exec(this.stderr);
        if (m) w.res(m);
        return !m;
      });
    });
    this.exited = new Promise((res) =>
      this.child.on('close', (status, signal) => res({ status, signal, stdout: this.stdout, stderr: this.stderr })),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves once stderr matches `re`; fails the test if the process exits or `timeoutMs` passes first. */
  waitForStderr(re: RegExp, timeoutMs = 8_000): Promise<RegExpExecArray> {
    const m = re.exec(this.stderr);
    if (m) return Promise.resolve(m);
    return new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`timed out waiting for ${re} on stderr:\n${this.stderr}`)), timeoutMs);
      void this.exited.then((r) => rej(new Error(`eddy exited (${r.status ?? r.signal}) before ${re}:\n${this.stderr}`)));
      this.waiters.push({ re, res: (x) => (clearTimeout(timer), res(x)) });
    });
  }

  /** Waits until `n` checkpoints have been reported by --verbose; returns the highest id. */
  async waitForCheckpoints(n: number, timeoutMs?: number): Promise<number> {
    await this.waitForStderr(new RegExp(`(?:checkpoint \\d+ of query '[^']+' complete[^\\n]*\\n[^]*){${n}}`), timeoutMs);
    return lastCheckpointId(this.stderr);
  }

  kill(signal: NodeJS.Signals): Promise<CliResult> {
    this.child.kill(signal);
    return this.exited;
  }
}

/** The id of the last `checkpoint N of query ... complete` line. */
export function lastCheckpointId(stderr: string): number {
  const ids = [...stderr.matchAll(/checkpoint (\d+) of query '[^']+' complete/g)].map((m) => Number(m[1]));
  return ids.length === 0 ? 0 : ids[ids.length - 1]!;
}

/** The checkpoint a run resumed from (0 when it did not resume). */
export function resumedFrom(stderr: string): number {
  return Number(/resumed from checkpoint (\d+)/.exec(stderr)?.[1] ?? 0);
}

/** One statement's or query on a separate sqlite3 connection (as another program would). */
export function sql<T = Record<string, unknown>>(dbPath: string, text: string, params: unknown[] = []): Promise<T[]> {
  return new Promise((res, rej) => {
    const db = new sqlite3.Database(dbPath);
    db.all(text, params, (err, rows) => {
      db.close(() => (err ? rej(err) : res(rows as T[])));
    });
  });
}

export interface SessionHarness {
  readonly session: Session;
  readonly store: CheckpointStore;
  readonly checkpoints: CheckpointInfo[];
  /** The synchronous pause of each entry of `checkpoints`, in ms. */
  readonly pauses: number[];
  readonly warnings: string[];
  readonly infos: string[];
  /** Executes a script; returns the last statement's result. */
  run(text: string): Promise<StatementResult>;
  /** A SHOW ... table as objects keyed by column name. */
  table(text: string): Promise<Record<string, unknown>[]>;
  /** Resolves when a checkpoint with id > `after` of `queryId` has committed. */
  nextCheckpoint(queryId: string, after: number, timeoutMs?: number): Promise<CheckpointInfo>;
  close(): Promise<void>;
}

/** A Session over a real state database file, as the REPL and embedding API build it. */
export async function openSession(state: string, baseDir: string, opts: { fresh?: boolean; intervalMs?: number } = {}): Promise<SessionHarness> {
  const store = await CheckpointStore.open(state);
  const checkpoints: CheckpointInfo[] = [];
  const pauses: number[] = [];
  const warnings: string[] = [];
  const infos: string[] = [];
  const session = new Session({
    store,
    endMemoryWhenDrained: false,
    baseDir,
    fresh: opts.fresh ?? false,
    onWarning: (m) => warnings.push(m),
    onInfo: (m) => infos.push(m),
    onCheckpoint: (c, pauseMs) => {
      checkpoints.push(c);
      pauses.push(pauseMs);
    },
    checkpointIntervalMs: opts.intervalMs ?? 30,
  });
  let closed = false;
  const h: SessionHarness = {
    session,
    store,
    checkpoints,
    pauses,
    warnings,
    infos,
    async run(text) {
      let last: StatementResult | undefined;
      for (const ps of parseScript(text)) last = await session.execute(ps);
      return last!;
    },
    async table(text) {
      const r = await session.execute(parseScript(text)[0]!);
      if (r.kind !== 'table') throw new Error(`expected a table from ${text}, got ${r.kind}`);
      return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]])));
    },
    async nextCheckpoint(queryId, after, timeoutMs = 5_000) {
      const t0 = Date.now();
      for (;;) {
        const c = checkpoints.find((x) => x.queryId === queryId && x.checkpointId > after);
        if (c) return c;
        if (Date.now() - t0 > timeoutMs) throw new Error(`no checkpoint of '${queryId}' after ${after} within ${timeoutMs} ms`);
        await sleep(5);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await session.close();
      await store.close();
    },
  };
  return h;
}

export { parseStatement };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `cond` every few ms until it holds; fails after `timeoutMs`. */
export async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Deterministic bids (JSON Lines) with disorder below a 5 s watermark delay, as in crash.test.ts. */
export function bidsJsonl(rows: number): string {
  const lines: string[] = [];
  let t = Date.UTC(2024, 0, 1);
  for (let i = 0; i < rows; i++) {
    t += 1 + ((i * 7919) % 3);
    const disorder = (i * 104729) % 2000;
    lines.push(JSON.stringify({ auction: (i * 31) % 500, bidder: i % 977, price: ((i * 13) % 400) / 4, channel: ['web', 'app', 'api'][i % 3], ts: t - disorder }));
  }
  return lines.join('\n') + '\n';
}

export const BIDS_DDL = `CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'bids.jsonl', 'format' = 'json');`;

/**
 * An unbounded datagen query (20 auctions, 100 ms windows) into a file sink; `rows` bounds it for
 * a reference run. Event time starts at a fixed instant, so every run generates the same data.
 */
export function datagenScript(opts: { rows?: number; out?: string } = {}): string {
  const bound = opts.rows === undefined ? '' : `, 'number-of-rows' = '${opts.rows}'`;
  return `
CREATE STREAM bids (auction BIGINT, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND)
WITH ('connector' = 'datagen', 'rows-per-second' = '20000'${bound}, 'fields.auction.min' = '1', 'fields.auction.max' = '20',
      'fields.ts.start' = '2024-01-01 00:00:00');
CREATE STREAM out (auction BIGINT, w TIMESTAMP(3), n BIGINT, total DOUBLE) WITH ('connector' = 'file', 'path' = '${opts.out ?? 'out.jsonl'}', 'format' = 'json');
SET 'pipeline.name' = 'insert_into_out';
INSERT INTO out SELECT auction, TUMBLE_START(ts, INTERVAL '100' MILLISECOND) AS w, COUNT(*) AS n, SUM(price) AS total
FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '100' MILLISECOND);`;
}
