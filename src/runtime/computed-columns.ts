import type { Row, Schema } from '../common/types.js';
import type { StreamDef } from '../planner/catalog.js';
import { bindExpr } from '../planner/bind-expr.js';
import { refsOf } from '../planner/expr-refs.js';
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
  /** Whether the computed columns all follow the physical ones and the inner reader leaves them room in its rows. */
  private readonly inPlace: boolean;
  private readonly physicalWidth: number;
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
    this.physicalWidth = physical.columns.length;
    this.inPlace = inner.reserveTrailing !== undefined && this.fns.every((f, i) => f.index === this.physicalWidth + i);
    if (this.inPlace) inner.reserveTrailing!(this.fns.length);
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
    if (this.inPlace) {
      // Each computed value reads only physical columns, which the trailing slots leave where they are.
      const w = this.physicalWidth;
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r]!;
        for (let f = 0; f < fns.length; f++) row[w + f] = fns[f]!.fn(row) as Row[number];
      }
      return rows;
    }
    const out: Row[] = new Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const physical = rows[r]!;
      // One array of the full width, filled in declaration order (computed positions ascend):
      // a copy and a splice per computed column cost more than the rest of reading a row.
      const row: Row = new Array(physical.length + fns.length);
      let from = 0;
      let to = 0;
      for (let f = 0; f < fns.length; f++) {
        const { index, fn } = fns[f]!;
        while (to < index) row[to++] = physical[from++]!;
        row[to++] = fn(physical) as Row[number];
      }
      while (from < physical.length) row[to++] = physical[from++]!;
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

/**
 * The reader of `stream`'s rows with its computed columns: `open` reads the physical columns, this
 * adds the rest. `read` (stream columns) is what the query reads; `open` gets the physical columns
 * that takes, the computed ones' inputs included (undefined: all).
 */
export function withComputedColumns(
  stream: StreamDef,
  open: (physical: StreamDef, read: readonly number[] | undefined) => SourceReader,
  read?: readonly number[],
): SourceReader {
  if (!stream.computed) return open(stream, read);
  const physical = physicalStream(stream);
  return new ComputedColumnsReader(open(physical, read && physicalReads(stream, physical.schema, read)), stream, physical.schema);
}

/** The physical columns behind stream columns `read`: each physical one, and what each computed one's expression reads. */
function physicalReads(stream: StreamDef, physical: Schema, read: readonly number[]): number[] {
  const computed = new Map((stream.computed ?? []).map((c) => [c.index, c]));
  const scope = { schema: physical, qualifiers: [stream.name] };
  const out = new Set<number>();
  for (const i of read) {
    const c = computed.get(i);
    if (c) {
      for (const r of refsOf(bindExpr(c.expr, { scope, clause: 'a computed column' }))) out.add(r);
      continue;
    }
    // Physical columns keep their order: column i is preceded by the computed columns declared before it.
    let before = 0;
    for (const index of computed.keys()) if (index < i) before++;
    out.add(i - before);
  }
  return [...out].sort((a, b) => a - b);
}
