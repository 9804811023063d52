/** A Session without a state database, driven statement by statement (late-row and SESSION tests). */
import type { Row } from '../../src/common/types.js';
import { parseScript } from '../../src/parser/index.js';
import { Session, type StatementResult } from '../../src/runtime/session.js';

/** `drained`: memory streams end once read (a script) or only at end() (the shell, the API). */
export function newSession(opts: { drained: boolean; now?: () => number }): Session {
  return new Session({ store: null, endMemoryWhenDrained: opts.drained, baseDir: '.', fresh: false, onWarning: () => {}, ...(opts.now ? { now: opts.now } : {}) });
}

/** Runs every statement of `sql`; returns the last one's result. */
export async function exec(s: Session, sql: string): Promise<StatementResult> {
  let last: StatementResult | undefined;
  for (const ps of parseScript(sql)) last = await s.execute(ps);
  return last!;
}

/** Runs a SELECT to its end and returns its rows. */
export async function select(s: Session, sql: string): Promise<Row[]> {
  const r = await exec(s, sql);
  if (r.kind !== 'select') throw new Error(`not a SELECT: ${sql}`);
  const rows: Row[] = [];
  await r.query.start((b) => rows.push(...b));
  return rows;
}
