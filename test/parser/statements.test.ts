import { describe, expect, it } from 'vitest';
import { parseScript, parseStatement } from '../../src/parser/index.js';
import { expr, show, stmtOf, strip } from './helpers.js';

const BIDS = `CREATE STREAM bids (
  auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'file', 'path' = 'data/bids.jsonl', 'format' = 'json')`;

describe('CREATE STREAM', () => {
  it('parses columns, watermark and options', () => {
    const s = stmtOf(BIDS, 'createStream');
    expect(s.name.name).toBe('bids');
    expect(s.ifNotExists).toBe(false);
    expect(s.columns.map((c) => [c.name.name, c.type, c.typeText])).toEqual([
      ['auction', 'BIGINT', 'BIGINT'],
      ['bidder', 'BIGINT', 'BIGINT'],
      ['price', 'DOUBLE', 'DOUBLE'],
      ['channel', 'VARCHAR', 'VARCHAR'],
      ['ts', 'TIMESTAMP', 'TIMESTAMP(3)'],
    ]);
    expect(s.watermark?.column.name).toBe('ts');
    expect(show(s.watermark!.expr)).toBe('(ts - 5000ms)');
    expect(s.options.map((o) => [o.key, o.value])).toEqual([
      ['connector', 'file'],
      ['path', 'data/bids.jsonl'],
      ['format', 'json'],
    ]);
  });

  it('accepts CREATE TABLE, IF NOT EXISTS, bare dotted/dashed keys and bare numbers', () => {
    const s = stmtOf(
      `create table if not exists Gen (id INT, "Price" FLOAT, name STRING, c CHAR(2), flag BOOLEAN, big INTEGER, d DOUBLE PRECISION, t TIMESTAMP_LTZ(3))
       WITH (connector = 'datagen', rows-per-second = 100, fields.price.min = '1', 'Number-Of-Rows' = '10', properties.group.id = 'g')`,
      'createStream',
    );
    expect(s.ifNotExists).toBe(true);
    expect(s.name).toMatchObject({ name: 'gen', quoted: false });
    expect(s.columns.map((c) => [c.name.name, c.type])).toEqual([
      ['id', 'INT'],
      ['Price', 'FLOAT'],
      ['name', 'VARCHAR'],
      ['c', 'VARCHAR'],
      ['flag', 'BOOLEAN'],
      ['big', 'INT'],
      ['d', 'DOUBLE'],
      ['t', 'TIMESTAMP'],
    ]);
    expect(s.columns[7]!.typeText).toBe('TIMESTAMP_LTZ(3)');
    expect(s.watermark).toBeUndefined();
    expect(s.options.map((o) => [o.key, o.value])).toEqual([
      ['connector', 'datagen'],
      ['rows-per-second', '100'],
      ['fields.price.min', '1'],
      ['number-of-rows', '10'],
      ['properties.group.id', 'g'],
    ]);
  });

  it('allows columns named like keywords and window columns', () => {
    const s = stmtOf('CREATE STREAM kv (key VARCHAR, value BIGINT, timestamp TIMESTAMP(3), watermark INT, window_start TIMESTAMP)', 'createStream');
    expect(s.columns.map((c) => c.name.name)).toEqual(['key', 'value', 'timestamp', 'watermark', 'window_start']);
    expect(s.options).toEqual([]);
  });

  it('parses CREATE STREAM ... WITH (...) AS SELECT', () => {
    const s = stmtOf(
      "CREATE STREAM top_bids WITH ('connector'='file','path'='out.jsonl','format'='json') AS SELECT auction, price FROM bids WHERE price > 100",
      'createStreamAs',
    );
    expect(s.name.name).toBe('top_bids');
    expect(s.options.map((o) => o.key)).toEqual(['connector', 'path', 'format']);
    expect(s.query.items).toHaveLength(2);
    expect(show(s.query.where!)).toBe('(price > 100)');
    expect(stmtOf('CREATE STREAM IF NOT EXISTS x AS SELECT * FROM y', 'createStreamAs')).toMatchObject({ ifNotExists: true, options: [] });
  });
});

