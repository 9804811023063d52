import { describe, expect, it } from 'vitest';
import { bindError } from './helpers.js';

describe('bindQuery errors carry code, message, span and hint', () => {
  it('unknown column suggests the closest visible column', () => {
    expect(bindError('SELECT pirce FROM bids')).toEqual({
      code: 'UNKNOWN_COLUMN',
      message: "unknown column 'pirce'",
      at: '1:8',
      text: 'pirce',
      hint: "did you mean 'price'?",
    });
  });

  it('unknown column on a later line points at that line', () => {
    const sql = 'SELECT auction\nFROM bids\nWHERE  bidr > 3';
    expect(bindError(sql)).toMatchObject({ code: 'UNKNOWN_COLUMN', message: "unknown column 'bidr'", at: '3:8', text: 'bidr', hint: "did you mean 'bidder'?" });
  });

  it('unknown qualifier', () => {
    expect(bindError('SELECT x.price FROM bids AS b')).toMatchObject({ code: 'UNKNOWN_COLUMN', message: "unknown stream or alias 'x'", at: '1:8', text: 'x' });
  });

  it('unknown stream', () => {
    expect(bindError('SELECT * FROM bid')).toMatchObject({ code: 'UNKNOWN_STREAM', message: "unknown stream 'bid'", text: 'bid', hint: "did you mean 'bids'?" });
  });

  it('unknown function suggests a known one', () => {
    expect(bindError('SELECT UPPR(channel) FROM bids')).toEqual({
      code: 'UNKNOWN_FUNCTION',
      message: "unknown function 'UPPR'",
      at: '1:8',
      text: 'UPPR',
      hint: "did you mean 'UPPER'?",
    });
  });

  it('SUM over VARCHAR points at the argument', () => {
    const sql = "SELECT SUM(channel) FROM bids GROUP BY TUMBLE(ts, INTERVAL '10' SECOND)";
    expect(bindError(sql)).toEqual({
      code: 'TYPE_MISMATCH',
      message: 'SUM does not accept VARCHAR',
      at: '1:12',
      text: 'channel',
      hint: 'SUM needs a numeric argument (INT, BIGINT, FLOAT, DOUBLE)',
    });
  });

  it('WHERE must be BOOLEAN', () => {
    expect(bindError('SELECT * FROM bids WHERE price + 1')).toMatchObject({ code: 'TYPE_MISMATCH', message: 'the WHERE condition must be BOOLEAN, got DOUBLE', text: 'price + 1' });
  });

  it('HAVING must be BOOLEAN', () => {
    const sql = "SELECT COUNT(*) AS n FROM bids GROUP BY TUMBLE(ts, INTERVAL '1' SECOND) HAVING COUNT(*)";
    expect(bindError(sql)).toMatchObject({ code: 'TYPE_MISMATCH', message: 'the HAVING condition must be BOOLEAN, got BIGINT', text: 'COUNT(*)' });
  });

  it('comparing VARCHAR with a number', () => {
    expect(bindError('SELECT * FROM bids WHERE channel = 3')).toMatchObject({
      code: 'TYPE_MISMATCH',
      message: 'cannot compare VARCHAR with INT',
      text: 'channel = 3',
      hint: 'CAST one side so both have the same type, e.g. CAST(3 AS VARCHAR)',
    });
  });

  it('|| needs strings, with a hint to CAST', () => {
    expect(bindError("SELECT channel || auction FROM bids")).toMatchObject({
      code: 'TYPE_MISMATCH',
      message: '|| needs VARCHAR operands, got BIGINT',
      text: 'auction',
      hint: 'CAST it to a string: CAST(auction AS VARCHAR)',
    });
  });

  it('arithmetic on VARCHAR', () => {
    expect(bindError('SELECT price * channel FROM bids')).toMatchObject({ code: 'TYPE_MISMATCH', message: 'operator * cannot be applied to DOUBLE and VARCHAR', text: 'channel' });
  });

  it('a bad timestamp literal', () => {
    expect(bindError("SELECT * FROM bids WHERE ts > 'yesterday'")).toMatchObject({ code: 'TYPE_MISMATCH', message: "'yesterday' is not a valid TIMESTAMP", text: "'yesterday'" });
  });

  it('column not in GROUP BY', () => {
    const sql = "SELECT auction, bidder, COUNT(*) FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND)";
    expect(bindError(sql)).toEqual({
      code: 'NOT_GROUPED',
      message: "column 'bidder' must appear in GROUP BY or be used in an aggregate",
      at: '1:17',
      text: 'bidder',
      hint: 'add bidder to GROUP BY, or wrap it in an aggregate such as MAX(bidder)',
    });
  });

  it('a non-grouped column inside a larger expression in HAVING', () => {
    const sql = "SELECT auction FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND) HAVING price > 3";
    expect(bindError(sql)).toMatchObject({ code: 'NOT_GROUPED', text: 'price' });
  });

  it('window on a column without a watermark', () => {
    const sql = "SELECT COUNT(*) FROM clicks GROUP BY TUMBLE(ts, INTERVAL '10' SECOND)";
    expect(bindError(sql)).toEqual({
      code: 'NO_WATERMARK',
      message: "column 'ts' has no watermark, so it cannot drive an event-time window",
      at: '1:45',
      text: 'ts',
      hint: "declare WATERMARK FOR ts AS ts - INTERVAL '5' SECOND in CREATE STREAM",
    });
  });

  it('window on a column other than the watermark column', () => {
    const sql = "SELECT COUNT(*) FROM bids GROUP BY TUMBLE(auction, INTERVAL '10' SECOND)";
    expect(bindError(sql)).toMatchObject({ code: 'NO_WATERMARK', message: "column 'auction' has no watermark, so it cannot drive an event-time window", hint: "'bids' has its watermark on 'ts'; window on that column" });
  });

  it('TVF over a column without a watermark', () => {
    const sql = "SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end";
    expect(bindError(sql)).toMatchObject({ code: 'NO_WATERMARK', text: 'ts' });
  });

  it('two windows in one GROUP BY', () => {
    const sql = "SELECT COUNT(*) FROM bids GROUP BY TUMBLE(ts, INTERVAL '10' SECOND), HOP(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND)";
    expect(bindError(sql)).toMatchObject({ code: 'UNSUPPORTED', message: 'only one window is allowed per GROUP BY', text: "HOP(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND)" });
  });

  it('TUMBLE_START whose size differs from the GROUP BY window', () => {
    const sql = "SELECT TUMBLE_START(ts, INTERVAL '5' SECOND) FROM bids GROUP BY TUMBLE(ts, INTERVAL '10' SECOND)";
    expect(bindError(sql)).toEqual({
      code: 'NOT_GROUPED',
      message: "TUMBLE_START(...) does not match the GROUP BY window TUMBLE(ts, INTERVAL '10' SECOND)",
      at: '1:8',
      text: "TUMBLE_START(ts, INTERVAL '5' SECOND)",
      hint: "use the same arguments as in GROUP BY: TUMBLE_START(ts, INTERVAL '10' SECOND)",
    });
  });

  it('HOP_END against a TUMBLE window', () => {
    const sql = "SELECT HOP_END(ts, INTERVAL '10' SECOND, INTERVAL '20' SECOND) FROM bids GROUP BY TUMBLE(ts, INTERVAL '10' SECOND)";
    expect(bindError(sql)).toMatchObject({ code: 'NOT_GROUPED' });
  });

  it('TUMBLE_START without any window', () => {
    expect(bindError("SELECT TUMBLE_START(ts, INTERVAL '10' SECOND) FROM bids")).toMatchObject({ code: 'NOT_GROUPED', message: 'TUMBLE_START needs a matching TUMBLE(...) in GROUP BY' });
  });

  it('LIMIT over a GROUP BY without a window (an updating result)', () => {
    const sql = 'SELECT auction, COUNT(*) FROM bids GROUP BY auction LIMIT 3';
    expect(bindError(sql)).toMatchObject({ code: 'UNSUPPORTED', message: 'LIMIT over an updating result (a GROUP BY without a window) is not supported', at: '1:1' });
    expect(bindError('SELECT COUNT(*) FROM bids LIMIT 1')).toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('an output column named op clashes with the change kind column of an updating result', () => {
    expect(bindError('SELECT auction AS op, COUNT(*) FROM bids GROUP BY auction')).toMatchObject({
      code: 'AMBIGUOUS_COLUMN',
      message: "output column 'op' clashes with the change kind column of an updating result",
      text: 'auction AS op',
    });
  });

  it('TUMBLE_START in a GROUP BY without a window', () => {
    const sql = "SELECT auction, TUMBLE_START(ts, INTERVAL '10' SECOND), COUNT(*) FROM bids GROUP BY auction";
    expect(bindError(sql)).toMatchObject({ code: 'NOT_GROUPED', message: 'TUMBLE_START needs a matching TUMBLE(...) in GROUP BY', text: "TUMBLE_START(ts, INTERVAL '10' SECOND)" });
  });

  it('FIRST_VALUE in a GROUP BY without a window (it orders by window event time)', () => {
    expect(bindError('SELECT auction, FIRST_VALUE(price) FROM bids GROUP BY auction')).toMatchObject({ code: 'UNSUPPORTED', message: 'FIRST_VALUE is only supported in a windowed GROUP BY', text: 'FIRST_VALUE(price)' });
  });

  it('aggregate in WHERE', () => {
    expect(bindError('SELECT * FROM bids WHERE MAX(price) > 3')).toMatchObject({ code: 'UNSUPPORTED', message: 'aggregate function MAX is not allowed in WHERE', text: 'MAX(price)', hint: 'filter groups with HAVING instead' });
  });

  it('nested aggregates', () => {
    const sql = "SELECT MAX(COUNT(*)) FROM bids GROUP BY TUMBLE(ts, INTERVAL '10' SECOND)";
    expect(bindError(sql)).toMatchObject({ code: 'UNSUPPORTED', message: 'aggregate function COUNT is not allowed in an aggregate argument', text: 'COUNT(*)' });
  });

  it('TUMBLE outside GROUP BY', () => {
    expect(bindError("SELECT TUMBLE(ts, INTERVAL '1' SECOND) FROM bids")).toMatchObject({ code: 'UNSUPPORTED', message: 'TUMBLE(...) may only appear in GROUP BY' });
  });

  it('an aggregate over a TVF without GROUP BY window_start, window_end', () => {
    const sql = "SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECONDS))";
    expect(bindError(sql)).toMatchObject({
      code: 'UNSUPPORTED',
      message: 'an aggregate over a windowing table function needs GROUP BY window_start, window_end',
      hint: 'aggregate per window: GROUP BY window_start, window_end',
    });
    const session = "SELECT * FROM TABLE(SESSION(TABLE bids PARTITION BY auction, DESCRIPTOR(ts), INTERVAL '10' SECONDS))";
    expect(bindError(session)).toMatchObject({ code: 'UNSUPPORTED', message: 'a SESSION windowing table function without GROUP BY is not supported' });
  });

  it('TVF GROUP BY missing window_end', () => {
    const sql = "SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECONDS)) GROUP BY window_start, auction";
    expect(bindError(sql)).toMatchObject({
      code: 'UNSUPPORTED',
      message: 'GROUP BY over a windowing table function must include window_start and window_end',
      text: 'window_start, auction',
      hint: 'add window_end to GROUP BY',
    });
  });

  it('window_start in WHERE of a TVF query', () => {
    const sql = "SELECT COUNT(*) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECONDS)) WHERE window_start > ts GROUP BY window_start, window_end";
    expect(bindError(sql)).toMatchObject({ code: 'UNSUPPORTED', message: 'window_start cannot be used in WHERE', text: 'window_start' });
  });

  it('duplicate output column names', () => {
    expect(bindError('SELECT price AS p, bidder AS p FROM bids')).toMatchObject({ code: 'AMBIGUOUS_COLUMN', message: "duplicate output column 'p'", text: 'p' });
  });

  it('CUMULATE whose size is not a multiple of its step', () => {
    const sql = "SELECT COUNT(*) FROM bids GROUP BY CUMULATE(ts, INTERVAL '3' SECOND, INTERVAL '10' SECOND)";
    expect(bindError(sql)).toMatchObject({ code: 'TYPE_MISMATCH', text: "INTERVAL '10' SECOND" });
  });

  it('scalar function with the wrong argument type and count', () => {
    expect(bindError('SELECT UPPER(price) FROM bids')).toMatchObject({ code: 'TYPE_MISMATCH', message: 'UPPER does not accept DOUBLE', text: 'price' });
    expect(bindError('SELECT ABS(price, 2) FROM bids')).toMatchObject({ code: 'TYPE_MISMATCH', message: 'ABS takes 1 argument, got 2', hint: 'usage: ABS(number)' });
  });
});
