import { describe, expect, it } from 'vitest';
import type { Query, SelectQuery } from '../../src/parser/ast.js';
import { parseStatement } from '../../src/parser/index.js';
import { errorOf, stmtOf, strip } from './helpers.js';

/** The streams each branch of a union reads, in order ('a' for a single SELECT). */
function branches(q: Query): string[] {
  const streamOf = (s: SelectQuery): string => (s.from.kind === 'stream' ? s.from.name.name : `(${s.from.kind})`);
  return q.kind === 'union' ? q.branches.map(streamOf) : [streamOf(q)];
}

describe('UNION ALL', () => {
  it('parses a query of several branches in source order, each a full SELECT with WHERE', () => {
    const sql = 'SELECT k, ts FROM a WHERE v > 1 UNION ALL SELECT k, ts FROM b UNION ALL select k, ts from c where k is not null';
    const q = stmtOf(sql, 'query').query;
    expect(q.kind).toBe('union');
    expect(branches(q)).toEqual(['a', 'b', 'c']);
    if (q.kind !== 'union') throw new Error('not a union');
    expect(q.branches[0]!.where).toBeDefined();
    expect(q.branches[1]!.where).toBeUndefined();
    expect(sql.slice(q.span.start, q.span.end)).toBe(sql);
    expect(sql.slice(q.branches[1]!.span.start, q.branches[1]!.span.end)).toBe('SELECT k, ts FROM b');
  });

  it('a single SELECT stays a SelectQuery', () => {
    expect(stmtOf('SELECT k FROM a', 'query').query.kind).toBe('select');
  });

  it('flattens parenthesised and nested unions (UNION ALL is associative)', () => {
    const flat = stmtOf('SELECT k FROM a UNION ALL SELECT k FROM b UNION ALL SELECT k FROM c', 'query').query;
    for (const sql of ['(SELECT k FROM a) UNION ALL (SELECT k FROM b UNION ALL SELECT k FROM c)', '((SELECT k FROM a UNION ALL SELECT k FROM b)) UNION ALL SELECT k FROM c']) {
      const q = stmtOf(sql, 'query').query;
      expect(branches(q)).toEqual(['a', 'b', 'c']);
      if (q.kind !== 'union' || flat.kind !== 'union') throw new Error('not a union');
      expect(strip(q.branches)).toEqual(strip(flat.branches));
    }
  });

  it('is accepted by INSERT INTO, CREATE STREAM AS and EXPLAIN', () => {
    expect(branches(stmtOf('INSERT INTO t SELECT k FROM a UNION ALL SELECT k FROM b', 'insertSelect').query)).toEqual(['a', 'b']);
    expect(branches(stmtOf("CREATE STREAM x WITH ('connector' = 'memory') AS SELECT k FROM a UNION ALL SELECT k FROM b", 'createStreamAs').query)).toEqual(['a', 'b']);
    const ex = stmtOf('EXPLAIN SELECT k FROM a UNION ALL SELECT k FROM b', 'explain');
    expect(ex.statement.kind).toBe('query');
    // INSERT INTO t (cols) VALUES still parses next to INSERT INTO t (SELECT ...).
    expect(stmtOf('INSERT INTO t (k) VALUES (1)', 'insertValues').rows).toHaveLength(1);
    expect(branches(stmtOf('INSERT INTO t (SELECT k FROM a UNION ALL SELECT k FROM b)', 'insertSelect').query)).toEqual(['a', 'b']);
  });

  it('accepts ALL case-insensitively, and all as a column name', () => {
    const q = stmtOf('select "all", all FROM a union all SELECT x, y FROM b', 'query').query;
    expect(branches(q)).toEqual(['a', 'b']);
  });

  it('parses UNION [DISTINCT], INTERSECT and EXCEPT [ALL] as set operations, INTERSECT binding tighter, left to right', () => {
    const shape = (q: Query): unknown =>
      q.kind === 'setOp' ? [shape(q.left), `${q.op}${q.all ? ' all' : ''}`, shape(q.right)] : q.kind === 'union' ? { all: q.branches.map(shape) } : q.kind === 'select' && q.from.kind === 'stream' ? q.from.name.name : 'sub';
    const q = (sql: string): Query => stmtOf(sql, 'query').query;
    expect(shape(q('SELECT k FROM a UNION SELECT k FROM b'))).toEqual(['a', 'union', 'b']);
    expect(shape(q('SELECT k FROM a union distinct SELECT k FROM b'))).toEqual(['a', 'union', 'b']);
    expect(shape(q('SELECT k FROM a EXCEPT SELECT k FROM b INTERSECT ALL SELECT k FROM c'))).toEqual(['a', 'except', ['b', 'intersect all', 'c']]);
    expect(shape(q('SELECT k FROM a EXCEPT ALL SELECT k FROM b EXCEPT SELECT k FROM c'))).toEqual([['a', 'except all', 'b'], 'except', 'c']);
    // A set operation inside a UNION ALL is a branch `SELECT * FROM (...)`.
    expect(shape(q('(SELECT k FROM a UNION SELECT k FROM b) UNION ALL SELECT k FROM c'))).toEqual({ all: ['sub', 'c'] });
    const op = q('SELECT k FROM a INTERSECT  ALL SELECT k FROM b');
    const sql = 'SELECT k FROM a INTERSECT  ALL SELECT k FROM b';
    if (op.kind !== 'setOp') throw new Error('expected a set operation');
    expect(sql.slice(op.opSpan.start, op.opSpan.end)).toBe('INTERSECT  ALL');
  });

  it('a UNION without a second branch is a syntax error', () => {
    const e = errorOf(() => parseStatement('SELECT k FROM a UNION ALL'));
    expect(e.code).toBe('SYNTAX');
  });
});

describe('FROM (<query>)', () => {
  it('parses a derived table with or without an alias', () => {
    const sql = `SELECT k, COUNT(*) FROM (SELECT k, ts FROM a UNION ALL SELECT k, ts FROM b) AS u GROUP BY k, TUMBLE(ts, INTERVAL '10' SECOND)`;
    const from = (stmtOf(sql, 'query').query as SelectQuery).from;
    expect(from.kind).toBe('subquery');
    if (from.kind !== 'subquery') throw new Error('not a subquery');
    expect(from.alias?.name).toBe('u');
    expect(branches(from.query)).toEqual(['a', 'b']);
    expect(sql.slice(from.span.start, from.span.end)).toBe('(SELECT k, ts FROM a UNION ALL SELECT k, ts FROM b) AS u');
    const bare = (stmtOf('SELECT * FROM (SELECT k FROM a UNION ALL SELECT k FROM b) WHERE k > 1', 'query').query as SelectQuery);
    expect(bare.from).not.toHaveProperty('alias');
    expect(bare.where).toBeDefined();
    const single = (stmtOf('SELECT * FROM (SELECT k FROM a) x', 'query').query as SelectQuery).from;
    expect(single.kind === 'subquery' && single.query.kind).toBe('select');
  });
});