describe('DROP, SET, SHOW, DESCRIBE, TERMINATE', () => {
  it('parses DROP STREAM / TABLE [IF EXISTS]', () => {
    expect(strip(parseStatement('DROP STREAM bids'))).toEqual({ kind: 'dropStream', name: { name: 'bids', quoted: false }, ifExists: false });
    expect(stmtOf('drop table if exists "Bids"', 'dropStream')).toMatchObject({ ifExists: true, name: { name: 'Bids', quoted: true } });
  });

  it('parses SET with quoted and bare keys and values, and bare SET', () => {
    expect(strip(parseStatement("SET 'checkpoint.interval' = '1s'"))).toEqual({ kind: 'set', key: 'checkpoint.interval', value: '1s' });
    expect(stmtOf('SET checkpoint.interval = 10s', 'set')).toMatchObject({ key: 'checkpoint.interval', value: '10s' });
    expect(stmtOf('set source.idle-timeout = 500', 'set')).toMatchObject({ key: 'source.idle-timeout', value: '500' });
    expect(stmtOf("SET 'pipeline.name' = 'It''s'", 'set')).toMatchObject({ value: "It's" });
    expect(strip(parseStatement('SET'))).toEqual({ kind: 'set' });
  });

  it('parses SHOW, DESCRIBE and TERMINATE', () => {
    expect(stmtOf('SHOW STREAMS', 'show').what).toBe('streams');
    expect(stmtOf('show tables', 'show').what).toBe('streams');
    expect(stmtOf('SHOW QUERIES', 'show').what).toBe('queries');
    expect(stmtOf('SHOW CHECKPOINTS', 'show').what).toBe('checkpoints');
    expect(stmtOf('DESCRIBE bids', 'describe').name.name).toBe('bids');
    expect(stmtOf('desc Bids', 'describe').name.name).toBe('bids');
    expect(stmtOf('TERMINATE q3', 'terminate').queryId).toBe('q3');
    expect(stmtOf("TERMINATE 'Query-7'", 'terminate').queryId).toBe('Query-7');
  });
});

describe('SELECT', () => {
  it('parses every clause', () => {
    const q = stmtOf(
      `SELECT auction, TUMBLE_START(ts, INTERVAL '10' SECOND) AS window_start, COUNT(*) n, MAX(price) AS top
       FROM bids WHERE price > 1
       GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND) HAVING COUNT(*) > 2 LIMIT 5`,
      'query',
    ).query;
    expect(q.items.map((i) => (i.kind === 'expr' ? [show(i.expr), i.alias?.name] : ['*']))).toEqual([
      ['auction', undefined],
      ['TUMBLE_START(ts, 10000ms)', 'window_start'],
      ['COUNT(*)', 'n'],
      ['MAX(price)', 'top'],
    ]);
    expect(q.from).toMatchObject({ kind: 'stream', name: { name: 'bids' } });
    expect(show(q.where!)).toBe('(price > 1)');
    expect(q.groupBy.map(show)).toEqual(['auction', 'TUMBLE(ts, 10000ms)']);
    expect(show(q.having!)).toBe('(COUNT(*) > 2)');
    expect(q.limit).toBe(5);
  });

  it('parses *, t.* and stream aliases', () => {
    const q = stmtOf('SELECT *, b.*, b.price FROM bids AS b', 'query').query;
    expect(strip(q.items)).toEqual([
      { kind: 'star' },
      { kind: 'star', qualifier: { name: 'b', quoted: false } },
      { kind: 'expr', expr: { kind: 'column', qualifier: { name: 'b', quoted: false }, name: { name: 'price', quoted: false } } },
    ]);
    expect(q.from).toMatchObject({ kind: 'stream', name: { name: 'bids' }, alias: { name: 'b' } });
    expect(stmtOf('SELECT * FROM bids b', 'query').query.from).toMatchObject({ alias: { name: 'b' } });
    expect(stmtOf('SELECT * FROM bids', 'query').query).toMatchObject({ groupBy: [] });
    expect(stmtOf('SELECT * FROM bids', 'query').query.from).not.toHaveProperty('alias');
  });

  it('uses keywords-as-names as select columns and aliases', () => {
    const q = stmtOf('SELECT key, value, count, window_start, window_end, ts timestamp FROM s', 'query').query;
    expect(q.items.map((i) => (i.kind === 'expr' ? show(i.expr) : '*'))).toEqual(['key', 'value', 'count', 'window_start', 'window_end', 'ts']);
    expect(q.items[5]).toMatchObject({ alias: { name: 'timestamp' } });
  });
});

