import { describe, expect, it } from 'vitest';
import type { SelectQuery } from '../../src/parser/ast.js';
import { parseStatement } from '../../src/parser/index.js';
import { errorOf, show, stmtOf } from './helpers.js';

function selectOf(sql: string): SelectQuery {
  const q = stmtOf(sql, 'query').query;
  if (q.kind !== 'select') throw new Error('not a SELECT');
  return q;
}

/** The grouping sets as text, e.g. "(a, b) (a) ()"; undefined for a plain GROUP BY. */
const setsOf = (groupBy: string): string | undefined =>
  selectOf(`SELECT 1 FROM t GROUP BY ${groupBy}`).groupingSets?.map((s) => `(${s.exprs.map(show).join(', ')})`).join(' ');
const keysOf = (groupBy: string): string => selectOf(`SELECT 1 FROM t GROUP BY ${groupBy}`).groupBy.map(show).join(', ');

describe('GROUP BY grouping sets', () => {
  it('GROUPING SETS lists its sets, the empty set included; groupBy is their union', () => {
    expect(setsOf('GROUPING SETS ((a, b), (a), ())')).toBe('(a, b) (a) ()');
    expect(keysOf('GROUPING SETS ((a, b), (a), ())')).toBe('a, b');
    expect(setsOf('grouping sets (a, (b), ())')).toBe('(a) (b) ()');
  });

  it('ROLLUP is its prefixes, longest first; CUBE every subset in Calcite order', () => {
    expect(setsOf('ROLLUP (a, b)')).toBe('(a, b) (a) ()');
    expect(setsOf('CUBE (a, b, c)')).toBe('(a, b, c) (a, b) (a, c) (a) (b, c) (b) (c) ()');
    expect(setsOf('ROLLUP ((a, b), c)')).toBe('(a, b, c) (a, b) ()');
  });

  it('items of the GROUP BY list are crossed, left first', () => {
    expect(setsOf('a, ROLLUP (b, c)')).toBe('(a, b, c) (a, b) (a)');
    expect(setsOf('window_start, window_end, GROUPING SETS ((supplier_id), ())')).toBe('(window_start, window_end, supplier_id) (window_start, window_end)');
    expect(setsOf('ROLLUP (a), CUBE (b)')).toBe('(a, b) (a) (b) ()');
    expect(setsOf('GROUPING SETS (ROLLUP (a, b), c)')).toBe('(a, b) (a) () (c)');
  });

  it('duplicate sets stay (each makes its own rows); a column twice in one set counts once', () => {
    expect(setsOf('GROUPING SETS ((a), (a))')).toBe('(a) (a)');
    expect(setsOf('a, ROLLUP (a, b)')).toBe('(a, b) (a) (a)');
  });

  it('a plain list stays plain: parenthesised expressions and lists are not grouping sets', () => {
    expect(setsOf('a, b')).toBeUndefined();
    expect(setsOf('(a + 1), b')).toBeUndefined();
    expect(keysOf('(a + 1), b')).toBe('(a + 1), b');
    expect(setsOf('(a, b)')).toBeUndefined();
    expect(keysOf('(a, b)')).toBe('a, b');
    expect(setsOf('()')).toBe('()');
  });

  it('GROUPING, ROLLUP, CUBE and SETS stay names, and GROUPING(...) a call', () => {
    const q = selectOf('SELECT GROUPING(a), GROUPING_ID(a, b), rollup FROM t GROUP BY rollup, cube, sets');
    expect(q.groupingSets).toBeUndefined();
    expect(q.groupBy.map(show)).toEqual(['rollup', 'cube', 'sets']);
    const first = q.items[0]!;
    expect(first.kind === 'expr' && first.expr.kind === 'call' && first.expr.name).toBe('GROUPING');
  });

  it('sets keep the span of the item that wrote them', () => {
    const sql = 'SELECT 1 FROM t GROUP BY x, GROUPING SETS ((a, b), ())';
    const sets = selectOf(sql).groupingSets!;
    expect(sets.map((s) => sql.slice(s.span.start, s.span.end))).toEqual(['(a, b)', '()']);
  });

  it('refuses ROLLUP inside CUBE and () inside ROLLUP', () => {
    expect(errorOf(() => parseStatement('SELECT 1 FROM t GROUP BY CUBE (ROLLUP (a), b)')).message).toMatch(/cannot be nested inside ROLLUP or CUBE/);
    expect(errorOf(() => parseStatement('SELECT 1 FROM t GROUP BY ROLLUP (a, ())')).message).toMatch(/\(\) cannot be an element of ROLLUP/);
    expect(errorOf(() => parseStatement('SELECT 1 FROM t GROUP BY GROUPING SETS')).code).toBe('SYNTAX');
  });
});
