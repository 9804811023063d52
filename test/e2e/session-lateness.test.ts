/**
 * SESSION windows with allowed lateness and early fire end to end through a Session: the plan is
 * an updating result (op first), the exact changelog and late rows for hand-made input, the
 * stream option 'allowed-lateness', early fire from the driver loop's idle hook with an injected
 * clock. A persistent SESSION query restarted from its checkpoint is in late-restore.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/types.js';
import { until } from './checkpoint-helpers.js';
import { exec, newSession, select } from './session-helpers.js';


const DDL = (delayMs: number, options = '') => `CREATE STREAM s (k VARCHAR, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '${delayMs}' MILLISECOND) WITH ('connector' = 'memory'${options});`;
const QUERY = `SELECT k, SESSION_START(ts, INTERVAL '1' SECOND) AS ws, SESSION_END(ts, INTERVAL '1' SECOND) AS we, COUNT(*) AS n, SUM(v) AS total
FROM s GROUP BY k, SESSION(ts, INTERVAL '1' SECOND)`;

/** Gap 1 s, W = max ts, allowance 5 s. */
const ROWS: Row[] = [
  ['a', 1, 0], // [0, 1000)
  ['a', 2, 1500], // [1500, 2500)
  ['a', 3, 5000], // W -> 5000: both fire
  ['a', 4, 800], // [800, 1800) bridges them: [0, 2500), complete: -D, -U, +U at once
  ['b', 5, 100], // within the allowance, overlaps nothing: a new complete session, +I at once
  ['a', 7, 12000], // W -> 12000: [5000, 6000) fires; [0, 2500) is purged (2499 + 5000 <= 12000)
  ['a', 8, 1000], // 1000 + 999 + 5000 <= 12000: late
];
const CHANGELOG: Row[] = [
  ['+I', 'a', 0, 1000, 1, 1],
  ['+I', 'a', 1500, 2500, 1, 2],
  ['-D', 'a', 1500, 2500, 1, 2],
  ['-U', 'a', 0, 1000, 1, 1],
  ['+U', 'a', 0, 2500, 3, 7],
  ['+I', 'b', 100, 1100, 1, 5],
  ['+I', 'a', 5000, 6000, 1, 3],
  ['+I', 'a', 12000, 13000, 1, 7],
];

describe('SESSION with allowed lateness through a Session', () => {
  it('plans an updating result and emits the exact changelog; the row beyond the allowance goes to s$late; any batch size', async () => {
    for (const batch of [1, 3, 1024]) {
      const s = newSession({ drained: true });
      await exec(s, `${DDL(0)} SET 'table.exec.emit.allow-lateness' = '5s'; SET 'execution.batch-size' = '${batch}';`);
      s.memory.append('s', ROWS);
      const r = await exec(s, QUERY);
      if (r.kind !== 'select') throw new Error('expected a SELECT');
      expect(r.query.plan.changelog).toBe('updating');
      expect(r.query.schema.columns.map((c) => c.name)).toEqual(['op', 'k', 'ws', 'we', 'n', 'total']);
      const rows: Row[] = [];
      await r.query.start((b) => rows.push(...b));
      expect(rows).toEqual(CHANGELOG);
      expect(s.memory.rows('s$late')).toEqual([['a', 8, 1000]]);
      await s.close();
    }
  });

  it("the stream option 'allowed-lateness' applies to SESSION windows over the stream", async () => {
    const s = newSession({ drained: true });
    await exec(s, DDL(0, ", 'allowed-lateness' = '5s'"));
    s.memory.append('s', ROWS);
    expect(await select(s, QUERY)).toEqual(CHANGELOG);
    await s.close();
  });

  it('without an allowance the same query is append-only, as before', async () => {
    const s = newSession({ drained: true });
    await exec(s, DDL(0));
    s.memory.append('s', ROWS);
    // Every straggler is late: a 800, b 100, a 1000.
    expect(await select(s, QUERY)).toEqual([
      ['a', 0, 1000, 1, 1],
      ['a', 1500, 2500, 1, 2],
      ['a', 5000, 6000, 1, 3],
      ['a', 12000, 13000, 1, 7],
    ]);
    expect(s.memory.rows('s$late')).toEqual([['a', 4, 800], ['b', 5, 100], ['a', 8, 1000]]);
    await s.close();
  });
});

describe('SESSION early fire through the driver loop', () => {
  it('emits +I from the idle hook as the injected clock passes the delay, then -D/-U/+U when a row merges emitted sessions; the final result adds nothing', async () => {
    let now = 0;
    const s = newSession({ drained: false, now: () => now });
    await exec(s, `${DDL(100_000)} SET 'emit.early-fire.delay' = '1s';`);
    const r = await exec(s, `SELECT k, window_start, window_end, COUNT(*) AS n, SUM(v) AS total
      FROM TABLE(SESSION(TABLE s PARTITION BY k, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end`);
    if (r.kind !== 'select') throw new Error('expected a SELECT');
    expect(r.query.schema.columns.map((c) => c.name)).toEqual(['op', 'k', 'window_start', 'window_end', 'n', 'total']);
    const out: Row[] = [];
    const done = r.query.start((b) => out.push(...b));
    s.memory.append('s', [['a', 1, 1000], ['a', 2, 30000]]);
    await new Promise((res) => setTimeout(res, 50));
    expect(out).toEqual([]); // the clock has not moved
    now += 1000;
    await until('early results', () => out.length >= 2);
    expect(out).toEqual([
      ['+I', 'a', 1000, 11000, 1, 1],
      ['+I', 'a', 30000, 40000, 1, 2],
    ]);
    // [1000, 20500), then [25000, 40000), then 20000 bridges both: one session [1000, 40000).
    s.memory.append('s', [['a', 3, 10500], ['a', 4, 25000], ['a', 5, 20000]]);
    now += 1000;
    await until('an early merge', () => out.length >= 5);
    expect(out.slice(2)).toEqual([
      ['-D', 'a', 30000, 40000, 1, 2],
      ['-U', 'a', 1000, 11000, 1, 1],
      ['+U', 'a', 1000, 40000, 5, 15],
    ]);
    s.memory.end('s');
    await done;
    expect(out).toHaveLength(5); // the final result equals the last early one
    await s.close();
  });
});
