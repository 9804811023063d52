/**
 * The Nexmark bench's hand-written baselines compute what Eddy computes: each of nexmark-flink's
 * queries the bench runs, its SELECT as written over the `nexmark` connector, against its baseline
 * over the same generated events (rows folded from both changelogs, compared as multisets; q12's
 * processing-time windows by per-bidder totals). At 2,000 events/s of event time 24,000 events span
 * 12 s (two tumbling windows, six HOP slides, sessions closing); at 10,000/s equal timestamps are
 * common, which exercises the Top-N and dedup tie rules.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BENCH_QUERIES, type BenchQuery } from '../../bench/nexmark/flink/sql.js';
import { verifyQuery } from '../../bench/nexmark/flink/verify.js';
import { Q0, Q2 } from '../../bench/nexmark/flink/baselines-stateless.js';
import { Q18 } from '../../bench/nexmark/flink/baselines-aggregates.js';
import type { Bid } from '../../bench/nexmark/flink/events.js';

const ROOT = resolve(__dirname, '..', '..');
const home = mkdtempSync(join(tmpdir(), 'eddy-nexbench-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function expectEqual(q: BenchQuery, events: number, tps: number): Promise<void> {
  const v = await verifyQuery(ROOT, q, events, tps, home);
  expect(v.eddyRows, `${q}: Eddy returned no rows`).toBeGreaterThan(0);
  expect(v, `${q}: rows only Eddy has ${JSON.stringify(v.onlyEddy)}, only the baseline ${JSON.stringify(v.onlyBaseline)}`).toMatchObject({ equal: true });
}

describe('Nexmark bench baselines equal Eddy on a small run', () => {
  for (const q of BENCH_QUERIES) {
    it(`${q}`, () => expectEqual(q, 24_000, 2000), 60_000);
  }

  for (const q of ['q9', 'q18', 'q19'] as const) {
    it(`${q} with equal timestamps (10,000 events/s)`, () => expectEqual(q, 20_000, 10_000), 60_000);
  }
});

describe('the comparison catches a baseline that computes something else', () => {
  it('q0 compared with the q2 baseline differs', async () => {
    const v = await verifyQuery(ROOT, 'q0', 5000, 2000, home, (out) => new Q2(out));
    expect(v.equal).toBe(false);
  });

  it('q0 with one price off by one differs', async () => {
    let first = true;
    class OffByOne extends Q0 {
      override bid(b: Bid): void {
        super.bid(first ? { ...b, price: b.price + 1 } : b);
        first = false;
      }
    }
    const v = await verifyQuery(ROOT, 'q0', 5000, 2000, home, (out) => new OffByOne(out));
    expect(v.equal).toBe(false);
    expect(v.onlyEddy).toHaveLength(1);
    expect(v.onlyBaseline).toHaveLength(1);
  });

  it('q18 keeping the first of equal timestamps instead of the last differs', async () => {
    class KeepFirst extends Q18 {
      private readonly seen = new Map<string, number>();
      override bid(b: Bid): void {
        const k = `${b.bidder}/${b.auction}`;
        const t = this.seen.get(k);
        if (t !== undefined && b.dateTime <= t) return;
        this.seen.set(k, b.dateTime);
        super.bid(b);
      }
    }
    const v = await verifyQuery(ROOT, 'q18', 20_000, 10_000, home, (out) => new KeepFirst(out));
    expect(v.equal).toBe(false);
  });
});
