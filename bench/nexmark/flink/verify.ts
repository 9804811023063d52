/**
 * A baseline checked against Eddy on a small run: the rows Eddy's changelog leaves (the query's
 * SELECT as written, over the `nexmark` connector) against the rows the baseline's changes leave
 * over the same generated events. q12 counts in processing-time windows, which depend on the
 * clock: for it the per-bidder totals are compared (every bid counted once, by either side).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FoldingOut, type Baseline, type Out } from './baseline-api.js';
import { makeBaseline, runGenerated } from './baselines.js';
import { eddyResult, writeSideInput } from './eddy-runs.js';
import type { BenchQuery } from './sql.js';

export interface Verification {
  readonly query: BenchQuery;
  readonly equal: boolean;
  readonly eddyRows: number;
  readonly baselineRows: number;
  /** Up to 3 rows only Eddy has, and up to 3 only the baseline has. */
  readonly onlyEddy: readonly string[];
  readonly onlyBaseline: readonly string[];
}

/** Per-bidder totals of q12's rows (bidder, bid_count, starttime, endtime). */
function bidderTotals(rows: readonly string[]): string[] {
  const m = new Map<number, number>();
  for (const r of rows) {
    const [bidder, n] = JSON.parse(r) as [number, number];
    m.set(bidder, (m.get(bidder) ?? 0) + n);
  }
  return [...m.entries()].map((e) => JSON.stringify(e)).sort();
}

function diff(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const x of b) counts.set(x, (counts.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const n = counts.get(x) ?? 0;
    if (n > 0) counts.set(x, n - 1);
    else if (out.length < 3) out.push(x);
  }
  return out;
}

/** `baseline` replaces the query's own (a test shows a wrong one is caught). */
export async function verifyQuery(root: string, q: BenchQuery, events: number, tps: number, flinkHome: string, baseline?: (out: Out, sideInput: string) => Baseline): Promise<Verification> {
  if (q === 'q13') writeSideInput(flinkHome);
  const eddy = await eddyResult(root, q, events, tps, flinkHome);
  const out = new FoldingOut();
  const side = q === 'q13' ? readFileSync(join(flinkHome, 'data', 'side_input.txt'), 'utf8') : '';
  runGenerated(baseline ? baseline(out, side) : makeBaseline(q, out, side), events, tps);
  let e = eddy.rows;
  let h = out.rows();
  if (q === 'q12') {
    e = bidderTotals(e);
    h = bidderTotals(h);
  }
  const onlyEddy = diff(e, h);
  const onlyBaseline = diff(h, e);
  return { query: q, equal: e.length === h.length && onlyEddy.length === 0 && onlyBaseline.length === 0, eddyRows: e.length, baselineRows: h.length, onlyEddy, onlyBaseline };
}
