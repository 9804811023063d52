/**
 * An event-time temporal join (`JOIN rates FOR SYSTEM_TIME AS OF o.ts`), after Flink's
 * TemporalRowTimeJoinOperator: each left row joins the version of the right (versioned) table's
 * key valid at the left row's time, the right row with the greatest time <= it. INNER or LEFT;
 * append-only output [...left columns, ...right columns].
 *
 * Left rows wait in keyed state (table 'left', per key a flat array of (time, seq, ...columns))
 * until the combined watermark W reaches their time: only then are all versions up to it known.
 * At each watermark the waiting rows with time <= W are joined in (time, seq) order and freed; an
 * unmatched row of a LEFT join is emitted null-padded. Right rows are versions (table 'right', per
 * key (time, live, ...columns) in time order): +I/+U make a version, -D ends the key's current one
 * (live = 0), -U is ignored (its +U follows), as Flink's versioned table. When a version arrives and
 * when a key's rows are joined, the key keeps only the versions newer than W and the one valid at W
 * (Flink's cleanup): state holds the waiting left rows and, per key, the versions a future row can need.
 * A left row whose time is NULL never joins (LEFT: emitted padded at once); a NULL key matches nothing.
 * A left row arriving with time <= W is joined at the next watermark against what is still kept (as in Flink).
 */
import type { Row, Value } from '../../common/types.js';
import type { BoundExpr } from '../../planner/bound.js';
import { rowBatch, type Batch } from '../batch.js';
import { compilePredicate, compileRowBuilder } from '../expr-compiler.js';
import { encodeKey, type StateKey } from '../key.js';
import { Operator, type OperatorContext } from '../operator.js';
import type { KeyedStateTable } from '../state/keyed-state-table.js';
import { valuesCodec } from '../state/tagged-value.js';

export interface TemporalJoinSpec {
  readonly uid: string;
  readonly outer: boolean;
  readonly leftKeys: readonly BoundExpr[];
  readonly rightKeys: readonly BoundExpr[];
  /** Over the output row [...left, ...right]. */
  readonly residual?: BoundExpr;
  /** The left row's AS OF time column, the right row's time attribute column (right indices include its op when updating). */
  readonly leftTime: number;
  readonly rightTime: number;
  readonly leftWidth: number;
  readonly rightWidth: number;
  readonly rightUpdating: boolean;
}

const NS = 0;
const HEAD = 2;
const NULL_KEY = encodeKey([null]);

export class TemporalJoinOperator extends Operator {
  private readonly left: KeyedStateTable<Value[]>;
  private readonly right: KeyedStateTable<Value[]>;
  private readonly leftKeys: (row: Row) => Row;
  private readonly rightKeys: (row: Row) => Row;
  private readonly residual: ((row: Row) => boolean) | null;
  private readonly spec: TemporalJoinSpec;
  private clock = -Infinity;
  private seq = 0;
  /** Keys with left rows waiting (not state: rebuilt after a restore). */
  private waiting = new Set<StateKey>();

  constructor(spec: TemporalJoinSpec, ctx: OperatorContext) {
    super(spec.uid);
    this.spec = spec;
    this.left = ctx.table('left', valuesCodec());
    this.right = ctx.table('right', valuesCodec());
    this.leftKeys = compileRowBuilder(spec.leftKeys);
    this.rightKeys = compileRowBuilder(spec.rightKeys);
    this.residual = spec.residual ? compilePredicate(spec.residual) : null;
    this.declareGlobal({ clock: 'time', seq: 'count' });
  }

  /** Stored rows: waiting left rows plus kept versions. */
  get liveRows(): number {
    let n = 0;
    for (const e of this.left.entries(NS)) n += e.value.length / (HEAD + this.spec.leftWidth);
    for (const e of this.right.entries(NS)) n += e.value.length / (HEAD + this.spec.rightWidth);
    return n;
  }

  processBatch(batch: Batch, input: number): void {
    if (batch.kind !== 'rows') return this.processBatch(rowBatch(batch.layout.toRows(batch.objects, 0, batch.objects.length), batch.wm), input);
    const out: Row[] = [];
    for (const row of batch.rows) {
      if (input === 0) this.addLeft(row, out);
      else this.addRight(row);
    }
    if (out.length > 0) this.out.data(rowBatch(out));
  }

  private addLeft(row: Row, out: Row[]): void {
    const { leftWidth, leftTime, outer } = this.spec;
    const t = row[leftTime];
    if (t === null || t === undefined) {
      if (outer) out.push(this.joined(row, 0, null, 0));
      return;
    }
    const keys = this.leftKeys(row);
    const key = keys.some((v) => v === null) ? NULL_KEY : encodeKey(keys);
    const entry = this.left.get(NS, key);
    const rec: Value[] = [t as number, this.seq++];
    for (let c = 0; c < leftWidth; c++) rec.push(row[c]!);
    if (entry === undefined) this.left.insert(NS, key, rec);
    else {
      this.left.touch(entry);
      entry.value.push(...rec);
    }
    this.waiting.add(key);
  }

