import { resolve } from 'node:path';
import { isCollection, toApiValue } from './common/collection-types.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { EddyError } from './common/errors.js';
import { decimalParams, isDecimal, type Row, type Schema, type Value } from './common/types.js';
import { formatDecimal } from './common/exact.js';
import { parseScript } from './parser/index.js';
import { parseStatement } from './parser/index.js';
import { CheckpointStore } from './checkpoint/store.js';
import { connectorOf } from './connectors/registry.js';
import { parseDuration } from './runtime/settings.js';
import { Session, type StatementResult } from './runtime/session.js';
import type { TransientQuery } from './runtime/transient-query.js';
import type { PersistentQuery } from './runtime/persistent-query.js';
// prom-client is loaded only when metrics are served (a dynamic import below): it costs every start otherwise.
import type { MetricsServer } from './runtime/metrics.js';
import { arquero, loadArquero } from './common/arquero-lib.js';
import type { ColumnTable } from 'arquero';
import type { RegisterTableOptions } from './runtime/registered-tables.js';
import type { FunctionSpec } from './runtime/function-statements.js';

/** registerFunction's options: the SQL result type, and optionally the argument types and determinism. */
export type FunctionOptions = FunctionSpec;

export interface EddyOptions {
  /** Checkpoint database (SQLite file). Default ':memory:', meaning no checkpoints are kept. */
  readonly state?: string;
  /** How often persistent queries checkpoint, e.g. '1s' or 1000 (ms). */
  readonly checkpointInterval?: string | number;
  /** Discard saved state of persistent queries instead of resuming them. */
  readonly fresh?: boolean;
  /** Directory that relative connector paths resolve against (default: the working directory). */
  readonly baseDir?: string;
  /** Serve Prometheus metrics at http://127.0.0.1:<port>/metrics (0: any free port; see `metricsPort`). */
  readonly metricsPort?: number;
  /** Warnings (e.g. a damaged checkpoint that recovery skipped). Default: console.warn. */
  readonly onWarning?: (message: string) => void;
}

/** A result row of the embedding API: column name to value; TIMESTAMP columns are Dates. */
export type ResultRow = Record<string, Value | Date>;

/** What execute() reports for each statement. */
export type ExecuteResult =
  | { readonly kind: 'message'; readonly text: string }
  | { readonly kind: 'table'; readonly columns: readonly string[]; readonly rows: readonly (readonly Value[])[] }
  | { readonly kind: 'explain'; readonly text: string }
  | { readonly kind: 'query'; readonly queryId: string };

/**
 * A continuous SELECT's results as an async iterator of rows. Iterating starts it; `break` or
 * `return()` cancels it. Backpressure: the query pauses while unread rows pile up. A QueryResult is
 * one run of the query and iterates once: a second `for await` throws (run `eddy.query()` again
 * for a new run), and toArray() after a `break` or cancel() resolves with the rows the query had
 * read and the loop had not taken.
 */
export class QueryResult<T extends object = ResultRow> implements AsyncIterable<T> {
  private iterator: AsyncIterator<T> | null = null;

  constructor(
    private readonly query: TransientQuery,
    /** Output column names, in order. */
    readonly columns: readonly string[],
  ) {}

  get id(): string {
    return this.query.id;
  }

  /** Stops the query; a pending iteration ends (before iterating: it never starts). */
  cancel(): void {
    this.query.cancel();
  }

  /** Collects every row not yet taken (for queries over bounded input, or after cancel()). */
  async toArray(): Promise<T[]> {
    const it = this.iterator ?? this.open();
    const out: T[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) out.push(r.value);
    return out;
  }

