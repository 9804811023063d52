/**
 * Processing-time windows (a `p AS PROCTIME()` column, or PROCTIME() in a SELECT list) through a
 * Session with an injected wall clock: windows are of the clock, not of the rows, fire as the clock
 * passes their end (also with no rows arriving), a row is never late, and at the end of input every
 * open window fires. DESCRIBE and EXPLAIN show the attribute.
 */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/types.js';
import { until } from './checkpoint-helpers.js';
import { exec, newSession } from './session-helpers.js';

// A memory stream has no computed columns: the attribute comes from a view, as in Nexmark q12.
const DDL = "CREATE TABLE m (k VARCHAR, v INT) WITH ('connector' = 'memory'); CREATE VIEW s AS SELECT *, PROCTIME() AS p FROM m;";

async function started(sql: string, clock: { now: number }, ddl = DDL) {
  const s = newSession({ drained: false, now: () => clock.now });
  await exec(s, ddl);
  const r = await exec(s, sql);
  if (r.kind !== 'select') throw new Error('expected a SELECT');
  const out: Row[] = [];
  const done = r.query.start((b) => out.push(...b));
  return { s, out, done, query: r.query };
}

const settle = () => new Promise((res) => setTimeout(res, 60));

describe('processing-time windows', () => {
  it('TUMBLE over PROCTIME(): windows of the clock, fired when the clock passes their end, while idle too', async () => {
    const clock = { now: 1_000 };
    const { s, out, done } = await started(
      'SELECT k, window_start, window_end, COUNT(*) AS n, SUM(v) AS total FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(p), INTERVAL \'10\' SECOND)) GROUP BY k, window_start, window_end',
      clock,
    );
    s.memory.append('m', [['a', 1], ['b', 2], ['a', 3]]);
    await settle();
    expect(out).toEqual([]); // the clock is inside [0, 10 s)
    clock.now = 9_999;
    await settle();
    expect(out).toEqual([]);
    clock.now = 10_000; // the clock passes the window's end: it fires with no new row
    await until('the first window', () => out.length >= 2);
    expect(out).toEqual([
      ['a', 0, 10_000, 2, 4],
      ['b', 0, 10_000, 1, 2],
    ]);
    s.memory.append('m', [['a', 10]]);
    await settle();
    clock.now = 35_000;
    s.memory.append('m', [['b', 20]]); // lands in [30 s, 40 s): never late
    await until('the second window', () => out.length >= 3);
    expect(out[2]).toEqual(['a', 10_000, 20_000, 1, 10]);
    s.memory.end('m'); // the end of input fires the open window
    await done;
    expect(out.slice(3)).toEqual([['b', 30_000, 40_000, 1, 20]]);
    await s.close();
  });

  it('the group-window syntax, HOP and SESSION over a PROCTIME() in a view', async () => {
    const clock = { now: 0 };
    const ddl = `${DDL} CREATE VIEW v AS SELECT k, v, PROCTIME() AS pt FROM m;`;
    const hop = await started('SELECT k, HOP_START(pt, INTERVAL \'5\' SECOND, INTERVAL \'10\' SECOND) AS ws, HOP_END(pt, INTERVAL \'5\' SECOND, INTERVAL \'10\' SECOND) AS we, COUNT(*) AS n FROM v GROUP BY k, HOP(pt, INTERVAL \'5\' SECOND, INTERVAL \'10\' SECOND)', clock, ddl);
    clock.now = 7_000;
    hop.s.memory.append('m', [['a', 1]]);
    await settle();
    clock.now = 10_000;
    await until('the first HOP window', () => hop.out.length >= 1);
    expect(hop.out).toEqual([['a', 0, 10_000, 1]]);
    hop.s.memory.end('m');
    await hop.done;
    expect(hop.out).toEqual([['a', 0, 10_000, 1], ['a', 5_000, 15_000, 1]]);
    await hop.s.close();

    clock.now = 0;
    const ses = await started('SELECT k, SESSION_START(pt, INTERVAL \'2\' SECOND) AS ws, SESSION_END(pt, INTERVAL \'2\' SECOND) AS we, COUNT(*) AS n FROM v GROUP BY k, SESSION(pt, INTERVAL \'2\' SECOND)', clock, ddl);
    ses.s.memory.append('m', [['a', 1]]);
    await settle();
    clock.now = 1_500;
    ses.s.memory.append('m', [['a', 2]]);
    await settle();
    clock.now = 3_499; // the session [0, 3500) is still open
    await settle();
    expect(ses.out).toEqual([]);
    clock.now = 3_500;
    await until('the session', () => ses.out.length >= 1);
    expect(ses.out).toEqual([['a', 0, 3_500, 2]]);
    ses.s.memory.end('m');
    await ses.done;
    await ses.s.close();
  });

  it('DESCRIBE shows TIMESTAMP_LTZ(3) *PROCTIME*; EXPLAIN shows the processing-time clock', async () => {
    const s = newSession({ drained: true });
    await exec(s, "CREATE TABLE s (k VARCHAR, v INT, p AS PROCTIME()) WITH ('connector' = 'datagen', 'number-of-rows' = '10')");
    const d = await exec(s, 'DESCRIBE s');
    if (d.kind !== 'table') throw new Error('expected a table');
    expect(d.rows[2]).toEqual(['p', 'TIMESTAMP_LTZ(3) *PROCTIME*', 'AS PROCTIME()']);
    const e = await exec(s, "EXPLAIN SELECT k, COUNT(*) FROM s GROUP BY k, TUMBLE(p, INTERVAL '1' MINUTE)");
    if (e.kind !== 'explain') throw new Error('expected EXPLAIN');
    expect(e.text).toContain('WindowAggregateExec keys=[k] window=TUMBLE(p, 1 min) time=processing (fires on the wall clock)');
    expect(e.text).toContain('ProcessingTimeExec proctime=p (TIMESTAMP_LTZ(3) *PROCTIME*');
    await s.close();
  });
});
