import { describe, expect, it } from 'vitest';
import { crc32, crc32Table, decodeJson, decodeMeta, encodeJson, encodeMeta } from '../../src/checkpoint/codec.js';
import { CHECKPOINT_FORMAT, type CheckpointMeta } from '../../src/checkpoint/types.js';
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
      format: CHECKPOINT_FORMAT,
      operators: {
        'source-0': { state: { offset: { byte: 120, line: 4 }, watermark: -Infinity, ended: false } },
        'source-1': { state: { offset: null, watermark: 1700000000000, ended: false } },
        op1: { state: { max: Infinity, min: -Infinity, list: [NaN, 1, null] } },
      },
    };
    const back = decodeMeta(encodeMeta(meta));
    expect(back.operators['source-0']).toEqual(meta.operators['source-0']);
    expect((back.operators['source-0'] as { state: { watermark: number } }).state.watermark).toBe(-Infinity);
    expect(back.operators['source-1']).toEqual(meta.operators['source-1']);
    expect(back.operators['op1']).toEqual({ state: { max: Infinity, min: -Infinity, list: [NaN, 1, null] } });
  });

  it('plain JSON values are unchanged', () => {
    const v = { a: [1, 'x', null, true], b: { c: 2.5 } };
    expect(decodeJson(encodeJson(v))).toEqual(v);
  });

  it('rejects text that is not checkpoint metadata', () => {
    expect(() => decodeMeta('{"sourceOffsets":{}}')).toThrow(EddyError);
    // A checkpoint of the format before the dataflow graph (per-section offsets) is refused, naming why.
    expect(() => decodeMeta('{"sourceOffsets":{},"watermarks":{},"sinkPositions":{},"operatorMeta":{}}')).toThrow(/older format; this version of Eddy reads format 2/);
    expect(() => decodeMeta('{"format":2}')).toThrow(EddyError);
    expect(() => decodeMeta('[]')).toThrow(EddyError);
  });
});
