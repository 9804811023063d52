import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter, ChunkFormatError, readTagged, valuesCodec, writeTagged } from '../../../src/exec/state/index.js';

function roundTrip(values: unknown[], refString: string | null = null): unknown[] {
  const w = new ByteWriter(16);
  w.refString = refString;
  for (const v of values) writeTagged(v, w);
  const r = new ByteReader(w.slice(0, w.pos));
  r.refString = refString;
  const out = values.map(() => readTagged(r));
  expect(r.remaining).toBe(0);
  return out;
}

describe('tagged values', () => {
  it('round-trip JSON-able values with every number exact', () => {
    const values = [
      null,
      true,
      false,
      0,
      -0,
      1,
      -1,
      2 ** 31 - 1,
      2 ** 31,
      -(2 ** 31),
      -(2 ** 31) - 1,
      1.5,
      NaN,
      Infinity,
      -Infinity,
      2 ** 60,
      '',
      'text',
      'ünïcode ✓',
      [],
      [1, 'a', null, [true, [NaN]]],
      {},
      { count: 3, sum: -0, nested: { count: 1, list: [{ count: 2 }] } },
      { count: 4, sum: 2.5 },
    ];
    expect(roundTrip(values)).toEqual(values);
    expect(Object.is((roundTrip([-0])[0] as number), -0)).toBe(true);
  });

  it('treats undefined as JSON does: null in arrays, absent in objects', () => {
    expect(roundTrip([[1, undefined, 2], { a: 1, b: undefined }])).toEqual([[1, null, 2], { a: 1 }]);
    expect(Object.keys((roundTrip([{ a: 1, b: undefined }])[0] as object))).toEqual(['a']);
  });

  it('writes a string equal to the entry key as a one-byte reference', () => {
    const key = 'a rather long key string';
    const w = new ByteWriter();
    w.refString = key;
    writeTagged([key, 'other'], w);
    const withRef = w.pos;
    const w2 = new ByteWriter();
    writeTagged([key, 'other'], w2);
    expect(w2.pos - withRef).toBe(1 + key.length); // saved: the length byte and the string bytes
    expect(roundTrip([[key, 'other']], key)).toEqual([[key, 'other']]);
    // a reference without a string key is damage
    const r = new ByteReader(w.slice(0, w.pos));
    expect(() => readTagged(r)).toThrow(ChunkFormatError);
  });

  it('stores object property names once per writer', () => {
    const w = new ByteWriter();
    for (let i = 0; i < 100; i++) writeTagged({ someLongPropertyName: i }, w);
    expect(w.pos).toBeLessThan(100 * 10); // ~8 bytes per object, not ~28
    const r = new ByteReader(w.slice(0, w.pos));
    for (let i = 0; i < 100; i++) expect(readTagged(r)).toEqual({ someLongPropertyName: i });
  });

  it('refuses damaged bytes and values that are not JSON-able', () => {
    expect(() => readTagged(new ByteReader(Buffer.from([99])))).toThrow('unknown value tag 99');
    expect(() => readTagged(new ByteReader(Buffer.from([7, 50, 0])))).toThrow('count 50 exceeds');
    expect(() => readTagged(new ByteReader(Buffer.from([8, 1, 3])))).toThrow('name index 3');
    const w = new ByteWriter();
    expect(() => writeTagged(new Date(0), w)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });

  it('valuesCodec round-trips a flat value array and keeps the JSON form as is', () => {
    const codec = valuesCodec();
    const v = ['k', 3, 1.25, null, true, 'k', -0, NaN];
    const w = new ByteWriter();
    w.refString = 'k';
    codec.write!(v, w);
    const r = new ByteReader(w.slice(0, w.pos));
    r.refString = 'k';
    expect(codec.read!(r)).toEqual(v);
    expect(r.remaining).toBe(0);
    expect(codec.decode(codec.encode(v))).toBe(v);
    expect(() => codec.decode({})).toThrow(ChunkFormatError);
  });
});
