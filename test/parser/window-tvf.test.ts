import { describe, expect, it } from 'vitest';
import type { FromItem } from '../../src/parser/index.js';
import { errorOf, show, stmtOf } from './helpers.js';
import { parseStatement } from '../../src/parser/index.js';

function tvf(from: string): Extract<FromItem, { kind: 'windowTvf' }> {
  const f = stmtOf(`SELECT * FROM ${from}`, 'query').query.from;
  if (f.kind !== 'windowTvf') throw new Error(`expected a window TVF, got ${f.kind}`);
  return f;
}

const summary = (f: Extract<FromItem, { kind: 'windowTvf' }>): unknown => ({
  fn: f.fn,
  table: f.table.name,
  timeCol: f.timeCol.name,
  partitionBy: f.partitionBy.map(show),
  args: f.args.map(show),
  alias: f.alias?.name,
});

describe('window table-valued functions', () => {
  it('parses TUMBLE, HOP, CUMULATE and SESSION in positional form', () => {
    expect(summary(tvf("TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECONDS))"))).toEqual({
      fn: 'TUMBLE',
      table: 'bids',
      timeCol: 'ts',
      partitionBy: [],
      args: ['10000ms'],
      alias: undefined,
    });
    expect(summary(tvf("table(hop(table bids, descriptor(ts), INTERVAL '5' MINUTES, INTERVAL '10' MINUTES)) w"))).toMatchObject({
      fn: 'HOP',
      args: ['300000ms', '600000ms'],
      alias: 'w',
    });
    expect(summary(tvf("TABLE(CUMULATE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '1' HOUR)) AS c"))).toMatchObject({
      fn: 'CUMULATE',
      args: ['60000ms', '3600000ms'],
      alias: 'c',
    });
    expect(summary(tvf("TABLE(SESSION(TABLE bids PARTITION BY bidder, auction, DESCRIPTOR(ts), INTERVAL '30' SECOND))"))).toMatchObject({
      fn: 'SESSION',
      partitionBy: ['bidder', 'auction'],
      args: ['30000ms'],
    });
  });

  it('accepts a trailing offset argument', () => {
    expect(tvf("TABLE(TUMBLE(TABLE s, DESCRIPTOR(ts), INTERVAL '1' HOUR, INTERVAL '15' MINUTE))").args.map(show)).toEqual(['3600000ms', '900000ms']);
  });

  it("accepts Flink's named-argument form in any order", () => {
    const named = tvf("TABLE(TUMBLE(DATA => TABLE bids, TIMECOL => DESCRIPTOR(ts), SIZE => INTERVAL '10' MINUTES))");
    expect(summary(named)).toEqual(summary(tvf("TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' MINUTES))")));
    const hop = tvf("TABLE(HOP(size => INTERVAL '10' MINUTE, slide => INTERVAL '2' MINUTE, timecol => DESCRIPTOR(ts), data => TABLE bids))");
    expect(hop.args.map(show)).toEqual(['120000ms', '600000ms']);
    const session = tvf("TABLE(SESSION(DATA => TABLE bids PARTITION BY bidder, TIMECOL => DESCRIPTOR(ts), GAP => INTERVAL '1' MINUTE))");
    expect(summary(session)).toMatchObject({ partitionBy: ['bidder'], args: ['60000ms'] });
  });

  it('spans the whole FROM item and records the table and time column spans', () => {
    const sql = "SELECT *\nFROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' SECOND)) AS w";
    const f = stmtOf(sql, 'query').query.from;
    expect(sql.slice(f.span.start, f.span.end)).toBe("TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' SECOND)) AS w");
    expect(f.span).toMatchObject({ line: 2, column: 6 });
    if (f.kind !== 'windowTvf') throw new Error('unreachable');
    expect(f.table.span).toMatchObject({ line: 2, column: 25 });
    expect(f.timeCol.span).toMatchObject({ line: 2, column: 42 });
  });

  it('rejects malformed calls with a SYNTAX error pointing at the problem', () => {
    const e1 = errorOf(() => parseStatement("SELECT * FROM TABLE(TUMBEL(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND))"));
    expect([e1.code, e1.message, e1.hint, e1.span?.column]).toEqual(['SYNTAX', "unknown window function 'TUMBEL'", 'did you mean TUMBLE?', 21]);

    const e2 = errorOf(() => parseStatement("SELECT * FROM TABLE(HOP(TABLE s, DESCRIPTOR(ts), INTERVAL '1' SECOND))"));
    expect(e2.message).toBe('HOP takes 2 interval arguments (slide, size) and an optional offset, but got 1');
    expect(e2.hint).toBe('write HOP(TABLE <stream>, DESCRIPTOR(<time column>), <slide>, <size> [, <offset>])');

    const e3 = errorOf(() => parseStatement("SELECT * FROM TABLE(TUMBLE(DESCRIPTOR(ts), TABLE s, INTERVAL '1' SECOND))"));
    expect(e3.message).toBe('the first argument of TUMBLE must be TABLE <stream>');
    expect(e3.span?.column).toBe(28);

    const e4 = errorOf(() => parseStatement("SELECT * FROM TABLE(TUMBLE(DATA => TABLE s, TIMECOL => DESCRIPTOR(ts), SIZ => INTERVAL '1' SECOND))"));
    expect([e4.message, e4.hint]).toEqual(["TUMBLE has no argument named 'SIZ'", 'did you mean SIZE?']);

    const e5 = errorOf(() => parseStatement('SELECT * FROM TABLE(TUMBLE(DATA => TABLE s, TIMECOL => DESCRIPTOR(ts)))'));
    expect(e5.message).toBe('TUMBLE is missing its SIZE argument');

    const e6 = errorOf(() => parseStatement("SELECT * FROM TABLE(TUMBLE(DATA => TABLE s, DESCRIPTOR(ts), SIZE => INTERVAL '1' SECOND))"));
    expect(e6.message).toBe('TUMBLE arguments must be all named or all positional');
  });
});
