/**
 * The late-row side stream end to end through a Session: a window query over `s` appends exactly
 * the rows the reference calls late (DESIGN.md §3 rule 4) to `s$late`, which SQL reads and sinks
 * like any stream; early fire through the driver loop's idle hook with an injected clock.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/types.js';
import { until } from './checkpoint-helpers.js';
import { exec, newSession, select } from './session-helpers.js';

const mod = (x: number, m: number): number => ((x % m) + m) % m;


/** HOP(slide, size) over [k, v, ts] with WATERMARK ts - delay: the rows whose every window was complete when they arrived. */
function lateRows(rows: readonly Row[], slide: number, size: number, delay: number): Row[] {
  let wm = -Infinity;
  const late: Row[] = [];
  for (const row of rows) {
    const ts = row[2] as number;
    const lastStart = ts - mod(ts, slide);
    // The last window containing ts ends at lastStart + size; all are complete iff it is.
    if (lastStart + size > ts && lastStart + size - 1 <= wm) late.push(row);
    wm = Math.max(wm, ts - delay);
  }
  return late;
}

const DDL = (delayMs: number) => `CREATE STREAM s (k VARCHAR, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '${delayMs}' MILLISECOND) WITH ('connector' = 'memory');`;

describe('late-row side stream', () => {
  it('receives exactly the rows the reference calls late, whatever the batch size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 3000 })), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 400 }),
        async (input, batch, delay) => {
          const rows: Row[] = input.map(([k, v, ts]) => [k, v, ts]);
          const s = newSession({ drained: true });
          await exec(s, `${DDL(delay)} SET 'execution.batch-size' = '${batch}';`);
          s.memory.append('s', rows);
          await select(s, `SELECT k, window_start, COUNT(*) AS n FROM TABLE(HOP(TABLE s, DESCRIPTOR(ts), INTERVAL '100' MILLISECOND, INTERVAL '300' MILLISECOND)) GROUP BY k, window_start, window_end`);
          const expected = lateRows(rows, 100, 300, delay);
          expect(s.memory.rows('s$late')).toEqual(expected);
          expect(await select(s, 'SELECT * FROM s$late')).toEqual(expected);
          await s.close();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('INSERT INTO a sink SELECT * FROM s$late; DROP STREAM s drops s$late too', async () => {
    const s = newSession({ drained: true });
    await exec(s, `${DDL(0)} CREATE STREAM late_sink (k VARCHAR, v INT, ts TIMESTAMP(3)) WITH ('connector' = 'memory');`);
    // W = 5000 after the first row: [0,1s) and [4s,5s) are complete, so rows 2 and 3 are late.
    s.memory.append('s', [['a', 1, 5000], ['a', 2, 100], ['b', 3, 4999], ['b', 4, 12000]]);
    await select(s, `SELECT k, COUNT(*) FROM s GROUP BY k, TUMBLE(ts, INTERVAL '1' SECOND)`);
    const r = await exec(s, 'INSERT INTO late_sink SELECT * FROM "s$late" WHERE v > 1');
    if (r.kind !== 'persistent') throw new Error('expected a persistent query');
    await r.query.done;
    expect(s.memory.rows('late_sink')).toEqual([['a', 2, 100], ['b', 3, 4999]]);
    const show = await exec(s, 'SHOW STREAMS');
    expect(show.kind === 'table' && show.rows.map((x) => x[0])).toEqual(['s', 'late_sink']);
    await exec(s, 'DROP STREAM s');
    expect(s.catalog.has('s$late')).toBe(false);
    await s.close();
  });
});

describe('early fire through the driver loop', () => {
  it('emits +I, then -U/+U, from the idle hook as the injected clock passes the delay, then the final update', async () => {
    let now = 0;
    const s = newSession({ drained: false, now: () => now });
    await exec(s, `${DDL(0)} SET 'emit.early-fire.delay' = '1s';`);
    const r = await exec(s, `SELECT k, COUNT(*) AS n FROM s GROUP BY k, TUMBLE(ts, INTERVAL '10' SECOND)`);
    if (r.kind !== 'select') throw new Error('expected a SELECT');
    expect(r.query.schema.columns.map((c) => c.name)).toEqual(['op', 'k', 'n']);
    const out: Row[] = [];
    const done = r.query.start((b) => out.push(...b));
    s.memory.append('s', [['a', 1, 1000], ['a', 2, 2000]]);
    await new Promise((res) => setTimeout(res, 50));
    expect(out).toEqual([]); // the clock has not moved
    now += 1000;
    await until('an early result', () => out.length >= 1);
    expect(out).toEqual([['+I', 'a', 2]]);
    s.memory.append('s', [['a', 3, 3000]]);
    now += 1000;
    await until('an early update', () => out.length >= 3);
    expect(out.slice(1)).toEqual([['-U', 'a', 2], ['+U', 'a', 3]]);
    now += 1000;
    s.memory.append('s', [['a', 4, 4000]]);
    s.memory.end('s');
    await done;
    // Whether the last row's batch fired early (the clock had moved) or the end fired it, it shows once.
    expect(out.slice(3)).toEqual([['-U', 'a', 3], ['+U', 'a', 4]]);
    await s.close();
  });
});

describe('planning with emit settings', () => {
  it('plans SESSION windows with allowed lateness as an updating result; refuses an output column named op', async () => {
    const s = newSession({ drained: true });
    await exec(s, `${DDL(0)} SET 'table.exec.emit.allow-lateness' = '1s';`);
    const session = await exec(s, `SELECT k, COUNT(*) AS n FROM s GROUP BY k, SESSION(ts, INTERVAL '1' SECOND)`);
    expect(session.kind === 'select' && session.query.schema.columns.map((c) => c.name)).toEqual(['op', 'k', 'n']);
    await expect(exec(s, `SELECT k AS op, COUNT(*) FROM s GROUP BY k, TUMBLE(ts, INTERVAL '1' SECOND)`)).rejects.toThrow(/clashes with the change kind column/);
    const plain = await exec(s, `SELECT k, COUNT(*) AS n FROM s GROUP BY k, TUMBLE(ts, INTERVAL '1' SECOND) HAVING COUNT(*) > 1`);
    expect(plain.kind === 'select' && plain.query.schema.columns.map((c) => c.name)).toEqual(['op', 'k', 'n']);
    await s.close();
  });
});
