import { streamProctimes } from '../planner/time-attributes.js';
import { EddyError, assertNever } from '../common/errors.js';
import { typeName, type Row, type Schema, type Value } from '../common/types.js';
import type { ParsedStatement } from '../parser/index.js';
import type { CreateStreamAsStmt, FromItem, Query, Statement } from '../parser/ast.js';
import { Catalog, type StreamDef } from '../planner/catalog.js';
import { castForTarget } from '../planner/dml.js';
import { isUpdatingLogical } from '../planner/changelog.js';
import type { PhysicalPlan } from '../planner/plan.js';
import {
  bindInsertValues,
  bindQuery,
  bindStreamDef,
  deriveStreamSchema,
  explain,
  optimize,
  planFingerprint,
  toPhysical,
} from '../planner/index.js';
import { compileExpr } from '../exec/expr-compiler.js';
import { MemoryStreams } from '../connectors/memory-source.js';
import { connectorOf, createLookup, createSink, createSource, validateStreamOptions } from '../connectors/registry.js';
import type { SinkWriter } from '../connectors/connector.js';
import type { CheckpointStore } from '../checkpoint/store.js';
import { CheckpointCoordinator } from '../checkpoint/coordinator.js';
import type { CheckpointInfo } from '../checkpoint/types.js';
import { Settings, parseDuration } from './settings.js';
import type { LateRowSink, RunDeps, RunOptions } from './running-query.js';
import { TransientQuery } from './transient-query.js';
import { planSources } from '../planner/plan-walk.js';
import { withSink } from '../planner/physical.js';
import { PersistentQuery } from './persistent-query.js';
import { createView, describeView, dropView, showViews, type ViewDeps } from './view-statements.js';
import { MaterializedView, materializedColumns } from './materialized-views.js';
import { queryStreams, relationsRead } from './query-streams.js';
import type { ColumnTable } from 'arquero';
import { registeredColumns, type RegisterTableOptions } from './registered-tables.js';
import { toRows } from '../connectors/memory-source.js';
import { runPointInTime, type PointInTimeResult } from './point-in-time.js';
import { loadArquero } from '../common/arquero-lib.js';
import type { CreateViewStmt, DropViewStmt } from '../parser/ast.js';
import { isResumable, persistentQueryId, queryName, sinkKeyOf, type SinkWriteMode } from './sink-ownership.js';
import type { FreshStart } from '../connectors/connector.js';
import { withUserFunctions } from '../planner/bind-expr.js';
import { createFunction, dropFunction, loadSavedFunction, registerFunction, showFunctions, type FunctionDeps, type FunctionSpec } from './function-statements.js';
import { withFileProgress } from './file-progress.js';
import { sinkInput } from './sink-changes.js';
import { withComputedColumns } from './computed-columns.js';
import type { DeadLetter } from '../connectors/file-source.js';
import { CheckpointStats } from './checkpoint-stats.js';
import { atOption } from './option-spans.js';
import { describeQuery, rowsPerSecond, watermarkLag } from './describe-query.js';

/** What executing one statement produced. */
export type StatementResult =
  | { readonly kind: 'message'; readonly text: string }
  | { readonly kind: 'table'; readonly columns: readonly string[]; readonly rows: readonly (readonly Value[])[] }
  | { readonly kind: 'explain'; readonly text: string }
  | { readonly kind: 'select'; readonly query: TransientQuery }
  | { readonly kind: 'persistent'; readonly query: PersistentQuery };

export interface SessionOptions {
  readonly store: CheckpointStore | null;
  /** Memory streams end when drained (scripts: `eddy -f`, `-e`) instead of waiting for more rows. */
  readonly endMemoryWhenDrained: boolean;
  /** Relative file paths in WITH options resolve against this directory. */
  readonly baseDir: string;
  /** Discard existing state of persistent queries instead of resuming (--fresh). */
  readonly fresh: boolean;
  readonly onWarning: (message: string) => void;
  /** Progress messages (a query resumed from a checkpoint ...). */
  readonly onInfo?: (message: string) => void;
  /** Each committed checkpoint (the CLI's --verbose prints them). */
  readonly onCheckpoint?: (info: CheckpointInfo, pauseMs: number) => void;
  readonly checkpointIntervalMs?: number;
  /** Processing-time clock for early fire (tests inject one); Date.now by default. */
  readonly now?: () => number;
}

/**
 * One user's view of Eddy: the catalog, settings and running queries, and the dispatcher that
 * executes parsed statements. Shared by the REPL, the `eddy` command and the embedding API.
 */
export class Session {
  readonly catalog = new Catalog();
  readonly settings = new Settings();
  readonly memory = new MemoryStreams();
  readonly persistent = new Map<string, PersistentQuery>();
  readonly transient = new Map<string, TransientQuery>();
  /** CREATE MATERIALIZED VIEW: each maintained by one of `persistent` (src/runtime/materialized-views.ts). */
  readonly materialized = new Map<string, MaterializedView>();
  /** Tables registered by eddy.registerTable: bounded memory streams of this process (registered-tables.ts). */
  readonly registered = new Set<string>();
  private transientSeq = 0;
  /** Dead-lettered rows already delivered, per stream (see deadLetterOf). */
  private readonly deadLettered = new Map<string, Set<string>>();
  /** The id execute() was asked to resume a statement under (the shell resuming its queries). */
  private resumeAs: string | undefined;
  /** Checkpoints completed and failed per query in this process (DESCRIBE QUERY, /metrics). */
  readonly checkpointStats = new CheckpointStats();

  /** Told of every status change of a persistent query (the shell reports failures and restarts as they happen). */
  onQueryStatus: ((q: PersistentQuery) => void) | undefined;

  constructor(readonly opts: SessionOptions) {
    if (opts.checkpointIntervalMs !== undefined) this.settings.set('checkpoint.interval', `${opts.checkpointIntervalMs}ms`);
  }

