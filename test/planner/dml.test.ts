import { describe, expect, it } from 'vitest';
import type { InsertValuesStmt, Query } from '../../src/parser/ast.js';
import { parseStatement } from '../../src/parser/index.js';
import { bindInsertTarget, bindInsertValues, deriveStreamSchema } from '../../src/planner/dml.js';
import { bind, catalog, errorOf } from './helpers.js';

const cat = catalog();
const bids = cat.get('bids');
const span = { start: 0, end: 6, line: 1, column: 1 };

function values(sql: string): InsertValuesStmt {
  const s = parseStatement(sql);
  if (s.kind !== 'insertValues') throw new Error('not INSERT VALUES');
  return s;
}

describe('bindInsertTarget', () => {
  it('accepts the same columns and widening conversions', () => {
    expect(() => bindInsertTarget(bind('SELECT * FROM bids').schema, bids, span)).not.toThrow();
    expect(() => bindInsertTarget(bind('SELECT user_id, user_id AS u2, score, url, ts FROM clicks').schema, bids, span)).not.toThrow();
  });

  it('rejects a different column count', () => {
    expect(errorOf(() => bindInsertTarget(bind('SELECT auction FROM bids').schema, bids, span))).toMatchObject({
      code: 'TYPE_MISMATCH',
      message: 'INSERT INTO bids expects 5 columns, but the query produces 1',
      at: '1:1',
      hint: 'bids has columns (auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP); select them in this order',
    });
  });

  it('names the first mismatching column', () => {
    const q = bind('SELECT auction, bidder, channel, channel AS c2, ts FROM bids').schema;
    expect(errorOf(() => bindInsertTarget(q, bids, span))).toMatchObject({
      code: 'TYPE_MISMATCH',
      message: "column 3 of the query ('channel', VARCHAR) cannot be written to bids.price (DOUBLE)",
      hint: 'CAST it in the SELECT list: CAST(channel AS DOUBLE)',
    });
  });
});

describe('bindInsertValues', () => {
  it('binds constants cast to the target types, in target order', () => {
    const rows = bindInsertValues(values("INSERT INTO bids VALUES (1, 2, 3, 'web', '2024-01-01 00:00:01'), (1 + 1, NULL, -2.5, NULL, NULL)"), bids);
    expect(rows).toEqual([
      [
        { kind: 'literal', value: 1, type: 'BIGINT' },
        { kind: 'literal', value: 2, type: 'BIGINT' },
        { kind: 'literal', value: 3, type: 'DOUBLE' },
        { kind: 'literal', value: 'web', type: 'VARCHAR' },
        { kind: 'literal', value: Date.UTC(2024, 0, 1, 0, 0, 1), type: 'TIMESTAMP' },
      ],
      [
        { kind: 'literal', value: 2, type: 'BIGINT' },
        { kind: 'literal', value: null, type: 'BIGINT' },
        { kind: 'literal', value: -2.5, type: 'DOUBLE' },
        { kind: 'literal', value: null, type: 'VARCHAR' },
        { kind: 'literal', value: null, type: 'TIMESTAMP' },
      ],
    ]);
  });

  it('an explicit column list fills the others with NULL', () => {
    const [row] = bindInsertValues(values("INSERT INTO bids (price, auction) VALUES (9.5, 7)"), bids);
    expect(row?.map((e) => (e.kind === 'literal' ? e.value : e.kind))).toEqual([7, null, 9.5, null, null]);
  });

  it('rejects columns, wrong types, wrong counts and unknown columns', () => {
    const e1 = "INSERT INTO bids VALUES (auction, 1, 1, 'a', NULL)";
    expect(errorOf(() => bindInsertValues(values(e1), bids), e1)).toMatchObject({ code: 'UNSUPPORTED', message: "VALUES may only contain constants, not column 'auction'", text: 'auction' });
    const e2 = "INSERT INTO bids VALUES (1, 1, 'x', 'a', NULL)";
    expect(errorOf(() => bindInsertValues(values(e2), bids), e2)).toMatchObject({ code: 'TYPE_MISMATCH', message: 'bids.price is DOUBLE, but the value is VARCHAR', text: "'x'" });
    const e3 = 'INSERT INTO bids VALUES (1, 2)';
    expect(errorOf(() => bindInsertValues(values(e3), bids), e3)).toMatchObject({ code: 'TYPE_MISMATCH', message: 'VALUES row has 2 values, but 5 columns are expected', text: '1, 2' });
    const e4 = 'INSERT INTO bids (prcie) VALUES (1)';
    expect(errorOf(() => bindInsertValues(values(e4), bids), e4)).toMatchObject({ code: 'UNKNOWN_COLUMN', text: 'prcie', hint: "did you mean 'price'?" });
    const e5 = "INSERT INTO bids (ts) VALUES ('soon')";
    expect(errorOf(() => bindInsertValues(values(e5), bids), e5)).toMatchObject({ code: 'TYPE_MISMATCH', message: "'soon' is not a valid TIMESTAMP for bids.ts" });
  });
});

function query(sql: string): Query {
  const s = parseStatement(sql);
  if (s.kind !== 'query') throw new Error('not a query');
  return s.query;
}

describe('deriveStreamSchema', () => {
  it('is the query output schema', () => {
    const sql = "SELECT auction, COUNT(*) AS n, TUMBLE_END(ts, INTERVAL '1' SECOND) AS we FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '1' SECOND)";
    expect(deriveStreamSchema(bind(sql), query(sql)).columns).toEqual([
      { name: 'auction', type: 'BIGINT' },
      { name: 'n', type: 'BIGINT' },
      { name: 'we', type: 'TIMESTAMP' },
    ]);
  });

  it('rejects a column of type NULL', () => {
    const sql = 'SELECT auction, NULL AS x FROM bids';
    expect(errorOf(() => deriveStreamSchema(bind(sql), query(sql)), sql)).toMatchObject({
      code: 'TYPE_MISMATCH',
      message: "column 'x' has type NULL, which a stream cannot store",
      at: '1:17',
      text: 'NULL AS x',
    });
  });
});
