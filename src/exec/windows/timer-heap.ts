/**
 * A binary min-heap of (time, item) pairs, at most one per item: the event-time timers of an
 * operator. Each item has a small integer id (`idOf`, e.g. a slot number) by which the heap finds
 * its position: a second timer for an item lowers the pending one instead of adding a pair, so
 * the heap holds no stale pairs and the operator needs no time field per item (4 bytes per id).
 */
export class TimerHeap<T> {
  /** Pairs [0, n) in heap order; the arrays grow by 1/8 (like SessionSlots: their spare room is memory per key). */
  private times: number[] = [];
  private items: (T | null)[] = [];
  private n = 0;
  /** By id: the item's position in the heap + 1; 0 = no timer (so newly grown room reads as none). */
  private pos: Int32Array = new Int32Array(0);

  constructor(private readonly idOf: (item: T) => number) {}

  get size(): number {
    return this.n;
  }

  /** The smallest time; the heap must not be empty. */
  peekTime(): number {
    return this.times[0]!;
  }

  /** Gives `item` a timer at `time`, or moves its pending one to `time` if that is earlier. */
  lower(time: number, item: T): void {
    const id = this.idOf(item);
    if (id >= this.pos.length) this.pos = grownInts(this.pos, id + 1);
    const at = this.pos[id]!;
    if (at === 0) {
      if (this.n === this.items.length) this.grow();
      this.up(this.n++, time, item);
    } else if (time < this.times[at - 1]!) this.up(at - 1, time, item);
  }

  /** Removes the item with the smallest time and returns it (its time is `peekTime()` before); the heap must not be empty. */
  pop(): T {
    const { times, items, pos } = this;
    const top = items[0]!;
    pos[this.idOf(top)] = 0;
    const last = --this.n;
    const lastI = items[last]!;
    items[last] = null;
    if (last > 0) this.down(0, times[last]!, lastI);
    return top;
  }

  clear(): void {
    this.pos.fill(0);
    this.items.fill(null);
    this.n = 0;
  }

  /**
   * After the owner renumbered its items' ids (all below `idBound`): recomputes the positions by
   * id, and shrinks the arrays to the pairs held (plus 1/8), returning the room of a past peak.
   */
  reindex(idBound: number): void {
    const { n } = this;
    const capacity = Math.ceil(n * 1.125) + 64;
    if (capacity < this.items.length) {
      this.times = this.times.slice(0, n).concat(new Array<number>(capacity - n).fill(0));
      this.items = this.items.slice(0, n).concat(new Array<T | null>(capacity - n).fill(null));
    }
    this.pos = new Int32Array(Math.ceil(idBound * 1.125) + 64);
    for (let i = 0; i < n; i++) this.pos[this.idOf(this.items[i]!)] = i + 1;
  }

  /** Places (time, item) at i or above it, moving larger parents down. */
  private up(i: number, time: number, item: T): void {
    const { times, items, pos, idOf } = this;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (times[p]! <= time) break;
      times[i] = times[p]!;
      items[i] = items[p]!;
      pos[idOf(items[i]!)] = i + 1;
      i = p;
    }
    times[i] = time;
    items[i] = item;
    pos[idOf(item)] = i + 1;
  }

  /** Places (time, item) at i or below it, moving smaller children up. */
  private down(i: number, time: number, item: T): void {
    const { times, items, pos, idOf, n } = this;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const c = l + 1 < n && times[l + 1]! < times[l]! ? l + 1 : l;
      if (times[c]! >= time) break;
      times[i] = times[c]!;
      items[i] = items[c]!;
      pos[idOf(items[i]!)] = i + 1;
      i = c;
    }
    times[i] = time;
    items[i] = item;
    pos[idOf(item)] = i + 1;
  }

  private grow(): void {
    const capacity = Math.ceil(this.items.length * 1.125) + 64;
    this.times = this.times.concat(new Array<number>(capacity - this.times.length).fill(0));
    this.items = this.items.concat(new Array<T | null>(capacity - this.items.length).fill(null));
  }
}

/** `a` copied into a longer array, with room for at least `need` ids. */
function grownInts(a: Int32Array, need: number): Int32Array {
  const out = new Int32Array(Math.max(need, Math.ceil(a.length * 1.125) + 64));
  out.set(a);
  return out;
}
