import type { StateChunk } from '../../../src/checkpoint/types.js';
import { rowBatch } from '../../../src/exec/batch.js';
import type { Row } from '../../../src/common/types.js';
import { compileExpr } from '../../../src/exec/expr-compiler.js';
import type { Operator } from '../../../src/exec/operator.js';
import { CollectSink } from '../../../src/exec/operators/collect.js';
import { WindowAggregateOperator, type WindowAggregateSpec } from '../../../src/exec/operators/window-aggregate.js';
import { KeyedStateBackend } from '../../../src/exec/state/index.js';
import type { WindowSpec } from '../../../src/planner/bound.js';
import { agg, bin, col, computeWatermarks, contextFor, lit } from '../helpers.js';

/** Input rows of the window operator tests: [key VARCHAR, ts TIMESTAMP, v INT]; output [key, start, end, COUNT(*), SUM(v), MAX(v)]. */
export type WindowOp = WindowAggregateOperator;

export function specFor(window: WindowSpec): WindowAggregateSpec {
  return {
    uid: 'agg1',
    window,
    timeIndex: 1,
    keys: [col(0, 'VARCHAR')],
    aggs: [agg('COUNT_STAR'), agg('SUM', col(2, 'INT')), agg('MAX', col(2, 'INT'))],
  };
}

export function makeOp(window: WindowSpec, backend = new KeyedStateBackend()): { op: WindowOp; sink: CollectSink; backend: KeyedStateBackend } {
  const s = specFor(window);
  const ctx = contextFor(backend, s.uid);
  const op = new WindowAggregateOperator(s, ctx);
  const sink = new CollectSink();
  op.connect(sink);
  return { op, sink, backend };
}

/** WATERMARK FOR ts AS ts - delay. */
export const wmFnFor = (delay: number): ((row: Row) => unknown) => compileExpr(bin('-', col(1, 'TIMESTAMP'), lit(delay, 'INTERVAL'), 'TIMESTAMP'));

/** The driver loop: batches of `size`, a watermark signal after each batch that raised it, end at the end. */
export function feed(op: Operator, rows: readonly Row[], size: number, delay: number, w0 = -Infinity, end = true): number {
  const wmFn = wmFnFor(delay);
  let w = w0;
  for (let i = 0; i < rows.length; i += size) {
    const batch = rows.slice(i, i + size);
    const { wm, after } = computeWatermarks(batch, wmFn, w);
    op.processBatch(rowBatch(batch, wm), 0);
    if (after > w) op.onWatermark(after);
    w = after;
  }
  if (end) op.onEnd();
  return w;
}

export function runOnce(window: WindowSpec, rows: readonly Row[], size: number, delay: number): { rows: Row[]; late: number; nullTime: number } {
  const { op, sink } = makeOp(window);
  feed(op, rows, size, delay);
  return { rows: sink.rows, late: op.lateRows, nullTime: op.nullTimeRows };
}

/**
 * Runs `rows` in batches of `size`, snapshotting (incrementally) after every batch before `cut`,
 * then restores the chunks and meta into a fresh backend and operator and runs the rest: returns
 * the output of both halves and the final counters.
 */
export function runWithRestore(window: WindowSpec, rows: readonly Row[], size: number, delay: number, cutSeed: number): { rows: Row[]; late: number; nullTime: number } {
  const nBatches = Math.ceil(rows.length / size);
  const cut = (cutSeed % Math.max(1, nBatches)) * size;
  const first = makeOp(window);
  const chunks: StateChunk[] = [];
  let w = -Infinity;
  for (let i = 0; i < cut; i += size) {
    w = feed(first.op, rows.slice(i, i + size), size, delay, w, false);
    chunks.push(...first.backend.snapshotChanged());
  }
  const meta = JSON.parse(JSON.stringify(first.op.snapshotState())) as unknown;
  const second = makeOp(window);
  second.backend.restore(chunks);
  second.op.restoreState(meta);
  feed(second.op, rows.slice(cut), size, delay, w);
  return { rows: [...first.sink.rows, ...second.sink.rows], late: second.op.lateRows, nullTime: second.op.nullTimeRows };
}

/** Rows as sorted JSON strings (a multiset). */
export const multiset = (rows: readonly Row[]): string[] => rows.map((r) => JSON.stringify(r)).sort();
