import { describe, expect, it } from 'vitest';
import { explainSql } from './helpers.js';

describe('EXPLAIN prints keyword-form functions in Flink spelling', () => {
  it('EXTRACT, FLOOR TO, POSITION IN, TRIM LEADING, LIKE ESCAPE round-trip to valid SQL', () => {
    const text = explainSql(
      `SELECT EXTRACT(YEAR FROM ts) AS y, FLOOR(ts TO HOUR) AS h, POSITION('a' IN channel) AS p,
              TRIM(LEADING 'x' FROM channel) AS t, FLOOR(price) AS f
       FROM bids WHERE channel LIKE 'a!%' ESCAPE '!'`,
    );
    expect(text.split('\n')[0]).toBe(
      "ProjectExec [EXTRACT(YEAR FROM ts) AS y, FLOOR(ts TO HOUR) AS h, POSITION('a' IN channel) AS p, TRIM(LEADING 'x' FROM channel) AS t, FLOOR(price) AS f]",
    );
    expect(text).toContain("FilterExec ((channel LIKE 'a!%' ESCAPE '!'))");
  });
});
