import type { ObjectLayout, StoredObjects } from '../common/object-layout.js';
import type { Row } from '../common/types.js';

/** Appends smaller than this go into the tail chunk instead of a chunk of their own. */
const SMALL_APPEND = 1024;
/**
 * Consumed rows are released once they are at least this many and half of those retained: a
 * small stream keeps its rows, so a second SELECT in a script or the shell still sees them.
 */
const RELEASE_AT = 8192;

/**
 * An append-only row log addressed by absolute offsets, stored as the chunks it was appended in,
 * so an append costs one array copy rather than a push per row, and releasing consumed rows drops
 * whole chunks. Chunks are copies the log owns (a caller may reuse its array); small appends
 * (INSERT VALUES, one window's results) are coalesced into the tail chunk. A chunk may instead
 * hold an insert's objects under an ObjectLayout (appendObjects): read() turns them into rows,
 * readStored() hands them out as they are.
 */
export class MemoryLog {
  /** Retained chunks from `head` on; chunks[i] starts at absolute offset starts[i]. */
  private chunks: Row[][] = [];
  /** Per chunk: null for row arrays, else the layout of the objects it holds (typed as Row[] above). */
  private layouts: (ObjectLayout | null)[] = [];
  private starts: number[] = [];
  private head = 0;
  /** Absolute offset one past the last row. */
  private end = 0;

  /** Absolute offset of the earliest retained row. */
  get base(): number {
    return this.head < this.chunks.length ? this.starts[this.head]! : this.end;
  }

  get length(): number {
    return this.end;
  }

  append(rows: readonly Row[]): void {
    if (rows.length === 0) return;
    const last = this.chunks.length - 1;
    if (rows.length < SMALL_APPEND && last >= this.head && this.layouts[last] === null && this.chunks[last]!.length < SMALL_APPEND) {
      const tail = this.chunks[last]!;
      for (const r of rows) tail.push(r);
    } else {
      this.chunks.push(rows.slice());
      this.layouts.push(null);
      this.starts.push(this.end);
    }
    this.end += rows.length;
  }

  /** Appends objects the layout can store (see ObjectLayout.firstUnstorable) as one chunk, without converting them. */
  appendObjects(objects: readonly object[], layout: ObjectLayout): void {
    if (objects.length === 0) return;
    this.chunks.push(objects.slice() as unknown as Row[]);
    this.layouts.push(layout);
    this.starts.push(this.end);
    this.end += objects.length;
  }

  /** At most `max` rows from absolute offset `at` (>= base), never crossing a chunk boundary; [] at the end. */
  read(at: number, max: number): Row[] {
    if (at >= this.end) return [];
    const c = this.chunkOf(at);
    const chunk = this.chunks[c]!;
    const from = at - this.starts[c]!;
    const to = Math.min(chunk.length, from + max);
    const layout = this.layouts[c]!;
    return layout === null ? chunk.slice(from, to) : layout.toRows(chunk as unknown as object[], from, to);
  }

  /** As read(), but a chunk of objects comes out as its objects and their layout. */
  readStored(at: number, max: number): Row[] | StoredObjects {
    if (at >= this.end) return [];
    const c = this.chunkOf(at);
    const layout = this.layouts[c]!;
    if (layout === null) return this.read(at, max);
    const chunk = this.chunks[c]! as unknown as object[];
    const from = at - this.starts[c]!;
    return { objects: from === 0 && max >= chunk.length ? chunk : chunk.slice(from, from + max), layout };
  }

  /** Releases the chunks that lie wholly before absolute offset `upTo`, once they are RELEASE_AT rows and half the log. */
  release(upTo: number): void {
    let c = this.head;
    while (c < this.chunks.length && this.starts[c]! + this.chunks[c]!.length <= upTo) c++;
    const releasable = (c < this.chunks.length ? this.starts[c]! : this.end) - this.base;
    if (releasable < RELEASE_AT || releasable * 2 < this.end - this.base) return;
    while (this.head < c) {
      this.layouts[this.head] = null;
      this.chunks[this.head++] = [];
    }
    if (this.head > 32 && this.head * 2 > this.chunks.length) this.compact();
  }

  /** Drops every row at or beyond absolute offset `length` (a memory sink's rewind). */
  truncate(length: number): void {
    if (length >= this.end) return;
    const keep = Math.max(length, this.base);
    let c = this.chunks.length;
    while (c > this.head && this.starts[c - 1]! >= keep) c--;
    this.chunks.length = c;
    this.layouts.length = c;
    this.starts.length = c;
    // A copy, not a shorter chunk: a batch read from it may still be in flight.
    if (c > this.head) this.chunks[c - 1] = this.chunks[c - 1]!.slice(0, keep - this.starts[c - 1]!);
    this.end = keep;
  }

  /** The retained rows, in order (for inspection and tests). */
  rows(): Row[] {
    const out: Row[] = [];
    for (let c = this.head; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      const layout = this.layouts[c]!;
      for (const r of layout === null ? chunk : layout.toRows(chunk as unknown as object[], 0, chunk.length)) out.push(r);
    }
    return out;
  }

  /** Index of the chunk holding absolute offset `at` (base <= at < end): binary search over starts. */
  private chunkOf(at: number): number {
    let lo = this.head;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private compact(): void {
    this.chunks = this.chunks.slice(this.head);
    this.layouts = this.layouts.slice(this.head);
    this.starts = this.starts.slice(this.head);
    this.head = 0;
  }
}
