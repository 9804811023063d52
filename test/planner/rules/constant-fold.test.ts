import { describe, expect, it } from 'vitest';
import type { BoundExpr } from '../../../src/planner/bound.js';
import type { LogicalPlan } from '../../../src/planner/plan.js';
import { explain } from '../../../src/planner/explain.js';
import { exprToSql } from '../../../src/planner/expr-sql.js';
import { optimize } from '../../../src/planner/optimize.js';
import { toPhysical } from '../../../src/planner/physical.js';
import { constantFold } from '../../../src/planner/rules/constant-fold.js';
import { removeTrueFilter } from '../../../src/planner/rules/remove-true-filter.js';
import { bind } from '../helpers.js';

const show = (p: LogicalPlan): string => explain(toPhysical(p));

/** Folds the single SELECT expression of `SELECT <expr> AS x FROM bids` and renders it. */
function folded(expr: string): string {
  const p = optimize(bind(`SELECT ${expr} AS x FROM bids`), [constantFold]);
  if (p.kind !== 'project') throw new Error('expected project');
  const e: BoundExpr = p.exprs[0]!;
  return `${exprToSql(e, p.input.schema)} : ${e.type}${e.kind === 'literal' ? '' : ' (not folded)'}`;
}

describe('constant-fold', () => {
  it('folds literal-only subexpressions of a predicate', () => {
    const before = bind('SELECT price FROM bids WHERE price > 1 + 1');
    expect(show(before)).toBe(
      ['ProjectExec [price]', '  FilterExec (price > (1 + 1))', "    SourceExec bids connector=file watermark=(ts - INTERVAL '5' SECOND)"].join('\n'),
    );
    expect(show(optimize(before, [constantFold]))).toBe(
      ['ProjectExec [price]', '  FilterExec (price > 2)', "    SourceExec bids connector=file watermark=(ts - INTERVAL '5' SECOND)"].join('\n'),
    );
  });

  it.each([
    ['1 + 2', '3 : INT'],
    ['7 / 2', '3 : INT'],
    ['-7 / 2', '-3 : INT'],
    ['7.0 / 2', '3.5 : DOUBLE'],
    ['-7 % 3', '-1 : INT'],
    ['2 * 3 > 5', 'TRUE : BOOLEAN'],
    ["'a' || 'b'", "'ab' : VARCHAR"],
    ['NOT (1 = 1)', 'FALSE : BOOLEAN'],
    ['NULL + 1', 'NULL : INT'],
    ['NULL = NULL', 'NULL : BOOLEAN'],
    ['NULL AND FALSE', 'FALSE : BOOLEAN'],
    ['NULL AND TRUE', 'NULL : BOOLEAN'],
    ['NULL OR TRUE', 'TRUE : BOOLEAN'],
    ['NULL OR FALSE', 'NULL : BOOLEAN'],
    ['NULL IS NULL', 'TRUE : BOOLEAN'],
    ['1 IS NOT NULL', 'TRUE : BOOLEAN'],
    ['CAST(NULL AS INT) + 1', 'NULL : INT'],
    ['CAST(3 AS DOUBLE)', '3.0 : DOUBLE'],
  ])('%s → %s', (expr, want) => {
    expect(folded(expr)).toBe(want);
  });

  it('leaves what only run time can decide: division by zero, overflow, columns, functions', () => {
    expect(folded('1 / 0')).toBe('1 / 0 : INT (not folded)');
    expect(folded('2147483647 + 1')).toBe('2147483647 + 1 : INT (not folded)');
    expect(folded('price + 1')).toBe('price + 1 : DOUBLE (not folded)');
    expect(folded('ABS(-3)')).toBe('ABS(-3) : INT (not folded)');
    expect(folded('ABS(1 + 2)')).toBe('ABS(3) : INT (not folded)');
  });

  it('drops AND TRUE / OR FALSE, which are identities even for NULL', () => {
    expect(folded('price > 1 AND 1 = 1')).toBe('price > 1 : BOOLEAN (not folded)');
    expect(folded('1 = 2 OR price > 1')).toBe('price > 1 : BOOLEAN (not folded)');
    expect(folded('price > 1 AND 1 = 2')).toBe('(price > 1) AND FALSE : BOOLEAN (not folded)');
  });

  it('folds timestamp arithmetic', () => {
    const p = optimize(bind("SELECT * FROM bids WHERE ts > CAST('2024-01-01 00:00:00' AS TIMESTAMP) + INTERVAL '1' HOUR"), [constantFold]);
    expect(p.kind === 'project' && p.input.kind === 'filter' && exprToSql(p.input.predicate, p.input.schema)).toBe("ts > TIMESTAMP '2024-01-01 01:00:00.000'");
  });

  it('with remove-true-filter, a WHERE that folds to TRUE disappears', () => {
    const before = bind('SELECT price FROM bids WHERE 1 < 2');
    expect(show(optimize(before, [constantFold, removeTrueFilter]))).toBe(
      ['ProjectExec [price]', "  SourceExec bids connector=file watermark=(ts - INTERVAL '5' SECOND)"].join('\n'),
    );
    expect(show(optimize(bind('SELECT price FROM bids WHERE 1 > 2'), [constantFold, removeTrueFilter]))).toContain('FilterExec (FALSE)');
  });

  it('reports no change when nothing folds', () => {
    const p = bind('SELECT price FROM bids WHERE price > 2');
    expect(p.kind === 'project' && constantFold.apply(p.input)).toBeUndefined();
  });
});
