import type { ObjectLayout } from '../common/object-layout.js';
import type { Row } from '../common/types.js';

/**
 * Rows flowing between operators, in one of two forms (one batch type, tagged):
 * - `rows`: row arrays in the producing node's schema;
 * - `objects`: source rows still held as the objects an embedding host inserted (see ObjectLayout),
 *   uncopied; only operators that read them (Operator.readsObjects) receive this form, the graph
 *   converts it for the others.
 *
 * `wm[i]` is the watermark of the stream just before row i (DESIGN.md §3 rule 4: lateness is judged
 * against it); operators that drop or reorder rows keep `wm` aligned with the rows. `wm` is null
 * when every row is at the stream's current watermark (what an aggregate emits).
 */
export type Batch = RowBatch | ObjectBatch;

export interface RowBatch {
  readonly kind: 'rows';
  readonly rows: Row[];
  readonly wm: Float64Array | null;
}

export interface ObjectBatch {
  readonly kind: 'objects';
  readonly objects: readonly object[];
  readonly layout: ObjectLayout;
  readonly wm: Float64Array | null;
}

export const rowBatch = (rows: Row[], wm: Float64Array | null = null): RowBatch => ({ kind: 'rows', rows, wm });

export const objectBatch = (objects: readonly object[], layout: ObjectLayout, wm: Float64Array | null): ObjectBatch => ({ kind: 'objects', objects, layout, wm });

/** Number of rows in a batch. */
export const batchLength = (b: Batch): number => (b.kind === 'rows' ? b.rows.length : b.objects.length);

/** The batch as row arrays (object rows are copied into row arrays). */
export function asRowBatch(b: Batch): RowBatch {
  return b.kind === 'rows' ? b : rowBatch(b.layout.toRows(b.objects, 0, b.objects.length), b.wm);
}

/** The batch's rows in whatever form it holds them. */
export const batchRows = (b: Batch): readonly unknown[] => (b.kind === 'rows' ? b.rows : b.objects);

/** The rows at `keep` (ascending indexes) of a batch, with their watermarks, in the batch's form. */
export function selectRows(b: Batch, keep: readonly number[]): Batch {
  const wm = b.wm === null ? null : Float64Array.from(keep, (i) => b.wm![i]!);
  if (b.kind === 'rows') return rowBatch(keep.map((i) => b.rows[i]!), wm);
  return objectBatch(keep.map((i) => b.objects[i]!), b.layout, wm);
}

/**
 * Control travels in-band with data as a closed union (Arroyo's SignalMessage): data, a rising
 * watermark, a change of idleness (an idle input stops holding back the watermark of the
 * operators downstream of it, DESIGN.md §3 rule 6), a checkpoint barrier, and the end of input.
 */
export type Signal =
  | { readonly kind: 'data'; readonly batch: Batch }
  | { readonly kind: 'watermark'; readonly value: number }
  | { readonly kind: 'idle'; readonly idle: boolean }
  | { readonly kind: 'barrier'; readonly checkpointId: number }
  | { readonly kind: 'end' };

/** Where an operator sends what it produces: one method per Signal kind. */
export interface Output {
  data(batch: Batch): void;
  watermark(value: number): void;
  idle(idle: boolean): void;
  barrier(checkpointId: number): void;
  end(): void;
}