  /** Reloads the streams saved in the state database (so the REPL's catalog survives restarts). */
  async loadCatalog(parse: (sql: string) => Statement): Promise<void> {
    if (!this.opts.store) return;
    for (const { ddl } of await this.opts.store.listStreams()) {
      const stmt = parse(ddl);
      if (stmt.kind === 'createView') {
        // Bound when read, not now: a view over a stream dropped since stays listed and fails with a clear error when read.
        if (!this.catalog.has(stmt.name.name)) this.catalog.addView({ name: stmt.name.name, query: stmt.query, ...(stmt.columns ? { columns: stmt.columns } : {}), temporary: false, ddl });
        continue;
      }
      if (stmt.kind === 'createFunction') {
        // A module moved or broken since: the function is left out (a query calling it fails to plan, naming it).
        await loadSavedFunction(stmt, ddl, this.catalog).catch((e: unknown) => this.opts.onWarning(`function '${stmt.name.name}' of the catalog was not loaded: ${(e as Error).message}`));
        continue;
      }
      if (stmt.kind !== 'createStream') continue;
      const def = this.withFunctions(() => bindStreamDef(stmt, ddl, (id) => this.catalog.get(id.name, id.span)));
      if (!this.catalog.has(def.name)) this.catalog.add(def);
      this.addLateStream(def);
      this.addErrorStream(def);
    }
  }

  /** Executes one statement. Continuous queries are returned unstarted (SELECT) or already running (persistent). */
  async execute(ps: ParsedStatement, opts: { readonly queryId?: string; readonly moduleDir?: string } = {}): Promise<StatementResult> {
    const stmt = ps.stmt;
    this.resumeAs = opts.queryId;
    switch (stmt.kind) {
      case 'createStream': {
        if (stmt.ifNotExists && (this.catalog.has(stmt.name.name) || this.materialized.has(stmt.name.name))) return msg(`'${stmt.name.name}' already exists.`);
        if (this.materialized.has(stmt.name.name)) throw nameTakenByView(stmt.name.name, stmt.name.span);
        const def = atOption(stmt.options, stmt.name.span, () => this.withFunctions(() => bindStreamDef(stmt, ps.text, (id) => this.catalog.get(id.name, id.span))));
        // One catalog per state database: a script run again (or the shell, the API) declaring a
        // saved stream the same way finds it there; a different definition is refused below.
        const saved = this.catalog.has(def.name) ? this.catalog.get(def.name) : undefined;
        if (saved && sameDdl(saved.ddl, ps.text)) return msg(`Stream '${def.name}' already exists with this definition.`);
        if (saved && this.opts.store) {
          throw new EddyError('STREAM_EXISTS', `stream '${def.name}' already exists in the state database with another definition`, stmt.name.span, `the catalog of '${this.opts.store.db.path}' is shared by every shell, script and program on it: DROP STREAM ${def.name} first, or use another --state (':memory:' keeps a private catalog)`);
        }
        atOption(stmt.options, stmt.name.span, () => {
          validateStreamOptions(def);
          if (def.options['allowed-lateness'] !== undefined) parseDuration(def.options['allowed-lateness'], "option 'allowed-lateness'");
          if (def.options[IDLE_TIMEOUT_OPTION] !== undefined) parseDuration(def.options[IDLE_TIMEOUT_OPTION], `option '${IDLE_TIMEOUT_OPTION}'`);
        });
        this.catalog.add(def, stmt.name.span);
        this.addLateStream(def);
        this.addErrorStream(def);
        await this.opts.store?.saveStream(def.name, ps.text);
        return msg(`Stream '${def.name}' created.`);
      }
      case 'createStreamAs':
        return this.createStreamAs(stmt, ps, this.takeQueryId(`csas_${stmt.name.name}`, ps.text));
      case 'createView':
        if (stmt.materialized) return this.createMaterializedView(stmt, ps.text);
        if (this.materialized.has(stmt.name.name)) throw materializedExists(stmt.name.name, stmt.name.span);
        return msg(await createView(stmt, ps.text, this.viewDeps()));
      case 'dropView':
        if (stmt.materialized) return msg(await this.dropMaterializedView(stmt));
        return msg(await dropView(stmt, this.viewDeps()));
      case 'createFunction':
        return msg(await createFunction(stmt, this.functionDeps(opts.moduleDir)));
      case 'dropFunction':
        return msg(await dropFunction(stmt, this.functionDeps(opts.moduleDir)));
      case 'dropStream': {
        if (stmt.ifExists && !this.catalog.has(stmt.name.name)) return msg(`Stream '${stmt.name.name}' does not exist.`);
        this.catalog.get(stmt.name.name, stmt.name.span);
        for (const q of this.persistent.values()) {
          if (isActive(q) && (planReads(q.plan, stmt.name.name) || q.sinkName === stmt.name.name)) {
            throw new EddyError('UNSUPPORTED', `stream '${stmt.name.name}' is used by running query '${q.id}'`, stmt.name.span, `TERMINATE ${q.id} first`);
          }
        }
        await this.checkNotUsedElsewhere(stmt.name.name, stmt.name.span);
        this.catalog.drop(stmt.name.name, stmt.name.span);
        for (const side of [lateStreamName(stmt.name.name), `${stmt.name.name}${ERRORS_SUFFIX}`]) {
          if (this.catalog.has(side) && this.catalog.get(side).ddl === '') {
            this.catalog.drop(side);
            this.memory.drop(side);
          }
        }
        this.deadLettered.delete(stmt.name.name);
        if (this.registered.delete(stmt.name.name)) this.memory.drop(stmt.name.name);
        await this.opts.store?.dropStream(stmt.name.name);
        return msg(`Stream '${stmt.name.name}' dropped.`);
      }
      case 'query': {
        const views = this.pointInTimeViews(stmt.query);
        if (views) {
          // A script reads the views once their queries have read the input there is (deterministic output); the shell, as they are now.
          if (this.opts.endMemoryWhenDrained) for (const mv of views) await mv.caughtUp();
          const r = this.pointInTime(stmt.query)!;
          return { kind: 'table', columns: r.columns.map((c) => c.name), rows: r.table.objects().map((o) => r.columns.map((c) => (o as Record<string, Value>)[c.name] ?? null)) };
        }
        return { kind: 'select', query: this.transientQuery(stmt.query, ps.text) };
      }
      case 'insertSelect': {
        const target = this.catalog.get(stmt.target.name, stmt.target.span);
        const plan = this.plan(stmt.query, this.catalog, target);
        const id = this.takeQueryId(`insert_${stmt.overwrite ? 'overwrite' : 'into'}_${target.name}`, ps.text);
        const changes = sinkInput(plan, target, id, stmt.query.span) === 'changes';
        return { kind: 'persistent', query: await this.startPersistent(id, ps.text, plan, target, stmt.overwrite ? 'overwrite' : 'append', stmt.target.span, changes) };
      }
      case 'insertValues': {
        const target = this.catalog.get(stmt.target.name, stmt.target.span);
        if (stmt.overwrite) throw new EddyError('UNSUPPORTED', 'INSERT OVERWRITE ... VALUES is not supported', stmt.target.span, 'INSERT INTO appends the rows; INSERT OVERWRITE takes a SELECT');
        if (connectorOf(target) !== 'memory') {
          throw new EddyError('UNSUPPORTED', `INSERT INTO ... VALUES needs a 'memory' stream; '${target.name}' uses connector '${target.options['connector']}'`, stmt.target.span, "declare the stream WITH ('connector' = 'memory')");
        }
        const rows: Row[] = bindInsertValues(stmt, target).map((exprs) => exprs.map((e) => compileExpr(e)([])));
        this.memory.append(target.name, rows);
        return msg(`Inserted ${rows.length} row${rows.length === 1 ? '' : 's'} into '${target.name}'.`);
      }
      case 'set': {
        if (stmt.key === undefined) return { kind: 'table', columns: ['key', 'value'], rows: this.settings.entries() };
        atOption([], stmt.span, () => this.settings.set(stmt.key!, stmt.value ?? ''));
        return msg(`Set '${stmt.key}' = '${stmt.value}'.`);
      }
      case 'reset':
        this.settings.reset(stmt.key);
        return msg(stmt.key === undefined ? 'All settings reset to their defaults.' : `Reset '${stmt.key}' to its default.`);
      case 'showCreate':
        return { kind: 'table', columns: ['result'], rows: [[this.createStatementOf(stmt)]] };
      case 'explain': {
        const inner = stmt.statement;
        return { kind: 'explain', text: explain(this.plan(inner.query)) };
      }
      case 'show':
        if (stmt.what === 'functions') return showFunctions(this.catalog, stmt.user === true);
        return this.show(stmt.what, stmt.materialized === true);
      case 'describe':
        if (stmt.query) return describeQuery(this, stmt.name.name, stmt.name.span);
        return this.describe(stmt.name.name, stmt.name.span);
      case 'terminate': {
        const q = this.persistent.get(stmt.queryId) ?? this.persistent.get(stmt.queryId.toLowerCase());
        const t = this.transient.get(stmt.queryId);
        if (t) {
          t.cancel();
          return msg(`Query '${stmt.queryId}' cancelled.`);
        }
        if (!q) return this.terminateRecorded(stmt.queryId, stmt.span);
        if (q.status === 'FAILED' || q.status === 'FINISHED' || q.status === 'STOPPED') {
          return msg(`Query '${q.id}' is not running (${q.describeStatus()}).`);
        }
        await q.stop();
        return msg(`Query '${q.id}' stopped with a final checkpoint.`);
      }
      default:
        return assertNever(stmt, 'statement');
    }
  }

