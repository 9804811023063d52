import type { Row, Value } from '../../common/types.js';
import { asRowBatch, type Batch } from '../batch.js';
import { encodeKey } from '../key.js';
import { Operator, type OperatorContext } from '../operator.js';
import type { KeyedStateTable } from '../state/keyed-state-table.js';
import { valuesCodec } from '../state/tagged-value.js';

/** The whole view lives in one namespace. */
const NS = 0;
/** Slot 0 of a state value: how many times the row is in the view (a view is a multiset). */
const COUNT = 0;

/**
 * A materialized view's sink: folds its query's output into the view's current contents, kept as
 * this operator's keyed state (so checkpoints, incremental ones too, and restores cover it like
 * any other state). An updating input ('op' first) is folded by the changelog convention
 * (group-aggregate.ts): '+I' / '+U' add the row, '-U' / '-D' take it back; an append-only input
 * only adds. The state key is the whole row and the value its multiplicity: that is the upsert key
 * of every result (a GROUP BY's row contains its keys, and a '-U' always precedes its '+U'), and it
 * holds for results without a unique key too (an append-only stream with repeated rows, a join).
 */
export class ViewSinkOperator extends Operator {
  private readonly table: KeyedStateTable<Value[]>;
  /** Rows in the view, counting repeats. */
  private count = 0;
  /** Told every batch of changes folded in (as received: op first when updating), e.g. a continuous SELECT over the view. */
  changes: ((rows: readonly Row[]) => void) | null = null;

  constructor(
    uid: string,
    ctx: OperatorContext,
    /** Whether the input carries 'op' in column 0. */
    private readonly updating: boolean,
  ) {
    super(uid);
    this.table = ctx.table('rows', valuesCodec());
    this.declareGlobal({ count: 'count' });
  }

  processBatch(batch: Batch): void {
    const { rows } = asRowBatch(batch);
    if (rows.length > 0) this.changes?.(rows);
    const first = this.updating ? 1 : 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const values = first === 0 ? row : row.slice(first);
      const key = encodeKey(values);
      const takeBack = first === 1 && (row[0] === '-U' || row[0] === '-D');
      const entry = this.table.get(NS, key);
      if (takeBack) {
        // A retraction of a row the view does not hold (state dropped by a TTL upstream): nothing to take back.
        if (entry === undefined) continue;
        const n = (entry.value[COUNT] as number) - 1;
        this.count--;
        if (n <= 0) this.table.delete(NS, key);
        else {
          this.table.touch(entry);
          entry.value[COUNT] = n;
        }
        continue;
      }
      this.count++;
      if (entry === undefined) this.table.insert(NS, key, [1, ...values]);
      else {
        this.table.touch(entry);
        entry.value[COUNT] = (entry.value[COUNT] as number) + 1;
      }
    }
  }

  /** Rows in the view now (repeats counted). */
  get size(): number {
    return this.count;
  }

  /** The view's current contents, one row per occurrence, in no particular order (a copy: the caller may keep it). */
  contents(): Row[] {
    const out: Row[] = [];
    for (const e of this.table.entries(NS)) {
      const n = e.value[COUNT] as number;
      const row = e.value.slice(1);
      for (let k = 0; k < n; k++) out.push(k === 0 ? row : row.slice());
    }
    return out;
  }

  override onWatermark(): void {}
  override onIdle(): void {}
  override onBarrier(): void {}
  override onEnd(): void {}
}
