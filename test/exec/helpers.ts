import type { Row, SqlType, Value } from '../../src/common/types.js';
import type { AggCall, AggFn, BoundExpr } from '../../src/planner/bound.js';
import type { BinaryOp } from '../../src/parser/ast.js';
import type { LateRowOutput, OperatorContext } from '../../src/exec/operator.js';
import type { KeyedStateBackend } from '../../src/exec/state/index.js';
import type { WindowEmit } from '../../src/planner/plan.js';

/** Small constructors for hand-built bound expressions in tests. */
export const lit = (value: Value, type?: SqlType): BoundExpr => ({
  kind: 'literal',
  value,
  type: type ?? (value === null ? 'NULL' : typeof value === 'number' ? (Number.isInteger(value) ? 'INT' : 'DOUBLE') : typeof value === 'string' ? 'VARCHAR' : 'BOOLEAN'),
});
export const col = (index: number, type: SqlType, name = `c${index}`): BoundExpr => ({ kind: 'inputRef', index, name, type });

const CMP = new Set(['=', '<>', '<', '<=', '>', '>=', 'AND', 'OR']);
export const bin = (op: BinaryOp, left: BoundExpr, right: BoundExpr, type?: SqlType): BoundExpr => ({
  kind: 'binary',
  op,
  left,
  right,
  type: type ?? (CMP.has(op) ? 'BOOLEAN' : op === '||' ? 'VARCHAR' : left.type === 'NULL' ? right.type : left.type),
});
export const not = (operand: BoundExpr): BoundExpr => ({ kind: 'unary', op: 'NOT', operand, type: 'BOOLEAN' });
export const neg = (operand: BoundExpr): BoundExpr => ({ kind: 'unary', op: '-', operand, type: operand.type });
export const call = (fn: string, args: BoundExpr[], type: SqlType): BoundExpr => ({ kind: 'call', fn, args, type });
export const cast = (operand: BoundExpr, type: SqlType): BoundExpr => ({ kind: 'cast', operand, type });

export const agg = (fn: AggFn, arg?: BoundExpr, extra: Partial<AggCall> = {}): AggCall => ({
  fn,
  arg,
  distinct: false,
  type: fn === 'COUNT' || fn === 'COUNT_STAR' ? 'BIGINT' : (arg?.type ?? 'BIGINT'),
  display: `${fn}(${arg ? 'x' : '*'})`,
  ...extra,
});

/**
 * DESIGN.md §3 rule 1 over one batch, written out plainly (the reference for the engine's compiled
 * compileWatermarkLoop, and the tests' driver loops): `wm[i]` is the watermark before row i, and
 * `after` the watermark after the batch. W = max(W, wmFn(row)); NULL values do not advance W.
 */
export function computeWatermarks<R = Row>(rows: readonly R[], wmFn: (row: R) => unknown, current: number): { wm: Float64Array; after: number } {
  const wm = new Float64Array(rows.length);
  let w = current;
  for (let i = 0; i < rows.length; i++) {
    wm[i] = w;
    const v = wmFn(rows[i]!);
    if (typeof v === 'number' && v > w) w = v;
  }
  return { wm, after: w };
}

/** An operator context over `backend` for operator `uid`, with a clock and a late-row output as the emit options of a test give them. */
export function contextFor(backend: KeyedStateBackend, uid: string, opts: { readonly now?: () => number; readonly onLateRow?: LateRowOutput | null } = {}): OperatorContext {
  return { table: (name, codec) => backend.table(uid, name, codec), now: opts.now ?? Date.now, lateRows: opts.onLateRow ?? null };
}

/** The plan's part of a test's window emit options (allowed lateness, early fire). */
export function planEmit(emit: Partial<WindowEmit>): WindowEmit {
  return { allowedLatenessMs: emit.allowedLatenessMs ?? 0, earlyFireDelayMs: emit.earlyFireDelayMs ?? 0 };
}
