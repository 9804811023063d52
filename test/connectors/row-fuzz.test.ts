/**
 * The input-row fuzz property of issue 13 in small (the bench runs 10^5 rows): 1,000 seeded
 * mutated JSON Lines and CSV rows through the file source under 'fail', 'skip' and 'dead-letter'.
 * Only typed rows, counted skips (good + skipped = the records in the file) and dead letters
 * naming file and line; 'fail' stops with BAD_ROW at the first record 'skip' skips.
 */
import { describe, expect, it } from 'vitest';
import { countRecords, runRowFuzz } from '../../bench/fuzz/row-fuzz.js';

describe('row fuzz (seeded)', () => {
  it('1,000 mutated rows in JSON and CSV files, every on-error policy', async () => {
    const r = await runRowFuzz(1000, 13, 100);
    expect(r.findings).toEqual([]);
    expect(r.files).toBe(10);
    expect(r.skipped).toBeGreaterThan(100);
    expect(r.good).toBeGreaterThan(500);
  });

  it('counts records the way the reader must: blank lines out, a quoted CSV field across lines in', () => {
    expect(countRecords('{"a":1}\n\n  \n{"a":2}\r\n', 'json')).toBe(2);
    expect(countRecords('a,b\n1,"x\ny"\n2,3\n', 'csv')).toBe(2);
    expect(countRecords('a,b\n1,"x\n2,3\n', 'csv')).toBe(1);
  });
});
