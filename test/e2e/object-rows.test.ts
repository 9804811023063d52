/**
 * Inserted objects kept as they are (ObjectLayout) against the same rows appended as row arrays:
 * every kind of query over a memory stream gives the same output, in the same order, and the same
 * late rows, whichever way the rows were stored. Operators that read objects (filter, projection,
 * TUMBLE/HOP/CUMULATE aggregation) do so directly; the others receive them as rows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row, Schema } from '../../src/common/types.js';
import { exec, newSession, select } from './session-helpers.js';

const DDL = `CREATE STREAM s (k VARCHAR, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '50' MILLISECOND) WITH ('connector' = 'memory');`;
const SCHEMA: Schema = { columns: [{ name: 'k', type: 'VARCHAR' }, { name: 'v', type: 'INT' }, { name: 'ts', type: 'TIMESTAMP' }] };

const QUERIES = [
  `SELECT k, window_start, window_end, COUNT(*) AS n, SUM(v) AS total, MAX(v) AS top FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '100' MILLISECOND)) WHERE v > 2 GROUP BY k, window_start, window_end`,
  `SELECT k, HOP_START(ts, INTERVAL '50' MILLISECOND, INTERVAL '150' MILLISECOND) AS ws, COUNT(*) FILTER (WHERE v % 2 = 0) AS evens, AVG(v) AS mean FROM s GROUP BY k, HOP(ts, INTERVAL '50' MILLISECOND, INTERVAL '150' MILLISECOND)`,
  `SELECT window_start, window_end, COUNT(v) AS n, MIN(k) AS first_k FROM TABLE(CUMULATE(TABLE s, DESCRIPTOR(ts), INTERVAL '50' MILLISECOND, INTERVAL '200' MILLISECOND)) GROUP BY window_start, window_end`,
  `SELECT k, SESSION_START(ts, INTERVAL '40' MILLISECOND) AS ss, COUNT(*) AS n FROM s WHERE k IS NOT NULL GROUP BY k, SESSION(ts, INTERVAL '40' MILLISECOND)`,
  `SELECT UPPER(k) AS uk, v * 2 AS v2, ts FROM s WHERE v IS NULL OR MOD(v, 3) = 0`,
  `SELECT * FROM s WHERE v > 5`,
  `SELECT * FROM s`,
  `SELECT k, COUNT(*) AS n, SUM(v) AS total FROM s GROUP BY k`,
  `SELECT k, v FROM s LIMIT 7`,
];

/** The queries whose result is a changelog (a GROUP BY without a window). */
const UPDATING = new Set([QUERIES.findIndex((q) => q.endsWith('GROUP BY k'))]);

/** A changelog folded to the rows it leaves, keyed by its first column after the op. */
function finalResult(changes: readonly Row[]): Row[] {
  const rows = new Map<unknown, Row>();
  for (const [op, ...row] of changes) {
    if (op === '+I' || op === '+U') rows.set(row[0], row);
    else if (op === '-D') rows.delete(row[0]);
  }
  return [...rows.values()].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
}

const obj = fc.record(
  {
    k: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null }),
    v: fc.integer({ min: -3, max: 9 }),
    ts: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: null, freq: 20 }),
  },
  // Absent keys read as NULL in both forms.
  { requiredKeys: ['k'] },
);

async function run(sql: string, batch: number, load: (s: ReturnType<typeof newSession>) => void): Promise<{ out: Row[]; late: Row[] }> {
  const s = newSession({ drained: true });
  try {
    await exec(s, `${DDL} SET 'execution.batch-size' = '${batch}';`);
    load(s);
    const out = await select(s, sql);
    return { out, late: s.memory.rows('s$late') };
  } finally {
    await s.close();
  }
}

describe('inserted objects kept as they are', () => {
  it('every query gives the output (and late rows) of the same rows stored as arrays', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(obj, { minLength: 256, maxLength: 900 }), fc.constantFrom(1, 7, 300, 1024), fc.nat(QUERIES.length - 1), fc.boolean(), async (records, batch, q, literals) => {
        const sql = QUERIES[q]!;
        // fast-check's records have no prototype; object literals have Object.prototype: both are kept as they are.
        const objs = literals ? records.map((r) => ({ ...r })) : records;
        // Two inserts, each kept as objects (at least 256 each, or one when short); the rows go in
        // as the same two appends.
        const half = objs.length >= 512 ? 256 : objs.length;
        const parts = half < objs.length ? [objs.slice(0, half), objs.slice(half)] : [objs];
        const asObjects = await run(sql, batch, (s) => {
          expect(s.memory.insert('s', SCHEMA, parts[0]!)).toBe(parts[0]!.length);
          if (parts[1]) s.memory.insert('s', SCHEMA, parts[1]);
        });
        const asRows = await run(sql, batch, (s) => {
          for (const part of parts) s.memory.append('s', part.map((o) => [o.k, o.v ?? null, o.ts ?? null]));
        });
        if (UPDATING.has(q)) {
          // The log merges a small append of rows into the chunk before it, so the rows' batches
          // may span both appends where the objects' do not; the changes between (emitted per
          // batch) then differ, while the final result may not.
          expect(finalResult(asObjects.out)).toEqual(finalResult(asRows.out));
          expect(asObjects.late).toEqual(asRows.late);
        } else expect(asObjects).toEqual(asRows);
      }),
      { numRuns: 80, endOnFailure: true },
    );
  });

  it('the objects really are kept (not converted) and read by the window operator directly', async () => {
    const s = newSession({ drained: true });
    await exec(s, DDL);
    const objs = Array.from({ length: 300 }, (_, i) => ({ k: 'a', v: i, ts: i * 10 }));
    s.memory.insert('s', SCHEMA, objs);
    // The log hands out the inserted objects themselves.
    const reader = s.memory.reader('s', { endWhenDrained: true });
    const stored = await reader.readObjects!(1024);
    expect(stored !== null && !Array.isArray(stored) && stored.objects[5]).toBe(objs[5]);
    await reader.close();
    const rows = await select(s, `SELECT window_start, COUNT(*) AS n, SUM(v) AS total FROM TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end`);
    expect(rows).toEqual([
      [0, 100, 4950],
      [1000, 100, 14950],
      [2000, 100, 24950],
    ]);
    await s.close();
  });

  it('an insert that needs conversion (a Date, a numeric string) is converted; one with a bad row appends nothing', async () => {
    const s = newSession({ drained: true });
    await exec(s, DDL);
    const objs: Record<string, unknown>[] = Array.from({ length: 300 }, (_, i) => ({ k: 'a', v: i, ts: i }));
    objs[299] = { k: 'a', v: '299', ts: new Date(299) };
    s.memory.insert('s', SCHEMA, objs as object[]);
    const reader = s.memory.reader('s', { endWhenDrained: true });
    const stored = await reader.readObjects!(1024);
    expect(Array.isArray(stored)).toBe(true);
    expect((stored as Row[])[299]).toEqual(['a', 299, 299]);
    await reader.close();
    const bad = [...objs.slice(0, 299), { k: 'a', v: 1, ts: 1, typo: 2 }];
    expect(() => s.memory.insert('s', SCHEMA, bad as object[])).toThrow(/row 300: 'typo' is not a column of stream 's'/);
    expect(s.memory.length('s')).toBe(300);
    await s.close();
  });
});
