import type { ObjectLayout } from '../common/object-layout.js';
import type { Row } from '../common/types.js';

/**
 * A batch of rows flowing between operators. `wm[i]` is the stream's watermark just before row i
 * arrived at the source (DESIGN.md §3 rule 4: lateness is judged against it); operators that drop
 * or reorder rows keep `wm` aligned with `rows`. `wm` is null downstream of an aggregation.
 */
export interface Batch {
  readonly rows: Row[];
  readonly wm: Float64Array | null;
}

/**
 * A batch of source rows still held as the objects an embedding host inserted (see ObjectLayout):
 * only operators that read such rows (Operator.processObjects) receive one; `wm` as in Batch.
 */
export interface ObjectBatch {
  readonly objects: readonly object[];
  readonly layout: ObjectLayout;
  readonly wm: Float64Array | null;
}

/** Control travels in-band with data as a closed union (Arroyo's SignalMessage). */
export type Signal =
  | { readonly kind: 'data'; readonly batch: Batch }
  | { readonly kind: 'watermark'; readonly value: number }
  | { readonly kind: 'barrier'; readonly checkpointId: number }
  | { readonly kind: 'end' };

/** Where an operator sends what it produces. */
export interface Collector {
  data(batch: Batch): void;
  /** Present when the receiver reads object batches; otherwise a sender converts them to rows (ObjectLayout.toRows) first. */
  readonly objects?: (batch: ObjectBatch) => void;
  watermark(value: number): void;
  barrier(checkpointId: number): void;
  end(): void;
}
