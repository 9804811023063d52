import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../../src/common/types.js';
import { rowBatch } from '../../../src/exec/batch.js';
import { CollectSink } from '../../../src/exec/operators/collect.js';
import { RankOperator, type RankSpec } from '../../../src/exec/operators/rank.js';
import { KeyedStateBackend } from '../../../src/exec/state/index.js';
import { foldChangelog } from '../changelog.js';
import { col, contextFor } from '../helpers.js';

// Input rows [k, x] (append-only) or [op, k, x] (retracting): top `end` x DESC per k.
function spec(over: Partial<RankSpec> = {}): RankSpec {
  const r = over.retracting ?? false;
  return { uid: 'rank-0', partitionKeys: [col(r ? 1 : 0, 'INT')], orderKeys: [{ expr: col(r ? 2 : 1, 'INT'), desc: true }], start: 1, end: 2, rankNumber: true, retracting: r, ...over };
}

function make(s: RankSpec, backend = new KeyedStateBackend()) {
  const op = new RankOperator(s, contextFor(backend, s.uid));
  const sink = new CollectSink();
  op.connect(sink);
  return { op, sink, backend };
}

const rows = (sink: CollectSink): Row[] => sink.rows.map((r) => [...r]);

/** The reference: every partition's rows sorted (stable) and cut to start..end, recomputed from scratch. */
function reference(input: readonly Row[], s: RankSpec): string[] {
  const parts = new Map<unknown, Row[]>();
  for (const r of input) {
    const k = r[0];
    parts.set(k, [...(parts.get(k) ?? []), r]);
  }
  const out: Row[] = [];
  for (const list of parts.values()) {
    const sorted = [...list].sort((a, b) => (b[1] as number) - (a[1] as number));
    sorted.slice(s.start - 1, s.end).forEach((r, i) => out.push(['+I', ...r, s.rankNumber ? s.start + i : null]));
  }
  return foldChangelog(out);
}

describe('RankOperator: Flink Rank changelog', () => {
  it('with the rank number: an insert at rank r shifts the rows below it (-U/+U per position), +I for a new position', () => {
    const { op, sink } = make(spec());
    op.processBatch(rowBatch([[1, 5], [1, 7], [1, 6], [1, 1]]), 0);
    expect(rows(sink)).toEqual([
      ['+I', 1, 5, 1],
      ['-U', 1, 5, 1],
      ['+U', 1, 7, 1],
      ['+I', 1, 5, 2],
      ['-U', 1, 5, 2],
      ['+U', 1, 6, 2],
    ]);
  });

  it('without it: only rows entering (+I) and leaving (-D) the range; state keeps only the top N of an append-only input', () => {
    const { op, sink } = make(spec({ rankNumber: false }));
    op.processBatch(rowBatch([[1, 5], [1, 7], [1, 6], [1, 1], [1, 9]]), 0);
    expect(rows(sink)).toEqual([
      ['+I', 1, 5, null],
      ['+I', 1, 7, null],
      ['-D', 1, 5, null],
      ['+I', 1, 6, null],
      ['-D', 1, 6, null],
      ['+I', 1, 9, null],
    ]);
    expect(op.keptRows).toBe(2);
  });

  it('over an updating input a retraction brings the next row up; ranks start..end only', () => {
    const { op, sink } = make(spec({ retracting: true, start: 2, end: 2 }));
    op.processBatch(rowBatch([['+I', 1, 5], ['+I', 1, 7], ['+I', 1, 6], ['-D', 1, 7]]), 0);
    expect(rows(sink)).toEqual([
      ['+I', 1, 5, 2],
      ['-U', 1, 5, 2],
      ['+U', 1, 6, 2],
      ['-U', 1, 6, 2],
      ['+U', 1, 5, 2],
    ]);
  });

  it('folds to a from-scratch ranking for random input (ties keep arrival order)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 20 })), { maxLength: 60 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 2 }),
        fc.boolean(),
        (input, start, extra, rankNumber) => {
          const s = spec({ start, end: start + extra, rankNumber });
          const { op, sink } = make(s);
          op.processBatch(rowBatch(input.map((r) => [...r])), 0);
          expect(foldChangelog(rows(sink))).toEqual(reference(input, s));
        },
      ),
      { seed: 12, numRuns: 200 },
    );
  });
});

type Step = Row[];
const stepArb: fc.Arbitrary<Step> = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 9 })), { minLength: 1, maxLength: 4 });

describe('RankOperator: checkpoints', () => {
  it('snapshot between batches + restore into a fresh backend and operator + continue == uninterrupted run', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 30 }), fc.nat(), fc.boolean(), fc.boolean(), (steps, cutAt, rankNumber, retracting) => {
        const s = spec({ rankNumber, retracting, end: 3 });
        // Retracting: every third row takes back the row two before it in the same partition (it was inserted).
        const batches = steps.map((b) => b.map((r) => (retracting ? ['+I', ...r] : [...r])));
        if (retracting) {
          const seen: Row[] = [];
          for (const b of batches) {
            for (const r of b) {
              const prev = seen.find((x) => x[1] === r[1] && x[0] === '+I');
              if (seen.length % 3 === 2 && prev) {
                r[0] = '-D';
                r[2] = prev[2]!;
                prev[0] = 'gone';
              }
              seen.push(r);
            }
          }
        }
        const cut = cutAt % (batches.length + 1);
        const whole = make(s);
        for (const b of batches) whole.op.processBatch(rowBatch(b.map((r) => [...r])), 0);
        const first = make(s);
        batches.slice(0, cut).forEach((b) => first.op.processBatch(rowBatch(b.map((r) => [...r])), 0));
        const chunks = first.backend.snapshotAll();
        const second = make(s);
        second.backend.restore(chunks);
        second.op.restoreState(JSON.parse(JSON.stringify(first.op.snapshotState())));
        batches.slice(cut).forEach((b) => second.op.processBatch(rowBatch(b.map((r) => [...r])), 0));
        expect([...rows(first.sink), ...rows(second.sink)]).toEqual(rows(whole.sink));
      }),
      { seed: 13, numRuns: 200 },
    );
  });
});

describe('RankOperator: keep-last-row deduplication', () => {
  it('a later row of equal time replaces the kept one (Flink Deduplicate), where Top-N keeps the earlier', () => {
    const input = (): Row[] => [[1, 5, 'x'], [1, 5, 'y'], [1, 4, 'z']];
    const last = make(spec({ end: 1, newPeersFirst: true }));
    last.op.processBatch(rowBatch(input()), 0);
    expect(rows(last.sink)).toEqual([
      ['+I', 1, 5, 'x', 1],
      ['-U', 1, 5, 'x', 1],
      ['+U', 1, 5, 'y', 1],
    ]);
    const first = make(spec({ end: 1 }));
    first.op.processBatch(rowBatch(input()), 0);
    expect(rows(first.sink)).toEqual([['+I', 1, 5, 'x', 1]]);
  });
});
