/**
 * nexmark-flink's SQL as the bench runs it: the files vendored unchanged in test/flink/nexmark/
 * (ddl_gen.sql, ddl_views.sql, q*.sql), placeholders filled the way its QueryRunner fills them.
 * The table is read through the `nexmark` connector (in memory: events generated inside the query)
 * or from a JSON Lines file of the same events (the file path); the views bid / auction / person
 * and the queries are used as written, into their own 'blackhole' sinks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_TIME_TEXT } from './events.js';

/** The queries the bench runs: nexmark-flink's q0-q22 but q6 (Eddy refuses ROW_NUMBER without a Top-N bound, as Flink does), q10 (PARTITIONED BY) and q14 (a UDF). */
export const BENCH_QUERIES = ['q0', 'q1', 'q2', 'q3', 'q4', 'q5', 'q7', 'q8', 'q9', 'q11', 'q12', 'q13', 'q15', 'q16', 'q17', 'q18', 'q19', 'q20', 'q21', 'q22'] as const;
export type BenchQuery = (typeof BENCH_QUERIES)[number];

/** The join queries whose bytes per live join-state row the bench measures. */
export const JOIN_QUERIES: readonly BenchQuery[] = ['q3', 'q4', 'q7', 'q8', 'q9'];

/** The queries of the file path by default: those of the older bid-only suite. */
export const DEFAULT_FILE_QUERIES: readonly BenchQuery[] = ['q0', 'q1', 'q2', 'q5', 'q7', 'q11', 'q12'];

export function isBenchQuery(q: string): q is BenchQuery {
  return (BENCH_QUERIES as readonly string[]).includes(q);
}

export function nexmarkSqlDir(root: string): string {
  return join(root, 'test', 'flink', 'nexmark');
}

function file(root: string, name: string): string {
  return readFileSync(join(nexmarkSqlDir(root), `${name}.sql`), 'utf8');
}

export interface Source {
  readonly tps: number;
  /** 'nexmark': the connector with events.num; a path: a JSON Lines file of the events. */
  readonly from: { readonly kind: 'nexmark'; readonly events: number } | { readonly kind: 'file'; readonly path: string } | { readonly kind: 'memory' };
}

/** ddl_gen.sql with its placeholders filled; for a file or memory source its WITH clause replaced. */
export function ddlGen(root: string, src: Source): string {
  const text = file(root, 'ddl_gen')
    .replaceAll('${TPS}', String(src.tps))
    .replaceAll('${EVENTS_NUM}', src.from.kind === 'nexmark' ? String(src.from.events) : '0')
    .replaceAll('${PERSON_PROPORTION}', '1')
    .replaceAll('${AUCTION_PROPORTION}', '3')
    .replaceAll('${BID_PROPORTION}', '46');
  if (src.from.kind === 'nexmark') return text.replace(/\n\);\s*$/, `,\n    'base-time' = '${BASE_TIME_TEXT}'\n);\n`);
  const at = text.lastIndexOf(') WITH (');
  if (at < 0) throw new Error('bench: ddl_gen.sql has no WITH clause');
  const withClause = src.from.kind === 'file' ? `'connector' = 'filesystem', 'path' = '${src.from.path}', 'format' = 'json'` : `'connector' = 'memory'`;
  return `${text.slice(0, at)}) WITH (${withClause});\n`;
}

export function ddlViews(root: string): string {
  return file(root, 'ddl_views').replaceAll('${NEXMARK_TABLE}', 'datagen');
}

/** q13's side input directory: `${FLINK_HOME}` of its DDL (the side input is `<dir>/data/side_input.txt`). */
export function queryText(root: string, q: BenchQuery, flinkHome: string): string {
  return file(root, q).replaceAll('${FLINK_HOME}', flinkHome);
}

/** The whole script: table, views, the query file as written (INSERT INTO its blackhole sink). */
export function benchScript(root: string, q: BenchQuery, src: Source, flinkHome: string): string {
  return `${ddlGen(root, src)}\n${ddlViews(root)}\n${queryText(root, q, flinkHome)}`;
}

/**
 * The same with `INSERT INTO nexmark_<q>` removed: the query's SELECT runs as a continuous SELECT
 * whose changelog the script runner prints (the verification reads it; a blackhole shows nothing).
 */
export function selectScript(root: string, q: BenchQuery, src: Source, flinkHome: string): string {
  const text = queryText(root, q, flinkHome);
  const insert = `INSERT INTO nexmark_${q}`;
  if (!text.includes(insert)) throw new Error(`bench: ${q}.sql has no '${insert}'`);
  return `${ddlGen(root, src)}\n${ddlViews(root)}\n${text.replace(insert, '')}`;
}

/** nexmark's SideInputGenerator: lines "i,i" for i < 10000. */
export const SIDE_INPUT_ROWS = 10_000;
export function sideInputText(): string {
  return `${Array.from({ length: SIDE_INPUT_ROWS }, (_, i) => `${i},${i}`).join('\n')}\n`;
}
