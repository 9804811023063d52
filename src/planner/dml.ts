import type { Span } from '../common/errors.js';
import { EddyError } from '../common/errors.js';
import { closest as suggest } from '../common/errors.js';
import { decimalParams, isDecimal, type Schema } from '../common/types.js';
import { parseDecimal } from '../common/exact.js';
import type { InsertValuesStmt, Query } from '../parser/ast.js';
import { bindExpr, type ExprContext } from './bind-expr.js';
import { spanOfList } from './binder.js';
import type { BoundExpr } from './bound.js';
import type { StreamDef } from './catalog.js';
import { exprToSql } from './expr-sql.js';
import { physicalStream } from './stream-def.js';
import { foldExpr } from './fold.js';
import type { LogicalPlan, PhysicalPlan } from './plan.js';
import { OP_COLUMN } from './changelog.js';
import { parseTimestampLiteral } from './timestamp-literal.js';
import { assignable } from './type-rules.js';

const describeColumns = (s: Schema): string => s.columns.map((c) => `${c.name} ${c.type}`).join(', ');

const NUMERIC_INPUTS: ReadonlySet<string> = new Set(['INT', 'BIGINT', 'FLOAT', 'DOUBLE']);

/**
 * An INSERT's query with a CAST to each DECIMAL column of `stream` that it fills with another
 * numeric type (HALF_UP to the column's scale, NULL beyond its precision). Flink types a literal
 * such as 0.908 as DECIMAL, so `0.908 * price` fills a DECIMAL column there (nexmark q1); Eddy types
 * it as DOUBLE, and converts at the sink instead. The plan is unchanged when nothing needs a cast.
 */
export function castForTarget(plan: LogicalPlan, stream: StreamDef, updating: boolean): LogicalPlan {
  const want = physicalStream(stream).schema.columns;
  const got = plan.schema.columns;
  const off = updating && got.length === want.length + 1 ? 1 : 0;
  if (got.length !== want.length + off) return plan; // bindInsertTarget reports it
  const needs = (i: number): boolean => {
    const from = got[i + off]!.type;
    const to = want[i]!.type;
    return from !== to && isDecimal(to) && (NUMERIC_INPUTS.has(from) || isDecimal(from)) && !assignable(from, to);
  };
  if (!want.some((_, i) => needs(i))) return plan;
  const exprs: BoundExpr[] = got.map((c, j) => {
    const ref: BoundExpr = { kind: 'inputRef', index: j, name: c.name, type: c.type };
    return j >= off && needs(j - off) ? { kind: 'cast', operand: ref, type: want[j - off]!.type } : ref;
  });
  return { kind: 'project', input: plan, exprs, schema: { columns: got.map((c, j) => ({ ...c, type: exprs[j]!.type })) } };
}

/** Checks that a query's output can be written to `target` by position, as Flink does: same column count, assignable types. */
export function bindInsertTarget(querySchema: Schema, stream: StreamDef, span: Span): void {
  // A table's computed columns are not written: the query fills its physical columns.
  const target = physicalStream(stream);
  const want = target.schema.columns;
  const got = querySchema.columns;
  if (want.length !== got.length) {
    throw new EddyError('TYPE_MISMATCH', `INSERT INTO ${target.name} expects ${want.length} columns, but the query produces ${got.length}`, span, `${target.name} has columns (${describeColumns(target.schema)}); select them in this order`);
  }
  want.forEach((t, i) => {
    const q = got[i]!;
    if (!assignable(q.type, t.type)) {
      throw new EddyError(
        'TYPE_MISMATCH',
        `column ${i + 1} of the query ('${q.name}', ${q.type}) cannot be written to ${target.name}.${t.name} (${t.type})`,
        span,
        `CAST it in the SELECT list: CAST(${q.name} AS ${t.type})`,
      );
    }
  });
}