  /**
   * The query's rows as an arquero table, one column per output column (TIMESTAMP columns as Dates,
   * an updating result's changes with op first, as iterated). For a bounded query (its input ends);
   * over unbounded input it waits for the end, or for cancel().
   */
  async toTable(): Promise<ColumnTable> {
    const rows = (await this.toArray()) as Record<string, unknown>[];
    const aq = await loadArquero();
    const data: Record<string, unknown[]> = {};
    for (const c of this.columns) data[c] = rows.map((r) => r[c] ?? null);
    return aq.table(data);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.iterator) {
      throw new EddyError('UNSUPPORTED', `query '${this.id}' was already iterated: a QueryResult iterates once`, undefined, 'call eddy.query(sql) again to run the query anew (or toArray() for the rows not yet taken)');
    }
    return this.open();
  }

  private open(): AsyncIterator<T> {
    const toResultRow = resultRowBuilder(this.query.schema) as unknown as (row: Row) => T;
    // Result batches as the query delivered them; rows become objects only when read.
    const batches: Row[][] = [];
    let batchAt = 0;
    let rowAt = 0;
    let queued = 0;
    let done = false;
    let failure: unknown = null;
    let wake: (() => void) | null = null;
    let drained: (() => void) | null = null;
    const HIGH_WATER = 10_000;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    const running = this.query
      .start(
        (rows) => {
          if (rows.length === 0) return;
          batches.push(rows);
          queued += rows.length;
          notify();
        },
        {
          afterRound: () => (queued > HIGH_WATER ? new Promise<void>((r) => (drained = r)) : undefined),
        },
      )
      .then(
        () => {
          done = true;
          notify();
        },
        (err: unknown) => {
          failure = err;
          done = true;
          notify();
        },
      );
    const take = (): Row => {
      const batch = batches[batchAt]!;
      const row = batch[rowAt++]!;
      if (rowAt === batch.length) {
        batches[batchAt++] = EMPTY;
        rowAt = 0;
        if (batchAt > 64 && batchAt * 2 > batches.length) {
          batches.splice(0, batchAt);
          batchAt = 0;
        }
      }
      queued--;
      return row;
    };
    const release = () => {
      const d = drained as (() => void) | null;
      drained = null;
      d?.();
    };
    const it: AsyncIterator<T> = {
      next: async (): Promise<IteratorResult<T>> => {
        for (;;) {
          if (queued > 0) {
            const value = toResultRow(take());
            if (queued < HIGH_WATER / 2) release();
            return { value, done: false };
          }
          if (failure) throw failure;
          if (done) return { value: undefined, done: true };
          // A cancelled query waiting for its reader to drain must be let go, or it never stops.
          release();
          await new Promise<void>((r) => (wake = r));
        }
      },
      return: async (): Promise<IteratorResult<T>> => {
        this.query.cancel();
        release();
        await running;
        return { value: undefined, done: true };
      },
    };
    this.iterator = it;
    return it;
  }
}

const EMPTY: Row[] = [];

/**
 * A function from an engine row to a result object, compiled per schema as one object literal so
 * every result row shares one hidden class; TIMESTAMP numbers become Dates, DECIMALs their exact
 * text with s fractional digits ("1.50"); a BIGINT is a number, or a BigInt beyond 2^53.
 */
function resultRowBuilder(schema: Schema): (row: Row) => ResultRow {
  // In a literal, a "__proto__" key would set the prototype: define that name as an own property.
  const fields = schema.columns.map((c, i) => {
    const v = `(r[${i}] ?? null)`;
    const key = c.name === '__proto__' ? '["__proto__"]' : JSON.stringify(c.name);
    if (isCollection(c.type)) return `${key}: api(${v}, ${JSON.stringify(c.type)})`;
    if (isDecimal(c.type)) return `${key}: (r[${i}] == null ? null : dec(r[${i}], ${decimalParams(c.type)!.scale}))`;
    return `${key}: ${c.type === 'TIMESTAMP' ? `(typeof r[${i}] === 'number' ? new Date(r[${i}]) : ${v})` : v}`;
  });
  return new Function('api', 'dec', `return function resultRow(r) { return { ${fields.join(', ')} }; };`)(toApiValue, formatDecimal) as (row: Row) => ResultRow;
}

/**
 * Eddy embedded in a program: declare streams, run continuous queries, push rows in, read results.
 *
 *   const eddy = await Eddy.open({ state: 'state.db', checkpointInterval: '1s' });
 *   await eddy.execute(`CREATE STREAM clicks (...) WITH ('connector'='memory')`);
 *   const q = eddy.query(`SELECT ... GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE)`);
 *   await eddy.insert('clicks', rows);
 *   for await (const row of q) { ... }
 *   await eddy.close();
 */
export class Eddy {
  private closing: Promise<void> | null = null;

  private constructor(
    /** @internal The runtime behind the API (tests and benchmarks reach in; not part of the public surface). */
    readonly session: Session,
    private readonly store: CheckpointStore | null,
    private readonly metrics: MetricsServer | null,
  ) {}

  /** The port /metrics is served on (the one the OS chose for metricsPort 0), or null without metrics. */
  get metricsPort(): number | null {
    return this.metrics?.port ?? null;
  }

