/**
 * A window join (Flink's WindowJoinOperator): the rows of the same window of both sides, joined
 * on the keys (which include window_start and window_end) when the window completes. INNER, LEFT,
 * RIGHT or FULL; or SEMI / ANTI (Flink's SemiAntiJoinOperator of window joins: each left row of
 * the window once, if some right row matches it / if none does; a NULL key matches nothing, so an
 * anti join emits it). Append-only.
 *
 * Each side's rows wait in keyed state under (namespace = window_end, key = join key), in arrival
 * order. When the combined watermark W reaches window_end - 1 (DESIGN.md §3 rule 3) the window's
 * rows are joined, in the left side's key and row order (then the right side's unmatched rows), and
 * freed; the watermark is forwarded after, so nothing emitted is late downstream. A row whose
 * window is already complete when it arrives is late: counted, routed to its stream's `$late`
 * side output when the plan has one, and dropped. A NULL key matches nothing: on an outer side
 * the row is emitted padded with its window, on an inner side dropped.
 */
import type { Row, Value } from '../../common/types.js';
import type { BoundExpr } from '../../planner/bound.js';
import type { PlanJoinType, WindowJoin } from '../../planner/plan.js';
import { rowBatch, type Batch } from '../batch.js';
import { compilePredicate, compileRowBuilder } from '../expr-compiler.js';
import { encodeKey, type StateKey } from '../key.js';
import { Operator, type LateRowOutput, type OperatorContext } from '../operator.js';
import type { KeyedStateTable } from '../state/keyed-state-table.js';
import { valuesCodec } from '../state/tagged-value.js';

export interface WindowJoinSpec {
  readonly uid: string;
  readonly joinType: PlanJoinType;
  readonly leftKeys: readonly BoundExpr[];
  readonly rightKeys: readonly BoundExpr[];
  readonly residual?: BoundExpr;
  readonly window: WindowJoin;
  readonly leftWidth: number;
  readonly rightWidth: number;
}

/** Where rows with a NULL key wait: a key no real key encodes to, never matched. */
const NULL_KEYED: StateKey = '\u0000null-key';

interface Side {
  readonly table: KeyedStateTable<Value[]>;
  readonly keys: (row: Row) => Row;
  readonly width: number;
  readonly end: number;
  readonly outer: boolean;
  readonly late: LateRowOutput | null;
}

export class WindowJoinOperator extends Operator {
  private readonly sides: readonly [Side, Side];
  private readonly residual: ((row: Row) => boolean) | null;
  /** Semi / anti: the left rows are emitted alone, with a match / without one. */
  private readonly filterOnly: 'semi' | 'anti' | null;
  private clock = -Infinity;
  private late = 0;

  constructor(spec: WindowJoinSpec, ctx: OperatorContext, late: readonly [LateRowOutput | null, LateRowOutput | null] = [null, null]) {
    super(spec.uid);
    const side = (name: string, keys: readonly BoundExpr[], width: number, end: number, outer: boolean, lateOut: LateRowOutput | null): Side => ({
      table: ctx.table(name, valuesCodec()),
      keys: compileRowBuilder(keys),
      width,
      end,
      outer,
      late: lateOut,
    });
    this.sides = [
      side('left', spec.leftKeys, spec.leftWidth, spec.window.leftEnd, spec.joinType === 'left' || spec.joinType === 'full' || spec.joinType === 'anti', late[0]),
      side('right', spec.rightKeys, spec.rightWidth, spec.window.rightEnd, spec.joinType === 'right' || spec.joinType === 'full', late[1]),
    ];
    this.residual = spec.residual ? compilePredicate(spec.residual) : null;
    this.filterOnly = spec.joinType === 'semi' || spec.joinType === 'anti' ? spec.joinType : null;
    this.declareGlobal({ clock: 'time', late: 'count' });
  }

  override get lateRows(): number {
    return this.late;
  }

  /** Rows held in state on both sides. */
  get liveRows(): number {
    let n = 0;
    for (const s of this.sides) for (const ns of s.table.namespaces()) for (const e of s.table.entries(ns)) n += e.value.length / s.width;
    return n;
  }

  processBatch(batch: Batch, input: number): void {
    if (batch.kind !== 'rows') return this.processBatch(rowBatch(batch.layout.toRows(batch.objects, 0, batch.objects.length), batch.wm), input);
    const me = this.sides[input]!;
    const { rows, wm } = batch;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const end = row[me.end] as number;
      const w = wm === null ? this.clock : wm[i]!;
      if (w >= end - 1) {
        this.late++;
        me.late?.(row, this.late);
        continue;
      }
      const keyValues = me.keys(row);
      const isNull = keyValues.includes(null);
      if (isNull && !me.outer) continue;
      const key = isNull ? NULL_KEYED : encodeKey(keyValues);
      const entry = me.table.get(end, key);
      if (entry === undefined) me.table.insert(end, key, row.slice());
      else {
        me.table.touch(entry);
        for (let c = 0; c < row.length; c++) entry.value.push(row[c]!);
      }
    }
  }

  override onWatermark(value: number): void {
    if (value <= this.clock) return;
    this.clock = value;
    this.fire(value);
    this.out.watermark(value);
  }

  override onEnd(): void {
    this.onWatermark(Infinity);
    this.out.end();
  }

  /** Joins and frees every window with end - 1 <= w, in window order. */
  private fire(w: number): void {
    const [l, r] = this.sides;
    const bound = w === Infinity ? Infinity : w + 1;
    const ends = [...new Set([...l.table.namespacesUpTo(bound), ...r.table.namespacesUpTo(bound)])].sort((a, b) => a - b);
    if (ends.length === 0) return;
    const out: Row[] = [];
    const pad = (s: Side): Value[] => new Array<Value>(s.width).fill(null);
    for (const end of ends) {
      const matchedRight = new Map<StateKey, Uint8Array>();
      for (const le of l.table.entries(end)) {
        const lv = le.value;
        const re = le.key === NULL_KEYED ? undefined : r.table.get(end, le.key);
        const rv = re?.value;
        const rn = rv === undefined ? 0 : rv.length / r.width;
        let flags: Uint8Array | undefined;
        if (rv !== undefined && r.outer) {
          flags = new Uint8Array(rn);
          matchedRight.set(le.key, flags);
        }
        for (let p = 0; p < lv.length; p += l.width) {
          let matched = false;
          for (let q = 0; q < rn; q++) {
            const row = [...lv.slice(p, p + l.width), ...rv!.slice(q * r.width, (q + 1) * r.width)];
            if (this.residual !== null && !this.residual(row)) continue;
            matched = true;
            if (this.filterOnly !== null) break;
            out.push(row);
            if (flags) flags[q] = 1;
          }
          if (this.filterOnly !== null) {
            if (matched === (this.filterOnly === 'semi')) out.push(lv.slice(p, p + l.width));
          } else if (!matched && l.outer) out.push([...lv.slice(p, p + l.width), ...pad(r)]);
        }
      }
      if (r.outer) {
        for (const re of r.table.entries(end)) {
          const flags = matchedRight.get(re.key);
          const rv = re.value;
          for (let q = 0; q < rv.length / r.width; q++) if (!flags || flags[q] === 0) out.push([...pad(l), ...rv.slice(q * r.width, (q + 1) * r.width)]);
        }
      }
      l.table.deleteNamespace(end);
      r.table.deleteNamespace(end);
    }
    if (out.length > 0) this.out.data(rowBatch(out));
  }
}
