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

  it('refuses UNION without ALL, and UNION DISTINCT, pointing at the UNION', () => {
    const sql = 'SELECT k FROM a UNION SELECT k FROM b';
    const e = errorOf(() => parseStatement(sql));
    expect(e.code).toBe('UNSUPPORTED');
    expect(e.message).toBe('UNION (removing duplicate rows) is not supported on streams');
    expect(e.hint).toBe('write UNION ALL to keep every row of every branch');
    expect(sql.slice(e.span!.start, e.span!.end)).toBe('UNION');
    const sql2 = 'SELECT k FROM a UNION ALL SELECT k FROM b union distinct SELECT k FROM c';
    const e2 = errorOf(() => parseStatement(sql2));
    expect(e2.message).toBe('UNION DISTINCT (removing duplicate rows) is not supported on streams');
    expect(sql2.slice(e2.span!.start, e2.span!.end)).toBe('union distinct');
    // Also inside parentheses.
    expect(errorOf(() => parseStatement('(SELECT k FROM a UNION SELECT k FROM b) UNION ALL SELECT k FROM c')).code).toBe('UNSUPPORTED');
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
