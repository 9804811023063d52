import { EddyError, assertNever } from '../common/errors.js';
import { typeName, type Row, type Schema, type Value } from '../common/types.js';
import type { ParsedStatement } from '../parser/index.js';
import type { CreateStreamAsStmt, Query, Statement } from '../parser/ast.js';
import { Catalog, type StreamDef } from '../planner/catalog.js';
import type { PhysicalPlan } from '../planner/plan.js';
import {
  bindInsertTarget,
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
import { connectorOf, createSink, createSource, validateStreamOptions } from '../connectors/registry.js';
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
import { withFileProgress } from './file-progress.js';
import { CheckpointStats } from './checkpoint-stats.js';
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
  private transientSeq = 0;
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
      if (stmt.kind !== 'createStream') continue;
      const def = bindStreamDef(stmt, ddl);
      if (!this.catalog.has(def.name)) this.catalog.add(def);
      this.addLateStream(def);
    }
  }

  /** Executes one statement. Continuous queries are returned unstarted (SELECT) or already running (persistent). */
  async execute(ps: ParsedStatement): Promise<StatementResult> {
    const stmt = ps.stmt;
    switch (stmt.kind) {
      case 'createStream': {
        if (stmt.ifNotExists && this.catalog.has(stmt.name.name)) return msg(`Stream '${stmt.name.name}' already exists.`);
        const def = bindStreamDef(stmt, ps.text);
        validateStreamOptions(def);
        if (def.options['allowed-lateness'] !== undefined) parseDuration(def.options['allowed-lateness'], "option 'allowed-lateness'");
        if (def.options[IDLE_TIMEOUT_OPTION] !== undefined) parseDuration(def.options[IDLE_TIMEOUT_OPTION], `option '${IDLE_TIMEOUT_OPTION}'`);
        this.catalog.add(def, stmt.name.span);
        this.addLateStream(def);
        await this.opts.store?.saveStream(def.name, ps.text);
        return msg(`Stream '${def.name}' created.`);
      }
      case 'createStreamAs':
        return this.createStreamAs(stmt, ps);
      case 'dropStream': {
        if (stmt.ifExists && !this.catalog.has(stmt.name.name)) return msg(`Stream '${stmt.name.name}' does not exist.`);
        this.catalog.get(stmt.name.name, stmt.name.span);
        for (const q of this.persistent.values()) {
          if (isActive(q) && planReads(q.plan, stmt.name.name)) {
            throw new EddyError('UNSUPPORTED', `stream '${stmt.name.name}' is used by running query '${q.id}'`, stmt.name.span, `TERMINATE ${q.id} first`);
          }
        }
        this.catalog.drop(stmt.name.name, stmt.name.span);
        const late = lateStreamName(stmt.name.name);
        if (this.catalog.has(late) && this.catalog.get(late).ddl === '') {
          this.catalog.drop(late);
          this.memory.drop(late);
        }
        await this.opts.store?.dropStream(stmt.name.name);
        return msg(`Stream '${stmt.name.name}' dropped.`);
      }
      case 'query':
        return { kind: 'select', query: this.transientQuery(stmt.query, ps.text) };
      case 'insertSelect': {
        const target = this.catalog.get(stmt.target.name, stmt.target.span);
        const plan = this.plan(stmt.query);
        bindInsertTarget(plan.schema, target, stmt.query.span);
        return { kind: 'persistent', query: await this.startPersistent(`insert_into_${target.name}`, ps.text, plan, target) };
      }
      case 'insertValues': {
        const target = this.catalog.get(stmt.target.name, stmt.target.span);
        if (connectorOf(target) !== 'memory') {
          throw new EddyError('UNSUPPORTED', `INSERT INTO ... VALUES needs a 'memory' stream; '${target.name}' uses connector '${target.options['connector']}'`, stmt.target.span, "declare the stream WITH ('connector' = 'memory')");
        }
        const rows: Row[] = bindInsertValues(stmt, target).map((exprs) => exprs.map((e) => compileExpr(e)([])));
        this.memory.append(target.name, rows);
        return msg(`Inserted ${rows.length} row${rows.length === 1 ? '' : 's'} into '${target.name}'.`);
      }
      case 'set': {
        if (stmt.key === undefined) return { kind: 'table', columns: ['key', 'value'], rows: this.settings.entries() };
        this.settings.set(stmt.key, stmt.value ?? '');
        return msg(`Set '${stmt.key}' = '${stmt.value}'.`);
      }
      case 'explain': {
        const inner = stmt.statement;
        return { kind: 'explain', text: explain(this.plan(inner.query)) };
      }
      case 'show':
        return this.show(stmt.what);
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
        if (!q) {
          throw new EddyError('UNSUPPORTED', `no running query '${stmt.queryId}'`, stmt.span, 'SHOW QUERIES lists the running queries');
        }
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

  /** Binds, optimizes and plans a query (a SELECT or a UNION ALL) into its physical plan. */
  plan(query: Query): PhysicalPlan {
    const logical = optimize(bindQuery(query, this.catalog, this.windowEmitFor(queryStreams(query, this.catalog))));
    return toPhysical(logical, {
      lateStreamOf: (stream) => (this.catalog.hasStream(lateStreamName(stream)) ? lateStreamName(stream) : undefined),
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

  /** Plans a SELECT (synchronously, so the API can throw at the call) into an unstarted query. */
  transientQuery(query: Query, sql: string): TransientQuery {
    const plan = this.plan(query);
    const id = `select_${++this.transientSeq}`;
    const q: TransientQuery = new TransientQuery(id, sql, withSink(plan, { kind: 'result' }), plan.schema, this.runDeps(), this.runOptions(), () => this.transient.delete(id));
    this.transient.set(id, q);
    return q;
  }

  private async createStreamAs(stmt: CreateStreamAsStmt, ps: ParsedStatement): Promise<StatementResult> {
    const name = stmt.name.name;
    const plan = this.plan(stmt.query);
    const schema = deriveStreamSchema(plan as never) as Schema;
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
    const rerun = existing?.ddl === ddl && ![...this.persistent.values()].some((q) => isActive(q) && q.sinkName === name);
    if (existing && !rerun) {
      if (stmt.ifNotExists) return msg(`Stream '${name}' already exists.`);
      this.catalog.add(def, stmt.name.span);
    }
    validateStreamOptions(def);
    if (!rerun) this.catalog.add(def, stmt.name.span);
    this.addLateStream(def);
    await this.opts.store?.saveStream(name, ddl);
    return { kind: 'persistent', query: await this.startPersistent(`csas_${name}`, ps.text, plan, def) };
  }

  private async startPersistent(baseId: string, sql: string, plan: PhysicalPlan, target: StreamDef): Promise<PersistentQuery> {
    let id = baseId;
    for (let n = 2; this.persistent.has(id) && isActive(this.persistent.get(id)!); n++) id = `${baseId}_${n}`;
    const lateSinks = new Map<string, LateRowSink>();
    const q = new PersistentQuery(id, sql, withSink(plan, { kind: 'stream', stream: target }), planFingerprint(plan), plan.schema, target.name, {
      io: {
        ...this.runDeps(lateSinks),
        // Columns are matched by position (as Flink does), so rows are written under the target's names.
        openSink: (): SinkWriter => createSink(target, target.schema, { memory: this.memory, baseDir: this.opts.baseDir, stateDb: this.opts.store?.db ?? null, queryId: id }),
      },
      run: this.runOptions(),
      restart: { attempts: this.settings.int('restart.attempts'), delayMs: this.settings.durationMs('restart.delay') },
      coordinator: this.newCoordinator(),
      onStatus: (pq) => {
        if (pq.status !== 'CREATED') void this.opts.store?.setQueryStatus(pq.id, pq.status, pq.status === 'FAILED' ? errorText(pq.error) : undefined).catch(() => {});
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
      openSource: (node) => withFileProgress(node.stream, createSource(node.stream, { memory: this.memory, endMemoryWhenDrained: this.opts.endMemoryWhenDrained, baseDir: this.opts.baseDir }), this.opts.baseDir),
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

  /** How queries run: batch size, polling, the clock. */
  private runOptions(): RunOptions {
    return {
      batchSize: this.settings.int('execution.batch-size'),
      idlePollMs: 10,
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

  private async show(what: 'streams' | 'queries' | 'checkpoints'): Promise<StatementResult> {
    switch (what) {
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
          rows.push([q.id, q.describeStatus(), m?.rowsIn ?? 0, rowsPerSecond(m, q.createdAt, now), m?.rowsOut ?? 0, m?.lateRows ?? 0, m?.skippedRows ?? 0, watermarkLag(m, now), oneLine(q.sql)]);
        }
        for (const q of this.transient.values()) {
          const m = q.metrics();
          rows.push([q.id, 'RUNNING', m?.rowsIn ?? 0, rowsPerSecond(m, q.createdAt, now), m?.rowsOut ?? 0, m?.lateRows ?? 0, m?.skippedRows ?? 0, watermarkLag(m, now), oneLine(q.sql)]);
        }
        return { kind: 'table', columns: ['query', 'status', 'rows_in', 'rows_per_s', 'rows_out', 'late_rows', 'bad_rows', 'watermark_lag', 'sql'], rows };
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
    const s = this.catalog.get(name, span);
    const rows: Value[][] = s.schema.columns.map((c) => [c.name, typeName(c.type), s.watermark?.column === c.name ? `WATERMARK AS ${s.watermark.sql}` : '']);
    for (const [k, v] of Object.entries(s.options)) rows.push([`'${k}'`, `'${v}'`, 'option']);
    return { kind: 'table', columns: ['name', 'type', 'extra'], rows };
  }

  /**
   * Stops every query (persistent ones with a final checkpoint). Those that were running stay
   * RUNNING in the state database, so the next session (the REPL's next start) resumes them;
   * only TERMINATE stops a query for good.
   */
  async close(): Promise<void> {
    for (const t of this.transient.values()) t.cancel();
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
/** Streams the session declares for itself (the shell's one-row stream behind SELECT without FROM): named with a '$', no DDL. */
const isHidden = (s: StreamDef): boolean => s.ddl === '' && s.name.includes('$');
const isLateStream = (s: StreamDef): boolean => s.name.endsWith(LATE_SUFFIX) && s.ddl === '';
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const msg = (text: string): StatementResult => ({ kind: 'message', text });
const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim();
const isActive = (q: PersistentQuery) => q.status === 'RUNNING' || q.status === 'RESTARTING' || q.status === 'CREATED';

function planReads(plan: PhysicalPlan, stream: string): boolean {
  return planSources(plan).some((s) => s.stream.name === stream);
}

/** The streams a query reads (FROM items, windowing table functions, union branches, derived tables and views, through to their streams). */
function queryStreams(q: Query, catalog: Catalog, seen = new Set<string>()): string[] {
  if (q.kind === 'union') return q.branches.flatMap((b) => queryStreams(b, catalog, seen));
  const from = q.from;
  const named = (name: string): string[] => {
    if (!catalog.hasView(name)) return [name];
    // A view that reads itself is refused when bound; here it just ends the walk.
    if (seen.has(name)) return [];
    seen.add(name);
    return queryStreams(catalog.view(name).query, catalog, seen);
  };
  switch (from.kind) {
    case 'stream':
      return named(from.name.name);
    case 'windowTvf':
      return named(from.table.name);
    case 'subquery':
      return queryStreams(from.query, catalog, seen);
    default:
      return assertNever(from, 'FROM item');
  }
}