  /** The statement that created a stream, view or materialized view, as it was written (SHOW CREATE). */
  private createStatementOf(stmt: Extract<Statement, { kind: 'showCreate' }>): string {
    const name = stmt.name.name;
    const text = (ddl: string) => ddl.trim().replace(/;\s*$/, '') + ';';
    if (stmt.what === 'materialized view') {
      const mv = this.materialized.get(name);
      if (!mv) throw new EddyError('UNKNOWN_STREAM', `unknown materialized view '${name}'`, stmt.name.span, 'SHOW MATERIALIZED VIEWS lists them');
      return text(mv.ddl);
    }
    if (stmt.what === 'view') {
      if (!this.catalog.hasView(name)) throw new EddyError('UNKNOWN_STREAM', `unknown view '${name}'`, stmt.name.span, this.catalog.has(name) ? `'${name}' is a table: SHOW CREATE TABLE ${name}` : 'SHOW VIEWS lists them');
      return text(this.catalog.view(name).ddl);
    }
    if (this.catalog.hasView(name)) throw new EddyError('UNKNOWN_STREAM', `'${name}' is a view, not a table`, stmt.name.span, `SHOW CREATE VIEW ${name}`);
    const def = this.catalog.get(name, stmt.name.span);
    if (def.ddl === '') throw new EddyError('UNSUPPORTED', `'${name}' was not created by a statement (a side stream or a registered table)`, stmt.name.span, 'DESCRIBE shows its columns');
    return text(def.ddl);
  }

  /** Binds with the catalog's user-defined functions in reach (a computed column may call one). */
  private withFunctions<T>(bind: () => T): T {
    return withUserFunctions((name) => this.catalog.userFunction(name), bind);
  }

  private functionDeps(moduleDir: string | undefined): FunctionDeps {
    return { catalog: this.catalog, store: this.opts.store, moduleDir: moduleDir ?? this.opts.baseDir };
  }

  /** The API's registerFunction (src/runtime/function-statements.ts). */
  registerFunction(name: string, fn: (...args: unknown[]) => unknown, spec: FunctionSpec): void {
    registerFunction(this.catalog, name, fn, spec);
  }

  private viewDeps(): ViewDeps {
    return { catalog: this.catalog, plan: (q) => this.plan(q), store: this.opts.store };
  }

  /** Binds, optimizes and plans a query (a SELECT or a UNION ALL) into its physical plan. */
  plan(query: Query, catalog: Catalog = this.catalog, target?: StreamDef): PhysicalPlan {
    refuseOrderBy(query);
    const bound = bindQuery(query, catalog, this.windowEmitFor(queryStreams(query, catalog)));
    const logical = optimize(target ? castForTarget(bound, target, isUpdatingLogical(bound)) : bound);
    return toPhysical(logical, {
      lateStreamOf: (stream) => (catalog.hasStream(lateStreamName(stream)) ? lateStreamName(stream) : undefined),
      stateTtlMs: this.settings.durationMs('state.ttl'),
    });
  }

  /**
   * Emit settings for windows over `streams`: the session's, with the streams' own 'allowed-lateness'
   * options taking precedence (over a union of several, the largest, so no input loses rows its
   * own option would keep).
   */
  private windowEmitFor(streams: readonly string[]): ReturnType<Settings['windowEmit']> {
    const emit = this.settings.windowEmit();
    const own = streams.flatMap((s) => {
      const v = this.catalog.has(s) ? this.catalog.get(s).options['allowed-lateness'] : undefined;
      return v === undefined ? [] : [parseDuration(v, "option 'allowed-lateness'")];
    });
    return own.length === 0 ? emit : { ...emit, allowedLatenessMs: Math.max(...own) };
  }

