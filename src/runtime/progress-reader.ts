import type { Row } from '../common/types.js';
import type { SourceProgress, SourceReader } from '../connectors/connector.js';

/**
 * A file reader that also says how far through its file it is: the byte offset it would resume
 * from (its checkpoint offset) of the file's size when opened. Wrapping here, where the session
 * opens sources, keeps byte counting out of every connector.
 */
export class ProgressReader implements SourceReader {
  constructor(
    private readonly inner: SourceReader,
    private readonly totalBytes: number,
  ) {}

  get bounded(): boolean {
    return this.inner.bounded;
  }

  get skippedRows(): number {
    return this.inner.skippedRows;
  }

  get skippedSamples(): readonly string[] | undefined {
    return this.inner.skippedSamples;
  }

  get progress(): SourceProgress {
    const at = (this.inner.offset() as { byte?: unknown } | null)?.byte;
    return { bytesRead: typeof at === 'number' ? Math.min(at, this.totalBytes) : 0, totalBytes: this.totalBytes };
  }

  read(max: number): Promise<Row[] | null> {
    return this.inner.read(max);
  }

  offset(): unknown {
    return this.inner.offset();
  }

  seek(offset: unknown): Promise<void> {
    return this.inner.seek(offset);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
