import { describe, expect, it } from 'vitest';
import { parseStatement } from '../../src/parser/index.js';
import { errorOf, expr, stmtOf, strip } from './helpers.js';

const columnTypes = (ddl: string): string[] => stmtOf(`CREATE TABLE t (${ddl}) WITH ('connector' = 'memory')`, 'createStream').columns.map((c) => `${c.name.name}: ${c.type}`);

describe('collection types in CREATE TABLE', () => {
  it('reads ARRAY<T>, MAP<K, V>, the postfix T ARRAY and nesting, in canonical spelling', () => {
    expect(columnTypes('a ARRAY<INT>, b STRING ARRAY, c MAP<STRING, BIGINT>, d ARRAY<ARRAY<DOUBLE>>, e MAP<STRING, ARRAY<INT>>, f INT ARRAY ARRAY')).toEqual([
      'a: ARRAY<INT>',
      'b: ARRAY<VARCHAR>',
      'c: MAP<VARCHAR, BIGINT>',
      'd: ARRAY<ARRAY<DOUBLE>>',
      'e: MAP<VARCHAR, ARRAY<INT>>',
      'f: ARRAY<ARRAY<INT>>',
    ]);
  });

  it('keeps a ROW inside an ARRAY as a ROW type, and flattens a top-level ROW holding an ARRAY', () => {
    expect(columnTypes('items ARRAY<ROW<sku STRING, qty INT>>, r ROW<tags ARRAY<STRING>, n INT>, m MAP<INT, ROW(a INT, `B c` STRING)>')).toEqual([
      'items: ARRAY<ROW<sku VARCHAR, qty INT>>',
      'r.tags: ARRAY<VARCHAR>',
      'r.n: INT',
      'm: MAP<INT, ROW<a INT, `B c` VARCHAR>>',
    ]);
  });

  it('refuses malformed collection types with a span', () => {
    const e1 = errorOf(() => parseStatement("CREATE TABLE t (a MAP<INT>) WITH ('connector' = 'memory')"));
    expect(e1.message).toBe('MAP takes a key and a value type');
    const e2 = errorOf(() => parseStatement("CREATE TABLE t (a MAP<ARRAY<INT>, INT>) WITH ('connector' = 'memory')"));
    expect(e2.message).toBe('MAP keys must be scalars, got ARRAY<INT>');
    expect(e2.span?.column).toBe(23);
    const e3 = errorOf(() => parseStatement("CREATE TABLE t (a MULTISET<INT>) WITH ('connector' = 'memory')"));
    expect(e3.code).toBe('UNSUPPORTED');
  });
});

describe('collection expressions', () => {
  it('parses subscripts as ITEM, row fields after them as FIELD, and the constructors', () => {
    expect(expr('tags[1]')).toBe('ITEM(tags, 1)');
    expect(expr("attrs['k'] || 'x'")).toBe("(ITEM(attrs, 'k') || 'x')");
    expect(expr('t.items[i + 1].sku')).toBe("FIELD(ITEM(t.items, (i + 1)), 'sku')");
    expect(expr('m[1][2]')).toBe('ITEM(ITEM(m, 1), 2)');
    expect(expr('-arr[2]')).toBe('(- ITEM(arr, 2))');
    expect(expr('ARRAY[1, 2, 3]')).toBe('ARRAY(1, 2, 3)');
    expect(expr("MAP['a', 1, 'b', 2]")).toBe("MAP('a', 1, 'b', 2)");
    expect(expr('ARRAY[ARRAY[1], ARRAY[2]][1]')).toBe('ITEM(ARRAY(ARRAY(1), ARRAY(2)), 1)');
    expect(expr('CAST(x AS ARRAY<BIGINT>)')).toBe('CAST(x AS ARRAY<BIGINT>)');
  });

  it('keeps array and map as ordinary names elsewhere', () => {
    expect(expr('array + map')).toBe('(array + map)');
  });
});

describe('UNNEST in FROM', () => {
  it('parses CROSS JOIN UNNEST with alias, column names and WITH ORDINALITY', () => {
    const q = stmtOf('SELECT x, pos FROM t CROSS JOIN UNNEST(t.tags) WITH ORDINALITY AS u (x, pos)', 'query').query;
    if (q.kind !== 'select' || q.from.kind !== 'join') throw new Error('expected a join');
    expect(q.from.joinType).toBe('inner');
    expect(q.from.on).toBeUndefined();
    expect(strip(q.from.right)).toEqual({
      kind: 'unnest',
      expr: { kind: 'column', qualifier: { name: 't', quoted: false }, name: { name: 'tags', quoted: false } },
      ordinality: true,
      alias: { name: 'u', quoted: false },
      columns: [{ name: 'x', quoted: false }, { name: 'pos', quoted: false }],
    });
  });

  it('parses the comma form and LEFT JOIN UNNEST ... ON TRUE', () => {
    const comma = stmtOf('SELECT * FROM t, UNNEST(tags) AS u (x)', 'query').query;
    if (comma.kind !== 'select' || comma.from.kind !== 'join') throw new Error('expected a join');
    expect(comma.from.right.kind).toBe('unnest');
    const left = stmtOf('SELECT * FROM t LEFT JOIN UNNEST(tags) AS u (x) ON TRUE', 'query').query;
    if (left.kind !== 'select' || left.from.kind !== 'join') throw new Error('expected a join');
    expect(left.from.joinType).toBe('left');
    expect(left.from.on?.kind).toBe('literal');
  });

  it('still requires ON after a plain JOIN, and column names only after UNNEST', () => {
    expect(errorOf(() => parseStatement('SELECT * FROM a JOIN b')).message).toBe('JOIN needs an ON condition');
    expect(errorOf(() => parseStatement('SELECT * FROM a AS x (c)')).code).toBe('UNSUPPORTED');
  });
});
