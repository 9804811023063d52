/**
 * Little-endian binary writer and reader for checkpoint chunks. Lengths and counts are unsigned
 * LEB128 varints (integers up to 2^53), numbers are IEEE-754 float64, strings are a varint byte
 * length then UTF-8.
 */

/** Thrown by ByteReader (and codecs' read) on truncated or malformed bytes; restore turns it into a CHECKPOINT error. */
export class ChunkFormatError extends Error {}

/** Node's Buffer has these natively; @types/node does not declare them. */
interface NodeBufferSlices {
  utf8Slice(start: number, end: number): string;
}

/** A growable buffer: one per snapshot, so the chunks can be views into it. */
export class ByteWriter {
  private buf: Buffer;
  private view: DataView;
  pos = 0;
  /** Per chunk, for tagged values: the current entry's key if a string (values often repeat it). */
  refString: string | null = null;
  /** Per chunk, for tagged values: object property names written so far → index. */
  readonly names = new Map<string, number>();

  /** Starts in `reuse` (whose contents it overwrites) if given, else in a new buffer of `initialBytes`. */
  constructor(initialBytes = 1 << 16, reuse?: Buffer) {
    this.buf = reuse ?? Buffer.allocUnsafeSlow(Math.max(64, initialBytes));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.length);
  }

  u8(v: number): void {
    if (this.pos >= this.buf.length) this.grow(1);
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    if (this.pos + 4 > this.buf.length) this.grow(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  /** Overwrites 4 bytes written earlier (a count known only at the end). */
  setU32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }

  i32(v: number): void {
    if (this.pos + 4 > this.buf.length) this.grow(4);
    this.view.setInt32(this.pos, v, true);
    this.pos += 4;
  }

  f64(v: number): void {
    if (this.pos + 8 > this.buf.length) this.grow(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** An unsigned integer below 2^53, 7 bits per byte. */
  uvar(v: number): void {
    if (this.pos + 8 > this.buf.length) this.grow(8);
    const buf = this.buf;
    while (v >= 0x80) {
      buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    buf[this.pos++] = v;
  }

  /** Varint UTF-8 byte length, then the bytes; ASCII is copied by hand (no call into C++). */
  string(s: string): void {
    const n = s.length;
    if (n < 0x80) {
      if (this.pos + 1 + n > this.buf.length) this.grow(1 + n);
      const buf = this.buf;
      const start = this.pos;
      let p = start + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[p++] = c;
      }
      if (i === n) {
        buf[start] = n;
        this.pos = p;
        return;
      }
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.uvar(bytes);
    this.ensure(bytes);
    this.buf.write(s, this.pos, bytes, 'utf8');
    this.pos += bytes;
  }

  /** A view of bytes [start, end) of the current buffer; valid after later writes (growth copies, never reuses). */
  slice(start: number, end: number): Buffer {
    return this.buf.subarray(start, end);
  }

  /** The whole current buffer (for recycling once every slice of it is dead). */
  get buffer(): Buffer {
    return this.buf;
  }
}

/** Reads what ByteWriter wrote, one reader per chunk; every read checks bounds and throws ChunkFormatError past the end. */
export class ByteReader {
  private readonly view: DataView;
  pos = 0;
  /** As ByteWriter.refString. */
  refString: string | null = null;
  /** Object property names read so far, by index. */
  readonly nameList: string[] = [];

  constructor(private readonly buf: Buffer) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  u8(): number {
    if (this.pos >= this.buf.length) throw truncated();
    return this.buf[this.pos++]!;
  }

  u32(): number {
    if (this.pos + 4 > this.buf.length) throw truncated();
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i32(): number {
    if (this.pos + 4 > this.buf.length) throw truncated();
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64(): number {
    if (this.pos + 8 > this.buf.length) throw truncated();
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  uvar(): number {
    const buf = this.buf;
    let b = this.pos < buf.length ? buf[this.pos++]! : -1;
    if (b < 0) throw truncated();
    if (b < 0x80) return b;
    let v = b & 0x7f;
    let scale = 0x80;
    for (;;) {
      b = this.pos < buf.length ? buf[this.pos++]! : -1;
      if (b < 0) throw truncated();
      v += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 0x80;
      if (scale > 2 ** 53) throw new ChunkFormatError('varint too long');
    }
    return v;
  }

  string(): string {
    const n = this.uvar();
    const end = this.pos + n;
    if (end > this.buf.length) throw truncated();
    const s = (this.buf as unknown as NodeBufferSlices).utf8Slice(this.pos, end);
    this.pos = end;
    return s;
  }
}

function truncated(): ChunkFormatError {
  return new ChunkFormatError('unexpected end of data');
}
