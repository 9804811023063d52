import { open, type FileHandle } from 'node:fs/promises';
import { EddyError } from '../common/errors.js';

export const DEFAULT_CHUNK_SIZE = 256 * 1024;

/**
 * Reads a file line by line in constant memory (one chunk plus one partial line). Lines are
 * split on the byte '\n' before decoding, so a UTF-8 character split across chunks is never cut
 * and byte offsets stay exact. `take()` is synchronous so the per-line hot path has no promise;
 * when it returns null the caller awaits `fill()` (or stops if `done`).
 */
export class LineReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** File position of the end of `buf`. */
  private readPos: number;
  private eof = false;
  /** File byte offset just after the last line taken. */
  byte: number;
  /** Number of the last line taken (1-based), or the start line - 1. */
  line: number;

  private constructor(
    private readonly fh: FileHandle,
    private readonly chunkSize: number,
    byte: number,
    line: number,
  ) {
    this.byte = byte;
    this.line = line;
    this.readPos = byte;
  }

  /** Opens `path` positioned at `byte`, which must be the start of line `line + 1`. */
  static async open(path: string, displayPath: string, byte = 0, line = 0, chunkSize = DEFAULT_CHUNK_SIZE): Promise<LineReader> {
    try {
      return new LineReader(await open(path, 'r'), chunkSize, byte, line);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new EddyError('IO', `cannot open '${displayPath}': ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  }

  /** True once every line has been taken. */
  get done(): boolean {
    return this.eof && this.pos >= this.buf.length;
  }

  /** Bytes held in memory: at most one chunk plus the unfinished line. */
  get bufferedBytes(): number {
    return this.buf.length;
  }

  /** The next line without its '\n' / '\r\n', or null when more data must be read first (or at EOF). */
  take(): string | null {
    const buf = this.buf;
    const start = this.pos;
    let nl = buf.indexOf(10, start);
    let next: number;
    if (nl < 0) {
      // The last line of a file may lack its newline.
      if (!this.eof || start >= buf.length) return null;
      nl = buf.length;
      next = nl;
    } else next = nl + 1;
    const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
    const text = buf.toString('utf8', start, end);
    this.byte += next - start;
    this.pos = next;
    this.line++;
    return text;
  }

  /** Reads the next chunk, keeping the unfinished line. */
  async fill(): Promise<void> {
    if (this.eof) return;
    const chunk = Buffer.allocUnsafe(this.chunkSize);
    const { bytesRead } = await this.fh.read(chunk, 0, this.chunkSize, this.readPos);
    this.readPos += bytesRead;
    if (bytesRead === 0) this.eof = true;
    const rest = this.buf.subarray(this.pos);
    const fresh = chunk.subarray(0, bytesRead);
    this.buf = rest.length === 0 ? fresh : Buffer.concat([rest, fresh]);
    this.pos = 0;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
