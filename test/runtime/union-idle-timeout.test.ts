/**
 * DESIGN.md §3 rule 6 through a Session with an injected processing-time clock: a window over a
 * UNION ALL of two unbounded memory streams fires only as far as the slower input's watermark, so
 * a quiet input holds it back; with 'source.idle-timeout' the quiet input stops holding it back
 * once it has returned no rows for that long, and counts again when it yields rows.
 */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/types.js';
import { parseScript } from '../../src/parser/index.js';
import { Session, type StatementResult } from '../../src/runtime/session.js';
import type { TransientQuery } from '../../src/runtime/transient-query.js';
import { sleep, until } from '../e2e/checkpoint-helpers.js';

const S = 1000;

async function exec(s: Session, sql: string): Promise<StatementResult> {
  let last: StatementResult | undefined;
  for (const ps of parseScript(sql)) last = await s.execute(ps);
  return last!;
}

const ddl = (name: string, idleTimeout?: string) =>
  `CREATE STREAM ${name} (src VARCHAR, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'memory'${idleTimeout ? `, 'source.idle-timeout' = '${idleTimeout}'` : ''});`;

const QUERY = `SELECT TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, COUNT(*) AS n
FROM (SELECT src, ts FROM a UNION ALL SELECT src, ts FROM b)
GROUP BY TUMBLE(ts, INTERVAL '10' SECOND)`;

/** a runs ahead to 31 s; b has one row at 1 s and then says nothing. */
const A_ROWS: Row[] = [['a', 1 * S], ['a', 5 * S], ['a', 12 * S], ['a', 25 * S], ['a', 31 * S]];
const B_ROWS: Row[] = [['b', 1 * S]];

interface Running {
  readonly session: Session;
  readonly query: TransientQuery;
  readonly out: Row[];
  readonly done: Promise<unknown>;
  clock: number;
}

async function start(timeouts: { a?: string; b?: string }): Promise<Running> {
  const r: { clock: number } = { clock: 0 };
  const session = new Session({ store: null, endMemoryWhenDrained: false, baseDir: '.', fresh: false, onWarning: (m) => expect.fail(m), now: () => r.clock });
  await exec(session, ddl('a', timeouts.a) + ddl('b', timeouts.b));
  session.memory.append('a', A_ROWS);
  session.memory.append('b', B_ROWS);
  const res = await exec(session, QUERY);
  if (res.kind !== 'select') throw new Error('expected a SELECT');
  const out: Row[] = [];
  const done = res.query.start((rows) => out.push(...rows));
  const running = Object.assign(r, { session, query: res.query, out, done });
  await until('every inserted row read', () => (res.query.metrics()?.rowsIn ?? 0) === A_ROWS.length + B_ROWS.length);
  // Several idle polls of the driver loop (every 10 ms) at the current clock.
  await sleep(60);
  return running;
}

async function finish(r: Running): Promise<void> {
  r.session.memory.end('a');
  r.session.memory.end('b');
  await r.done;
  await r.session.close();
}

describe("UNION ALL watermark and 'source.idle-timeout'", () => {
  it('without the option, the quiet input holds the watermark back: no window fires however much time passes', async () => {
    const r = await start({});
    expect(r.out).toEqual([]);
    r.clock += 3_600_000;
    await sleep(60);
    expect(r.out).toEqual([]);
    expect(r.query.metrics()?.watermark).toBe(1 * S);
    // b speaks again: W = min(31 s, 26 s) completes [0, 10) and [10, 20).
    r.session.memory.append('b', [['b', 26 * S]]);
    await until('two windows', () => r.out.length >= 2);
    expect(r.out).toEqual([[0, 3], [10 * S, 1]]);
    await finish(r);
    expect(r.out).toEqual([[0, 3], [10 * S, 1], [20 * S, 2], [30 * S, 1]]);
    expect(r.query.metrics()?.lateRows).toBe(0);
  });

  for (const [name, timeouts] of [
    ['on the quiet input', { b: '5s' }],
    ['on both inputs (all idle: the maximum of their watermarks)', { a: '5s', b: '5s' }],
  ] as const) {
    it(`with the option ${name}, windows fire once the quiet input has been idle for the timeout; its later rows are late`, async () => {
      const r = await start(timeouts);
      expect(r.out).toEqual([]);
      r.clock += 4999;
      await sleep(60);
      expect(r.out).toEqual([]); // not idle yet
      r.clock += 1;
      await until('three windows', () => r.out.length >= 3);
      // b is idle: W = a's 31 s completes [0, 10), [10, 20) and [20, 30).
      expect(r.out).toEqual([[0, 3], [10 * S, 1], [20 * S, 1]]);
      expect(r.query.metrics()?.watermark).toBe(31 * S);
      // b yields a row again: it is active again, but W never decreases, so its row for [20, 30) is late.
      r.session.memory.append('b', [['b', 26 * S]]);
      await until('the late row', () => r.query.metrics()?.lateRows === 1);
      await finish(r);
      expect(r.out).toEqual([[0, 3], [10 * S, 1], [20 * S, 1], [30 * S, 1]]);
    });
  }

  it('an input that ended never holds the watermark back; a quiet unbounded one without the option still does', async () => {
    const r = await start({});
    r.session.memory.end('a');
    await sleep(60);
    expect(r.out).toEqual([]); // b (W = 1 s) still holds W back
    r.session.memory.end('b');
    await r.done;
    expect(r.out).toEqual([[0, 3], [10 * S, 1], [20 * S, 1], [30 * S, 1]]);
    await r.session.close();
  });

  it("rejects an invalid 'source.idle-timeout' at CREATE STREAM", async () => {
    const session = new Session({ store: null, endMemoryWhenDrained: true, baseDir: '.', fresh: false, onWarning: () => {} });
    await expect(exec(session, ddl('a', 'soon'))).rejects.toThrow("invalid option 'source.idle-timeout' 'soon'");
    await session.close();
  });
});
