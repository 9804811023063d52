import { describe, expect, it } from 'vitest';
import { bind, bindError, columnsOf } from './helpers.js';

describe('binding joins', () => {
  it('an INNER join of append-only streams is append-only; outer joins and updating inputs make it updating', () => {
    expect(columnsOf(bind('SELECT b.auction, c.url FROM bids b JOIN clicks c ON b.bidder = c.user_id'))).toEqual(['auction BIGINT', 'url VARCHAR']);
    expect(columnsOf(bind('SELECT b.auction, c.url FROM bids b LEFT JOIN clicks c ON b.bidder = c.user_id'))).toEqual(['op VARCHAR', 'auction BIGINT', 'url VARCHAR']);
    const agg = 'SELECT g.bidder, g.n, c.url FROM (SELECT bidder, COUNT(*) AS n FROM bids GROUP BY bidder) g JOIN clicks c ON g.bidder = c.user_id';
    expect(columnsOf(bind(agg))).toEqual(['op VARCHAR', 'bidder BIGINT', 'n BIGINT', 'url VARCHAR']);
  });

  it('splits ON into keys per side (either order) and a residual', () => {
    const plan = bind('SELECT * FROM bids b JOIN clicks c ON c.user_id = b.bidder AND b.price > c.score AND b.auction = 3');
    let p = plan;
    while (p.kind !== 'join') p = (p as { input: typeof p }).input;
    expect(p.leftKeys).toEqual([{ kind: 'inputRef', index: 1, name: 'bidder', type: 'BIGINT' }]);
    expect(p.rightKeys).toMatchObject([{ kind: 'inputRef', index: 0, name: 'user_id' }]);
    expect(p.residual?.kind).toBe('binary');
  });

  it("* over a join names every column once, renaming a repeated name as Calcite does (ts, ts0); t.* only that side's", () => {
    expect(columnsOf(bind('SELECT * FROM bids b JOIN clicks c ON b.bidder = c.user_id'))).toEqual([
      'auction BIGINT', 'bidder BIGINT', 'price DOUBLE', 'channel VARCHAR', 'ts TIMESTAMP', 'user_id INT', 'url VARCHAR', 'score FLOAT', 'ts0 TIMESTAMP',
    ]);
    expect(columnsOf(bind('SELECT c.* FROM bids b JOIN clicks c ON b.bidder = c.user_id'))).toEqual(['user_id INT', 'url VARCHAR', 'score FLOAT', 'ts TIMESTAMP']);
  });

  it('a column both sides have must be qualified', () => {
    expect(bindError('SELECT ts FROM bids b JOIN clicks c ON b.bidder = c.user_id')).toMatchObject({
      code: 'AMBIGUOUS_COLUMN',
      message: "column 'ts' is ambiguous: more than one joined input has it",
      text: 'ts',
      hint: 'qualify it: b.ts or c.ts',
    });
  });

  it('a join needs an equality between the sides', () => {
    expect(bindError('SELECT * FROM bids b JOIN clicks c ON b.price > c.score')).toMatchObject({ code: 'UNSUPPORTED', message: 'a join needs an equality between a column of each side' });
    expect(bindError('SELECT * FROM bids b, clicks c WHERE b.price > 1')).toMatchObject({ code: 'UNSUPPORTED', message: 'a comma join needs an equality between the two sides in WHERE' });
  });

  it("a regular join's output has no time attribute: a window over it is refused with the reason", () => {
    const sql = "SELECT COUNT(*) FROM (SELECT b.ts AS t FROM bids b JOIN clicks c ON b.bidder = c.user_id) GROUP BY TUMBLE(t, INTERVAL '1' SECOND)";
    expect(bindError(sql)).toMatchObject({ code: 'NO_WATERMARK' });
  });
});
