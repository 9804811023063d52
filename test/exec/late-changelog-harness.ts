import type { StateChunk } from '../../src/checkpoint/types.js';
import type { Row } from '../../src/common/types.js';
import { CollectSink } from '../../src/exec/operators/collect.js';
import { WindowAggregateOperator } from '../../src/exec/operators/window-aggregate.js';
import { KeyedStateBackend } from '../../src/exec/state/index.js';
import type { WindowEmitOptions } from '../../src/exec/windows/emit-options.js';
import type { WindowSpec } from '../../src/planner/bound.js';
import { feed, specFor } from './windows/harness.js';
import type { Operator } from '../../src/exec/operator.js';
import { contextFor, planEmit } from './helpers.js';

export function makeChangelogOp(window: WindowSpec, emit: Partial<WindowEmitOptions>, backend = new KeyedStateBackend()): { op: WindowAggregateOperator; sink: CollectSink; backend: KeyedStateBackend } {
  const op = new WindowAggregateOperator({ ...specFor(window), emit: planEmit(emit), changelog: 'updating' }, contextFor(backend, 'agg1', emit));
  const sink = new CollectSink();
  op.connect(sink);
  return { op, sink, backend };
}

/**
 * Applies a changelog to a table keyed by (key, start, end), checking it is well formed: +I only
 * for an absent row, -U equal to the current row and followed by its +U.
 */
export function materialize(changes: readonly Row[]): Map<string, Row> {
  const table = new Map<string, Row>();
  for (let i = 0; i < changes.length; i++) {
    const [op, ...row] = changes[i]!;
    const id = JSON.stringify(row.slice(0, 3));
    if (op === '+I') {
      if (table.has(id)) throw new Error(`+I for a present row ${id} at ${i}`);
      table.set(id, row);
    } else if (op === '-U') {
      if (JSON.stringify(table.get(id)) !== JSON.stringify(row)) throw new Error(`-U ${JSON.stringify(row)} does not retract ${JSON.stringify(table.get(id))} at ${i}`);
      const next = changes[i + 1];
      if (next?.[0] !== '+U' || JSON.stringify(next.slice(1, 4)) !== JSON.stringify(row.slice(0, 3))) throw new Error(`-U not followed by its +U at ${i}`);
      table.set(id, next.slice(1));
      i++;
    } else throw new Error(`unexpected change ${String(op)} at ${i}`);
  }
  return table;
}

/** A changelog operator under test with its output and state. */
export interface ChangelogRig {
  readonly op: Operator;
  readonly sink: CollectSink;
  readonly backend: KeyedStateBackend;
}

/** Snapshots (incrementally) after each batch before the cut, restores chunks and meta into a fresh rig, runs the rest. */
export function runRigWithRestore(make: () => ChangelogRig, rows: readonly Row[], size: number, delay: number, cutSeed: number): { rows: Row[]; late: number } {
  const nBatches = Math.ceil(rows.length / size);
  const cut = (cutSeed % Math.max(1, nBatches)) * size;
  const first = make();
  const chunks: StateChunk[] = [];
  let w = -Infinity;
  for (let i = 0; i < cut; i += size) {
    w = feed(first.op, rows.slice(i, i + size), size, delay, w, false);
    chunks.push(...first.backend.snapshotChanged());
  }
  const meta = JSON.parse(JSON.stringify(first.op.snapshotState())) as unknown;
  const second = make();
  second.backend.restore(chunks);
  second.op.restoreState(meta);
  feed(second.op, rows.slice(cut), size, delay, w);
  return { rows: [...first.sink.rows, ...second.sink.rows], late: second.op.lateRows };
}

/** Like the harness's runWithRestore, for a changelog window operator. */
export function runChangelogWithRestore(window: WindowSpec, emit: Partial<WindowEmitOptions>, rows: readonly Row[], size: number, delay: number, cutSeed: number): { rows: Row[]; late: number } {
  return runRigWithRestore(() => makeChangelogOp(window, emit), rows, size, delay, cutSeed);
}