  /**
   * A point-in-time query (a SELECT over one materialized view) run now over the view's current
   * contents, as an arquero batch query; null when the query reads no materialized view.
   */
  pointInTime(query: Query, opts: { readonly tablesOnly?: boolean } = {}): PointInTimeResult | null {
    const names = this.batchSources(query);
    if (names === null || (!opts.tablesOnly && !names.some((n) => this.materialized.has(n)))) return null;
    return runPointInTime(
      query,
      names.map((n) => {
        const mv = this.materialized.get(n);
        if (mv) return { name: n, columns: mv.columns, rows: mv.contents() };
        return { name: n, columns: this.catalog.get(n).schema.columns, rows: this.memory.rows(n) };
      }),
    );
  }

  /**
   * The materialized views a point-in-time query reads: null unless every relation the query reads
   * is a materialized view or a registered table, and one at least is a view.
   */
  pointInTimeViews(query: Query): MaterializedView[] | null {
    const names = this.batchSources(query);
    const views = (names ?? []).flatMap((n) => this.materialized.get(n) ?? []);
    return views.length > 0 ? views : null;
  }

  /** The relations a query reads when all are materialized views or registered tables (batch inputs), else null. */
  private batchSources(query: Query): string[] | null {
    const names = [...new Set(relationsRead(query, this.catalog))];
    return names.length > 0 && names.every((n) => this.materialized.has(n) || this.registered.has(n)) ? names : null;
  }

  /**
   * Registers a bounded arquero table under `name` (eddy.registerTable): a memory stream of its
   * rows that every query reads whole and that then ends. Registering a name again replaces the rows.
   */
  registerTable(name: string, table: ColumnTable, opts: RegisterTableOptions = {}): string {
    const key = name.toLowerCase();
    if (this.materialized.has(key)) throw nameTakenByView(key);
    if (this.catalog.has(key) && !this.registered.has(key)) {
      throw new EddyError('STREAM_EXISTS', `${this.catalog.hasView(key) ? 'view' : 'stream'} '${key}' already exists`, undefined, 'registered tables share one namespace with streams and views: choose another name');
    }
    const columns = registeredColumns(key, table, opts);
    const schema: Schema = { columns };
    const rows = toRows(schema, table, key);
    if (this.registered.has(key)) {
      for (const q of this.persistent.values()) {
        if (isActive(q) && planReads(q.plan, key)) throw new EddyError('UNSUPPORTED', `table '${key}' is read by running query '${q.id}'`, undefined, `TERMINATE ${q.id} first, or register the new rows under another name`);
      }
      this.catalog.drop(key);
    }
    this.catalog.add({ name: key, schema, options: { connector: 'memory' }, ddl: '' });
    this.memory.table(key, rows);
    this.registered.add(key);
    return key;
  }

  /** A persistent query over a registered table could not resume in another process: refused when there is a state database. */
  private refuseRegistered(plan: PhysicalPlan, span: import('../common/errors.js').Span): void {
    if (!this.opts.store) return;
    const table = planSources(plan).find((s) => this.registered.has(s.stream.name));
    if (table) {
      throw new EddyError(
        'UNSUPPORTED',
        `'${table.stream.name}' is a registered table, which lives in this process only: a persistent query over it could not resume from the state database`,
        span,
        "run it as a continuous query (eddy.query), or insert the rows into a 'memory' stream; with Eddy.open() without state no query resumes, and this is allowed",
      );
    }
  }

  /** CREATE MATERIALIZED VIEW: a persistent query into a view sink (materialized-views.ts). */
  private async createMaterializedView(stmt: CreateViewStmt, ddl: string): Promise<StatementResult> {
    const name = stmt.name.name;
    const existing = this.materialized.get(name);
    if (existing && sameDdl(existing.ddl, ddl)) return msg(`Materialized view '${name}' already exists with this definition.`);
    if (stmt.ifNotExists && (existing || this.catalog.has(name))) return msg(`'${name}' already exists.`);
    if (existing) throw materializedExists(name, stmt.name.span);
    if (this.catalog.has(name)) {
      throw new EddyError('STREAM_EXISTS', `${this.catalog.hasView(name) ? 'view' : 'stream'} '${name}' already exists`, stmt.name.span, 'streams, views and materialized views share one namespace: choose another name');
    }
    if (stmt.temporary) throw new EddyError('UNSUPPORTED', 'a materialized view cannot be TEMPORARY', stmt.name.span, 'CREATE TEMPORARY VIEW is a named query; CREATE MATERIALIZED VIEW a maintained, checkpointed result');
    // Point-in-time queries over the view run on arquero, synchronously: load it now.
    await loadArquero();
    const plan = this.plan(stmt.query);
    this.refuseRegistered(plan, stmt.name.span);
    const columns = materializedColumns(name, stmt.columns, plan, stmt.name.span);
    const id = this.takeQueryId(`mv_${name}`, ddl);
    const holder = await this.opts.store?.lockHolder(id);
    if (holder !== undefined && holder !== null) {
      throw new EddyError('CHECKPOINT', `materialized view '${name}' is already maintained by process ${holder}`, stmt.name.span, 'stop that process first, or use another --state database');
    }
    const q = new PersistentQuery(id, ddl, withSink(plan, { kind: 'view', name }), planFingerprint(plan), plan.schema, name, `view:${name}`, {
      io: this.runDeps(),
      run: this.runOptions(),
      restart: { attempts: this.settings.int('restart.attempts'), delayMs: this.settings.durationMs('restart.delay') },
      coordinator: this.newCoordinator(),
      onStatus: (pq) => {
        // Every status change happens while the run is still there: the view keeps its sink (a finished query's final contents).
        mv?.track();
        if (pq.status !== 'CREATED') void this.opts.store?.setQueryStatus(pq.id, pq.status, pq.status === 'FAILED' ? errorText(pq.error) : undefined).catch(() => {});
        this.onQueryStatus?.(pq);
      },
    });
    let mv: MaterializedView | undefined = undefined;
    mv = new MaterializedView(name, ddl, columns, plan.changelog === 'updating', q);
    this.persistent.set(id, q);
    this.materialized.set(name, mv);
    try {
      await q.start({ fresh: this.opts.fresh });
    } catch (e) {
      this.materialized.delete(name);
      this.persistent.delete(id);
      throw e;
    }
    return { kind: 'persistent', query: q };
  }

