import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../../src/common/types.js';
import { rowBatch } from '../../../src/exec/batch.js';
import { CollectSink } from '../../../src/exec/operators/collect.js';
import { SemiAntiJoinOperator, type SemiAntiJoinOptions, type SemiAntiJoinSpec } from '../../../src/exec/operators/semi-anti-join.js';
import { KeyedStateBackend } from '../../../src/exec/state/index.js';
import { foldChangelog } from '../changelog.js';
import { bin, col, contextFor } from '../helpers.js';

type Kind = 'semi' | 'anti' | 'not in';

// Left rows [k, a]; right rows [k, b], or [op, k, b] when `rightUpdating`.
function spec(kind: Kind, over: Partial<SemiAntiJoinSpec> = {}): SemiAntiJoinSpec {
  const ru = over.rightUpdating ?? false;
  return {
    uid: 'join-0',
    anti: kind !== 'semi',
    nullAware: kind === 'not in',
    leftKeys: [col(0, 'INT')],
    rightKeys: [col(ru ? 1 : 0, 'INT')],
    leftWidth: 2,
    rightWidth: 2,
    leftUpdating: false,
    rightUpdating: ru,
    updating: kind !== 'semi' || ru,
    ...over,
  };
}

function make(s: SemiAntiJoinSpec, opts?: SemiAntiJoinOptions, backend = new KeyedStateBackend()) {
  const op = new SemiAntiJoinOperator(s, contextFor(backend, s.uid), opts);
  const sink = new CollectSink();
  op.connect(sink);
  return { op, sink, backend };
}

const rows = (sink: CollectSink): Row[] => sink.rows.map((r) => [...r]);

describe('SemiAntiJoinOperator: Flink changelog rules (golden)', () => {
  it('semi join of append-only inputs: a left row is emitted once, when its first match exists or arrives; append-only', () => {
    const { op, sink } = make(spec('semi'));
    op.processBatch(rowBatch([[1, 'a'], [2, 'b'], [null, 'n']]), 0);
    op.processBatch(rowBatch([[1, 'x'], [1, 'y'], [null, 'z']]), 1);
    op.processBatch(rowBatch([[1, 'c'], [3, 'd']]), 0);
    expect(rows(sink)).toEqual([
      [1, 'a'],
      [1, 'c'],
    ]);
  });

  it('semi join over an updating right side: -D when the last match leaves, +I when one comes back', () => {
    const { op, sink } = make(spec('semi', { rightUpdating: true }));
    op.processBatch(rowBatch([[1, 'a']]), 0);
    op.processBatch(rowBatch([['+I', 1, 'x'], ['+I', 1, 'y'], ['-D', 1, 'x'], ['-D', 1, 'y'], ['+I', 1, 'z']]), 1);
    expect(rows(sink)).toEqual([
      ['+I', 1, 'a'],
      ['-D', 1, 'a'],
      ['+I', 1, 'a'],
    ]);
  });

  it('anti join (NOT EXISTS): emitted while unmatched, taken back when a match arrives, re-emitted when it leaves; NULL keys always pass', () => {
    const { op, sink } = make(spec('anti', { rightUpdating: true }));
    op.processBatch(rowBatch([[1, 'a'], [1, 'a'], [null, 'n']]), 0);
    op.processBatch(rowBatch([['+I', 1, 'x'], ['+I', null, 'z'], ['-D', 1, 'x']]), 1);
    expect(rows(sink)).toEqual([
      ['+I', 1, 'a'],
      ['+I', 1, 'a'],
      ['+I', null, 'n'],
      ['-D', 1, 'a'],
      ['-D', 1, 'a'],
      ['+I', 1, 'a'],
      ['+I', 1, 'a'],
    ]);
  });

  it('NOT IN: an empty right side passes everything (NULL keys too); one right NULL blocks everything; its retraction releases them', () => {
    const { op, sink } = make(spec('not in', { rightUpdating: true }));
    op.processBatch(rowBatch([[1, 'a'], [null, 'n'], [2, 'b']]), 0);
    op.processBatch(rowBatch([['+I', 1, 'x']]), 1); // non-empty: NULL and 1 blocked, 2 passes
    op.processBatch(rowBatch([['+I', null, 'z']]), 1); // a NULL: 2 blocked too
    op.processBatch(rowBatch([['-D', null, 'z']]), 1);
    op.processBatch(rowBatch([['-D', 1, 'x']]), 1); // empty again: all pass
    expect(foldChangelog(rows(sink).slice(0, 3))).toEqual(['[1,"a"]', '[2,"b"]', '[null,"n"]']);
    expect(rows(sink).slice(3)).toEqual([
      ['-D', 1, 'a'],
      ['-D', null, 'n'],
      ['-D', 2, 'b'],
      ['+I', 2, 'b'],
      ['+I', 1, 'a'],
      ['+I', null, 'n'],
    ]);
    expect(foldChangelog(rows(sink))).toEqual(['[1,"a"]', '[2,"b"]', '[null,"n"]']);
  });

  it('a residual (over [left, right]) decides the match', () => {
    const residual = bin('<', col(1, 'INT'), col(3, 'INT'), 'BOOLEAN'); // left a < right b
    const { op, sink } = make(spec('semi', { residual }));
    op.processBatch(rowBatch([[1, 5], [1, 1]]), 0);
    op.processBatch(rowBatch([[1, 3]]), 1);
    expect(rows(sink)).toEqual([[1, 1]]);
  });
});

