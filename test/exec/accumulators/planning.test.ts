/** Plan-time checks of aggregate calls: types, arities, constant arguments, DISTINCT; and what the binder puts in AggCall. */
import { describe, expect, it } from 'vitest';
import type { AggCall } from '../../../src/planner/bound.js';
import type { LogicalPlan } from '../../../src/planner/plan.js';
import { bind, bindError } from '../../planner/helpers.js';

const W = "FROM bids GROUP BY TUMBLE(ts, INTERVAL '10' SECOND)";

function aggsOf(plan: LogicalPlan): readonly AggCall[] {
  let p: LogicalPlan = plan;
  while (p.kind !== 'windowAggregate') {
    if (!('input' in p)) throw new Error('no windowAggregate');
    p = p.input as LogicalPlan;
  }
  return p.aggs;
}

describe('aggregate calls are checked when the query is planned', () => {
  it.each([
    [`SELECT STDDEV(channel) ${W}`, 'TYPE_MISMATCH', 'STDDEV does not accept VARCHAR', 'channel'],
    [`SELECT VAR_POP(price, 1) ${W}`, 'TYPE_MISMATCH', 'VAR_POP takes 1 argument, got 2', 'VAR_POP(price, 1)'],
    [`SELECT LISTAGG(price) ${W}`, 'TYPE_MISMATCH', 'LISTAGG does not accept DOUBLE', 'price'],
    [`SELECT LISTAGG(channel, channel) ${W}`, 'TYPE_MISMATCH', "LISTAGG's separator must be a constant", 'channel'],
    [`SELECT LISTAGG(channel, 1) ${W}`, 'TYPE_MISMATCH', "LISTAGG's separator must be a string, not INT", '1'],
    [`SELECT LISTAGG(channel, ',', ';') ${W}`, 'TYPE_MISMATCH', 'LISTAGG takes 1 or 2 arguments, got 3', "LISTAGG(channel, ',', ';')"],
    [`SELECT APPROX_PERCENTILE(price) ${W}`, 'TYPE_MISMATCH', 'APPROX_PERCENTILE takes 2 arguments, got 1', 'APPROX_PERCENTILE(price)'],
    [`SELECT APPROX_PERCENTILE(price, 1.5) ${W}`, 'TYPE_MISMATCH', "APPROX_PERCENTILE's percentile must be a number from 0 to 1, got 1.5", '1.5'],
    [`SELECT APPROX_PERCENTILE(price, -0.1) ${W}`, 'TYPE_MISMATCH', "APPROX_PERCENTILE's percentile must be a number from 0 to 1, got -0.1", '-0.1'],
    [`SELECT APPROX_PERCENTILE(price, price) ${W}`, 'TYPE_MISMATCH', "APPROX_PERCENTILE's percentile must be a constant", 'price'],
    [`SELECT APPROX_PERCENTILE(price, NULL) ${W}`, 'TYPE_MISMATCH', "APPROX_PERCENTILE's percentile must be a constant", 'NULL'],
    [`SELECT APPROX_PERCENTILE(channel, 0.5) ${W}`, 'TYPE_MISMATCH', 'APPROX_PERCENTILE does not accept VARCHAR', 'channel'],
    [`SELECT FIRST_VALUE(*) ${W}`, 'TYPE_MISMATCH', 'FIRST_VALUE(*) is not allowed', 'FIRST_VALUE(*)'],
    [`SELECT LISTAGG(DISTINCT channel) ${W}`, 'UNSUPPORTED', 'LISTAGG(DISTINCT ...) is not supported', 'LISTAGG(DISTINCT channel)'],
    [`SELECT LAST_VALUE(DISTINCT price) ${W}`, 'UNSUPPORTED', 'LAST_VALUE(DISTINCT ...) is not supported', 'LAST_VALUE(DISTINCT price)'],
    [`SELECT auction ${W.replace('GROUP BY', 'WHERE APPROX_COUNT_DISTINCT(bidder) > 1 GROUP BY')}`, 'UNSUPPORTED', 'aggregate function APPROX_COUNT_DISTINCT is not allowed in WHERE', 'APPROX_COUNT_DISTINCT(bidder)'],
  ])('%s', (sql, code, message, text) => {
    expect(bindError(sql)).toMatchObject({ code, message, text });
  });

  it('an unknown aggregate-like name suggests the closest function', () => {
    expect(bindError(`SELECT auction, STDDEV_POPP(1) ${W.replace("GROUP BY", "GROUP BY auction,")}`)).toMatchObject({ code: 'UNKNOWN_FUNCTION', hint: "did you mean 'STDDEV_POP'?" });
  });

  it('result types follow Flink; aliases map to their function; constants and the time column land in args', () => {
    const aggs = aggsOf(
      bind(`SELECT COUNT(DISTINCT channel), APPROX_COUNT_DISTINCT(bidder), STDDEV(price), VARIANCE(bidder), VAR_POP(CAST(bidder AS DOUBLE)),
        FIRST_VALUE(channel), LAST_VALUE(price) FILTER (WHERE price > 1), LISTAGG(channel), LISTAGG(channel, '; '),
        APPROX_PERCENTILE(bidder, 0.5), APPROX_PERCENTILE(price, 1 - 0.01) ${W}`),
    );
    const ts = { kind: 'inputRef', index: 4, name: 'ts', type: 'TIMESTAMP' };
    expect(aggs.map((a) => [a.fn, a.type, a.display])).toEqual([
      ['COUNT', 'BIGINT', 'COUNT(DISTINCT channel)'],
      ['APPROX_COUNT_DISTINCT', 'BIGINT', 'APPROX_COUNT_DISTINCT(bidder)'],
      ['STDDEV_SAMP', 'DOUBLE', 'STDDEV(price)'],
      ['VAR_SAMP', 'BIGINT', 'VARIANCE(bidder)'],
      ['VAR_POP', 'DOUBLE', 'VAR_POP(CAST(bidder AS DOUBLE))'],
      ['FIRST_VALUE', 'VARCHAR', 'FIRST_VALUE(channel)'],
      ['LAST_VALUE', 'DOUBLE', 'LAST_VALUE(price) FILTER (WHERE price > 1)'],
      ['LISTAGG', 'VARCHAR', "LISTAGG(channel, ',')"],
      ['LISTAGG', 'VARCHAR', "LISTAGG(channel, '; ')"],
      ['APPROX_PERCENTILE', 'BIGINT', 'APPROX_PERCENTILE(bidder, 0.5)'],
      ['APPROX_PERCENTILE', 'DOUBLE', 'APPROX_PERCENTILE(price, 0.99)'],
    ]);
    expect(aggs[5]!.args).toEqual([ts]);
    expect(aggs[6]!.args).toEqual([ts]);
    expect(aggs[8]!.args).toEqual([{ kind: 'literal', value: '; ', type: 'VARCHAR' }]);
    expect(aggs[10]!.args).toMatchObject([{ kind: 'literal', value: 0.99 }]);
  });
});
