import type { Column, Schema } from '../common/types.js';
import type { Expr } from '../parser/ast.js';
import { EddyError, closest, type Span } from '../common/errors.js';

/** A declared stream: its columns, its event-time watermark and its connector options. */
export interface StreamDef {
  readonly name: string;
  readonly schema: Schema;
  /** WATERMARK FOR <column> AS <expr>; absent when the stream has no event time. */
  readonly watermark?: { readonly column: string; readonly expr: Expr; readonly sql: string };
  /** WITH options, keys lower-cased. */
  readonly options: Readonly<Record<string, string>>;
  /** The CREATE STREAM text, so the catalog can be persisted and replayed. */
  readonly ddl: string;
}

/** Names of streams to their definitions. Names are already normalized by the parser. */
export class Catalog {
  private readonly streams = new Map<string, StreamDef>();

  has(name: string): boolean {
    return this.streams.has(name);
  }

  get(name: string, span?: Span): StreamDef {
    const s = this.streams.get(name);
    if (!s) {
      const guess = closest(name, this.streams.keys());
      throw new EddyError(
        'UNKNOWN_STREAM',
        `unknown stream '${name}'`,
        span,
        guess ? `did you mean '${guess}'?` : this.streams.size ? `known streams: ${[...this.streams.keys()].join(', ')}` : 'declare it first with CREATE STREAM',
      );
    }
    return s;
  }

  add(def: StreamDef, span?: Span): void {
    if (this.streams.has(def.name)) {
      throw new EddyError('STREAM_EXISTS', `stream '${def.name}' already exists`, span, 'use DROP STREAM first, or CREATE STREAM IF NOT EXISTS');
    }
    this.streams.set(def.name, def);
  }

  drop(name: string, span?: Span): void {
    this.get(name, span);
    this.streams.delete(name);
  }

  list(): readonly StreamDef[] {
    return [...this.streams.values()];
  }
}

export function schemaOf(columns: readonly Column[]): Schema {
  return { columns };
}
