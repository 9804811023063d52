import type { Row } from '../common/types.js';
import type { SinkWriter } from './connector.js';

/** Flink's 'blackhole' connector: accepts every row and keeps none (the Nexmark queries' sink, for measuring). */
export class BlackholeSink implements SinkWriter {
  /** Rows received, for tests and status. */
  rows = 0;

  write(rows: readonly Row[]): void {
    this.rows += rows.length;
  }

  async flush(): Promise<void> {}

  cut(): { readonly position: unknown; readonly durable: Promise<void> } {
    return { position: null, durable: Promise.resolve() };
  }

  position(): unknown {
    return null;
  }

  async restore(): Promise<void> {}

  async close(): Promise<void> {}
}
