import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BAD, badValueReason, coerceValue, formatTimestamp, formatValueForOutput, parseTimestamp } from '../../src/connectors/values.js';

describe('parseTimestamp', () => {
  it('accepts epoch milliseconds as a number or as digits', () => {
    expect(parseTimestamp(1700000000123)).toBe(1700000000123);
    expect(parseTimestamp('1700000000123')).toBe(1700000000123);
    expect(parseTimestamp(-5)).toBe(-5);
    expect(parseTimestamp(Number.NaN)).toBeNull();
  });

  it('parses the SQL form with and without milliseconds', () => {
    expect(parseTimestamp('2024-03-05 07:08:09')).toBe(Date.UTC(2024, 2, 5, 7, 8, 9));
    expect(parseTimestamp('2024-03-05 07:08:09.123')).toBe(Date.UTC(2024, 2, 5, 7, 8, 9, 123));
    expect(parseTimestamp('2024-03-05 07:08:09.1')).toBe(Date.UTC(2024, 2, 5, 7, 8, 9, 100));
    expect(parseTimestamp('2024-03-05 07:08:09.12')).toBe(Date.UTC(2024, 2, 5, 7, 8, 9, 120));
    expect(parseTimestamp('2024-03-05 07:08:09.123456789')).toBe(Date.UTC(2024, 2, 5, 7, 8, 9, 123));
    expect(parseTimestamp('2024-03-05 07:08')).toBe(Date.UTC(2024, 2, 5, 7, 8));
    expect(parseTimestamp('2024-03-05')).toBe(Date.UTC(2024, 2, 5));
  });

  it('parses ISO-8601 with Z, offsets, or no zone (UTC)', () => {
    expect(parseTimestamp('2024-03-05T07:08:09')).toBe(Date.UTC(2024, 2, 5, 7, 8, 9));
    expect(parseTimestamp('2024-03-05T07:08:09.5Z')).toBe(Date.UTC(2024, 2, 5, 7, 8, 9, 500));
    expect(parseTimestamp('2024-03-05T07:08:09+02:00')).toBe(Date.UTC(2024, 2, 5, 5, 8, 9));
    expect(parseTimestamp('2024-03-05T07:08:09.250-05:30')).toBe(Date.UTC(2024, 2, 5, 12, 38, 9, 250));
    expect(parseTimestamp('2024-03-05T07:08:09+0100')).toBe(Date.UTC(2024, 2, 5, 6, 8, 9));
    expect(parseTimestamp('2024-03-05T07:08:09+01')).toBe(Date.UTC(2024, 2, 5, 6, 8, 9));
  });

  it('handles leap years and dates before 1970', () => {
    expect(parseTimestamp('2024-02-29 00:00:00')).toBe(Date.UTC(2024, 1, 29));
    expect(parseTimestamp('2000-02-29 12:00:00')).toBe(Date.UTC(2000, 1, 29, 12));
    expect(parseTimestamp('2023-02-29 00:00:00')).toBeNull();
    expect(parseTimestamp('1900-02-29 00:00:00')).toBeNull();
    expect(parseTimestamp('1969-12-31 23:59:59.999')).toBe(-1);
    expect(parseTimestamp('1600-01-01 00:00:00')).toBe(Date.UTC(1600, 0, 1));
    expect(parseTimestamp('0001-01-01T00:00:00Z')).toBe(new Date('0001-01-01T00:00:00Z').getTime());
  });

  it('rejects malformed text', () => {
    for (const bad of ['', 'abc', '2024-13-01 00:00:00', '2024-01-32', '2024-01-01 24:00:00', '2024-01-01 10:60:00', '2024-01-01 10:00:61', '2024-01-01X10:00:00', '2024-01-01 10:00:00.', '2024-01-01 10:00:00Q', '2024-1-01', '12.5']) {
      expect(parseTimestamp(bad), bad).toBeNull();
    }
  });

  it('agrees with Date for any instant, both ways', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62135596800000 /* 0001-01-01 */, max: Date.UTC(9999, 11, 31) }), (ms) => {
        const iso = new Date(ms).toISOString();
        expect(parseTimestamp(iso)).toBe(ms);
        expect(parseTimestamp(formatTimestamp(ms))).toBe(ms);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatTimestamp', () => {
  it('prints yyyy-MM-dd HH:mm:ss.SSS in UTC', () => {
    expect(formatTimestamp(0)).toBe('1970-01-01 00:00:00.000');
    expect(formatTimestamp(Date.UTC(2024, 1, 29, 23, 59, 59, 7))).toBe('2024-02-29 23:59:59.007');
    expect(formatTimestamp(-1)).toBe('1969-12-31 23:59:59.999');
    expect(formatTimestamp(Date.UTC(1066, 9, 14, 9, 30))).toBe('1066-10-14 09:30:00.000');
  });
});

