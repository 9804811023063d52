import fc from 'fast-check';
import { rowBatch } from '../../src/exec/batch.js';
import { describe, expect, it } from 'vitest';
import type { StateChunk } from '../../src/checkpoint/types.js';
import type { Row } from '../../src/common/types.js';
import { compileExpr } from '../../src/exec/expr-compiler.js';
import { ChangelogFilterOperator } from '../../src/exec/operators/changelog-filter.js';
import { CollectSink } from '../../src/exec/operators/collect.js';
import { GroupAggregateOperator, type GroupAggregateOptions, type GroupAggregateSpec } from '../../src/exec/operators/group-aggregate.js';
import { InputGate } from '../../src/exec/graph/input-gate.js';
import { KeyedStateBackend } from '../../src/exec/state/index.js';
import { checkPairs, foldChangelog } from './changelog.js';
import { agg, bin, col, computeWatermarks, contextFor, lit } from './helpers.js';

// Input rows: [k VARCHAR, ts TIMESTAMP, v INT]; output rows: [op, k, COUNT(*), SUM(v), MAX(v)].
const spec: GroupAggregateSpec = {
  uid: 'group-aggregate-0',
  keys: [col(0, 'VARCHAR')],
  aggs: [agg('COUNT_STAR'), agg('SUM', col(2, 'INT')), agg('MAX', col(2, 'INT'))],
};
// WATERMARK FOR ts AS ts - 5
const wmFn = compileExpr(bin('-', col(1, 'TIMESTAMP'), lit(5, 'INTERVAL'), 'TIMESTAMP'));

function makeOp(opts?: GroupAggregateOptions & { readonly now?: () => number }, backend = new KeyedStateBackend()) {
  const op = new GroupAggregateOperator(spec, contextFor(backend, spec.uid, opts?.now ? { now: opts.now } : {}), opts);
  const sink = new CollectSink();
  op.connect(sink);
  return { op, sink, backend };
}

/** The driver loop: batches of `size`, a watermark signal after each batch that raised it. */
function feed(op: GroupAggregateOperator, rows: Row[], size: number, w0 = -Infinity): number {
  let w = w0;
  for (let i = 0; i < rows.length; i += size) {
    const batch = rows.slice(i, i + size);
    const { wm, after } = computeWatermarks(batch, wmFn, w);
    op.processBatch(rowBatch(batch, wm), 0);
    if (after > w) op.onWatermark(after);
    w = after;
  }
  return w;
}

/** The final table computed directly: [k, count, sum, max] per key, as sorted JSON. */
function expectedTable(rows: readonly Row[]): string[] {
  const groups = new Map<unknown, [number, number | null, number | null]>();
  for (const [k, , v] of rows) {
    const g = groups.get(k) ?? [0, null, null];
    g[0]++;
    if (typeof v === 'number') {
      g[1] = (g[1] ?? 0) + v;
      g[2] = g[2] === null ? v : Math.max(g[2], v);
    }
    groups.set(k, g);
  }
  return [...groups].map(([k, g]) => JSON.stringify([k, ...g])).sort();
}

const rowArb: fc.Arbitrary<Row> = fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', null), fc.integer({ min: 0, max: 60 }), fc.option(fc.integer({ min: -3, max: 9 }), { freq: 4 }));

