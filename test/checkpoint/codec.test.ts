import { describe, expect, it } from 'vitest';
import { crc32, crc32Table, decodeJson, decodeMeta, encodeJson, encodeMeta } from '../../src/checkpoint/codec.js';
import type { CheckpointMeta } from '../../src/checkpoint/types.js';
import { EddyError } from '../../src/common/errors.js';

describe('crc32', () => {
  it('matches the standard check value for "123456789"', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32Table(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('table fallback agrees with the active implementation on random data', () => {
    for (let n = 0; n < 50; n++) {
      const b = Buffer.alloc(n * 37);
      for (let i = 0; i < b.length; i++) b[i] = (i * 7919 + n * 31) & 0xff;
      expect(crc32Table(b)).toBe(crc32(b));
    }
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });
});

describe('meta codec', () => {
  it('round-trips non-finite numbers anywhere in the meta', () => {
    const meta: CheckpointMeta = {
      sourceOffsets: { clicks: { byte: 120, line: 4 } },
      watermarks: { clicks: -Infinity as unknown as number, other: 1700000000000 },
      sinkPositions: { sink: { rows: 3 } },
      operatorMeta: { op1: { max: Infinity, min: -Infinity, list: [NaN, 1, null] } },
    };
    const back = decodeMeta(encodeMeta(meta));
    expect(back.watermarks['clicks']).toBe(-Infinity);
    expect(back.watermarks['other']).toBe(1700000000000);
    expect(back.operatorMeta['op1']).toEqual({ max: Infinity, min: -Infinity, list: [NaN, 1, null] });
    expect(back.sourceOffsets).toEqual(meta.sourceOffsets);
  });

  it('plain JSON values are unchanged', () => {
    const v = { a: [1, 'x', null, true], b: { c: 2.5 } };
    expect(decodeJson(encodeJson(v))).toEqual(v);
  });

  it('rejects text that is not checkpoint metadata', () => {
    expect(() => decodeMeta('{"sourceOffsets":{}}')).toThrow(EddyError);
    expect(() => decodeMeta('[]')).toThrow(EddyError);
  });
});