describe('coerceValue', () => {
  it('converts JSON values by column type', () => {
    expect(coerceValue(3, 'INT')).toBe(3);
    expect(coerceValue('42', 'BIGINT')).toBe(42);
    expect(coerceValue(2.5, 'INT')).toBe(BAD);
    expect(coerceValue(2 ** 31, 'INT')).toBe(BAD);
    expect(coerceValue(2 ** 31, 'BIGINT')).toBe(2 ** 31);
    // A double beyond 2^53 is the integer it denotes; beyond 64 bits it is refused. Exact digits come as text.
    expect(coerceValue(2 ** 60, 'BIGINT')).toBe(2n ** 60n);
    expect(coerceValue(2 ** 64, 'BIGINT')).toBe(BAD);
    expect(coerceValue('9223372036854775807', 'BIGINT')).toBe(9223372036854775807n);
    expect(coerceValue('9223372036854775808', 'BIGINT')).toBe(BAD);
    expect(coerceValue('1.5e3', 'DOUBLE')).toBe(1500);
    expect(coerceValue('abc', 'DOUBLE')).toBe(BAD);
    expect(coerceValue(true, 'BOOLEAN')).toBe(true);
    expect(coerceValue('FALSE', 'BOOLEAN')).toBe(false);
    expect(coerceValue(1, 'BOOLEAN')).toBe(BAD);
    expect(coerceValue(7, 'VARCHAR')).toBe('7');
    expect(coerceValue({ a: 1 }, 'VARCHAR')).toBe('{"a":1}');
    expect(coerceValue('2024-01-01 00:00:01', 'TIMESTAMP')).toBe(Date.UTC(2024, 0, 1, 0, 0, 1));
    expect(coerceValue(new Date(5), 'TIMESTAMP')).toBe(5);
    expect(coerceValue('yesterday', 'TIMESTAMP')).toBe(BAD);
    expect(coerceValue(undefined, 'INT')).toBeNull();
    expect(coerceValue(null, 'VARCHAR')).toBeNull();
    expect(coerceValue('', 'VARCHAR')).toBe('');
  });

  it('treats an empty CSV field as NULL', () => {
    expect(coerceValue('', 'VARCHAR', true)).toBeNull();
    expect(coerceValue('', 'INT', true)).toBeNull();
    expect(coerceValue(' 12 ', 'INT', true)).toBe(12);
  });

  it('explains failures', () => {
    expect(badValueReason('abc', 'DOUBLE')).toBe('expected DOUBLE, got "abc"');
    expect(badValueReason(2 ** 31, 'INT')).toBe('expected INT, got 2147483648 (out of INT range; use BIGINT)');
  });
});

describe('formatValueForOutput', () => {
  it('shows TIMESTAMP as text and NULL per format', () => {
    expect(formatValueForOutput(0, 'TIMESTAMP', 'json')).toBe('1970-01-01 00:00:00.000');
    expect(formatValueForOutput(null, 'INT', 'json')).toBeNull();
    expect(formatValueForOutput(null, 'INT', 'csv')).toBe('');
    expect(formatValueForOutput(null, 'INT', 'table')).toBe('NULL');
    expect(formatValueForOutput(1.5, 'DOUBLE', 'json')).toBe(1.5);
    expect(formatValueForOutput(1.5, 'DOUBLE', 'csv')).toBe('1.5');
    expect(formatValueForOutput(Number.NaN, 'DOUBLE', 'json')).toBeNull();
  });
});