describe('GroupAggregateOperator: an updating changelog', () => {
  it('emits +I for a new key and -U old, +U new for an updated one, per batch', () => {
    const { op, sink } = makeOp();
    feed(op, [['a', 1, 10], ['b', 2, 20], ['a', 3, 5]], 1);
    expect(sink.rows).toEqual([
      ['+I', 'a', 1, 10, 10],
      ['+I', 'b', 1, 20, 20],
      ['-U', 'a', 1, 10, 10],
      ['+U', 'a', 2, 15, 10],
    ]);
  });

  it('mini-batch: a key changed several times in one batch emits one change', () => {
    const { op, sink } = makeOp();
    feed(op, [['a', 1, 10], ['b', 2, 20]], 2);
    feed(op, [['a', 3, 5], ['b', 4, 1], ['a', 5, 1], ['c', 6, 7]], 4);
    expect(sink.rows).toEqual([
      ['+I', 'a', 1, 10, 10],
      ['+I', 'b', 1, 20, 20],
      ['-U', 'a', 1, 10, 10],
      ['+U', 'a', 3, 16, 10],
      ['-U', 'b', 1, 20, 20],
      ['+U', 'b', 2, 21, 20],
      ['+I', 'c', 1, 7, 7],
    ]);
    expect(sink.batches.length).toBe(2);
  });

  it('skips the -U/+U pair when the result did not change', () => {
    const s: GroupAggregateSpec = { uid: 'g', keys: [col(0, 'VARCHAR')], aggs: [agg('MAX', col(2, 'INT'))] };
    const op = new GroupAggregateOperator(s, contextFor(new KeyedStateBackend(), s.uid));
    const sink = new CollectSink();
    op.connect(sink);
    op.processBatch(rowBatch([['a', 1, 10]], null), 0);
    op.processBatch(rowBatch([['a', 2, 3]], null), 0); // MAX stays 10
    op.processBatch(rowBatch([['a', 3, null]], null), 0);
    op.processBatch(rowBatch([['a', 4, 11]], null), 0);
    expect(sink.rows).toEqual([
      ['+I', 'a', 10],
      ['-U', 'a', 10],
      ['+U', 'a', 11],
    ]);
  });

  it('no keys: one global group', () => {
    const s: GroupAggregateSpec = { uid: 'g', keys: [], aggs: [agg('COUNT_STAR')] };
    const op = new GroupAggregateOperator(s, contextFor(new KeyedStateBackend(), s.uid));
    const sink = new CollectSink();
    op.connect(sink);
    op.processBatch(rowBatch([['a', 1, 1], ['b', 1, 1]], null), 0);
    op.processBatch(rowBatch([['c', 1, 1]], null), 0);
    expect(sink.rows).toEqual([['+I', 2], ['-U', 2], ['+U', 3]]);
  });

  it('folding the changelog gives the GROUP BY result, whatever the batch size; -U always precedes its +U', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 80 }), fc.integer({ min: 1, max: 12 }), (rows, size) => {
        const { op, sink } = makeOp();
        feed(op, rows, size);
        checkPairs(sink.rows, 1);
        expect(foldChangelog(sink.rows)).toEqual(expectedTable(rows));
        // Never more changes than per-row emission would give.
        expect(sink.rows.length).toBeLessThanOrEqual(2 * rows.length);
      }),
      { numRuns: 200 },
    );
  });

  it('forwards watermarks and end', () => {
    const { op, sink } = makeOp();
    op.onWatermark(7);
    op.onEnd();
    expect(sink.watermarks).toEqual([7]);
    expect(sink.ended).toBe(true);
  });
});

describe('ChangelogFilterOperator (HAVING over an updating result)', () => {
  /** GROUP BY k HAVING SUM(v) >= 10, output [op, k, COUNT(*), SUM(v), MAX(v)]. */
  function havingPipeline() {
    const { op } = makeOp();
    const filter = new ChangelogFilterOperator('filter-0', bin('>=', col(3, 'BIGINT'), lit(10)));
    const sink = new CollectSink();
    op.connect(new InputGate(filter, 1, () => {}).input(0));
    filter.connect(sink);
    return { op, sink };
  }

  it('a group emits +I when it starts satisfying HAVING and -D of its last row when it stops', () => {
    const { op, sink } = havingPipeline();
    feed(op, [['a', 1, 4]], 1); // SUM 4: fails, nothing
    feed(op, [['a', 2, 7]], 1); // SUM 11: starts passing → +I
    feed(op, [['a', 3, 1]], 1); // SUM 12: passes both → -U/+U
    feed(op, [['a', 4, -5]], 1); // SUM 7: stops passing → -D of the last row
    feed(op, [['a', 5, -1]], 1); // SUM 6: fails both → nothing
    feed(op, [['a', 6, 20]], 1); // SUM 26: passes again → +I
    expect(sink.rows).toEqual([
      ['+I', 'a', 2, 11, 7],
      ['-U', 'a', 2, 11, 7],
      ['+U', 'a', 3, 12, 7],
      ['-D', 'a', 3, 12, 7],
      ['+I', 'a', 6, 26, 20],
    ]);
  });

  it('folding the filtered changelog gives the GROUP BY ... HAVING result, whatever the batch size', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 80 }), fc.integer({ min: 1, max: 12 }), (rows, size) => {
        const { op, sink } = havingPipeline();
        feed(op, rows, size);
        checkPairs(sink.rows, 1);
        const want = expectedTable(rows).filter((r) => ((JSON.parse(r) as (number | null)[])[2] ?? -Infinity) >= 10);
        expect(foldChangelog(sink.rows)).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });

  it("judges a -U not followed by a +U alone (a join's retractions come before their +Us) and keeps it as a -D", () => {
    const sink = new CollectSink();
    const filter = new ChangelogFilterOperator('f', { kind: 'binary', op: '>', left: { kind: 'inputRef', index: 2, name: 'n', type: 'INT' }, right: { kind: 'literal', value: 1, type: 'INT' }, type: 'BOOLEAN' });
    filter.connect(sink);
    filter.processBatch(rowBatch([['-U', 'a', 5], ['-U', 'b', 0], ['+U', 'a', 6], ['+U', 'b', 1]], null), 0);
    // -U a 5 alone passes → -D; (-U b 0, +U a 6) judged as a pair → +I a 6; +U b 1 fails
    expect(sink.rows).toEqual([['-D', 'a', 5], ['+I', 'a', 6]]);
  });
});

