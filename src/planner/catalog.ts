import type { Column, Schema } from '../common/types.js';
import type { Expr, Ident, Query } from '../parser/ast.js';
import { EddyError, closest, type Span } from '../common/errors.js';
import { isBuiltinFunction } from './functions.js';
import type { UserFunction } from './user-functions.js';

/** A declared stream: its columns, its event-time watermark and its connector options. */
export interface StreamDef {
  readonly name: string;
  readonly schema: Schema;
  /** WATERMARK FOR <column> AS <expr>; absent when the stream has no event time. */
  readonly watermark?: { readonly column: string; readonly expr: Expr; readonly sql: string };
  /**
   * Computed columns (`name AS expr`), by their index in `schema`; `expr` reads the physical columns
   * (the others, in order). The source computes them as it reads (runtime/computed-columns.ts).
   */
  readonly computed?: readonly { readonly index: number; readonly expr: Expr; readonly sql: string }[];
  /** PRIMARY KEY (...) NOT ENFORCED: the key columns, in key order (the message key of 'upsert-kafka'). */
  readonly primaryKey?: readonly string[];
  /** PARTITIONED BY (...): the columns a 'filesystem' sink writes as `col=value/` directories, in order. */
  readonly partitionKeys?: readonly string[];
  /** WITH options, keys lower-cased. */
  readonly options: Readonly<Record<string, string>>;
  /** The CREATE STREAM text, so the catalog can be persisted and replayed. */
  readonly ddl: string;
}

/** A view: a named query, bound again wherever it is read (as a derived table). */
export interface ViewDef {
  readonly name: string;
  readonly query: Query;
  /** Column names given in CREATE VIEW v (a, b) AS ...; absent: the query's own. */
  readonly columns?: readonly Ident[];
  /** CREATE TEMPORARY VIEW: not saved in the state database. */
  readonly temporary: boolean;
  /** The CREATE VIEW text, for persisting and SHOW VIEWS. */
  readonly ddl: string;
}

/** What a name in FROM refers to. */
export type Relation = { readonly kind: 'stream'; readonly def: StreamDef } | { readonly kind: 'view'; readonly def: ViewDef };

/** Streams and views by name, in one namespace (as Flink's tables and views). Names are already normalized by the parser. */
export class Catalog {
  private readonly streams = new Map<string, StreamDef>();
  private readonly views = new Map<string, ViewDef>();
  /** User-defined functions by upper-case name (their own namespace, as in Flink). */
  private readonly functions = new Map<string, UserFunction>();

  /** Whether a stream or view has this name. */
  has(name: string): boolean {
    return this.streams.has(name) || this.views.has(name);
  }

  hasStream(name: string): boolean {
    return this.streams.has(name);
  }

  hasView(name: string): boolean {
    return this.views.has(name);
  }

  /** The stream `name`; UNKNOWN_STREAM (with a did-you-mean) when there is none, also for a view of that name. */
  get(name: string, span?: Span): StreamDef {
    const s = this.streams.get(name);
    if (s) return s;
    if (this.views.has(name)) {
      throw new EddyError('UNSUPPORTED', `'${name}' is a view, not a stream`, span, 'a view can only be read (SELECT ... FROM it); write into a stream instead');
    }
    throw this.unknown(name, span);
  }

  /** The stream or view `name` (for FROM). */
  relation(name: string, span?: Span): Relation {
    const s = this.streams.get(name);
    if (s) return { kind: 'stream', def: s };
    const v = this.views.get(name);
    if (v) return { kind: 'view', def: v };
    throw this.unknown(name, span);
  }

  view(name: string, span?: Span): ViewDef {
    const v = this.views.get(name);
    if (v) return v;
    const guess = closest(name, this.views.keys());
    throw new EddyError('UNKNOWN_STREAM', `unknown view '${name}'`, span, guess ? `did you mean '${guess}'?` : this.streams.has(name) ? `'${name}' is a stream: DROP STREAM ${name}` : 'SHOW VIEWS lists the views');
  }

  private unknown(name: string, span?: Span): EddyError {
    const names = [...this.streams.keys(), ...this.views.keys()];
    const guess = closest(name, names);
    return new EddyError(
      'UNKNOWN_STREAM',
      `unknown stream '${name}'`,
      span,
      guess ? `did you mean '${guess}'?` : names.length ? `known streams: ${[...this.streams.keys()].join(', ')}` : 'declare it first with CREATE STREAM',
    );
  }

  add(def: StreamDef, span?: Span): void {
    this.checkFree(def.name, span);
    this.streams.set(def.name, def);
  }

  addView(def: ViewDef, span?: Span): void {
    this.checkFree(def.name, span);
    this.views.set(def.name, def);
  }

  private checkFree(name: string, span?: Span): void {
    if (this.streams.has(name)) {
      throw new EddyError('STREAM_EXISTS', `stream '${name}' already exists`, span, 'use DROP STREAM first, or CREATE STREAM IF NOT EXISTS');
    }
    if (this.views.has(name)) {
      throw new EddyError('STREAM_EXISTS', `view '${name}' already exists`, span, 'use DROP VIEW first, or CREATE VIEW IF NOT EXISTS');
    }
  }

  drop(name: string, span?: Span): void {
    this.get(name, span);
    this.streams.delete(name);
  }

  dropView(name: string, span?: Span): void {
    this.view(name, span);
    this.views.delete(name);
  }

  list(): readonly StreamDef[] {
    return [...this.streams.values()];
  }

  /** The user-defined function a call names (case-insensitive, as Flink's), if any. */
  userFunction(name: string): UserFunction | undefined {
    return this.functions.get(name.toUpperCase());
  }

  /** Adds (or, for an API registration, replaces) a user-defined function; a built-in name is refused. */
  addFunction(fn: UserFunction, span?: Span, replace = false): void {
    const key = fn.name.toUpperCase();
    if (isBuiltinFunction(key)) throw new EddyError('STREAM_EXISTS', `'${fn.name}' is a built-in function`, span, 'give the function another name');
    if (!replace && this.functions.has(key)) throw new EddyError('STREAM_EXISTS', `function '${fn.name}' already exists`, span, 'use DROP FUNCTION first, or CREATE FUNCTION IF NOT EXISTS');
    this.functions.set(key, fn);
  }

  dropFunction(name: string, span?: Span): UserFunction {
    const fn = this.functions.get(name.toUpperCase());
    if (!fn) {
      const guess = closest(name, [...this.functions.values()].map((f) => f.name));
      throw new EddyError('UNKNOWN_FUNCTION', `unknown function '${name}'`, span, guess ? `did you mean '${guess}'?` : 'SHOW FUNCTIONS lists the user-defined functions');
    }
    this.functions.delete(name.toUpperCase());
    return fn;
  }

  listFunctions(): readonly UserFunction[] {
    return [...this.functions.values()];
  }

  listViews(): readonly ViewDef[] {
    return [...this.views.values()];
  }
}

export function schemaOf(columns: readonly Column[]): Schema {
  return { columns };
}
