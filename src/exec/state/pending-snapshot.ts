import type { StateChunk } from '../../common/state-chunk.js';
import { internalError } from '../../common/errors.js';
import type { ByteWriter } from './byte-io.js';
import { startChunk, writeEntry } from './chunk-format.js';
import { KEY_GROUP_COUNT } from './key-group.js';
import type { KeyedStateTable } from './keyed-state-table.js';

const EMPTY = Buffer.alloc(0);
/** Key groups encoded per event-loop turn by `drain`: small enough that rows keep flowing between turns. */
const GROUPS_PER_TURN = 8;

/** What a pending snapshot needs from its backend: buffers (recycled ones), and to be told when it is done. */
export interface SnapshotHost {
  /** A writer of at least `need` bytes, in a released buffer if one fits. */
  writer(need: number): ByteWriter;
  /** Records a chunk's buffer as handed out (so `release` can recycle it). */
  issue(buf: Buffer): void;
  /** Bytes per entry to size buffers by. */
  bytesPerEntry(): number;
  /** The snapshot has encoded every group (its chunks are final). */
  done(snapshot: PendingSnapshot, bytes: number, entries: number): void;
}

/**
 * The key groups that changed before a cut, frozen (copy on write) rather than encoded at it: each
 * is encoded either just before its first change after the cut (the table calls back through
 * `onFrozenChange`), or by `drain`/`finish`. Either way it is encoded from the state of the cut,
 * walking the group's list, so the chunks are the same whatever ran in between.
 */
export class PendingSnapshot {
  /** Per table (in registration order), per key group: its chunk once encoded; null = not frozen or not yet. */
  private readonly slots: (StateChunk | null)[][];
  /** Frozen groups left to encode, per table: the drain's cursor is (tableIndex, group). */
  private left = 0;
  private cursorTable = 0;
  private cursorGroup = 0;
  private bytes = 0;
  private entries = 0;
  private finished = false;

  constructor(
    private readonly tables: readonly KeyedStateTable<unknown>[],
    private readonly host: SnapshotHost,
  ) {
    this.slots = tables.map(() => new Array<StateChunk | null>(KEY_GROUP_COUNT).fill(null));
    tables.forEach((t, i) => {
      const { dirty, frozen } = t;
      for (let g = 0; g < KEY_GROUP_COUNT; g++) {
        if (dirty[g] === 0) continue;
        frozen[g] = 1;
        this.left++;
      }
      dirty.fill(0);
      t.onFrozenChange = (g: number) => this.encode(i, g);
    });
    if (this.left === 0) this.complete();
  }

  /** Whether this snapshot holds any of `tables`. */
  covers(tables: readonly KeyedStateTable<unknown>[]): boolean {
    return tables.some((t) => this.tables.includes(t));
  }

  /** Whether every frozen group has been encoded. */
  get done(): boolean {
    return this.finished;
  }

  /** Encodes every group still frozen, now, and returns the snapshot's chunks (table by table, groups ascending). */
  finish(): StateChunk[] {
    while (!this.finished) this.step(KEY_GROUP_COUNT);
    return this.chunks();
  }

  /** Encodes the frozen groups a few per event-loop turn (processing continues between turns); resolves to the chunks. */
  async drain(): Promise<StateChunk[]> {
    while (!this.finished) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.step(GROUPS_PER_TURN);
    }
    return this.chunks();
  }

  /** Encodes up to `max` frozen groups, in (table, group) order. */
  private step(max: number): void {
    let n = 0;
    while (n < max && !this.finished) {
      const ti = this.cursorTable;
      if (ti >= this.tables.length) throw internalError(`pending snapshot: ${this.left} frozen groups not found`);
      const g = this.cursorGroup;
      if (this.tables[ti]!.frozen[g] !== 0) {
        this.encode(ti, g);
        n++;
      }
      if (++this.cursorGroup === KEY_GROUP_COUNT) {
        this.cursorGroup = 0;
        this.cursorTable++;
      }
    }
  }

  private encode(ti: number, g: number): void {
    const t = this.tables[ti]!;
    if (t.frozen[g] === 0) throw internalError(`state table ${t.id}: key group ${g} is not frozen`);
    const n = t.groupSizes[g]!;
    let bytes: Buffer = EMPTY;
    if (n > 0) {
      const w = this.host.writer(Math.ceil(n * this.host.bytesPerEntry() * 1.1) + 64);
      startChunk(w, n);
      let written = 0;
      for (let e = t.groupHead(g); e !== null; e = e.nextInGroup) {
        writeEntry(w, e, t.codec);
        written++;
      }
      if (written !== n) throw internalError(`state table ${t.id}: wrote ${written} entries of key group ${g}, expected ${n}`);
      bytes = w.slice(0, w.pos);
      this.host.issue(w.buffer);
      this.bytes += w.pos;
      this.entries += n;
    }
    this.slots[ti]![g] = { operatorUid: t.id, keyGroup: g, bytes };
    t.frozen[g] = 0;
    if (--this.left === 0) this.complete();
  }

  private complete(): void {
    this.finished = true;
    for (const t of this.tables) t.onFrozenChange = null;
    this.host.done(this, this.bytes, this.entries);
  }

  private chunks(): StateChunk[] {
    const out: StateChunk[] = [];
    for (const slots of this.slots) for (const c of slots) if (c !== null) out.push(c);
    return out;
  }
}
