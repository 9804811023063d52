/**
 * SESSION state of numeric keys lives in the namespace shardOf(key) (the key's low bits);
 * checkpoints written before that used the key group (a hash). A restored table in the old
 * layout is moved to the new one before the first row, so a restored key's sessions still
 * extend and merge: output equal to an uninterrupted run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StateChunk } from '../../src/checkpoint/types.js';
import type { Row } from '../../src/common/types.js';
import { CollectSink } from '../../src/exec/operators/collect.js';
import { WindowAggregateOperator, type WindowAggregateSpec } from '../../src/exec/operators/window-aggregate.js';
import { KeyedStateBackend } from '../../src/exec/state/index.js';
import { keyGroupOf } from '../../src/exec/state/key-group.js';
import type { KeyedStateTable } from '../../src/exec/state/keyed-state-table.js';
import { agg, col, contextFor } from './helpers.js';
import { feed } from './windows/harness.js';

const SPEC: WindowAggregateSpec = {
  uid: 'agg1',
  window: { kind: 'session', gap: 10 } as WindowAggregateSpec['window'],
  timeIndex: 1,
  keys: [col(0, 'BIGINT')],
  aggs: [agg('COUNT_STAR'), agg('SUM', col(2, 'INT'))],
};

function make(): { op: WindowAggregateOperator; sink: CollectSink; backend: KeyedStateBackend } {
  const backend = new KeyedStateBackend();
  const op = new WindowAggregateOperator(SPEC, contextFor(backend, SPEC.uid));
  const sink = new CollectSink();
  op.connect(sink);
  return { op, sink, backend };
}

/** The session table of a backend (private: the test puts it in the old layout). */
const sessionTable = (b: KeyedStateBackend): KeyedStateTable<unknown> => (b as unknown as { tables: Map<string, KeyedStateTable<unknown>> }).tables.get('agg1/sessions')!;

describe('SESSION state namespaces', () => {
  it('a restored table in the old layout (namespace = key group) continues exactly like an uninterrupted run', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -2, max: 2 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 9 })), { minLength: 2, maxLength: 80 }),
        fc.nat(),
        (input, cutSeed) => {
          const rows: Row[] = input.map(([k, ts, v]) => [k * 1_000_003, ts, v]);
          const cut = 1 + (cutSeed % (rows.length - 1));
          const whole = make();
          feed(whole.op, rows, 4, 5);

          const first = make();
          const w = feed(first.op, rows.slice(0, cut), 4, 5, -Infinity, false);
          const chunks: StateChunk[] = first.backend.snapshotChanged();
          const meta = JSON.parse(JSON.stringify(first.op.snapshotState())) as unknown;
          const second = make();
          second.backend.restore(chunks);
          second.op.restoreState(meta);
          // The layout of older checkpoints: every entry in its key group's namespace.
          const table = sessionTable(second.backend);
          for (const e of [...table.allEntries()]) {
            table.delete(e.ns, e.key);
            table.insert(keyGroupOf(e.key), e.key, e.value);
          }
          feed(second.op, rows.slice(cut), 4, 5, w);
          expect([...first.sink.rows, ...second.sink.rows]).toEqual(whole.sink.rows);
        },
      ),
      { numRuns: 300 },
    );
  });
});