  private addRight(row: Row): void {
    const { rightWidth, rightTime, rightUpdating } = this.spec;
    const from = rightUpdating ? 1 : 0;
    const op = rightUpdating ? (row[0] as string) : '+I';
    if (op === '-U') return;
    const t = row[rightTime];
    const keys = this.rightKeys(row);
    if (t === null || t === undefined || keys.some((v) => v === null)) return;
    const key = encodeKey(keys);
    const rec: Value[] = [t as number, op === '-D' ? 0 : 1];
    for (let c = 0; c < rightWidth; c++) rec.push(row[from + c]!);
    const entry = this.right.get(NS, key);
    if (entry === undefined) this.right.insert(NS, key, rec);
    else {
      this.right.touch(entry);
      // Versions in time order; an equal time replaces the version (the later row wins).
      const v = entry.value;
      const step = HEAD + rightWidth;
      let p = v.length;
      while (p > 0 && (v[p - step] as number) > (t as number)) p -= step;
      if (p > 0 && v[p - step] === t) v.splice(p - step, step, ...rec);
      else v.splice(p, 0, ...rec);
    }
    this.cleanKey(key, this.clock);
  }

  override onWatermark(value: number): void {
    if (value > this.clock) {
      this.clock = value;
      this.fire(value);
    }
    this.out.watermark(value);
  }

  /** End of input: W becomes +infinity (DESIGN.md §3 rule 5), so every waiting left row is joined. */
  override onEnd(): void {
    this.onWatermark(Infinity);
    this.out.end();
  }

  /** Joins and frees every waiting left row with time <= w, in (time, seq) order. */
  private fire(w: number): void {
    const { leftWidth } = this.spec;
    const step = HEAD + leftWidth;
    const ready: { t: number; seq: number; row: Value[]; key: StateKey }[] = [];
    for (const key of [...this.waiting]) {
      const entry = this.left.get(NS, key);
      if (entry === undefined) {
        this.waiting.delete(key);
        continue;
      }
      const v = entry.value;
      const kept: Value[] = [];
      for (let p = 0; p < v.length; p += step) {
        if ((v[p] as number) <= w) ready.push({ t: v[p] as number, seq: v[p + 1] as number, row: v.slice(p + HEAD, p + step), key });
        else for (let c = 0; c < step; c++) kept.push(v[p + c]!);
      }
      if (kept.length === v.length) continue;
      if (kept.length === 0) {
        this.left.delete(NS, key);
        this.waiting.delete(key);
      } else {
        this.left.touch(entry);
        entry.value = kept;
      }
    }
    if (ready.length === 0) return;
    ready.sort((a, b) => a.t - b.t || a.seq - b.seq);
    const out: Row[] = [];
    for (const r of ready) {
      const version = r.key === NULL_KEY ? -1 : this.versionAt(r.key, r.t);
      const rv = version >= 0 ? this.right.get(NS, r.key)!.value : null;
      if (rv !== null) {
        const joined = this.joined(r.row, 0, rv, version + HEAD);
        if (this.residual === null || this.residual(joined)) {
          out.push(joined);
          continue;
        }
      }
      if (this.spec.outer) out.push(this.joined(r.row, 0, null, 0));
    }
    for (const r of ready) if (r.key !== NULL_KEY) this.cleanKey(r.key, w);
    if (out.length > 0) this.out.data(rowBatch(out));
  }

  /** Offset of the key's live version valid at t (greatest time <= t), or -1. */
  private versionAt(key: StateKey, t: number): number {
    const entry = this.right.get(NS, key);
    if (entry === undefined) return -1;
    const v = entry.value;
    const step = HEAD + this.spec.rightWidth;
    let found = -1;
    for (let p = 0; p < v.length && (v[p] as number) <= t; p += step) found = p;
    return found >= 0 && v[found + 1] === 1 ? found : -1;
  }

  /**
   * Drops the key's versions older than the one valid at w (and a deletion valid at w). Run when a
   * version arrives and when the key's rows are joined, so what is kept is a function of the input
   * alone (the same after a restore).
   */
  private cleanKey(key: StateKey, w: number): void {
    const step = HEAD + this.spec.rightWidth;
    const entry = this.right.get(NS, key);
    if (entry === undefined) return;
    const v = entry.value;
    let valid = -1;
    for (let p = 0; p < v.length && (v[p] as number) <= w; p += step) valid = p;
    const from = valid >= 0 && v[valid + 1] === 0 ? valid + step : valid; // a deletion valid at w: nothing up to it is needed
    if (from <= 0) return;
    if (from >= v.length) {
      this.right.delete(NS, key);
      return;
    }
    this.right.touch(entry);
    entry.value = v.slice(from);
  }

  private joined(left: readonly Value[], at: number, right: readonly Value[] | null, rightAt: number): Row {
    const row: Row = [];
    for (let c = 0; c < this.spec.leftWidth; c++) row.push(left[at + c]!);
    for (let c = 0; c < this.spec.rightWidth; c++) row.push(right === null ? null : right[rightAt + c]!);
    return row;
  }

  protected override afterRestore(): void {
    this.waiting = new Set([...this.left.entries(NS)].map((e) => e.key));
  }
}
