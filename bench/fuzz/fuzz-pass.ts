/**
 * The fuzz section of the reliability bench (issue 13): the SQL pass and the input-row pass, with
 * their figures as the bench prints them.
 * Env: BENCH_RELIABILITY_FUZZ_STATEMENTS (1000000; 0 skips it), BENCH_RELIABILITY_FUZZ_ROWS (100000; 0 skips it),
 * BENCH_RELIABILITY_FUZZ_SEED (13).
 */
import { runRowFuzz, type RowFuzzResult } from './row-fuzz.js';
import { runSqlFuzz, type SqlFuzzResult } from './sql-fuzz.js';

export interface FuzzResult {
  readonly seed: number;
  readonly sql: SqlFuzzResult | null;
  readonly rows: RowFuzzResult | null;
}

export async function runFuzzPass(root: string, env: NodeJS.ProcessEnv, log: (s: string) => void): Promise<FuzzResult> {
  const statements = Number(env['BENCH_RELIABILITY_FUZZ_STATEMENTS'] ?? 1_000_000);
  const rows = Number(env['BENCH_RELIABILITY_FUZZ_ROWS'] ?? 100_000);
  const seed = Number(env['BENCH_RELIABILITY_FUZZ_SEED'] ?? 13);
  if (statements > 0) log(`reliability: fuzzing ${statements} mutated statements (seed ${seed}) ...`);
  const sql = statements > 0 ? await runSqlFuzz(root, statements, seed, log) : null;
  if (rows > 0) log(`reliability: fuzzing ${rows} mutated input rows (seed ${seed}) ...`);
  const rowResult = rows > 0 ? await runRowFuzz(rows, seed, 1000, log) : null;
  return { seed, sql, rows: rowResult };
}

const n = (x: number) => x.toLocaleString('en-US');

export function formatFuzz(f: FuzzResult): string[] {
  const lines: string[] = [];
  if (f.sql) {
    const s = f.sql;
    const errs = Object.entries(s.errors).sort((a, b) => b[1] - a[1]).map(([code, c]) => `${code} ${n(c)}`).join(', ');
    lines.push(
      `  SQL fuzz (seed ${f.seed}): ${n(s.statements)} statements fuzzed (mutants of ${s.corpus} corpus statements) in ${s.seconds} s: ${n(s.parsed)} parsed, ${n(s.planned)} planned and explained, ${n(s.checked)} DDL/SET/VALUES checked; errors: ${errs}; slowest ${s.slowestMs} ms; findings: ${s.findings.length}`,
    );
    for (const x of s.findings) lines.push(`    finding (${x.count}x): ${x.message}\n      e.g. ${JSON.stringify(x.sql.slice(0, 300))}`);
  }
  if (f.rows) {
    const r = f.rows;
    lines.push(
      `  row fuzz (seed ${f.seed}): ${n(r.rows)} rows fuzzed (JSON Lines and CSV, ${r.files} files, each read under on-error fail, skip and dead-letter) in ${r.seconds} s: ${n(r.good)} good + ${n(r.skipped)} skipped under skip/dead-letter, ${r.failedFast} 'fail' reads stopped at the first bad row with file:line; findings: ${r.findings.length}`,
    );
    for (const x of r.findings) lines.push(`    finding (${x.count}x): ${x.message}`);
  }
  return lines;
}
