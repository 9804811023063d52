import type { BoundExpr } from '../bound.js';
import { isUpdatingLogical } from '../changelog.js';
import { mapRefs, refsOf } from '../expr-refs.js';
import type { LogicalPlan } from '../plan.js';
import { positions, type Pruned } from './pruned-node.js';

export type JoinNode = Extract<LogicalPlan, { kind: 'join' }>;

/**
 * Where a join's columns come from. Output: [op when updating, ...left data, ...right data] (semi/anti:
 * no right data); residual: the same, with the op slot only for a regular (not semi/anti) join.
 * Side rows: [op when that side is updating, ...data].
 */
export interface JoinLayout {
  readonly outOp: number;
  readonly residualOp: number;
  readonly leftOp: number;
  readonly rightOp: number;
  /** Data columns of the left side. */
  readonly leftData: number;
}

export function layoutOf(j: JoinNode): JoinLayout {
  const outOp = isUpdatingLogical(j) ? 1 : 0;
  const leftOp = isUpdatingLogical(j.left) ? 1 : 0;
  const semi = j.joinType === 'semi' || j.joinType === 'anti';
  return { outOp, residualOp: semi ? 0 : outOp, leftOp, rightOp: isUpdatingLogical(j.right) ? 1 : 0, leftData: j.left.schema.columns.length - leftOp };
}

/** A column of the output (or residual, `opSlots` = its op slot count) as a side column, or null for the op slot. */
export function sideColumn(i: number, opSlots: number, l: JoinLayout): { readonly left: boolean; readonly index: number } | null {
  if (i < opSlots) return null;
  const d = i - opSlots;
  return d < l.leftData ? { left: true, index: d + l.leftOp } : { left: false, index: d - l.leftData + l.rightOp };
}

const everyColumn = (p: LogicalPlan): number[] => p.schema.columns.map((_, i) => i);

/**
 * The columns of the left and right side that a join reads to produce its columns `need`: those
 * in `need`, its keys, the residual's, the time attributes of its bounds, windows or AS OF, each
 * side's op; every column of a side that `prunable` refuses.
 */
export function joinColumnNeeds(j: JoinNode, need: Iterable<number>, prunable: (side: LogicalPlan) => boolean): [number[], number[]] {
  const l = layoutOf(j);
  const left = new Set<number>(j.leftKeys.flatMap((k) => refsOf(k)));
  const right = new Set<number>(j.rightKeys.flatMap((k) => refsOf(k)));
  const add = (c: { readonly left: boolean; readonly index: number } | null): void => {
    if (c) (c.left ? left : right).add(c.index);
  };
  for (const i of need) add(sideColumn(i, l.outOp, l));
  if (j.residual) for (const i of refsOf(j.residual)) add(sideColumn(i, l.residualOp, l));
  const times = j.interval ?? j.temporal;
  if (times) {
    left.add(times.leftTime);
    right.add(times.rightTime);
  }
  if (j.window) {
    left.add(j.window.leftEnd);
    right.add(j.window.rightEnd);
  }
  if (l.leftOp) left.add(0);
  if (l.rightOp) right.add(0);
  const sorted = (s: Set<number>, side: LogicalPlan): number[] => (prunable(side) ? [...s].sort((a, b) => a - b) : everyColumn(side));
  return [sorted(left, j.left), sorted(right, j.right)];
}

/** A side narrowed to the columns `cols` (ascending): a projection over it when it produces more. */
function narrowed(side: Pruned, old: LogicalPlan, cols: readonly number[]): Pruned {
  if (side.kept.length === cols.length) return side;
  const at = positions(side, old.schema.columns.length);
  const exprs: BoundExpr[] = cols.map((c) => {
    const col = old.schema.columns[c]!;
    return { kind: 'inputRef', index: at(c), name: col.name, type: col.type };
  });
  return { plan: { kind: 'project', input: side.plan, exprs, schema: { columns: cols.map((c) => old.schema.columns[c]!) } }, kept: cols };
}

/** The join over its pruned sides, each narrowed to what the join reads of it (see joinColumnNeeds). */
export function pruneJoin(j: JoinNode, left: Pruned, right: Pruned, need: ReadonlySet<number>, prunable: (side: LogicalPlan) => boolean): Pruned {
  const [leftCols, rightCols] = joinColumnNeeds(j, need, prunable);
  const L = narrowed(left, j.left, leftCols);
  const R = narrowed(right, j.right, rightCols);
  if (L.plan === j.left && R.plan === j.right) return { plan: j, kept: everyColumn(j) };
  const l = layoutOf(j);
  const atL = positions(L, j.left.schema.columns.length);
  const atR = positions(R, j.right.schema.columns.length);
  const newLeftData = L.kept.length - l.leftOp;
  // A column of the output or residual (`opSlots` op slots first) at its new place.
  const moved =
    (opSlots: number) =>
    (i: number): number => {
      const c = sideColumn(i, opSlots, l);
      if (c === null) return i;
      return c.left ? opSlots + atL(c.index) - l.leftOp : opSlots + newLeftData + atR(c.index) - l.rightOp;
    };
  const semi = j.joinType === 'semi' || j.joinType === 'anti';
  const kept = [
    ...(l.outOp ? [0] : []),
    ...L.kept.filter((c) => c >= l.leftOp).map((c) => l.outOp + c - l.leftOp),
    ...(semi ? [] : R.kept.filter((c) => c >= l.rightOp).map((c) => l.outOp + l.leftData + c - l.rightOp)),
  ];
  const plan: JoinNode = {
    ...j,
    left: L.plan,
    right: R.plan,
    leftKeys: j.leftKeys.map((k) => mapRefs(k, atL)),
    rightKeys: j.rightKeys.map((k) => mapRefs(k, atR)),
    ...(j.residual ? { residual: mapRefs(j.residual, moved(l.residualOp)) } : {}),
    ...(j.interval ? { interval: { ...j.interval, leftTime: atL(j.interval.leftTime), rightTime: atR(j.interval.rightTime) } } : {}),
    ...(j.window ? { window: { leftEnd: atL(j.window.leftEnd), rightEnd: atR(j.window.rightEnd) } } : {}),
    ...(j.temporal ? { temporal: { leftTime: atL(j.temporal.leftTime), rightTime: atR(j.temporal.rightTime) } } : {}),
    schema: { columns: kept.map((c) => j.schema.columns[c]!) },
  };
  return { plan, kept };
}
