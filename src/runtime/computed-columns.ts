import type { Row, Schema } from '../common/types.js';
import type { StreamDef } from '../planner/catalog.js';
import { bindExpr } from '../planner/bind-expr.js';
import { compileExpr } from '../exec/expr-compiler.js';
import type { SourceReader } from '../connectors/connector.js';

import { physicalStream } from '../planner/stream-def.js';

/**
 * A source reader that adds a stream's computed columns (`ts AS TO_TIMESTAMP(...)`) to the rows its
 * connector reads, at their declared positions, before the source operator stamps watermarks, so a
 * WATERMARK may be declared on a computed column as in Flink. The offset is the inner reader's: the
 * computed values are a pure function of the row, so a replay recomputes them identically.
 */
export class ComputedColumnsReader implements SourceReader {
  private readonly fns: readonly { readonly index: number; readonly fn: (row: Row) => unknown }[];
  // Present only when the inner reader has them: their presence is what the source operator tests.
  readonly readable?: () => Promise<void>;
  readonly splits?: () => readonly string[];

  constructor(
    private readonly inner: SourceReader,
    stream: StreamDef,
    physical: Schema,
  ) {
    const { readable, splits } = inner;
    if (readable) this.readable = () => readable.call(inner);
    if (splits) this.splits = () => splits.call(inner);
    const scope = { schema: physical, qualifiers: [stream.name] };
    this.fns = [...(stream.computed ?? [])]
      .sort((a, b) => a.index - b.index)
      .map((c) => ({ index: c.index, fn: compileExpr(bindExpr(c.expr, { scope, clause: 'a computed column' })) }));
  }

  get bounded(): boolean {
    return this.inner.bounded;
  }

  get skippedRows(): number {
    return this.inner.skippedRows;
  }

  get skippedSamples(): readonly string[] | undefined {
    return this.inner.skippedSamples;
  }

  get lastSplit(): string | undefined {
    return this.inner.lastSplit;
  }

  get splitIdleTimeoutMs(): number | undefined {
    return this.inner.splitIdleTimeoutMs;
  }

  async read(max: number): Promise<Row[] | null> {
    const rows = await this.inner.read(max);
    if (rows === null) return null;
    const fns = this.fns;
    const out: Row[] = new Array<Row>(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const physical = rows[r]!;
      // A new row (the inner reader's may be shared, e.g. a memory log's): physical values in
      // order, each computed column at its declared position (ascending, so earlier insertions
      // have already shifted the later positions into place).
      const width = physical.length + fns.length;
      const row: Row = new Array(width);
      let p = 0;
      let f = 0;
      for (let c = 0; c < width; c++) {
        const computed = f < fns.length && fns[f]!.index === c ? fns[f++]! : null;
        row[c] = computed === null ? physical[p++]! : (computed.fn(physical) as Row[number]);
      }
      out[r] = row;
    }
    return out;
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

/** The reader of `stream`'s rows with its computed columns: `open` reads the physical columns, this adds the rest. */
export function withComputedColumns(stream: StreamDef, open: (physical: StreamDef) => SourceReader): SourceReader {
  if (!stream.computed) return open(stream);
  const physical = physicalStream(stream);
  return new ComputedColumnsReader(open(physical), stream, physical.schema);
}
