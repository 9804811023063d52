import { describe, expect, it } from 'vitest';
import { rowBatch } from '../../src/exec/batch.js';
import { SCALAR_FUNCTIONS as F } from '../../src/exec/functions.js';
import { compileExpr, compilePredicate } from '../../src/exec/expr-compiler.js';
import { CollectSink } from '../../src/exec/operators/collect.js';
import { FilterOperator } from '../../src/exec/operators/filter.js';
import { ProjectOperator } from '../../src/exec/operators/project.js';
import { parseTimestamp } from '../../src/common/time.js';
import { formatTimestamp } from '../../src/exec/time-format.js';
import { bin, call, col } from './helpers.js';

const ts = (s: string): number => parseTimestamp(s)!;
const T = ts('2024-02-29 13:45:56.789'); // a Thursday in a leap year, ISO week 9

describe('EXTRACT', () => {
  it('calendar and clock fields as Flink computes them', () => {
    const got = Object.fromEntries(
      ['YEAR', 'QUARTER', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'DOW', 'ISODOW', 'DOY', 'WEEK', 'ISOYEAR', 'EPOCH', 'DECADE', 'CENTURY', 'MILLENNIUM'].map((u) => [u, F.EXTRACT!(u, T)]),
    );
    expect(got).toEqual({
      YEAR: 2024, QUARTER: 1, MONTH: 2, DAY: 29, HOUR: 13, MINUTE: 45, SECOND: 56, MILLISECOND: 789,
      DOW: 5, ISODOW: 4, DOY: 60, WEEK: 9, ISOYEAR: 2024, EPOCH: Math.floor(T / 1000), DECADE: 202, CENTURY: 21, MILLENNIUM: 3,
    });
  });
  it('ISO weeks at year boundaries; Sunday is DOW 1', () => {
    expect(F.EXTRACT!('WEEK', ts('2021-01-03'))).toBe(53); // belongs to 2020's last week
    expect(F.EXTRACT!('ISOYEAR', ts('2021-01-03'))).toBe(2020);
    expect(F.EXTRACT!('WEEK', ts('2024-12-30'))).toBe(1);
    expect(F.EXTRACT!('ISOYEAR', ts('2024-12-30'))).toBe(2025);
    expect(F.EXTRACT!('DOW', ts('2024-03-03'))).toBe(1);
    expect(F.EXTRACT!('DOW', ts('2024-03-02'))).toBe(7);
  });
  it('before 1970 and NULL', () => {
    expect(F.EXTRACT!('YEAR', ts('1969-12-31 23:59:59.999'))).toBe(1969);
    expect(F.EXTRACT!('MILLISECOND', ts('1969-12-31 23:59:59.999'))).toBe(999);
    expect(F.EXTRACT!('HOUR', null)).toBe(null);
    expect(F.YEAR!(T)).toBe(2024);
    expect(F.DAYOFWEEK!(T)).toBe(5);
  });
});

describe('FLOOR / CEIL (ts TO unit)', () => {
  const floor = (u: string, s: string) => formatTimestamp(F.FLOOR!(ts(s), u) as number);
  const ceil = (u: string, s: string) => formatTimestamp(F.CEIL!(ts(s), u) as number);
  it('floors to each unit (UTC calendar; weeks start on Sunday)', () => {
    const s = '2024-02-29 13:45:56.789';
    expect(['MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'].map((u) => floor(u, s))).toEqual([
      '2024-02-29 13:45:56.789', '2024-02-29 13:45:56.000', '2024-02-29 13:45:00.000', '2024-02-29 13:00:00.000', '2024-02-29 00:00:00.000',
      '2024-02-25 00:00:00.000', '2024-02-01 00:00:00.000', '2024-01-01 00:00:00.000', '2024-01-01 00:00:00.000',
    ]);
    expect(floor('HOUR', '1969-12-31 23:30:00')).toBe('1969-12-31 23:00:00.000');
  });
  it('ceils to the next boundary; values on a boundary stay', () => {
    expect(ceil('HOUR', '2024-02-29 13:45:00')).toBe('2024-02-29 14:00:00.000');
    expect(ceil('HOUR', '2024-02-29 13:00:00')).toBe('2024-02-29 13:00:00.000');
    expect(ceil('MONTH', '2024-12-01 00:00:00.001')).toBe('2025-01-01 00:00:00.000');
    expect(ceil('QUARTER', '2024-02-29 00:00:00')).toBe('2024-04-01 00:00:00.000');
    expect(ceil('DAY', '2024-02-29 00:00:00')).toBe('2024-02-29 00:00:00.000');
  });
  it('numbers still work, NULL stays NULL', () => {
    expect(F.FLOOR!(-1.5)).toBe(-2);
    expect(F.CEIL!(-0.5)).toBe(0);
    expect(F.FLOOR!(null, 'DAY')).toBe(null);
  });
});