describe('INSERT', () => {
  it('parses INSERT INTO ... SELECT', () => {
    const s = stmtOf('INSERT INTO sink SELECT a, b FROM src WHERE a > 0', 'insertSelect');
    expect(s.target.name).toBe('sink');
    expect(s.query.items).toHaveLength(2);
  });

  it('parses INSERT INTO ... [(cols)] VALUES with several rows', () => {
    const s = stmtOf("INSERT INTO clicks (user_id, url) VALUES (1, 'a'), (2, 'it''s'), (-3, NULL)", 'insertValues');
    expect(s.columns?.map((c) => c.name)).toEqual(['user_id', 'url']);
    expect(s.rows.map((r) => r.map(show))).toEqual([
      ['1', "'a'"],
      ['2', "'it's'"],
      ['(- 3)', 'null'],
    ]);
    const noCols = stmtOf("insert into clicks values (1, TIMESTAMP '2024-01-01 00:00:00')", 'insertValues');
    expect(noCols.columns).toBeUndefined();
    expect(noCols.rows[0]!.map(show)).toEqual(['1', "TO_TIMESTAMP('2024-01-01 00:00:00')"]);
  });
});

describe('EXPLAIN', () => {
  it('wraps SELECT, INSERT ... SELECT and CREATE STREAM AS', () => {
    expect(stmtOf('EXPLAIN SELECT * FROM s', 'explain').statement.kind).toBe('query');
    expect(stmtOf('EXPLAIN INSERT INTO t SELECT * FROM s', 'explain').statement.kind).toBe('insertSelect');
    expect(stmtOf("EXPLAIN CREATE STREAM t WITH ('connector'='memory') AS SELECT * FROM s", 'explain').statement.kind).toBe('createStreamAs');
    expect(stmtOf('EXPLAIN PLAN FOR SELECT * FROM s', 'explain').statement.kind).toBe('query');
  });
});

describe('scripts', () => {
  const script = `-- the input
CREATE STREAM s (a INT, ts TIMESTAMP(3)) WITH ('connector' = 'memory');
/* a block
   comment; with a semicolon */
SET 'x' = 'a;b';

SELECT a
FROM s;;
SHOW QUERIES`;

  it('splits on ; (outside strings and comments), skips empty statements and allows a missing final ;', () => {
    const stmts = parseScript(script);
    expect(stmts.map((s) => s.stmt.kind)).toEqual(['createStream', 'set', 'query', 'show']);
    expect(stmts.map((s) => s.text)).toEqual([
      "CREATE STREAM s (a INT, ts TIMESTAMP(3)) WITH ('connector' = 'memory')",
      "SET 'x' = 'a;b'",
      'SELECT a\nFROM s',
      'SHOW QUERIES',
    ]);
    expect(stmts[1]!.stmt).toMatchObject({ value: 'a;b' });
  });

  it('reports spans as offsets, lines and columns in the whole script', () => {
    const stmts = parseScript(script);
    expect(stmts.map((s) => [s.span.line, s.span.column])).toEqual([
      [2, 1],
      [5, 1],
      [7, 1],
      [9, 1],
    ]);
    const q = stmts[2]!.stmt;
    if (q.kind !== 'query') throw new Error('unreachable');
    expect(q.query.from.span).toMatchObject({ line: 8, column: 6 });
    expect(script.slice(q.query.from.span.start, q.query.from.span.end)).toBe('s');
    expect(stmts[0]!.span.start).toBe(script.indexOf('CREATE'));
  });

  it('returns nothing for an empty or comment-only script', () => {
    expect(parseScript('')).toEqual([]);
    expect(parseScript('  -- nothing\n ; /* */ ;')).toEqual([]);
  });

  it('parses the design document examples', () => {
    const stmts = parseScript(`${BIDS};
SELECT window_start, window_end, auction, COUNT(*) AS n
FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECONDS))
GROUP BY window_start, window_end, auction;
INSERT INTO some_declared_sink SELECT * FROM bids;
SET 'checkpoint.interval' = '1s';
EXPLAIN SELECT * FROM bids;   SHOW STREAMS;   SHOW QUERIES;   DESCRIBE bids;   DROP STREAM bids;`);
    expect(stmts.map((s) => s.stmt.kind)).toEqual(['createStream', 'query', 'insertSelect', 'set', 'explain', 'show', 'show', 'describe', 'dropStream']);
    expect(expr("ts - INTERVAL '5' SECOND")).toBe('(ts - 5000ms)');
  });
});