  /** DROP MATERIALIZED VIEW: stops its query for good and discards its state (a view created again starts empty). */
  private async dropMaterializedView(stmt: DropViewStmt): Promise<string> {
    const name = stmt.name.name;
    const mv = this.materialized.get(name);
    if (!mv) {
      if (stmt.ifExists) return `Materialized view '${name}' does not exist.`;
      throw new EddyError('UNKNOWN_STREAM', `unknown materialized view '${name}'`, stmt.name.span, this.catalog.hasView(name) ? `'${name}' is a view: DROP VIEW ${name}` : 'SHOW MATERIALIZED VIEWS lists them');
    }
    await mv.query.stop();
    await this.opts.store?.deleteQueryState(mv.query.id);
    await this.opts.store?.setQueryStatus(mv.query.id, 'STOPPED');
    this.materialized.delete(name);
    this.persistent.delete(mv.query.id);
    return `Materialized view '${name}' dropped.`;
  }

  /** Plans a SELECT (synchronously, so the API can throw at the call) into an unstarted query. */
  transientQuery(query: Query, sql: string): TransientQuery {
    const id = `select_${++this.transientSeq}`;
    const views = [...new Set(relationsRead(query, this.catalog))].flatMap((n) => this.materialized.get(n) ?? []);
    if (views.length === 0) {
      const plan = this.plan(query);
      const q: TransientQuery = new TransientQuery(id, sql, withSink(plan, { kind: 'result' }), plan.schema, this.runDeps(), this.runOptions(), () => this.transient.delete(id));
      this.transient.set(id, q);
      return q;
    }
    // A continuous SELECT over materialized views reads their changelogs: each view as an
    // append-only stream of its changes (op first when updating), its current contents first.
    const catalog = new Catalog();
    for (const s of this.catalog.list()) catalog.add(s);
    for (const v of this.catalog.listViews()) catalog.addView(v);
    for (const mv of views) catalog.add({ name: mv.name, schema: { columns: mv.changelogColumns }, options: { connector: 'memory' }, ddl: '' });
    const plan = this.plan(query, catalog);
    const deps = this.runDeps();
    const opened: { log: string; unsubscribe: () => void }[] = [];
    const io: RunDeps = {
      ...deps,
      openSource: (node) => {
        const mv = this.materialized.get(node.stream.name);
        if (!mv || this.catalog.has(node.stream.name)) return deps.openSource(node);
        const log = `${mv.name}$changes$${id}$${opened.length}`;
        const reader = this.memory.reader(log, { endWhenDrained: false });
        const unsubscribe = mv.subscribe({ push: (rows) => this.memory.append(log, rows as Row[]), end: () => this.memory.end(log) });
        opened.push({ log, unsubscribe });
        return reader;
      },
    };
    const q: TransientQuery = new TransientQuery(id, sql, withSink(plan, { kind: 'result' }), plan.schema, io, this.runOptions(), () => {
      this.transient.delete(id);
      for (const o of opened.splice(0)) {
        o.unsubscribe();
        this.memory.drop(o.log);
      }
    });
    this.transient.set(id, q);
    return q;
  }

  /**
   * The id of the persistent statement about to start: the one a resume asked for, else the name
   * SET 'pipeline.name' gave (used once, by this statement), else one derived from its text
   * (sink-ownership.ts persistentQueryId).
   */
  private takeQueryId(base: string, text: string): string {
    if (this.resumeAs !== undefined) return this.resumeAs;
    return this.settings.takeName() ?? persistentQueryId(base, text);
  }

  private async createStreamAs(stmt: CreateStreamAsStmt, ps: ParsedStatement, id: string): Promise<StatementResult> {
    const name = stmt.name.name;
    if (this.materialized.has(name)) {
      if (stmt.ifNotExists) return msg(`'${name}' already exists.`);
      throw nameTakenByView(name, stmt.name.span);
    }
    const plan = this.plan(stmt.query);
    const schema = deriveStreamSchema(plan as never, stmt.query) as Schema;
    const optionsSql = stmt.options.map((o) => `'${o.key}' = '${o.value.replace(/'/g, "''")}'`).join(', ');
    const columnsSql = schema.columns.map((c) => `"${c.name}" ${typeName(c.type)}`).join(', ');
    const ddl = `CREATE STREAM "${name}" (${columnsSql}) WITH (${optionsSql})`;
    const def: StreamDef = {
      name,
      schema,
      options: Object.fromEntries(stmt.options.map((o) => [o.key.toLowerCase(), o.value])),
      ddl,
    };
    // The statement that created this stream, run again with the catalog reloaded from the state
    // database (the REPL resuming its queries after a restart): resume the query, do not trip on its own stream.
    const existing = this.catalog.has(name) ? this.catalog.get(name) : undefined;
    const rerun = existing?.ddl === ddl;
    if (existing && !rerun) {
      if (stmt.ifNotExists) return msg(`Stream '${name}' already exists.`);
      this.catalog.add(def, stmt.name.span);
    }
    atOption(stmt.options, stmt.name.span, () => validateStreamOptions(def));
    // Ownership is checked before the stream is declared, so a refused statement leaves no stream behind.
    await this.checkSinkFree(id, def, stmt.name.span);
    if (!rerun) this.catalog.add(def, stmt.name.span);
    this.addLateStream(def);
    try {
      await this.opts.store?.saveStream(name, ddl);
      return { kind: 'persistent', query: await this.startPersistent(id, ps.text, plan, def, 'append', stmt.name.span) };
    } catch (e) {
      if (!rerun && !existing) {
        this.catalog.drop(name);
        await this.opts.store?.dropStream(name);
      }
      throw e;
    }
  }

