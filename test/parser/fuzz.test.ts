/**
 * The fuzz property of issue 13 in small (the bench runs 10^6 statements: BENCH_ONLY=reliability):
 * 2,000 seeded mutants of the golden scripts' and the README's statements through parse + plan
 * (+ EXPLAIN) end in success or a non-INTERNAL EddyError whose span, when the SQL is at fault,
 * sits at its own line:column; nothing takes a second.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runSqlFuzz } from '../../bench/fuzz/sql-fuzz.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('SQL fuzz (seeded)', () => {
  it('2,000 mutated statements: only successes and well-formed EddyErrors', async () => {
    const r = await runSqlFuzz(ROOT, 2000, 13);
    expect(r.findings.map((f) => `${f.message}\n  in: ${JSON.stringify(f.sql)}`)).toEqual([]);
    // The mutants reach the planner, not only the parser.
    expect(r.parsed).toBeGreaterThan(200);
    expect(r.planned).toBeGreaterThan(40);
    expect(r.errors['SYNTAX']).toBeGreaterThan(1000);
  }, 60_000);
});
