import type { ErrorCode } from '../common/errors.js';
import type { Row, Schema } from '../common/types.js';

/** What ParallelJsonFileSource's worker is started with. */
export interface WorkerStart {
  readonly schema: Schema;
  readonly fullPath: string;
  /** The path as written in the WITH clause: messages show this one. */
  readonly displayPath: string;
  readonly onError: 'fail' | 'skip';
  readonly offset: { readonly byte: number; readonly line: number };
  readonly max: number;
  readonly chunkSize: number;
}

/** A batch (its offset is the position after its last line), the end of the file, or the error that stopped the read. Counts are cumulative. */
export type WorkerMessage =
  | { readonly kind: 'rows'; readonly rows: Row[]; readonly offset: WorkerStart['offset']; readonly skipped: number; readonly samples: readonly string[] }
  | { readonly kind: 'end'; readonly offset: WorkerStart['offset']; readonly skipped: number; readonly samples: readonly string[] }
  | { readonly kind: 'error'; readonly code: ErrorCode; readonly message: string; readonly hint: string | undefined };