  /**
   * One writer per sink (DESIGN.md §4): refuses when another query of this session, or one the
   * state database records as running (in this or another process, or left to be resumed), writes
   * the sink `target` stands for.
   */
  private async checkSinkFree(id: string, target: StreamDef, span: import('../common/errors.js').Span): Promise<void> {
    const key = sinkKeyOf(target, this.opts.baseDir);
    for (const q of this.persistent.values()) {
      if (!isActive(q) || q.sinkKey !== key) continue;
      throw new EddyError('UNSUPPORTED', `sink '${target.name}' is already written by running query '${q.id}'`, span, `a sink has one writer: TERMINATE ${q.id}; first, or write into another stream`);
    }
    const store = this.opts.store;
    if (!store) return;
    for (const other of await store.querySinks()) {
      if (other.queryId === id || other.sink !== key || this.persistent.has(other.queryId)) continue;
      const q = await store.getQuery(other.queryId);
      if (!q || !isResumable(q.status)) continue;
      const pid = await store.lockHolder(q.queryId);
      const where = pid !== null ? `running in process ${pid}` : `${q.status} in the state database, to be resumed`;
      throw new EddyError('UNSUPPORTED', `sink '${target.name}' is already written by query '${q.queryId}' (${where}): ${oneLine(q.sql)}`, span, `a sink has one writer: TERMINATE ${q.queryId}; first, or write into another stream`);
    }
  }

  /**
   * TERMINATE of a query this session does not run: one the state database records as running and
   * no live process holds (left to be resumed) is marked STOPPED, so nothing resumes it and its sink
   * is free; one another process runs is refused (stop it there).
   */
  private async terminateRecorded(queryId: string, span: import('../common/errors.js').Span): Promise<StatementResult> {
    const store = this.opts.store;
    const q = (await store?.getQuery(queryId)) ?? null;
    if (!store || !q || !isResumable(q.status)) {
      throw new EddyError('UNSUPPORTED', `no running query '${queryId}'`, span, 'SHOW QUERIES lists the running queries');
    }
    const pid = await store.lockHolder(queryId);
    if (pid !== null) throw new EddyError('UNSUPPORTED', `query '${queryId}' runs in process ${pid}`, span, 'stop it in that process (TERMINATE there, or end that process)');
    await store.setQueryStatus(queryId, 'STOPPED');
    return msg(`Query '${queryId}' stopped (it was left to be resumed; its checkpoints are kept).`);
  }

  /**
   * DROP STREAM of a stream that a query recorded as running reads or writes (in another process, or
   * to be resumed at the next start, which would declare it again) is refused.
   */
  private async checkNotUsedElsewhere(stream: string, span: import('../common/errors.js').Span): Promise<void> {
    const store = this.opts.store;
    if (!store) return;
    for (const qs of await store.querySinks()) {
      if (this.persistent.has(qs.queryId) || (qs.stream !== stream && !qs.reads.includes(stream))) continue;
      const q = await store.getQuery(qs.queryId);
      if (!q || !isResumable(q.status)) continue;
      const pid = await store.lockHolder(q.queryId);
      const where = pid !== null ? `running in process ${pid}` : `${q.status} in the state database, to be resumed`;
      throw new EddyError('UNSUPPORTED', `stream '${stream}' is used by query '${q.queryId}' (${where})`, span, `TERMINATE ${q.queryId}; first`);
    }
  }

  /** `changes`: the sink consumes the updating result as changes (src/runtime/sink-changes.ts). */
  private async startPersistent(id: string, sql: string, plan: PhysicalPlan, target: StreamDef, mode: SinkWriteMode, span: import('../common/errors.js').Span, changes = false): Promise<PersistentQuery> {
    // Another live process runs this very query: refused before anything is created here, so this
    // session does not list it as FAILED (SHOW QUERIES lists it as running there).
    const holder = await this.opts.store?.lockHolder(id);
    if (holder !== undefined && holder !== null) {
      throw new EddyError('CHECKPOINT', `query '${id}' is already running in process ${holder}`, span, 'stop that process first, or use another --state database');
    }
    this.refuseRegistered(plan, span);
    await this.checkSinkFree(id, target, span);
    const key = sinkKeyOf(target, this.opts.baseDir);
    const store = this.opts.store;
    let own: FreshStart['own'] = null;
    if (store) {
      // Another query (finished, stopped or failed) wrote this sink before: its checkpoints and extent
      // no longer describe the sink, so it can never truncate what this query writes.
      for (const other of await store.querySinks()) {
        if (other.sink === key && other.queryId !== id) await store.forgetSinkWrites(other.queryId);
        if (other.queryId === id && other.sink === key && other.startAt !== null) own = { startAt: other.startAt, endAt: other.endAt };
      }
      await store.saveQuerySink(id, key, target.name, planSources(plan).map((n) => n.stream.name));
    }
    const fresh: FreshStart = { mode, own, started: async (at) => void (await store?.setSinkStart(id, at)) };
    const lateSinks = new Map<string, LateRowSink>();
    const q = new PersistentQuery(id, sql, withSink(plan, { kind: 'stream', stream: target }), planFingerprint(plan), plan.schema, target.name, key, {
      io: {
        ...this.runDeps(lateSinks),
        // Columns are matched by position (as Flink does), so rows are written under the target's names.
        openSink: (): SinkWriter => createSink(target, target.schema, { memory: this.memory, baseDir: this.opts.baseDir, stateDb: this.opts.store?.db ?? null, queryId: id, fresh, changes }),
      },
      run: this.runOptions(),
      restart: { attempts: this.settings.int('restart.attempts'), delayMs: this.settings.durationMs('restart.delay') },
      coordinator: this.newCoordinator(),
      onStatus: (pq) => {
        if (pq.status !== 'CREATED') void this.opts.store?.setQueryStatus(pq.id, pq.status, pq.status === 'FAILED' ? errorText(pq.error) : undefined).catch(() => {});
        const end = pq.status === 'FINISHED' ? pq.sinkOutputEnd() : undefined;
        if (end !== undefined) void this.opts.store?.setSinkEnd(pq.id, end).catch(() => {});
        this.onQueryStatus?.(pq);
      },
    });
    this.persistent.set(id, q);
    await q.start({ fresh: this.opts.fresh });
    return q;
  }

  /** A coordinator for one persistent query, with the checkpoint settings in effect when it starts. */
  private newCoordinator(): CheckpointCoordinator | null {
    if (!this.opts.store) return null;
    return new CheckpointCoordinator(this.opts.store, {
      intervalMs: this.settings.durationMs('checkpoint.interval'),
      retained: this.settings.int('checkpoint.retained'),
      onWarning: this.opts.onWarning,
      ...(this.opts.onInfo ? { onInfo: this.opts.onInfo } : {}),
      onCheckpoint: (info, pauseMs) => {
        this.checkpointStats.completed(info);
        this.opts.onCheckpoint?.(info, pauseMs);
      },
      onCheckpointFailed: (queryId) => this.checkpointStats.failed(queryId),
    });
  }

