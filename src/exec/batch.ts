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

/** Control travels in-band with data as a closed union (Arroyo's SignalMessage). */
export type Signal =
  | { readonly kind: 'data'; readonly batch: Batch }
  | { readonly kind: 'watermark'; readonly value: number }
  | { readonly kind: 'barrier'; readonly checkpointId: number }
  | { readonly kind: 'end' };

/** Where an operator sends what it produces. */
export interface Collector {
  data(batch: Batch): void;
  watermark(value: number): void;
  barrier(checkpointId: number): void;
  end(): void;
}
