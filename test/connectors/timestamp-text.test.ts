import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatTimestamp, parseTimestamp } from '../../src/common/time.js';

describe('parseTimestamp on the canonical 23-character form', () => {
  it('round-trips every printed timestamp, with a space or a T, across years 0001-9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), (ms) => {
        const text = formatTimestamp(ms);
        expect(text).toHaveLength(23);
        expect(parseTimestamp(text)).toBe(ms);
        expect(parseTimestamp(text.replace(' ', 'T'))).toBe(ms);
        // The general parser (reached with a zone suffix) agrees.
        expect(parseTimestamp(text + 'Z')).toBe(ms);
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects impossible dates and times and stray characters of that length', () => {
    for (const bad of ['2024-02-30 00:00:00.000', '2023-02-29 00:00:00.000', '2024-13-01 00:00:00.000', '2024-00-10 00:00:00.000', '2024-01-01 24:00:00.000', '2024-01-01 23:60:00.000', '2024-01-01 23:59:60.000', '2024-01-01 23:59:5x.000', '2024-01-01 23:59:59.0a0', '2024/01/01 00:00:00.000', '2024-01-01_00:00:00.000']) {
      expect(parseTimestamp(bad), bad).toBe(null);
    }
    expect(parseTimestamp('2024-02-29 23:59:59.999')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 999));
    // Another 23-character form still goes to the general parser.
    expect(parseTimestamp('2024-01-01T00:00:00+0100')).toBe(Date.UTC(2023, 11, 31, 23));
  });
});
