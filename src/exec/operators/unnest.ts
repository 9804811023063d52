import type { Row, Value } from '../../common/types.js';
import type { UnnestSpec } from '../../planner/plan.js';
import { asRowBatch, rowBatch, type Batch } from '../batch.js';
import { compileExpr } from '../expr-compiler.js';
import { Operator } from '../operator.js';

/**
 * `CROSS JOIN UNNEST(collection)`, stateless: each input row once per element of its collection,
 * the element's columns (the element; a ROW element's fields; a MAP entry's key and value) and
 * the 1-based ordinality appended. A NULL or empty collection gives no row, or (outer) one row
 * with NULL element columns. The op column of an updating input is copied, so +I expands to +I
 * rows and -U/-D to as many retractions of the same rows. Watermarks pass through (the default).
 */
export class UnnestOperator extends Operator {
  private readonly collection: (row: Row, wm?: number) => Value;

  constructor(
    uid: string,
    private readonly spec: UnnestSpec,
  ) {
    super(uid);
    this.collection = compileExpr(spec.collection);
  }

  processBatch(batch: Batch): void {
    const { rows, wm } = asRowBatch(batch);
    const out: Row[] = [];
    const outWm: number[] = [];
    const { expand, ordinality, outer, width } = this.spec;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const c = wm === null ? this.collection(row) : this.collection(row, wm[i]!);
      const before = out.length;
      if (c instanceof Map) {
        let n = 0;
        for (const [k, v] of c) {
          const r = row.slice();
          r.push(k, v);
          if (ordinality) r.push(++n);
          out.push(r);
        }
      } else if (Array.isArray(c)) {
        for (let e = 0; e < c.length; e++) {
          const r = row.slice();
          const x = c[e]!;
          if (expand === 'rowFields') {
            // A NULL row element gives NULL fields (Flink's UNNEST of ARRAY<ROW> does the same).
            for (let f = 0; f < width; f++) r.push(x === null ? null : ((x as Value[])[f] ?? null));
          } else r.push(x);
          if (ordinality) r.push(e + 1);
          out.push(r);
        }
      }
      if (outer && out.length === before) {
        const r = row.slice();
        for (let f = 0; f < width + (ordinality ? 1 : 0); f++) r.push(null);
        out.push(r);
      }
      if (wm !== null) for (let k = before; k < out.length; k++) outWm.push(wm[i]!);
    }
    if (out.length > 0) this.out.data(rowBatch(out, wm === null ? null : Float64Array.from(outWm)));
  }
}
