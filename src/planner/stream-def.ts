import { EddyError, internalError } from '../common/errors.js';
import { closest as suggest } from '../common/errors.js';
import type { Column } from '../common/types.js';
import type { CreateStreamStmt, Expr, Ident, OptionDef } from '../parser/ast.js';
import { mergeLike } from './create-like.js';
import { bindExpr } from './bind-expr.js';
import type { StreamDef } from './catalog.js';
import { exprToSql } from './expr-sql.js';
import type { WatermarkSpec } from './plan.js';
import type { Scope } from './scope.js';

/** Lower-cases WITH option keys into a record; a key given twice is an INVALID_OPTION error at its second occurrence. */
export function bindOptions(options: readonly OptionDef[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of options) {
    const key = o.key.toLowerCase();
    if (Object.hasOwn(out, key)) {
      throw new EddyError('INVALID_OPTION', `option '${key}' is given twice`, o.span, `remove one of the '${key}' options`);
    }
    out[key] = o.value;
  }
  return out;
}

/**
 * Flink's legacy (pre-1.11) descriptor keys of a filesystem table, as Nexmark q13's side input is
 * declared ('connector.type' = 'filesystem', 'connector.path', 'format.type'), under the current
 * names ('connector', 'path', 'format'); other legacy connector types are left for the connector
 * check to refuse by name.
 */
function legacyOptions(options: Record<string, string>): Record<string, string> {
  if (options['connector'] !== undefined || options['connector.type']?.trim().toLowerCase() !== 'filesystem') return options;
  const renamed: Record<string, string> = { 'connector.type': 'connector', 'connector.path': 'path', 'format.type': 'format', 'format.field-delimiter': 'csv.field-delimiter' };
  // Flink's legacy CSV reads fields by position, with no header line ('format.ignore-first-line' skips one).
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(options)) if (k !== 'format.ignore-first-line') out[renamed[k] ?? k] = v;
  if (out['format']?.trim().toLowerCase() === 'csv' && options['format.ignore-first-line']?.trim().toLowerCase() !== 'true') out['csv.header'] = 'false';
  return out;
}

/** Turns CREATE STREAM into a StreamDef: typed columns (unique names), a checked watermark (a TIMESTAMP column and a TIMESTAMP expression), lower-cased options. */
export function bindStreamDef(stmt: CreateStreamStmt, ddl: string, lookup?: (name: Ident) => StreamDef): StreamDef {
  if (stmt.like) {
    if (!lookup) throw internalError('CREATE TABLE ... LIKE needs the catalog');
    return bindStreamDef(mergeLike(stmt, lookup(stmt.like.source)), ddl);
  }
  const columns: Column[] = [];
  for (const c of stmt.columns) {
    if (columns.some((x) => x.name === c.name.name)) {
      throw new EddyError('AMBIGUOUS_COLUMN', `column '${c.name.name}' is declared twice`, c.name.span, 'give each column a distinct name');
    }
    columns.push({ name: c.name.name, type: c.type });
  }
  const physical = { columns: [...columns] };
  const computed: { index: number; expr: Expr; sql: string }[] = [];
  for (const c of stmt.computed ?? []) {
    // As in Flink, a computed column reads the physical columns only (not other computed columns).
    const bound = bindExpr(c.expr, { scope: { schema: physical, qualifiers: [stmt.name.name] }, clause: 'a computed column' });
    if (bound.type === 'NULL' || bound.type === 'INTERVAL') {
      throw new EddyError('TYPE_MISMATCH', `computed column '${c.name.name}' has type ${bound.type}`, c.expr.span, 'CAST the expression to a column type');
    }
    columns.splice(c.position, 0, { name: c.name.name, type: bound.type });
    computed.push({ index: c.position, expr: c.expr, sql: exprToSql(bound, physical) });
  }
  const schema = { columns };
  const options = legacyOptions(bindOptions(stmt.options));
  const primaryKey = stmt.primaryKey?.columns.map((k) => {
    if (!columns.some((c) => c.name === k.name)) {
      const guess = suggest(k.name, columns.map((c) => c.name));
      throw new EddyError('UNKNOWN_COLUMN', `unknown column '${k.name}' in PRIMARY KEY`, k.span, guess ? `did you mean '${guess}'?` : 'the PRIMARY KEY columns must be declared columns');
    }
    return k.name;
  });
  const partitionKeys = stmt.partitionedBy?.map((k) => {
    const at = columns.findIndex((c) => c.name === k.name);
    if (at < 0) {
      const guess = suggest(k.name, columns.map((c) => c.name));
      throw new EddyError('UNKNOWN_COLUMN', `unknown column '${k.name}' in PARTITIONED BY`, k.span, guess ? `did you mean '${guess}'?` : 'the partition columns must be declared columns');
    }
    if (computed.some((c) => c.index === at)) throw new EddyError('UNSUPPORTED', `partition column '${k.name}' is a computed column`, k.span, 'partition by physical columns');
    return k.name;
  });
  const base = {
    name: stmt.name.name,
    schema,
    options,
    ddl,
    ...(primaryKey ? { primaryKey } : {}),
    ...(partitionKeys ? { partitionKeys } : {}),
    ...(computed.length > 0 ? { computed } : {}),
  };
  const wm = stmt.watermark;
  if (!wm) return base;

  const col = columns.find((c) => c.name === wm.column.name);
  if (!col) {
    const guess = suggest(wm.column.name, columns.map((c) => c.name));
    throw new EddyError('UNKNOWN_COLUMN', `unknown column '${wm.column.name}' in WATERMARK`, wm.column.span, guess ? `did you mean '${guess}'?` : 'the WATERMARK column must be one of the declared columns');
  }
  const decl = stmt.columns.find((c) => c.name.name === col.name)?.typeText ?? col.type;
  if (col.type !== 'TIMESTAMP') {
    throw new EddyError('TYPE_MISMATCH', `WATERMARK column '${col.name}' is ${decl}, not TIMESTAMP`, wm.column.span, `declare ${col.name} as TIMESTAMP(3)`);
  }
  const scope: Scope = { schema, qualifiers: [stmt.name.name] };
  const bound = bindExpr(wm.expr, { scope, clause: 'WATERMARK' });
  if (bound.type !== 'TIMESTAMP') {
    throw new EddyError('TYPE_MISMATCH', `WATERMARK expression must be TIMESTAMP, got ${bound.type}`, wm.expr.span, `write it as ${col.name} - INTERVAL '5' SECOND`);
  }
  return { ...base, watermark: { column: col.name, expr: wm.expr, sql: exprToSql(bound, schema) } };
}

/** Binds a stream's stored watermark to a WatermarkSpec over the stream's own columns; undefined when it has none. */
export function bindWatermark(stream: StreamDef): WatermarkSpec | undefined {
  const wm = stream.watermark;
  if (!wm) return undefined;
  const timeIndex = stream.schema.columns.findIndex((c) => c.name === wm.column);
  const expr = bindExpr(wm.expr, { scope: { schema: stream.schema, qualifiers: [stream.name] }, clause: 'WATERMARK' });
  return { timeIndex, expr };
}

/** The columns a connector reads or writes, and an INSERT fills: the stream's columns without its computed ones (as in Flink). */
export function physicalStream(stream: StreamDef): StreamDef {
  if (!stream.computed) return stream;
  const computed = new Set(stream.computed.map((c) => c.index));
  return { ...stream, schema: { columns: stream.schema.columns.filter((_, i) => !computed.has(i)) } };
}
