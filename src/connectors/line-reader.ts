import { open } from 'node:fs/promises';
import { EddyError } from '../common/errors.js';

export const DEFAULT_CHUNK_SIZE = 256 * 1024;

/** The part of a FileHandle the reader uses (tests wrap a real handle to observe reads). */
export interface ChunkFile {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/**
 * Reads a file line by line in constant memory (the chunk being split plus one partial line, and
 * one chunk read ahead). Lines are
 * split on the byte '\n' before decoding, so a UTF-8 character split across chunks is never cut
 * and byte offsets stay exact. `take()` is synchronous so the per-line hot path has no promise;
 * when it returns null the caller awaits `fill()` (or stops if `done`). As soon as `fill()` hands
 * a chunk over it starts reading the next one, so the disk read overlaps the caller's parsing; at
 * most one read is in flight.
 */
export class LineReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** File position of the end of `buf`. */
  private readPos: number;
  private eof = false;
  /** The read of the chunk starting at `readPos`, issued ahead of need. */
  private ahead: Promise<Buffer> | null = null;
  /** File byte offset just after the last line taken. */
  byte: number;
  /** Number of the last line taken (1-based), or the start line - 1. */
  line: number;

  private constructor(
    private readonly fh: ChunkFile,
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
      const fh = await open(path, 'r');
      // Reading a directory fails only at the first read, as a bare EISDIR: say so at the open.
      if ((await fh.stat()).isDirectory()) {
        await fh.close();
        throw new EddyError('IO', `cannot read '${displayPath}': it is a directory`, undefined, "give the path of a file ('path' = 'dir/data.jsonl')");
      }
      return LineReader.over(fh, byte, line, chunkSize);
    } catch (e) {
      if (e instanceof EddyError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new EddyError('IO', `cannot open '${displayPath}': ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  }

  /** A reader over an already open file, positioned at `byte`, the start of line `line + 1`. */
  static over(fh: ChunkFile, byte = 0, line = 0, chunkSize = DEFAULT_CHUNK_SIZE): LineReader {
    return new LineReader(fh, chunkSize, byte, line);
  }

  /** True once every line has been taken. */
  get done(): boolean {
    return this.eof && this.pos >= this.buf.length;
  }

  /** Bytes of the buffer being split into lines: at most one chunk plus the unfinished line. */
  get bufferedBytes(): number {
    return this.buf.length;
  }

  /** All bytes held, counting the chunk read ahead: at most two chunks plus the unfinished line. */
  get heldBytes(): number {
    return this.buf.length + (this.ahead === null ? 0 : this.chunkSize);
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

  /** Appends the next chunk (keeping the unfinished line) and starts reading the one after it. */
  async fill(): Promise<void> {
    if (this.eof) return;
    const pending = this.ahead ?? this.readChunk();
    this.ahead = null;
    const fresh = await pending;
    this.readPos += fresh.length;
    if (fresh.length === 0) this.eof = true;
    else this.ahead = this.readChunk();
    const rest = this.buf.subarray(this.pos);
    this.buf = rest.length === 0 ? fresh : Buffer.concat([rest, fresh]);
    this.pos = 0;
  }

  async close(): Promise<void> {
    const pending = this.ahead;
    this.ahead = null;
    // A read-ahead nobody will use: let it finish (its error is moot) before the handle goes.
    if (pending !== null) await pending.catch(() => undefined);
    await this.fh.close();
  }

  private readChunk(): Promise<Buffer> {
    const chunk = Buffer.allocUnsafe(this.chunkSize);
    const read = this.fh.read(chunk, 0, this.chunkSize, this.readPos).then(({ bytesRead }) => chunk.subarray(0, bytesRead));
    // A failed read-ahead surfaces when fill() awaits it, not as an unhandled rejection before.
    read.catch(() => undefined);
    return read;
  }
}
