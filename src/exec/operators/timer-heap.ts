/** A binary min-heap of (time, item) pairs: the event-time timers of an operator. */
export class TimerHeap<T> {
  private readonly times: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.times.length;
  }

  /** The smallest time; the heap must not be empty. */
  peekTime(): number {
    return this.times[0]!;
  }

  push(time: number, item: T): void {
    const { times, items } = this;
    let i = times.length;
    times.push(time);
    items.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (times[p]! <= time) break;
      times[i] = times[p]!;
      items[i] = items[p]!;
      i = p;
    }
    times[i] = time;
    items[i] = item;
  }

  /** Removes and returns the pair with the smallest time; the heap must not be empty. */
  pop(): [number, T] {
    const { times, items } = this;
    const top: [number, T] = [times[0]!, items[0]!];
    const lastT = times.pop()!;
    const lastI = items.pop()!;
    const n = times.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const c = l + 1 < n && times[l + 1]! < times[l]! ? l + 1 : l;
        if (times[c]! >= lastT) break;
        times[i] = times[c]!;
        items[i] = items[c]!;
        i = c;
      }
      times[i] = lastT;
      items[i] = lastI;
    }
    return top;
  }

  clear(): void {
    this.times.length = 0;
    this.items.length = 0;
  }
}
