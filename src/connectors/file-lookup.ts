import type { Row, Value } from '../common/types.js';
import type { LookupReader, SourceReader } from './connector.js';

/**
 * The lookup side of a bounded file table ('filesystem' or 'file', CSV or JSON): the whole file is
 * read into memory on the first lookup and indexed by the key columns (Flink's legacy CSV lookup
 * source, which Nexmark q13's side input uses, does the same). The file is read once per run, so
 * a change to it shows in the next run (or, with a full cache, at its next reload: scanAll reads the
 * file afresh).
 */
export class FileLookup implements LookupReader {
  private index: Promise<Map<string, Row[]>> | null = null;

  constructor(
    private readonly open: () => SourceReader,
    private readonly keyColumns: readonly number[],
  ) {}

  private load(): Promise<Map<string, Row[]>> {
    this.index ??= (async () => {
      const map = new Map<string, Row[]>();
      for (const row of await this.scanAll()) {
        const key = this.keyColumns.map((c) => row[c] ?? null);
        if (key.some((v) => v === null)) continue; // a NULL key is never equal to anything
        const id = JSON.stringify(key);
        const list = map.get(id);
        if (list) list.push(row);
        else map.set(id, [row]);
      }
      return map;
    })();
    return this.index;
  }

  async scanAll(): Promise<Row[]> {
    const reader = this.open();
    const all: Row[] = [];
    try {
      for (;;) {
        const rows = await reader.read(4096);
        if (rows === null) break;
        for (const row of rows) all.push(row);
      }
    } finally {
      await reader.close();
    }
    return all;
  }

  async lookup(keys: readonly (readonly Value[])[]): Promise<Row[][]> {
    const map = await this.load();
    return keys.map((k) => (k.some((v) => v === null) ? [] : (map.get(JSON.stringify(k)) ?? [])));
  }

  close(): Promise<void> {
    this.index = null;
    return Promise.resolve();
  }
}
