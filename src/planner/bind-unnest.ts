import { EddyError } from '../common/errors.js';
import { collectionShape } from '../common/collection-types.js';
import type { Column, SqlType } from '../common/types.js';
import type { FromItem } from '../parser/ast.js';
import { bindCondition, bindExpr } from './bind-expr.js';
import type { BoundSource } from './bind-from.js';
import { exprToSql } from './expr-sql.js';
import type { LogicalPlan, UnnestSpec } from './plan.js';
import type { Scope } from './scope.js';

type UnnestItem = Extract<FromItem, { kind: 'unnest' }>;
type JoinItem = Extract<FromItem, { kind: 'join' }>;

/**
 * Binds `left CROSS JOIN UNNEST(e) [WITH ORDINALITY] [AS] t [(c, ...)]` (also `left, UNNEST(...)`,
 * `[INNER] JOIN UNNEST(...) ON cond` and `LEFT JOIN UNNEST(...) ON TRUE`): `e` is bound over the
 * left side's columns (a lateral reference); the result is an unnest node whose columns are the
 * left side's followed by the element's. Column names follow Calcite: a scalar element is
 * EXPR$0, a ROW element gives its field names, a MAP entry key and value; then ordinality.
 */
export function bindUnnest(join: JoinItem, item: UnnestItem, left: BoundSource): BoundSource {
  if (left.tvf) {
    throw new EddyError('UNSUPPORTED', 'UNNEST next to a windowing table function is not supported', item.span, 'UNNEST in a derived table first: FROM TABLE(TUMBLE(TABLE (SELECT ... CROSS JOIN UNNEST(...)) ...))');
  }
  const outer = join.joinType === 'left';
  if (join.joinType === 'right' || join.joinType === 'full') {
    throw new EddyError('UNSUPPORTED', `${join.joinType.toUpperCase()} JOIN UNNEST is not supported`, join.span, 'write CROSS JOIN UNNEST(...) or LEFT JOIN UNNEST(...) ON TRUE');
  }
  const onTrue = join.on?.kind === 'literal' && join.on.value === true;
  if (outer && !onTrue) {
    throw new EddyError('UNSUPPORTED', 'LEFT JOIN UNNEST needs the condition ON TRUE', join.on?.span ?? join.span, 'write LEFT JOIN UNNEST(...) AS t (x) ON TRUE, and filter in WHERE');
  }
  const collection = bindExpr(item.expr, { scope: left.scope, clause: 'UNNEST' });
  const shape = collectionShape(collection.type);
  if (shape === undefined || shape.kind === 'row') {
    throw new EddyError(
      'TYPE_MISMATCH',
      `UNNEST needs an ARRAY or a MAP, got ${collection.type}`,
      item.expr.span,
      `UNNEST expands a collection column, e.g. CROSS JOIN UNNEST(tags) AS t (tag); ${exprToSql(collection)} is not one`,
    );
  }
  let elementColumns: Column[];
  let expand: UnnestSpec['expand'];
  if (shape.kind === 'map') {
    expand = 'mapEntries';
    elementColumns = [
      { name: 'key', type: shape.key },
      { name: 'value', type: shape.value },
    ];
  } else {
    const row = collectionShape(shape.element);
    expand = row?.kind === 'row' ? 'rowFields' : 'element';
    elementColumns = row?.kind === 'row' ? row.fields.map((f) => ({ name: f.name, type: f.type })) : [{ name: 'EXPR$0', type: shape.element }];
  }
  const width = elementColumns.length;
  const produced: Column[] = [...elementColumns, ...(item.ordinality ? [{ name: 'ordinality', type: 'INT' as SqlType }] : [])];
  if (item.columns) {
    if (item.columns.length !== produced.length) {
      throw new EddyError(
        'TYPE_MISMATCH',
        `UNNEST gives ${produced.length} column${produced.length === 1 ? '' : 's'} (${produced.map((c) => c.name).join(', ')}), but ${item.columns.length} name${item.columns.length === 1 ? ' is' : 's are'} given`,
        item.columns[0]!.span,
        `name every column: AS t (${produced.map((c) => c.name.replace('EXPR$0', 'x')).join(', ')})`,
      );
    }
    item.columns.forEach((c, i) => (produced[i] = { name: c.name, type: produced[i]!.type }));
  }
  const own = item.alias ? [item.alias.name] : [];
  const leftCols = left.scan.schema.columns;
  const scope: Scope = {
    schema: { columns: [...leftCols, ...produced] },
    qualifiers: [...left.scope.qualifiers, ...own],
    ...(left.scope.changeColumn ? { changeColumn: true } : {}),
    columnQualifiers: [...leftCols.map((_, i) => left.scope.columnQualifiers?.[i] ?? left.scope.qualifiers), ...produced.map(() => own)],
  };
  let plan: LogicalPlan = { kind: 'unnest', input: left.scan, schema: scope.schema, collection, expand, width, ordinality: item.ordinality, outer };
  if (join.on && !onTrue) plan = { kind: 'filter', input: plan, predicate: bindCondition(join.on, { scope, clause: 'ON' }, 'the ON condition'), schema: scope.schema };
  return { name: `${left.name} UNNEST`, scope, scan: plan, updating: left.updating, time: left.time };
}
