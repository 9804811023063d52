import type { Row } from '../common/types.js';
import type { PartialLookupCache } from '../planner/plan.js';

interface Entry {
  readonly rows: readonly Row[];
  readonly writtenAt: number;
}

/**
 * A lookup join's partial cache (Flink's DefaultLookupCache): at most `maxRows` keys, the least
 * recently used evicted first; a key's rows are used for `ttlMs` of processing time after they were
 * read (expire after write), then read again. Lives in memory only: a restored run starts empty.
 */
export class LookupRowCache {
  private readonly map = new Map<string, Entry>();

  constructor(
    private readonly spec: PartialLookupCache,
    private readonly now: () => number,
  ) {}

  /** The cached rows of `key`, or undefined when absent or expired. */
  get(key: string): readonly Row[] | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    if (this.now() - e.writtenAt >= this.spec.ttlMs) {
      this.map.delete(key);
      return undefined;
    }
    // Most recently used last.
    this.map.delete(key);
    this.map.set(key, e);
    return e.rows;
  }

  put(key: string, rows: readonly Row[]): void {
    if (rows.length === 0 && !this.spec.missingKeys) return;
    this.map.delete(key);
    this.map.set(key, { rows, writtenAt: this.now() });
    while (this.map.size > this.spec.maxRows) this.map.delete(this.map.keys().next().value!);
  }

  get size(): number {
    return this.map.size;
  }
}