  /**
   * The connectors of a run: readers of the plan's streams, their idle timeouts, and the late-row
   * sinks of its window operators (one per operator, kept in `lateSinks` across the runs of a
   * persistent query so a restored run does not deliver a late row twice).
   */
  private runDeps(lateSinks = new Map<string, LateRowSink>()): RunDeps {
    return {
      openSource: (node) =>
        withFileProgress(
          node.stream,
          this.withFunctions(() =>
            withComputedColumns(
              node.stream,
              (physical, read) =>
                createSource(physical, {
                  memory: this.memory,
                  endMemoryWhenDrained: this.opts.endMemoryWhenDrained,
                  baseDir: this.opts.baseDir,
                  deadLetter: this.deadLetterOf(node.stream.name),
                  ...(read ? { readColumns: read } : {}),
                }),
              node.readColumns,
            ),
          ),
          this.opts.baseDir,
        ),
      openLookup: (node) => createLookup(node.table, node.lookupKeys, { ...(this.opts.baseDir !== undefined ? { baseDir: this.opts.baseDir } : {}) }),
      idleTimeoutMs: (node) => {
        const option = node.stream.options[IDLE_TIMEOUT_OPTION];
        return option === undefined ? 0 : parseDuration(option, `option '${IDLE_TIMEOUT_OPTION}' of stream '${node.stream.name}'`);
      },
      lateRows: (stream, uid) => {
        if (!this.catalog.hasStream(stream)) return undefined;
        let sink = lateSinks.get(uid);
        if (!sink) {
          sink = { delivered: 0, deliver: (rows) => this.memory.append(stream, rows) };
          lateSinks.set(uid, sink);
        }
        return sink;
      },
    };
  }

  /**
   * Where the malformed rows of a stream with 'on-error' = 'dead-letter' go: its `<stream>$errors`
   * side stream, each (file, line) once per session, however many queries (or restarts of one) read
   * the file again.
   */
  private deadLetterOf(stream: string): DeadLetter | undefined {
    const errors = `${stream}${ERRORS_SUFFIX}`;
    if (!this.catalog.hasStream(errors)) return undefined;
    let seen = this.deadLettered.get(stream);
    if (!seen) this.deadLettered.set(stream, (seen = new Set()));
    const delivered = seen;
    return (path, line, raw, reason) => {
      const key = `${path}\u0000${line}`;
      if (delivered.has(key)) return;
      delivered.add(key);
      this.memory.append(errors, [[path, line, raw, reason]]);
    };
  }

  /**
   * Declares `<name>$errors` for a stream with 'on-error' = 'dead-letter': an in-memory stream of
   * its malformed rows (path, line, raw text, reason), readable like `$late`; not saved, not listed.
   */
  private addErrorStream(def: StreamDef): void {
    const name = `${def.name}${ERRORS_SUFFIX}`;
    if (def.options['on-error'] !== 'dead-letter' || this.catalog.has(name)) return;
    const columns = [
      { name: 'path', type: 'VARCHAR' },
      { name: 'line', type: 'BIGINT' },
      { name: 'raw', type: 'VARCHAR' },
      { name: 'reason', type: 'VARCHAR' },
    ] as const;
    this.catalog.add({ name, schema: { columns }, options: { connector: 'memory' }, ddl: '' });
  }

  /** How queries run: batch size, polling, the clock. */
  private runOptions(): RunOptions {
    return {
      batchSize: this.settings.int('execution.batch-size'),
      idlePollMs: 10,
      rowsPerSecond: this.settings.int('execution.source.rate-limit'),
      ...(this.opts.now ? { now: this.opts.now } : {}),
    };
  }

  /**
   * Declares `<name>$late` for a stream with a watermark: an in-memory stream, same columns and
   * watermark, that receives the rows window queries over `name` drop as late. Not saved in the
   * state database (its DDL is empty) and not listed by SHOW STREAMS.
   */
  private addLateStream(def: StreamDef): void {
    const name = lateStreamName(def.name);
    if (!def.watermark || def.name.endsWith(LATE_SUFFIX) || this.catalog.has(name)) return;
    this.catalog.add({ name, schema: def.schema, watermark: def.watermark, options: { connector: 'memory' }, ddl: '' });
  }

  private async show(what: 'streams' | 'views' | 'queries' | 'checkpoints', materialized = false): Promise<StatementResult> {
    switch (what) {
      case 'views': {
        const mvs = [...this.materialized.values()];
        if (materialized) {
          return { kind: 'table', columns: ['name', 'columns', 'updating', 'rows', 'query', 'status'], rows: mvs.map((v) => [v.name, v.columns.map((c) => c.name).join(', '), v.updating, v.size, v.query.id, v.query.describeStatus()]) };
        }
        const plain = showViews(this.viewDeps());
        return { ...plain, rows: [...plain.rows, ...mvs.map((v) => [v.name, v.columns.map((c) => c.name).join(', '), v.updating, false, oneLine(v.ddl)])] };
      }
      case 'streams':
        return {
          kind: 'table',
          columns: ['name', 'connector', 'columns', 'watermark'],
          rows: this.catalog.list().filter((s) => !isLateStream(s) && !isHidden(s)).map((s) => [s.name, s.options['connector'] ?? '', s.schema.columns.map((c) => c.name).join(', '), s.watermark ? `${s.watermark.column}: ${s.watermark.sql}` : '']),
        };
      case 'queries': {
        const rows: Value[][] = [];
        const now = Date.now();
        for (const q of this.persistent.values()) {
          const m = q.metrics();
          rows.push([q.id, queryName(q.id), q.describeStatus(), m?.rowsIn ?? 0, rowsPerSecond(m, q.createdAt, now), m?.rowsOut ?? 0, m?.lateRows ?? 0, m?.skippedRows ?? 0, watermarkLag(m, now), oneLine(q.sql)]);
        }
        // One catalog per state database: queries another live process runs are listed as running there.
        for (const q of (await this.opts.store?.listQueries()) ?? []) {
          if (this.persistent.has(q.queryId) || !isResumable(q.status)) continue;
          const pid = await this.opts.store!.lockHolder(q.queryId);
          if (pid === null) continue;
          rows.push([q.queryId, queryName(q.queryId), `RUNNING (process ${pid})`, null, null, null, null, null, null, oneLine(q.sql)]);
        }
        for (const q of this.transient.values()) {
          const m = q.metrics();
          rows.push([q.id, '', q.started ? 'RUNNING' : 'CREATED', m?.rowsIn ?? 0, rowsPerSecond(m, q.createdAt, now), m?.rowsOut ?? 0, m?.lateRows ?? 0, m?.skippedRows ?? 0, watermarkLag(m, now), oneLine(q.sql)]);
        }
        return { kind: 'table', columns: ['query', 'name', 'status', 'rows_in', 'rows_per_s', 'rows_out', 'late_rows', 'bad_rows', 'watermark_lag', 'sql'], rows };
      }
      case 'checkpoints': {
        if (!this.opts.store) return msg('No state database (running with --state :memory: keeps no checkpoints).');
        const list = await this.opts.store.listCheckpoints();
        return {
          kind: 'table',
          columns: ['query', 'id', 'time', 'bytes', 'duration_ms', 'key_groups'],
          rows: list.map((c) => [c.queryId, c.checkpointId, new Date(c.createdAt).toISOString().replace('T', ' ').replace('Z', ''), c.bytes, c.durationMs, c.keyGroupsWritten]),
        };
      }
      default:
        return assertNever(what, 'SHOW target');
    }
  }