  static async open(options: EddyOptions = {}): Promise<Eddy> {
    // registerTable() and snapshot() are synchronous and run on arquero: the API loads it here
    // (the CLI loads it only when a script creates a materialized view).
    await loadArquero();
    const statePath = options.state ?? ':memory:';
    let store: CheckpointStore | null = null;
    if (statePath !== ':memory:') {
      mkdirSync(dirname(resolve(statePath)), { recursive: true });
      store = await CheckpointStore.open(statePath);
    }
    const session = new Session({
      store,
      endMemoryWhenDrained: false,
      baseDir: resolve(options.baseDir ?? '.'),
      fresh: options.fresh ?? false,
      onWarning: options.onWarning ?? ((m) => console.warn(`warning: ${m}`)),
      ...(options.checkpointInterval !== undefined ? { checkpointIntervalMs: parseDuration(options.checkpointInterval, 'checkpointInterval') } : {}),
    });
    // One catalog per state database: the streams the shell and scripts saved are declared here too.
    await session.loadCatalog(parseStatement);
    let metrics: MetricsServer | null = null;
    if (options.metricsPort !== undefined) {
      try {
        const { startMetricsServer } = await import('./runtime/metrics.js');
        metrics = await startMetricsServer(session, options.metricsPort);
      } catch (e) {
        await store?.close();
        throw e;
      }
    }
    return new Eddy(session, store, metrics);
  }

  /** Every method after close() throws this (DESIGN.md §5). */
  private assertOpen(method: string): void {
    if (this.closing) throw new EddyError('CLOSED', `${method}() called after close()`, undefined, 'open a new instance with Eddy.open()');
  }

  /**
   * Runs each ;-separated statement. INSERT INTO / CREATE STREAM AS start persistent queries in the
   * background. A SELECT is refused before any statement runs (read it with query()).
   */
  async execute(sql: string): Promise<ExecuteResult[]> {
    this.assertOpen('execute');
    const statements = parseScript(sql);
    const select = statements.find((ps) => ps.stmt.kind === 'query');
    if (select) throw new EddyError('UNSUPPORTED', 'execute() does not run SELECT queries', select.span, 'use eddy.query(sql) to read a SELECT as an async iterator');
    const results: ExecuteResult[] = [];
    for (const ps of statements) {
      this.assertOpen('execute');
      const r: StatementResult = await this.session.execute(ps, { moduleDir: this.session.opts.baseDir });
      switch (r.kind) {
        case 'select':
          r.query.discard();
          throw new EddyError('INTERNAL', 'internal error: execute() ran a SELECT');
        case 'persistent':
          results.push({ kind: 'query', queryId: r.query.id });
          break;
        default:
          results.push(r);
      }
    }
    return results;
  }

  /** Plans a continuous SELECT; iterate the result (once) to run it. Throws EddyError at once on bad SQL. */
  query<T extends object = ResultRow>(sql: string): QueryResult<T> {
    this.assertOpen('query');
    const stmt = parseStatement(sql);
    if (stmt.kind !== 'query') {
      throw new EddyError('UNSUPPORTED', 'query() takes a SELECT statement', stmt.span, 'use eddy.execute(sql) for other statements');
    }
    const q = this.session.transientQuery(stmt.query, sql);
    return new QueryResult<T>(q, q.schema.columns.map((c) => c.name));
  }

  /**
   * Appends rows (objects keyed by column name, or an arquero table) to a 'memory' stream. Resolves
   * once the queries reading the stream have caught up to within a bounded backlog (or are not
   * reading), so a producer that awaits each insert runs at the pace of its queries. Plain objects
   * whose values are already of their columns' types are kept as they are, not copied, until the
   * queries have read them: do not modify an object after inserting it (insert a copy instead).
   */
  async insert(stream: string, rows: readonly object[] | ColumnTable): Promise<number> {
    this.assertOpen('insert');
    const def = this.memoryStream(stream, 'insert');
    if (this.session.registered.has(def.name)) {
      throw new EddyError('UNSUPPORTED', `'${def.name}' is a registered table: its rows are the table's`, undefined, `call registerTable('${def.name}', table) again to replace them`);
    }
    const n = this.session.memory.insert(def.name, def.schema, rows as never);
    // Backpressure: the queries reading the stream process the backlog before the caller inserts
    // more, instead of every row piling up (and aging into the old generation) first.
    await this.session.memory.catchUp(def.name);
    return n;
  }

  /**
   * Registers a bounded arquero table under `name`, readable wherever a stream is: as a join side
   * (a lookup table) of continuous queries, which read its rows and then see it end, and beside
   * materialized views in point-in-time queries (snapshot(), and SELECTs in execute()). Column
   * types come from the values (safe integers BIGINT, other numbers DOUBLE, strings VARCHAR,
   * booleans BOOLEAN, Dates TIMESTAMP) unless `opts.types` gives them. Registering a name again
   * replaces its rows (refused while a persistent query reads it). The table lives in this process:
   * it is not saved in the state database, and with one, persistent queries over it are refused.
   * Returns the registered (lower-case) name.
   */
  registerTable(name: string, table: ColumnTable, opts: RegisterTableOptions = {}): string {
    this.assertOpen('registerTable');
    return this.session.registerTable(name, table, opts);
  }

