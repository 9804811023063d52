import { EddyError } from '../../src/common/errors.js';
import type { CreateStreamStmt, SelectQuery } from '../../src/parser/ast.js';
import { parseStatement } from '../../src/parser/index.js';
import { Catalog } from '../../src/planner/catalog.js';
import type { LogicalPlan } from '../../src/planner/plan.js';
import { bindQuery } from '../../src/planner/binder.js';
import { bindStreamDef } from '../../src/planner/stream-def.js';
import { explain } from '../../src/planner/explain.js';
import { optimize } from '../../src/planner/optimize.js';
import { toPhysical } from '../../src/planner/physical.js';

export const BIDS_DDL = `CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'data/bids.jsonl', 'format' = 'json')`;

/** A stream with an event-time column but no watermark, and an INT column for promotion tests. */
export const CLICKS_DDL = `CREATE STREAM clicks (user_id INT, url VARCHAR, score FLOAT, ts TIMESTAMP(3)) WITH (connector = 'memory')`;

export function createStmt(ddl: string): CreateStreamStmt {
  const s = parseStatement(ddl);
  if (s.kind !== 'createStream') throw new Error(`not CREATE STREAM: ${ddl}`);
  return s;
}

export function catalog(...ddls: string[]): Catalog {
  const c = new Catalog();
  for (const ddl of ddls.length ? ddls : [BIDS_DDL, CLICKS_DDL]) c.add(bindStreamDef(createStmt(ddl), ddl));
  return c;
}

export function select(sql: string): SelectQuery {
  const s = parseStatement(sql);
  if (s.kind !== 'query') throw new Error(`not a query: ${sql}`);
  return s.query;
}

export function bind(sql: string, cat: Catalog = catalog()): LogicalPlan {
  return bindQuery(select(sql), cat);
}

export function explainSql(sql: string, cat: Catalog = catalog()): string {
  return explain(toPhysical(optimize(bind(sql, cat))));
}

export function columnsOf(plan: LogicalPlan): string[] {
  return plan.schema.columns.map((c) => `${c.name} ${c.type}`);
}

/** Runs `f`, which must throw an EddyError, and returns the error's code, message, position, underlined text and hint. */
export function errorOf(f: () => unknown, source?: string): { code: string; message: string; at?: string; text?: string; hint?: string } {
  try {
    f();
  } catch (e) {
    if (!(e instanceof EddyError)) throw e;
    const out: { code: string; message: string; at?: string; text?: string; hint?: string } = { code: e.code, message: e.message };
    if (e.span) out.at = `${e.span.line}:${e.span.column}`;
    if (e.span && source !== undefined) out.text = source.slice(e.span.start, e.span.end);
    if (e.hint !== undefined) out.hint = e.hint;
    return out;
  }
  throw new Error('expected an EddyError, but nothing was thrown');
}

/** The error of binding `sql` against the default catalog. */
export function bindError(sql: string, cat: Catalog = catalog()) {
  return errorOf(() => bind(sql, cat), sql);
}
