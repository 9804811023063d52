import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../../src/common/types.js';
import { rowBatch } from '../../../src/exec/batch.js';
import { CollectSink } from '../../../src/exec/operators/collect.js';
import { JoinOperator, type JoinOptions, type JoinSpec } from '../../../src/exec/operators/join.js';
import { KeyedStateBackend } from '../../../src/exec/state/index.js';
import type { JoinType } from '../../../src/parser/ast.js';
import { foldChangelog } from '../changelog.js';
import { bin, col, contextFor } from '../helpers.js';

// Left rows [k, a], right rows [k, b] (append-only unless `updating`: then [op, k, x]).
function spec(joinType: JoinType, over: Partial<JoinSpec> = {}): JoinSpec {
  const lu = over.leftUpdating ?? false;
  const ru = over.rightUpdating ?? false;
  return {
    uid: 'join-0',
    joinType,
    leftKeys: [col(lu ? 1 : 0, 'INT')],
    rightKeys: [col(ru ? 1 : 0, 'INT')],
    leftWidth: 2,
    rightWidth: 2,
    leftUpdating: lu,
    rightUpdating: ru,
    updating: joinType !== 'inner' || lu || ru,
    ...over,
  };
}

function make(s: JoinSpec, opts?: JoinOptions, backend = new KeyedStateBackend()) {
  const op = new JoinOperator(s, contextFor(backend, s.uid), opts);
  const sink = new CollectSink();
  op.connect(sink);
  return { op, sink, backend };
}

const rows = (sink: CollectSink): Row[] => sink.rows.map((r) => [...r]);

describe('JoinOperator: Flink changelog rules', () => {
  it('FULL join: padded rows on both sides, -D when matched, +I padding again when the match is retracted', () => {
    const { op, sink } = make(spec('full', { rightUpdating: true }));
    op.processBatch(rowBatch([[1, 'a']]), 0);
    op.processBatch(rowBatch([['+I', 2, 'x']]), 1);
    op.processBatch(rowBatch([['+I', 1, 'y']]), 1);
    op.processBatch(rowBatch([['-D', 1, 'y']]), 1);
    op.processBatch(rowBatch([[2, 'b'], [2, 'b']]), 0);
    expect(rows(sink)).toEqual([
      ['+I', 1, 'a', null, null],
      ['+I', null, null, 2, 'x'],
      ['-D', 1, 'a', null, null],
      ['+I', 1, 'a', 1, 'y'],
      ['-D', 1, 'a', 1, 'y'],
      ['+I', 1, 'a', null, null],
      ['-D', null, null, 2, 'x'],
      ['+I', 2, 'b', 2, 'x'],
      ['+I', 2, 'b', 2, 'x'],
    ]);
  });

  it('INNER join of an updating input keeps its row kinds (-U/+U pass as -U/+U)', () => {
    const { op, sink } = make(spec('inner', { leftUpdating: true }));
    op.processBatch(rowBatch([[1, 'r']]), 1);
    op.processBatch(rowBatch([['+I', 1, 10], ['-U', 1, 10], ['+U', 1, 11]]), 0);
    expect(rows(sink)).toEqual([
      ['+I', 1, 10, 1, 'r'],
      ['-U', 1, 10, 1, 'r'],
      ['+U', 1, 11, 1, 'r'],
    ]);
  });

  it('NULL keys match nothing; on an outer side they are emitted padded and never stored', () => {
    const { op, sink } = make(spec('left'));
    op.processBatch(rowBatch([[null, 'a']]), 0);
    op.processBatch(rowBatch([[null, 'r']]), 1);
    expect(rows(sink)).toEqual([['+I', null, 'a', null, null]]);
    expect(op.liveRows).toBe(0);
  });

  it('a residual condition decides the match and so the padding', () => {
    const residual = bin('<', col(2, 'INT'), col(4, 'INT'), 'BOOLEAN'); // left a < right b over [op, lk, a, rk, b]
    const { op, sink } = make(spec('left', { residual }));
    op.processBatch(rowBatch([[1, 5]]), 0);
    op.processBatch(rowBatch([[1, 3]]), 1);
    op.processBatch(rowBatch([[1, 9]]), 1);
    expect(rows(sink)).toEqual([
      ['+I', 1, 5, null, null],
      ['-D', 1, 5, null, null],
      ['+I', 1, 5, 1, 9],
    ]);
  });
});

