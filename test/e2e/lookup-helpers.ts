/**
 * What the lookup join tests share: a real SQLite file created through sqlite3 (`LookupDb`), an
 * in-memory Session over a directory (optionally on an injected clock), statements run in order,
 * and a continuous SELECT started with its rows collected.
 */
import sqlite3 from 'sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row } from '../../src/common/types.js';
import { parseScript } from '../../src/parser/index.js';
import { Session, type StatementResult } from '../../src/runtime/session.js';
import { until } from './checkpoint-helpers.js';

/** Generous: the machine may be busy. */
export const wait = (what: string, cond: () => boolean | Promise<boolean>) => until(what, cond, 30_000);

/** A temporary directory with a SQLite file `dim.db` open for writes, as another program would write it. */
export class LookupDb {
  readonly dir: string;
  readonly path: string;
  private readonly db: sqlite3.Database;

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    this.path = join(this.dir, 'dim.db');
    this.db = new sqlite3.Database(this.path);
  }

  run(sql: string, params: unknown[] = []): Promise<void> {
    return new Promise((res, rej) => this.db.run(sql, params, (e) => (e ? rej(e) : res())));
  }

  async close(): Promise<void> {
    await new Promise<void>((res) => this.db.close(() => res()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** An in-memory session whose relative paths resolve in this directory. */
  session(now?: () => number): Session {
    return new Session({ store: null, endMemoryWhenDrained: false, baseDir: this.dir, fresh: false, onWarning: () => {}, ...(now ? { now } : {}) });
  }
}

/** Runs the statements of `sql` in order; returns the last one's result. */
export async function exec(s: Session, sql: string): Promise<StatementResult> {
  let last: StatementResult | undefined;
  for (const ps of parseScript(sql)) last = await s.execute(ps);
  return last!;
}

/** Starts a continuous SELECT, collecting its rows in `out`; `done` settles when it ends. */
export async function started(s: Session, sql: string): Promise<{ out: Row[]; done: Promise<unknown> }> {
  const r = await exec(s, sql);
  if (r.kind !== 'select') throw new Error('expected a SELECT');
  const out: Row[] = [];
  const done = r.query.start((b) => out.push(...b));
  return { out, done };
}
