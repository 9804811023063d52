import type { Row } from '../../src/common/types.js';
import { contextFor, planEmit } from './helpers.js';
import { CollectSink } from '../../src/exec/operators/collect.js';
import { WindowAggregateOperator } from '../../src/exec/operators/window-aggregate.js';
import { KeyedStateBackend } from '../../src/exec/state/index.js';
import type { WindowEmitOptions } from '../../src/exec/windows/emit-options.js';
import { specFor } from './windows/harness.js';
import { runRigWithRestore } from './late-changelog-harness.js';

/** A SESSION(gap) operator over [k, ts, v] with the op column (updating changelog), collecting into `sink`. */
export function makeSessionChangelogOp(gap: number, emit: Partial<WindowEmitOptions>, backend = new KeyedStateBackend()): { op: WindowAggregateOperator; sink: CollectSink; backend: KeyedStateBackend } {
  const op = new WindowAggregateOperator({ ...specFor({ kind: 'session', gap }), emit: planEmit(emit), changelog: 'updating' }, contextFor(backend, 'agg1', emit));
  const sink = new CollectSink();
  op.connect(sink);
  return { op, sink, backend };
}

/**
 * Applies a session changelog to a table keyed by (key, start, end), checking it is well formed:
 * +I only for an absent row; -U and -D only for the present row, exactly; -U immediately followed
 * by the +U of the same group key (its window may differ: a session grows). Returns the rows.
 */
export function materializeSessions(changes: readonly Row[]): Map<string, Row> {
  const table = new Map<string, Row>();
  const id = (row: Row): string => JSON.stringify(row.slice(0, 3));
  const remove = (row: Row, i: number): void => {
    if (JSON.stringify(table.get(id(row))) !== JSON.stringify(row)) throw new Error(`${String(changes[i]![0])} ${JSON.stringify(row)} does not retract ${JSON.stringify(table.get(id(row)))} at ${i}`);
    table.delete(id(row));
  };
  for (let i = 0; i < changes.length; i++) {
    const [op, ...row] = changes[i]!;
    if (op === '+I') {
      if (table.has(id(row))) throw new Error(`+I for a present row ${id(row)} at ${i}`);
      table.set(id(row), row);
    } else if (op === '-D') {
      remove(row, i);
    } else if (op === '-U') {
      remove(row, i);
      const next = changes[i + 1];
      if (next?.[0] !== '+U' || next[1] !== row[0]) throw new Error(`-U not followed by its +U at ${i}`);
      const after = next.slice(1);
      if (table.has(id(after))) throw new Error(`+U onto another present row ${id(after)} at ${i + 1}`);
      table.set(id(after), after);
      i++;
    } else throw new Error(`unexpected change ${String(op)} at ${i}`);
  }
  return table;
}

/** Rows of a materialized table, sorted by (key, start, end). */
export const sortedRows = (m: Map<string, Row>): Row[] => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);

/** Snapshots after each batch before the cut, restores into a fresh operator, runs the rest (see runRigWithRestore). */
export function runSessionChangelogWithRestore(gap: number, emit: Partial<WindowEmitOptions>, rows: readonly Row[], size: number, delay: number, cutSeed: number): { rows: Row[]; late: number } {
  return runRigWithRestore(() => makeSessionChangelogOp(gap, emit), rows, size, delay, cutSeed);
}

/** [k, start, end, COUNT(*), SUM(v), MAX(v)] of one session's rows. */
function aggregate(gap: number, key: Row[number], rows: readonly Row[]): Row {
  const ts = rows.map((r) => r[1] as number);
  const vs = rows.map((r) => r[2]).filter((v): v is number => v !== null);
  return [key, Math.min(...ts), Math.max(...ts) + gap, rows.length, vs.length ? vs.reduce((a, b) => a + b, 0) : null, vs.length ? Math.max(...vs) : null];
}

/**
 * The allowed-lateness rule of SESSION(gap) over [k, ts, v] rows, row by row, sessions as row
 * sets: a row with ts + gap - 1 + allowed <= W that meets no live session of its key is late;
 * any other merges every live session its [ts, ts + gap) overlaps or touches (as Flink). After the row W advances and
 * every session with end - 1 + allowed <= W is purged: its rows are final. At the end every live
 * session is final. Returns the final sessions (what the changelog must fold to) and the late rows.
 */
export function referenceSessions(gap: number, rows: readonly Row[], delay: number, allowed: number): { table: Row[]; late: Row[] } {
  let w = -Infinity;
  const late: Row[] = [];
  let live: { key: Row[number]; rows: Row[]; start: number; end: number }[] = [];
  const final: Row[] = [];
  for (const r of rows) {
    const ts = r[1] as number | null;
    if (ts === null) continue;
    const hit = live.filter((s) => s.key === r[0] && ts <= s.end && s.start <= ts + gap);
    if (ts + gap - 1 + allowed <= w && hit.length === 0) {
      late.push(r);
      continue;
    }
    live = live.filter((s) => !hit.includes(s));
    const merged = [...hit.flatMap((s) => s.rows), r];
    live.push({ key: r[0]!, rows: merged, start: Math.min(...merged.map((x) => x[1] as number)), end: Math.max(...merged.map((x) => x[1] as number)) + gap });
    w = Math.max(w, ts - delay);
    for (const s of live) if (s.end - 1 + allowed <= w) final.push(aggregate(gap, s.key, s.rows));
    live = live.filter((s) => s.end - 1 + allowed > w);
  }
  for (const s of live) final.push(aggregate(gap, s.key, s.rows));
  const id = (x: Row): string => JSON.stringify(x.slice(0, 3));
  return { table: final.sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0)), late };
}