interface Step {
  readonly side: number;
  readonly batch: readonly (readonly [string, number | null, number])[];
}
const stepArb: fc.Arbitrary<Step> = fc.record({
  side: fc.integer({ min: 0, max: 1 }),
  batch: fc.array(fc.tuple(fc.constantFrom('+I', '+I', '-D'), fc.option(fc.integer({ min: 0, max: 3 }), { freq: 5 }), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 4 }),
});
// Left rows are append-only [k, a]: their op is dropped.
const feed = (op: SemiAntiJoinOperator, s: Step): void => op.processBatch(rowBatch(s.batch.map((r) => (s.side === 0 ? [r[1], r[2]] : [...r]))), s.side);

describe('SemiAntiJoinOperator: checkpoints', () => {
  it('snapshot between batches + restore into a fresh backend and operator + continue == uninterrupted run (NOT IN counts recomputed)', () => {
    fc.assert(
      fc.property(fc.constantFrom<Kind>('semi', 'anti', 'not in'), fc.array(stepArb, { minLength: 1, maxLength: 30 }), fc.nat(), (kind, steps, cutAt) => {
        const s = spec(kind, { rightUpdating: true });
        const cut = cutAt % (steps.length + 1);
        const whole = make(s);
        steps.forEach((x) => feed(whole.op, x));
        const first = make(s);
        steps.slice(0, cut).forEach((x) => feed(first.op, x));
        const second = make(s);
        second.backend.restore(first.backend.snapshotAll());
        second.op.restoreState(JSON.parse(JSON.stringify(first.op.snapshotState())));
        steps.slice(cut).forEach((x) => feed(second.op, x));
        expect([...rows(first.sink), ...rows(second.sink)]).toEqual(rows(whole.sink));
        expect(second.op.liveRows).toBe(whole.op.liveRows);
        // Every changelog folds (no retraction of a row never emitted).
        foldChangelog(rows(whole.sink));
      }),
      { seed: 11, numRuns: 300 },
    );
  });
});

describe("SemiAntiJoinOperator: 'state.ttl'", () => {
  it('over a long run the live state stays proportional to the rows written within the TTL', () => {
    const { op } = make(spec('anti'), { ttlMs: 1000, eventTime: true });
    let maxLive = 0;
    for (let t = 0; t < 30_000; t += 10) {
      op.processBatch(rowBatch([[t % 7, t]]), 0);
      op.processBatch(rowBatch([[t % 5, t]]), 1);
      op.onWatermark(t);
      maxLive = Math.max(maxLive, op.liveRows);
    }
    expect(maxLive).toBeLessThanOrEqual(2 * 102);
    expect(maxLive).toBeGreaterThan(150);
  });

  it('an expired right row no longer matches a later left row', () => {
    const { op, sink } = make(spec('semi'), { ttlMs: 100, eventTime: true });
    op.onWatermark(0);
    op.processBatch(rowBatch([[1, 'r']]), 1);
    op.processBatch(rowBatch([[1, 'early']]), 0);
    op.onWatermark(150);
    op.processBatch(rowBatch([[1, 'late']]), 0);
    expect(rows(sink)).toEqual([[1, 'early']]);
  });
});
