import { describe, expect, it } from 'vitest';
import { bind, bindError, columnsOf } from './helpers.js';

const types = (list: string) => columnsOf(bind(`SELECT ${list} FROM bids`)).map((c) => c.split(' ')[1]);

describe('scalar function result types', () => {
  it('string functions', () => {
    expect(
      types(
        "TRIM(LEADING 'x' FROM channel), SUBSTRING(channel FROM 2 FOR 1), CHARACTER_LENGTH(channel), POSITION('a' IN channel), REPLACE(channel, 'a', 'b'), LPAD(channel, 5, '*'), INITCAP(channel), REGEXP_EXTRACT(channel, '(a)', 1)",
      ),
    ).toEqual(['VARCHAR', 'VARCHAR', 'INT', 'INT', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR']);
  });
  it('numeric functions keep or widen the argument type', () => {
    expect(types('SIGN(auction), TRUNCATE(price, 1), LN(auction), EXP(1), LOG10(price), FLOOR(auction), CEIL(price)')).toEqual([
      'BIGINT', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'BIGINT', 'DOUBLE',
    ]);
  });
  it('time functions', () => {
    expect(
      types("EXTRACT(HOUR FROM ts), FLOOR(ts TO DAY), CEIL(ts TO MONTH), DATE_FORMAT(ts, 'yyyy'), TO_TIMESTAMP(channel, 'yyyy'), TIMESTAMPADD(DAY, 1, ts), TIMESTAMPDIFF(SECOND, ts, ts), CURRENT_WATERMARK(ts), YEAR(ts)"),
    ).toEqual(['BIGINT', 'TIMESTAMP', 'TIMESTAMP', 'VARCHAR', 'TIMESTAMP', 'TIMESTAMP', 'INT', 'TIMESTAMP', 'BIGINT']);
  });
  it('a NULL literal is accepted wherever a value is', () => {
    expect(types('UPPER(NULL), SUBSTRING(NULL FROM 1), EXTRACT(DAY FROM NULL)')).toEqual(['VARCHAR', 'VARCHAR', 'BIGINT']);
  });
});

describe('scalar function type errors point at the argument', () => {
  it('wrong argument types', () => {
    expect(bindError('SELECT UPPER(price) FROM bids')).toMatchObject({ code: 'TYPE_MISMATCH', message: 'UPPER does not accept DOUBLE', text: 'price' });
    expect(bindError("SELECT SUBSTRING(channel FROM 'a') FROM bids")).toMatchObject({ code: 'TYPE_MISMATCH', message: 'SUBSTRING does not accept VARCHAR', text: "'a'" });
    expect(bindError('SELECT EXTRACT(YEAR FROM channel) FROM bids')).toMatchObject({ code: 'TYPE_MISMATCH', text: 'channel', hint: 'EXTRACT needs a TIMESTAMP after FROM: EXTRACT(unit FROM timestamp)' });
    expect(bindError('SELECT FLOOR(price TO DAY) FROM bids')).toMatchObject({ code: 'TYPE_MISMATCH', text: 'price' });
    expect(bindError('SELECT LN(channel) FROM bids')).toMatchObject({ code: 'TYPE_MISMATCH', text: 'channel' });
    expect(bindError("SELECT POSITION(1 IN channel) FROM bids")).toMatchObject({ code: 'TYPE_MISMATCH', text: '1' });
    expect(bindError("SELECT TIMESTAMPADD(DAY, price, ts) FROM bids")).toMatchObject({ code: 'TYPE_MISMATCH', text: 'price' });
  });
  it('FLOOR of a TIMESTAMP needs a unit', () => {
    expect(bindError('SELECT FLOOR(ts) FROM bids')).toMatchObject({ code: 'TYPE_MISMATCH', message: 'FLOOR of a TIMESTAMP needs a unit', text: 'ts' });
  });
  it('argument counts', () => {
    expect(bindError("SELECT LPAD(channel, 3) FROM bids")).toMatchObject({ code: 'TYPE_MISMATCH', message: 'LPAD takes 3 arguments, got 2' });
    expect(bindError('SELECT SUBSTRING(channel) FROM bids')).toMatchObject({ code: 'TYPE_MISMATCH', message: 'SUBSTRING takes 2 to 3 arguments, got 1' });
  });
  it('literal regexes and date formats are checked at plan time', () => {
    expect(bindError("SELECT REGEXP_EXTRACT(channel, 'a(b') FROM bids")).toMatchObject({ code: 'TYPE_MISMATCH', text: "'a(b'" });
    expect(bindError("SELECT REGEXP_EXTRACT(channel, 'a(b)', 2) FROM bids")).toMatchObject({ code: 'TYPE_MISMATCH', message: "group 2 does not exist in 'a(b)'", text: '2' });
    expect(bindError("SELECT DATE_FORMAT(ts, 'yyyy-QQ') FROM bids")).toMatchObject({ code: 'TYPE_MISMATCH', message: "unsupported letter 'Q' in date format 'yyyy-QQ'", text: "'yyyy-QQ'" });
    expect(bindError("SELECT TO_TIMESTAMP(channel, 'yyyy ''x') FROM bids")).toMatchObject({ code: 'TYPE_MISMATCH', text: "'yyyy ''x'" });
  });
  it('LIKE ESCAPE takes one character and a valid escape sequence', () => {
    expect(bindError("SELECT channel LIKE 'a%' ESCAPE '!!' FROM bids")).toMatchObject({ code: 'TYPE_MISMATCH', message: "the LIKE escape must be one character, got '!!'", text: "'!!'" });
    expect(bindError("SELECT channel LIKE 'a!b' ESCAPE '!' FROM bids")).toMatchObject({ code: 'TYPE_MISMATCH', message: "invalid escape sequence in LIKE pattern 'a!b'", text: "'a!b'" });
    expect(columnsOf(bind("SELECT channel NOT LIKE 'a!%' ESCAPE '!' AS x FROM bids"))).toEqual(['x BOOLEAN']);
  });
  it('CURRENT_WATERMARK needs the time column itself', () => {
    expect(bindError("SELECT CURRENT_WATERMARK(ts + INTERVAL '1' SECOND) FROM bids")).toMatchObject({ code: 'TYPE_MISMATCH', message: 'CURRENT_WATERMARK needs the stream\'s TIMESTAMP column, got an expression' });
    expect(bindError('SELECT CURRENT_WATERMARK(price) FROM bids')).toMatchObject({ code: 'TYPE_MISMATCH', text: 'price' });
  });
  it('unknown functions suggest a near name', () => {
    expect(bindError('SELECT SUBSTRIN(channel, 1) FROM bids')).toMatchObject({ code: 'UNKNOWN_FUNCTION', hint: "did you mean 'SUBSTRING'?" });
  });
});