describe('DATE_FORMAT and TO_TIMESTAMP', () => {
  it('formats with SimpleDateFormat letters', () => {
    expect(F.DATE_FORMAT!(T, 'yyyy-MM-dd HH:mm:ss.SSS')).toBe('2024-02-29 13:45:56.789');
    expect(F.DATE_FORMAT!(T, "yy/M/d h:mm a, EEE MMM D 'at' k''")).toBe("24/2/29 1:45 PM, Thu Feb 60 at 13'");
    expect(F.DATE_FORMAT!(T, 'EEEE MMMM')).toBe('Thursday February');
    expect(F.DATE_FORMAT!('2024-02-29 13:45:56', 'HH:mm')).toBe('13:45'); // timestamp text is accepted
    expect(F.DATE_FORMAT!('not a time', 'HH:mm')).toBe(null);
    expect(F.DATE_FORMAT!(null, 'HH')).toBe(null);
  });
  it('parses with a format; text that does not fit gives NULL', () => {
    expect(F.TO_TIMESTAMP!('29/02/2024 13:45', 'dd/MM/yyyy HH:mm')).toBe(ts('2024-02-29 13:45'));
    expect(F.TO_TIMESTAMP!('20240229134556', 'yyyyMMddHHmmss')).toBe(ts('2024-02-29 13:45:56'));
    expect(F.TO_TIMESTAMP!('1:05 PM 2024-01-02', 'h:mm a yyyy-MM-dd')).toBe(ts('2024-01-02 13:05'));
    expect(F.TO_TIMESTAMP!('30/02/2024 13:45', 'dd/MM/yyyy HH:mm')).toBe(null);
    expect(F.TO_TIMESTAMP!('2024-02-29', 'dd/MM/yyyy')).toBe(null);
    expect(F.TO_TIMESTAMP!('2024-02-29 13:45:56.5')).toBe(ts('2024-02-29 13:45:56.500'));
    expect(F.TO_TIMESTAMP!('garbage')).toBe(null);
    expect(F.TO_TIMESTAMP!(null, 'yyyy')).toBe(null);
  });
});