describe("'state.ttl'", () => {
  it('event time: a key not updated for longer than the ttl (by the watermark) is dropped silently and restarts with +I', () => {
    const { op, sink } = makeOp({ ttlMs: 10, eventTime: true });
    // A key's stamp is the watermark before the batch that updated it; updates before any watermark count at the first one.
    feed(op, [['a', 1, 1], ['b', 2, 1]], 2); // W = -3: a and b stamped -3
    feed(op, [['b', 8, 1]], 1); // b stamped -3, W = 3
    feed(op, [['b', 12, 1]], 1); // b stamped 3, W = 7: a (stamp -3) is 10 old, not more: kept
    expect(op.expired).toBe(0);
    feed(op, [['b', 13, 1]], 1); // W = 8: a is 11 old → dropped, silently
    expect(op.expired).toBe(1);
    const before = sink.rows.length;
    feed(op, [['a', 14, 5]], 1);
    expect(sink.rows.slice(before)).toEqual([['+I', 'a', 1, 5, 5]]);
    expect(sink.rows.filter((r) => r[0] === '-D')).toEqual([]);
  });

  it('ttl 0 keeps every key forever', () => {
    const { op, sink } = makeOp({ ttlMs: 0, eventTime: true });
    feed(op, [['a', 1, 1], ['b', 1000, 1], ['a', 100_000, 1]], 1);
    expect(op.expired).toBe(0);
    expect(sink.rows.at(-1)).toEqual(['+U', 'a', 2, 2, 1]);
  });

  it('processing time (a stream without a watermark): the wall clock, checked at each batch', () => {
    let now = 1000;
    const { op, sink } = makeOp({ ttlMs: 50, eventTime: false, now: () => now });
    op.processBatch(rowBatch([['a', 0, 1], ['b', 0, 1]], null), 0);
    now = 1040;
    op.processBatch(rowBatch([['b', 0, 1]], null), 0);
    now = 1060; // a: 60 idle → dropped; b: 20 idle → kept
    op.processBatch(rowBatch([['a', 0, 2], ['b', 0, 1]], null), 0);
    expect(op.expired).toBe(1);
    expect(sink.rows.slice(-3)).toEqual([
      ['+I', 'a', 1, 2, 2],
      ['-U', 'b', 2, 2, 1],
      ['+U', 'b', 3, 3, 1],
    ]);
  });
});

describe('GroupAggregateOperator checkpoints', () => {
  it('snapshot at a batch boundary + restore into a fresh backend and operator + continue == uninterrupted run', () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 9 }),
        fc.nat(),
        fc.constantFrom(0, 3, 10, 25),
        (rawRows, size, cutSeed, ttlMs) => {
          // Mostly ascending times, so the watermark moves and the ttl has work to do.
          const rows = rawRows.map((r, i): Row => [r[0]!, i * 2 + ((r[1] as number) % 7), r[2]!]);
          const opts: GroupAggregateOptions = { ttlMs, eventTime: true };
          const full = makeOp(opts);
          feed(full.op, rows, size);

          const nBatches = Math.ceil(rows.length / size);
          const cut = (cutSeed % nBatches) * size;
          const first = makeOp(opts);
          const chunks: StateChunk[] = [];
          let w = -Infinity;
          for (let i = 0; i < cut; i += size) {
            w = feed(first.op, rows.slice(i, i + size), size, w);
            chunks.push(...first.backend.snapshotChanged());
          }
          const meta = first.op.snapshotState();

          const second = makeOp(opts);
          second.backend.restore(chunks);
          second.op.restoreState(meta);
          feed(second.op, rows.slice(cut), size, w);
          expect([...first.sink.rows, ...second.sink.rows]).toEqual(full.sink.rows);
          expect(second.backend.size()).toBe(full.backend.size());
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a checkpoint taken with 'state.ttl' 0 restores under a ttl: keys updated before any watermark age from the first one", () => {
    const first = makeOp({ ttlMs: 0, eventTime: true });
    first.op.processBatch(rowBatch([['a', 0, 1]], null), 0); // before any watermark
    first.op.onWatermark(10);
    first.op.processBatch(rowBatch([['b', 0, 1]], null), 0); // stamped 10
    const chunks = first.backend.snapshotAll();
    const second = makeOp({ ttlMs: 5, eventTime: true });
    second.backend.restore(chunks);
    second.op.restoreState(first.op.snapshotState());
    second.op.onWatermark(14); // a counts from 14; b is 4 old
    expect(second.op.expired).toBe(0);
    second.op.onWatermark(16); // b is 6 old: dropped; a is 2 old
    expect(second.op.expired).toBe(1);
    expect(second.backend.size()).toBe(1);
    second.op.processBatch(rowBatch([['b', 0, 7], ['a', 0, 1]], null), 0);
    expect(second.sink.rows).toEqual([
      ['+I', 'b', 1, 7, 7],
      ['-U', 'a', 1, 1, 1],
      ['+U', 'a', 2, 2, 1],
    ]);
  });

  it('restoreState rejects garbage', () => {
    const { op } = makeOp();
    expect(() => op.restoreState({ clock: 'x' })).toThrow(/checkpoint state of operator group-aggregate-0 is damaged/);
    expect(() => op.restoreState(null)).toThrow(/checkpoint state of operator group-aggregate-0 is damaged/);
  });
});
