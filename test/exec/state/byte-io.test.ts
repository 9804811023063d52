import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter, ChunkFormatError } from '../../../src/exec/state/index.js';

describe('ByteWriter / ByteReader', () => {
  it('round-trips every primitive across buffer growth', () => {
    const w = new ByteWriter(8); // tiny, so it must grow many times
    const uvars = [0, 1, 127, 128, 255, 16383, 16384, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER];
    const strings = ['', 'a', 'user-17', 'x'.repeat(127), 'y'.repeat(128), 'é', 'ab€c', '😀 emoji', '\u0001N', 'z'.repeat(5000)];
    const f64s = [0, -0, 1.5, -1e300, NaN, Infinity, -Infinity, 2 ** 53 + 2];
    for (const v of uvars) w.uvar(v);
    for (const s of strings) w.string(s);
    for (const f of f64s) w.f64(f);
    w.u8(255);
    w.i32(-5);
    w.u32(0xffffffff);
    const end = w.pos;
    const r = new ByteReader(w.slice(0, end));
    expect(uvars.map(() => r.uvar())).toEqual(uvars);
    expect(strings.map(() => r.string())).toEqual(strings);
    expect(f64s.map(() => r.f64())).toEqual(f64s);
    expect([r.u8(), r.i32(), r.u32()]).toEqual([255, -5, 0xffffffff]);
    expect(r.remaining).toBe(0);
  });

  it('keeps -0 and strings with non-ASCII characters exact', () => {
    const w = new ByteWriter();
    w.f64(-0);
    w.string('ascii then ü');
    const r = new ByteReader(w.slice(0, w.pos));
    expect(Object.is(r.f64(), -0)).toBe(true);
    expect(r.string()).toBe('ascii then ü');
  });

  it('an earlier slice stays valid after the writer grows', () => {
    const w = new ByteWriter(64);
    w.string('first');
    const first = w.slice(0, w.pos);
    for (let i = 0; i < 1000; i++) w.f64(i);
    expect(new ByteReader(first).string()).toBe('first');
  });

  it('reading past the end throws ChunkFormatError, never garbage', () => {
    const w = new ByteWriter();
    w.string('hello');
    const bytes = w.slice(0, w.pos);
    const cut = bytes.subarray(0, 3);
    expect(() => new ByteReader(cut).string()).toThrow(ChunkFormatError);
    expect(() => new ByteReader(Buffer.alloc(7)).f64()).toThrow(ChunkFormatError);
    expect(() => new ByteReader(Buffer.alloc(0)).u8()).toThrow(ChunkFormatError);
    expect(() => new ByteReader(Buffer.from([0x80, 0x80])).uvar()).toThrow(ChunkFormatError);
    expect(() => new ByteReader(Buffer.alloc(9, 0xff)).uvar()).toThrow('varint too long');
  });
});