type Step = { readonly side: number; readonly batch: Row[] };
const stepArb: fc.Arbitrary<Step> = fc.record({
  side: fc.integer({ min: 0, max: 1 }),
  batch: fc.array(fc.tuple(fc.option(fc.integer({ min: 0, max: 3 }), { freq: 5 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 4 }),
});

describe('JoinOperator: checkpoints', () => {
  it('snapshot between batches + restore into a fresh backend and operator + continue == uninterrupted run', () => {
    fc.assert(
      fc.property(fc.constantFrom<JoinType>('inner', 'left', 'right', 'full'), fc.array(stepArb, { minLength: 1, maxLength: 30 }), fc.nat(), (type, steps, cutAt) => {
        const cut = cutAt % (steps.length + 1);
        const whole = make(spec(type));
        for (const s of steps) whole.op.processBatch(rowBatch(s.batch.map((r) => [...r])), s.side);
        const first = make(spec(type));
        steps.slice(0, cut).forEach((s) => first.op.processBatch(rowBatch(s.batch.map((r) => [...r])), s.side));
        const chunks = first.backend.snapshotAll();
        const second = make(spec(type));
        second.backend.restore(chunks);
        second.op.restoreState(JSON.parse(JSON.stringify(first.op.snapshotState())));
        steps.slice(cut).forEach((s) => second.op.processBatch(rowBatch(s.batch.map((r) => [...r])), s.side));
        expect([...rows(first.sink), ...rows(second.sink)]).toEqual(rows(whole.sink));
        expect(second.op.liveRows).toBe(whole.op.liveRows);
      }),
      { seed: 11, numRuns: 200 },
    );
  });
});

describe('JoinOperator: bare records (INNER, append-only, no residual, no TTL)', () => {
  const feed = (op: JoinOperator): void => {
    op.processBatch(rowBatch([[1, 'a'], [1, 'a'], [2, 'b'], [null, 'n']]), 0);
    op.processBatch(rowBatch([[1, 'r'], [3, 'q']]), 1);
  };

  it('checkpoint as full records: restored under a TTL, the rows count as written at the first watermark', () => {
    const bare = make(spec('inner'));
    feed(bare.op);
    expect(rows(bare.sink)).toEqual([[1, 'a', 1, 'r'], [1, 'a', 1, 'r']]);
    expect(bare.op.liveRows).toBe(5);
    const ttl = make(spec('inner'), { ttlMs: 100, eventTime: true });
    ttl.backend.restore(bare.backend.snapshotAll());
    ttl.op.restoreState(bare.op.snapshotState());
    expect(ttl.op.liveRows).toBe(5);
    ttl.op.onWatermark(50);
    ttl.op.processBatch(rowBatch([[1, 's']]), 1);
    ttl.op.processBatch(rowBatch([[3, 'c']]), 0);
    expect(rows(ttl.sink)).toEqual([[1, 'a', 1, 's'], [1, 'a', 1, 's'], [3, 'c', 3, 'q']]);
    ttl.op.onWatermark(150);
    expect(ttl.op.liveRows).toBe(7);
    ttl.op.onWatermark(151);
    expect(ttl.op.liveRows).toBe(0);
  });

  it('state checkpointed under a TTL restores into bare records', () => {
    const ttl = make(spec('inner'), { ttlMs: 1000, eventTime: true });
    ttl.op.onWatermark(10);
    feed(ttl.op);
    const bare = make(spec('inner'));
    bare.backend.restore(ttl.backend.snapshotAll());
    bare.op.restoreState(ttl.op.snapshotState());
    expect(bare.op.liveRows).toBe(ttl.op.liveRows);
    bare.op.processBatch(rowBatch([[1, 'x'], [2, 'y'], [3, 'z']]), 1);
    bare.op.processBatch(rowBatch([[3, 'w']]), 0);
    expect(rows(bare.sink)).toEqual([[1, 'a', 1, 'x'], [1, 'a', 1, 'x'], [2, 'b', 2, 'y'], [3, 'w', 3, 'q'], [3, 'w', 3, 'z']]);
  });
});

describe("JoinOperator: 'state.ttl'", () => {
  it('each stored row expires on its own, by the watermark; a hot key does not keep old rows alive', () => {
    const { op, sink } = make(spec('inner'), { ttlMs: 100, eventTime: true });
    op.onWatermark(0);
    op.processBatch(rowBatch([[1, 'old']]), 0);
    op.onWatermark(80);
    op.processBatch(rowBatch([[1, 'new']]), 0);
    op.onWatermark(150); // 'old' was written at 0: expired; 'new' at 80: alive
    op.processBatch(rowBatch([[1, 'r']]), 1);
    expect(rows(sink)).toEqual([[1, 'new', 1, 'r']]);
    expect(op.expired).toBe(1);
  });

  it('without watermarks the TTL runs on the wall clock (processing time), checked at each batch', () => {
    let now = 1000;
    const backend = new KeyedStateBackend();
    const s = spec('left');
    const op = new JoinOperator(s, contextFor(backend, s.uid, { now: () => now }), { ttlMs: 100, eventTime: false });
    const sink = new CollectSink();
    op.connect(sink);
    op.processBatch(rowBatch([[1, 'a']]), 0);
    now = 1100;
    op.processBatch(rowBatch([[2, 'b']]), 0);
    expect(op.liveRows).toBe(2);
    now = 1101; // 'a' (written at 1000) is now older than the TTL
    op.processBatch(rowBatch([[1, 'r']]), 1);
    expect(op.expired).toBe(1);
    // Flink drops expired state silently: the padded row of 'a' stays, the late match finds nothing.
    expect(rows(sink)).toEqual([['+I', 1, 'a', null, null], ['+I', 2, 'b', null, null]]);
  });

  it('over a long run the live state stays proportional to the rows written within the TTL', () => {
    const { op, sink } = make(spec('left'), { ttlMs: 1000, eventTime: true });
    let maxLive = 0;
    for (let t = 0; t < 60_000; t += 10) {
      op.processBatch(rowBatch([[t % 7, t]]), 0);
      op.processBatch(rowBatch([[t % 5, t]]), 1);
      op.onWatermark(t);
      maxLive = Math.max(maxLive, op.liveRows);
    }
    // 100 rows per side per second of event time: about 2 * 101 live at any time.
    expect(maxLive).toBeLessThanOrEqual(2 * 102);
    expect(maxLive).toBeGreaterThan(150);
    expect(op.expired).toBeGreaterThan(11_000);
    expect(foldChangelog(rows(sink)).length).toBeGreaterThan(10_000);
  });

  it('after a restore rows expire as in the uninterrupted run (the write queue is rebuilt from the stamps)', () => {
    const feed = (op: JoinOperator, from: number, to: number): void => {
      for (let t = from; t < to; t += 10) {
        op.processBatch(rowBatch([[t % 3, t]]), t % 20 === 0 ? 0 : 1);
        op.onWatermark(t);
      }
    };
    const whole = make(spec('full'), { ttlMs: 200, eventTime: true });
    feed(whole.op, 0, 2000);
    const first = make(spec('full'), { ttlMs: 200, eventTime: true });
    feed(first.op, 0, 1000);
    const second = make(spec('full'), { ttlMs: 200, eventTime: true });
    second.backend.restore(first.backend.snapshotAll());
    second.op.restoreState(first.op.snapshotState());
    feed(second.op, 1000, 2000);
    expect([...rows(first.sink), ...rows(second.sink)]).toEqual(rows(whole.sink));
    expect(second.op.liveRows).toBe(whole.op.liveRows);
  });
});