describe('TIMESTAMPADD / TIMESTAMPDIFF', () => {
  it('adds calendar months with day clamping, fixed units exactly', () => {
    expect(formatTimestamp(F.TIMESTAMPADD!('MONTH', 1, ts('2024-01-31 10:00')) as number)).toBe('2024-02-29 10:00:00.000');
    expect(formatTimestamp(F.TIMESTAMPADD!('YEAR', -1, ts('2024-02-29')) as number)).toBe('2023-02-28 00:00:00.000');
    expect(formatTimestamp(F.TIMESTAMPADD!('QUARTER', 1, ts('2024-11-15')) as number)).toBe('2025-02-15 00:00:00.000');
    expect(formatTimestamp(F.TIMESTAMPADD!('HOUR', 30, ts('2024-01-01')) as number)).toBe('2024-01-02 06:00:00.000');
    expect(F.TIMESTAMPADD!('DAY', null, T)).toBe(null);
  });
  it('counts whole units between two timestamps', () => {
    expect(F.TIMESTAMPDIFF!('SECOND', ts('2024-01-01 00:00:00'), ts('2024-01-01 00:01:30.9'))).toBe(90);
    expect(F.TIMESTAMPDIFF!('DAY', ts('2024-01-02'), ts('2024-01-01 12:00'))).toBe(0);
    expect(F.TIMESTAMPDIFF!('MONTH', ts('2024-01-31'), ts('2024-02-29'))).toBe(1); // Jan 31 + 1 month is Feb 29 (clamped), as Calcite counts
    expect(F.TIMESTAMPDIFF!('MONTH', ts('2024-01-30 12:00'), ts('2024-02-29 11:00'))).toBe(0);
    expect(F.TIMESTAMPDIFF!('MONTH', ts('2024-01-15'), ts('2024-03-15'))).toBe(2);
    expect(F.TIMESTAMPDIFF!('YEAR', ts('2024-03-01'), ts('2023-01-01'))).toBe(-1);
  });
});

describe('numeric functions', () => {
  it('LN LOG10 LOG2 LOG EXP SIGN TRUNCATE with NULL', () => {
    expect(F.LN!(Math.E)).toBe(1);
    expect(F.LOG10!(1000)).toBe(3);
    expect(F.LOG2!(8)).toBe(3);
    expect(F.LOG!(2, 8)).toBeCloseTo(3, 12);
    expect(F.LOG!(Math.E)).toBe(1);
    expect(F.EXP!(0)).toBe(1);
    expect(F.LN!(-1)).toBeNaN();
    expect(F.SIGN!(-2.5)).toBe(-1);
    expect(Object.is(F.SIGN!(-0), 0)).toBe(true);
    expect(F.TRUNCATE!(42.345, 2)).toBe(42.34);
    expect(F.TRUNCATE!(-42.345, 1)).toBe(-42.3);
    expect(F.TRUNCATE!(1234, -2)).toBe(1200);
    expect(F.TRUNCATE!(1.9)).toBe(1);
    for (const name of ['LN', 'LOG10', 'LOG2', 'LOG', 'EXP', 'SIGN', 'TRUNCATE']) expect(F[name]!(null), name).toBe(null);
  });
});

describe('CURRENT_WATERMARK', () => {
  const cw = call('CURRENT_WATERMARK', [col(0, 'TIMESTAMP')], 'TIMESTAMP');
  it('is the watermark passed with the row; NULL before the first one or when none is passed', () => {
    const f = compileExpr(cw);
    expect(f([5], 1000)).toBe(1000);
    expect(f([5], -Infinity)).toBe(null);
    expect(f([5])).toBe(null);
  });
  it('filters late rows in WHERE ts > CURRENT_WATERMARK(ts) OR CURRENT_WATERMARK(ts) IS NULL', () => {
    const late = bin('OR', bin('>', col(0, 'TIMESTAMP'), cw), { kind: 'isNull', operand: cw, negated: false, type: 'BOOLEAN' });
    const op = new FilterOperator('f', late);
    const sink = new CollectSink();
    op.connect(sink);
    op.processBatch(rowBatch([[100], [50], [300], [250]], new Float64Array([-Infinity, 90, 90, 290])), 0);
    expect(sink.rows).toEqual([[100], [300]]);
    expect(compilePredicate(late)([1])).toBe(true); // no watermark known: NULL, so IS NULL passes
  });
  it('ProjectOperator passes each row its own watermark, NULL downstream of an aggregation', () => {
    const op = new ProjectOperator('p', [cw]);
    const sink = new CollectSink();
    op.connect(sink);
    op.processBatch(rowBatch([[1], [2]], new Float64Array([-Infinity, 7])), 0);
    op.processBatch(rowBatch([[3]], null), 0);
    expect(sink.rows).toEqual([[null], [7], [null]]);
  });
});
