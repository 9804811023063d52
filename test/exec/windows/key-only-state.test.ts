/**
 * A window aggregation without accumulators (GROUP BY keys and window only, as Nexmark q8's sides)
 * keeps no value per group: its output's key values are decoded from the state key. Checked
 * against the same aggregation with a COUNT(*) added (which stores them), on keys whose encoding
 * escapes (NULL, U+0001 prefixes, quotes, non-ASCII, BIGINT beyond 2^53), over TUMBLE, HOP and
 * CUMULATE, in any batch size and across a checkpoint restore.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StateChunk } from '../../../src/checkpoint/types.js';
import type { Row, Value } from '../../../src/common/types.js';
import { CollectSink } from '../../../src/exec/operators/collect.js';
import { WindowAggregateOperator, type WindowAggregateSpec } from '../../../src/exec/operators/window-aggregate.js';
import { KeyedStateBackend } from '../../../src/exec/state/index.js';
import type { KeyedStateTable } from '../../../src/exec/state/keyed-state-table.js';
import type { WindowSpec } from '../../../src/planner/bound.js';
import { agg, col, contextFor } from '../helpers.js';
import { feed } from './harness.js';

// Input rows: [name VARCHAR, ts TIMESTAMP, id BIGINT]; GROUP BY name, id, window.
function spec(window: WindowSpec, withCount: boolean): WindowAggregateSpec {
  return { uid: 'agg1', window, timeIndex: 1, keys: [col(0, 'VARCHAR'), col(2, 'BIGINT')], aggs: withCount ? [agg('COUNT_STAR')] : [] };
}

function makeOp(window: WindowSpec, withCount: boolean, backend = new KeyedStateBackend()) {
  const s = spec(window, withCount);
  const op = new WindowAggregateOperator(s, contextFor(backend, s.uid));
  const sink = new CollectSink();
  op.connect(sink);
  return { op, sink, backend };
}

/** Runs the rows; with `cut`, snapshots after each batch before it and finishes in a restored operator. */
function run(window: WindowSpec, withCount: boolean, rows: readonly Row[], size: number, cut = 0): Row[] {
  const first = makeOp(window, withCount);
  if (cut === 0) {
    feed(first.op, rows, size, 3);
    return first.sink.rows;
  }
  const chunks: StateChunk[] = [];
  let w = -Infinity;
  for (let i = 0; i < cut; i += size) {
    w = feed(first.op, rows.slice(i, i + size), size, 3, w, false);
    chunks.push(...first.backend.snapshotChanged());
  }
  const second = makeOp(window, withCount);
  second.backend.restore(chunks);
  second.op.restoreState(JSON.parse(JSON.stringify(first.op.snapshotState())) as unknown);
  feed(second.op, rows.slice(cut), size, 3, w);
  return [...first.sink.rows, ...second.sink.rows];
}

const WINDOWS: WindowSpec[] = [
  { kind: 'tumble', size: 10, offset: 0 },
  { kind: 'hop', slide: 5, size: 10, offset: 0 },
  { kind: 'cumulate', step: 4, size: 12, offset: 0 },
];

const NAMES: Value[] = [null, 'a', '', '\u0001N', '\u0001\u0001x', 'say "hi"', 'ü✓\\', '[1,"a"]'];
const IDS: Value[] = [null, 0, 1, -7, 2 ** 53 - 1, 12345678901234567890n];

const rowArb = fc.tuple(fc.constantFrom(...NAMES), fc.option(fc.integer({ min: -10, max: 60 }), { nil: null, freq: 15 }), fc.constantFrom(...IDS)) as fc.Arbitrary<Row>;

/** The output without its COUNT(*) column: [name, id, start, end]. */
const withoutCount = (rows: readonly Row[]): Row[] => rows.map((r) => r.slice(0, 4));

describe('a window aggregation of keys only', () => {
  it.each(WINDOWS)('$kind: the same keys, windows and order as with an aggregate, across batch sizes and restores', (window) => {
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 8 }), fc.nat(), (rows, size, cutSeed) => {
        const expected = withoutCount(run(window, true, rows, size));
        expect(run(window, false, rows, size)).toEqual(expected);
        const cut = (cutSeed % Math.ceil(rows.length / size)) * size;
        expect(run(window, false, rows, size, cut)).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('stores no key values in its state, where the same keys with COUNT(*) store them', () => {
    const rows: Row[] = [
      ['x', 1, 5],
      ['y', 2, 6],
    ];
    const values = (withCount: boolean) => {
      const { op, backend } = makeOp({ kind: 'tumble', size: 10, offset: 0 }, withCount);
      feed(op, rows, 2, 3, -Infinity, false);
      const table = (backend as unknown as { tables: Map<string, KeyedStateTable<Value[]>> }).tables.get('agg1/windows')!;
      return table.entries(table.namespaces()[0]!).map((e) => e.value);
    };
    expect(values(false)).toEqual([[], []]);
    expect(values(true)).toEqual([
      ['x', 5, 1],
      ['y', 6, 1],
    ]);
  });
});
