import { EddyError, spanCover } from '../common/errors.js';
import type { FromItem, Query, SelectQuery } from '../parser/ast.js';
import type { StreamDef } from './catalog.js';

type ValuesItem = Extract<FromItem, { kind: 'values' }>;

/**
 * The one-row table a SELECT without FROM and every VALUES row read: a bounded source of one
 * row without columns (a datagen of one row), as Flink's VALUES of one row. Not in the catalog.
 */
export const ONE_ROW_STREAM: StreamDef = { name: 'values$one_row', schema: { columns: [] }, options: { connector: 'datagen', 'number-of-rows': '1' }, ddl: '' };

/** Whether a VALUES item is the one empty row of a SELECT without FROM. */
export const isOneRow = (v: ValuesItem): boolean => v.rows.length === 1 && v.rows[0]!.length === 0;

/**
 * VALUES (a, b), (c, d) as the query Flink's planner makes of non-literal values: one
 * `SELECT a, b` over the one-row table per row, joined by UNION ALL (columns EXPR$0, EXPR$1 ...;
 * the types widen as a union's do). Rows of different widths are refused.
 */
export function valuesQuery(v: ValuesItem): Query {
  const width = v.rows[0]!.length;
  const branches: SelectQuery[] = v.rows.map((row, i) => {
    if (row.length !== width) {
      const span = row.length > 0 ? spanCover(row[0]!.span, row[row.length - 1]!.span) : v.span;
      throw new EddyError('TYPE_MISMATCH', `each row of VALUES must have the same number of values: row 1 has ${width}, row ${i + 1} has ${row.length}`, span, `give every row ${width} value${width === 1 ? '' : 's'}`);
    }
    const rowSpan = spanCover(row[0]!.span, row[width - 1]!.span);
    return { kind: 'select', items: row.map((e) => ({ kind: 'expr', expr: e, span: e.span })), from: { kind: 'values', rows: [[]], span: rowSpan }, groupBy: [], span: rowSpan };
  });
  return branches.length === 1 ? branches[0]! : { kind: 'union', branches, span: v.span };
}