/** Converts a bound constant to a target column type (widening, NULL, timestamp strings); TYPE_MISMATCH otherwise. */
function toColumnType(b: BoundExpr, column: { name: string; type: BoundExpr['type'] }, target: string, span: Span): BoundExpr {
  if (b.type === column.type) return b;
  if (b.kind === 'literal' && b.value === null) return { kind: 'literal', value: null, type: column.type };
  if (column.type === 'TIMESTAMP' && b.kind === 'literal' && typeof b.value === 'string') {
    const ms = parseTimestampLiteral(b.value);
    if (ms !== undefined) return { kind: 'literal', value: ms, type: 'TIMESTAMP' };
    throw new EddyError('TYPE_MISMATCH', `'${b.value}' is not a valid TIMESTAMP for ${target}.${column.name}`, span, "write timestamps as 'yyyy-MM-dd HH:mm:ss[.SSS]'");
  }
  if (isDecimal(column.type) && b.kind === 'literal' && (typeof b.value === 'number' || typeof b.value === 'bigint')) {
    // A numeric constant for a DECIMAL column (Flink types 1.50 as DECIMAL(3, 2); Eddy reads it as a number): its value at the column's scale, HALF_UP.
    const { precision, scale } = decimalParams(column.type)!;
    const v = parseDecimal(String(b.value), precision, scale);
    if (v === null || v === undefined) throw new EddyError('TYPE_MISMATCH', `${String(b.value)} does not fit ${target}.${column.name} (${column.type})`, span, `write a value with at most ${precision - scale} digits before the point`);
    return { kind: 'literal', value: v, type: column.type };
  }
  if (assignable(b.type, column.type)) return b.kind === 'literal' ? { ...b, type: column.type } : { kind: 'cast', operand: b, type: column.type };
  throw new EddyError('TYPE_MISMATCH', `${target}.${column.name} is ${column.type}, but the value is ${b.type}`, span, `CAST it: CAST(${exprToSql(b)} AS ${column.type})`);
}

/** Binds INSERT ... VALUES to constant expressions in the target's column order, cast to its types; unlisted columns get NULL. */
export function bindInsertValues(stmt: InsertValuesStmt, target: StreamDef): BoundExpr[][] {
  const cols = target.schema.columns;
  const names = cols.map((c) => c.name);
  let positions: number[] = cols.map((_, i) => i);
  if (stmt.columns) {
    positions = [];
    for (const id of stmt.columns) {
      const i = names.indexOf(id.name);
      if (i < 0) {
        const guess = suggest(id.name, names);
        throw new EddyError('UNKNOWN_COLUMN', `unknown column '${id.name}' in ${target.name}`, id.span, guess ? `did you mean '${guess}'?` : `${target.name} has columns ${names.join(', ')}`);
      }
      if (positions.includes(i)) {
        throw new EddyError('AMBIGUOUS_COLUMN', `column '${id.name}' is listed twice`, id.span, 'list each column once');
      }
      positions.push(i);
    }
  }
  const ctx: ExprContext = {
    scope: { schema: { columns: [] }, qualifiers: [] },
    clause: 'VALUES',
    column: (c) => {
      throw new EddyError('UNSUPPORTED', `VALUES may only contain constants, not column '${c.name.name}'`, c.span, 'write a literal value, or use INSERT INTO ... SELECT');
    },
  };
  return stmt.rows.map((row) => {
    if (row.length !== positions.length) {
      throw new EddyError('TYPE_MISMATCH', `VALUES row has ${row.length} values, but ${positions.length} columns are expected`, spanOfList(row, stmt.span), `${target.name} columns: ${positions.map((i) => names[i]).join(', ')}`);
    }
    const out: BoundExpr[] = cols.map((c) => ({ kind: 'literal', value: null, type: c.type }));
    row.forEach((e, j) => {
      const i = positions[j]!;
      out[i] = foldExpr(toColumnType(bindExpr(e, ctx), cols[i]!, target.name, e.span));
    });
    return out;
  });
}

/**
 * The schema a CREATE STREAM AS stream gets from its query; every column needs a concrete type (not
 * NULL or INTERVAL). The error points at the SELECT item when the columns are the items one to one.
 */
export function deriveStreamSchema(plan: LogicalPlan | PhysicalPlan, query: Query): Schema {
  const columns = plan.schema.columns.filter((c) => c.name !== OP_COLUMN.name);
  columns.forEach((c, i) => {
    if (c.type === 'NULL' || c.type === 'INTERVAL') {
      const items = query.kind === 'select' && query.items.length === columns.length && query.items.every((it) => it.kind === 'expr') ? query.items : undefined;
      throw new EddyError('TYPE_MISMATCH', `column '${c.name}' has type ${c.type}, which a stream cannot store`, items?.[i]?.span ?? query.span, 'CAST it to a concrete type in the SELECT list, e.g. CAST(NULL AS VARCHAR)');
    }
  });
  return plan.schema;
}