  /**
   * Registers a scalar JavaScript function callable from SQL wherever a built-in scalar is:
   * `eddy.registerFunction('count_char', (s, c) => ..., { returns: 'BIGINT', args: ['STRING', 'STRING'] })`.
   * Arguments arrive as JS values (TIMESTAMP as a Date, NULL as null); the result is converted to
   * `returns` (null/undefined is NULL). Without `args`, any arguments are passed as they are. A
   * dotted name ('com.example.CountChar') is the implementation of that Java class, which `CREATE
   * FUNCTION f AS 'com.example.CountChar'` then names. Registering a name again replaces it. The
   * function lives in this process: it is not saved in the state database (a module function,
   * CREATE FUNCTION ... LANGUAGE JAVASCRIPT, is).
   */
  registerFunction(name: string, fn: (...args: never[]) => unknown, options: FunctionOptions): void {
    this.assertOpen('registerFunction');
    this.session.registerFunction(name, fn as (...args: unknown[]) => unknown, options);
  }

  /** Marks a memory stream as ended: queries over it fire their last windows and finish. */
  end(stream: string): void {
    this.assertOpen('end');
    this.session.memory.end(this.memoryStream(stream, 'end').name);
  }

  /** A declared 'memory' stream, or an EddyError naming the nearest stream. */
  private memoryStream(stream: string, method: string): ReturnType<Session['catalog']['get']> {
    const def = this.session.catalog.get(stream.toLowerCase());
    if (connectorOf(def) !== 'memory') {
      throw new EddyError('UNSUPPORTED', `${method}() needs a 'memory' stream; '${def.name}' uses connector '${def.options['connector']}'`, undefined, "declare it WITH ('connector' = 'memory')");
    }
    return def;
  }

  /**
   * A point-in-time query (`SELECT ... FROM mv [WHERE] [GROUP BY] [LIMIT]` over one materialized
   * view) run once over the view's contents now, as an arquero table. It sees what the view's query
   * has processed so far: after insert(), await caughtUp(view) first to read your own writes.
   */
  snapshot(sql: string): ColumnTable {
    this.assertOpen('snapshot');
    const stmt = parseStatement(sql);
    const r = stmt.kind === 'query' ? this.session.pointInTime(stmt.query, { tablesOnly: true }) : null;
    if (!r) throw new EddyError('UNSUPPORTED', 'snapshot() takes a SELECT over materialized views and registered tables', stmt.span, 'CREATE MATERIALIZED VIEW mv AS SELECT ... (or eddy.registerTable) first; eddy.query(sql) runs a continuous SELECT');
    // TIMESTAMP columns as Dates, as query() gives them.
    const times = r.columns.filter((c) => c.type === 'TIMESTAMP').map((c) => c.name);
    if (times.length === 0) return r.table;
    const derived: Record<string, unknown> = {};
    // arquero is loaded: the view's creation loaded it.
    for (const name of times) derived[name] = arquero().escape((d: Record<string, unknown>) => (typeof d[name] === 'number' ? new Date(d[name] as number) : null));
    return r.table.derive(derived as never);
  }

  /**
   * Resolves once materialized view `view` reflects every row its inputs hold now (rows inserted
   * so far, a file to its current size): its query has read them and pushed them into the view.
   */
  async caughtUp(view: string): Promise<void> {
    this.assertOpen('caughtUp');
    const mv = this.session.materialized.get(view.toLowerCase()) ?? this.session.materialized.get(view);
    if (!mv) throw new EddyError('UNKNOWN_STREAM', `unknown materialized view '${view}'`, undefined, 'SHOW MATERIALIZED VIEWS lists them');
    await mv.caughtUp();
  }

  /** A persistent query started by execute(), to await or stop. */
  persistentQuery(id: string): PersistentQuery | undefined {
    this.assertOpen('persistentQuery');
    return this.session.persistent.get(id);
  }

  /**
   * Stops all queries (persistent ones with a final checkpoint), the metrics server and releases
   * the state database. Idempotent; once it resolves nothing of this instance keeps the process alive.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.session.close();
      await this.metrics?.close();
      await this.store?.close();
    })();
    return this.closing;
  }
}