  private describe(name: string, span: import('../common/errors.js').Span): StatementResult {
    if (this.catalog.hasView(name)) return describeView(name, this.viewDeps());
    const mv = this.materialized.get(name);
    if (mv) {
      const rows: Value[][] = mv.columns.map((c) => [c.name, typeName(c.type), '']);
      rows.push(['', '', `materialized view of query '${mv.query.id}' (${mv.updating ? 'an updating result, kept as its current rows' : 'append-only'}): a SELECT over it is a point-in-time query`]);
      return { kind: 'table', columns: ['name', 'type', 'extra'], rows };
    }
    const s = this.catalog.get(name, span);
    const proctimes = streamProctimes(s);
    // A processing-time attribute is shown as Flink's DESCRIBE shows it.
    const rows: Value[][] = s.schema.columns.map((c, i) =>
      proctimes.includes(i) ? [c.name, 'TIMESTAMP_LTZ(3) *PROCTIME*', 'AS PROCTIME()'] : [c.name, typeName(c.type), s.watermark?.column === c.name ? `WATERMARK AS ${s.watermark.sql}` : ''],
    );
    for (const [k, v] of Object.entries(s.options)) rows.push([`'${k}'`, `'${v}'`, 'option']);
    return { kind: 'table', columns: ['name', 'type', 'extra'], rows };
  }

  /**
   * Stops every query (persistent ones with a final checkpoint). Those that were running stay
   * RUNNING in the state database, so the next session (the REPL's next start) resumes them;
   * only TERMINATE stops a query for good.
   */
  async close(): Promise<void> {
    for (const t of [...this.transient.values()]) {
      t.cancel();
      t.discard();
    }
    const active = [...this.persistent.values()].filter(isActive);
    await Promise.all([...this.persistent.values()].map((q) => q.stop()));
    for (const q of active) {
      if (q.status === 'STOPPED') await this.opts.store?.setQueryStatus(q.id, 'RUNNING').catch(() => {});
    }
  }
}

const LATE_SUFFIX = '$late';
/** The stream WITH option that lets a quiet input stop holding the watermark of a multi-input query back. */
export const IDLE_TIMEOUT_OPTION = 'source.idle-timeout';
/** The late-row side stream of `stream`. */
export const lateStreamName = (stream: string): string => `${stream}${LATE_SUFFIX}`;
const ERRORS_SUFFIX = '$errors';
/** Streams the session declares for itself (the shell's one-row stream behind SELECT without FROM): named with a '$', no DDL. */
const isHidden = (s: StreamDef): boolean => s.ddl === '' && s.name.includes('$');
const isLateStream = (s: StreamDef): boolean => (s.name.endsWith(LATE_SUFFIX) || s.name.endsWith(ERRORS_SUFFIX)) && s.ddl === '';
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const msg = (text: string): StatementResult => ({ kind: 'message', text });
const nameTakenByView = (name: string, span?: import('../common/errors.js').Span): EddyError =>
  new EddyError('STREAM_EXISTS', `'${name}' is a materialized view`, span, `streams, views and materialized views share one namespace: choose another name, or DROP MATERIALIZED VIEW ${name} first`);

const materializedExists = (name: string, span: import('../common/errors.js').Span): EddyError =>
  new EddyError('STREAM_EXISTS', `materialized view '${name}' already exists`, span, `DROP MATERIALIZED VIEW ${name} first, or CREATE MATERIALIZED VIEW IF NOT EXISTS`);
const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim();
const sameDdl = (a: string, b: string) => oneLine(a).replace(/\s*;$/, '') === oneLine(b).replace(/\s*;$/, '');
const isActive = (q: PersistentQuery) => q.status === 'RUNNING' || q.status === 'RESTARTING' || q.status === 'CREATED';

function planReads(plan: PhysicalPlan, stream: string): boolean {
  return planSources(plan).some((s) => s.stream.name === stream);
}

/** ORDER BY anywhere in a continuous query: refused (only a point-in-time query over a materialized view has a final order). */
function refuseOrderBy(q: Query): void {
  if (q.kind === 'union') return q.branches.forEach(refuseOrderBy);
  if (q.kind === 'setOp') {
    refuseOrderBy(q.left);
    return refuseOrderBy(q.right);
  }
  if (q.orderBy?.length) {
    throw new EddyError('UNSUPPORTED', 'ORDER BY is not supported: a continuous query has no final order', q.orderBy[0]!.span, 'use LIMIT to cap the rows; ORDER BY sorts a point-in-time SELECT over a materialized view');
  }
  const ofItem = (f: FromItem): void => {
    if (f.kind === 'subquery') refuseOrderBy(f.query);
    else if (f.kind === 'join') {
      ofItem(f.left);
      ofItem(f.right);
    }
  };
  ofItem(q.from);
}
