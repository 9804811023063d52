import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/types.js';
import { MemoryStreams, type MemoryOffset } from '../../src/connectors/memory-source.js';

const chunk = (n: number, from: number): Row[] => Array.from({ length: n }, (_, i) => [from + i]);
const turn = () => new Promise<void>((r) => setImmediate(r));

describe('memory stream backpressure (catchUp)', () => {
  it('holds an inserter back until an active reader is within the backlog bound', async () => {
    const streams = new MemoryStreams();
    const reader = streams.reader('s', { endWhenDrained: false });
    let stop = false;
    let seen = 0;
    // A consumer like the query loop: one batch per event-loop turn.
    const consumer = (async () => {
      while (!stop) {
        const rows = await reader.read(1024);
        if (rows && rows.length) seen += rows.length;
        await turn();
      }
    })();
    let worstBacklog = 0;
    for (let i = 0; i < 40; i++) {
      streams.append('s', chunk(10_000, i * 10_000));
      await streams.catchUp('s');
      worstBacklog = Math.max(worstBacklog, streams.length('s') - (reader.offset() as MemoryOffset).row);
    }
    stop = true;
    await consumer;
    expect(worstBacklog).toBeLessThanOrEqual(32_768);
    expect(seen).toBeGreaterThan(400_000 - 32_768 - 1024);
    // Consumed rows were released along the way instead of all 400k being retained.
    expect(streams.rows('s').length).toBeLessThan(100_000);
  });

  it('does not wait for a reader that is not reading (no deadlock), nor without readers', async () => {
    const streams = new MemoryStreams();
    streams.append('lonely', chunk(100_000, 0));
    await streams.catchUp('lonely'); // no reader: returns
    const stalled = streams.reader('s', { endWhenDrained: false });
    for (let i = 0; i < 10; i++) {
      streams.append('s', chunk(10_000, i * 10_000));
      await streams.catchUp('s');
    }
    expect(streams.length('s') - (stalled.offset() as MemoryOffset).row).toBe(100_000);
    expect(streams.rows('s').length).toBe(100_000);
  });
});

describe('MemoryLog', () => {
  it('matches a flat array under random appends, reads, releases and truncations', async () => {
    const { MemoryLog } = await import('../../src/connectors/memory-log.js');
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 30; round++) {
      const log = new MemoryLog();
      const flat: Row[] = [];
      let released = 0;
      let next = 0;
      for (let step = 0; step < 120; step++) {
        const op = rnd(10);
        if (op < 5) {
          const n = [1, 3, 200, 1100, 2500][rnd(5)]!;
          const rows = chunk(n, next);
          next += n;
          log.append(rows);
          rows.length = 0; // the log owns a copy
          flat.push(...chunk(n, next - n));
        } else if (op < 8 && flat.length > released) {
          const at = released + rnd(flat.length - released);
          const got = log.read(at, 1 + rnd(3000));
          expect(got.length).toBeGreaterThan(0);
          expect(got).toEqual(flat.slice(at, at + got.length));
        } else if (op === 8) {
          const upTo = released + rnd(flat.length - released + 1);
          log.release(upTo);
          released = Math.max(released, Math.min(upTo, log.base));
          expect(log.base).toBeLessThanOrEqual(upTo);
        } else {
          const len = released + rnd(flat.length - released + 1);
          log.truncate(len);
          flat.length = Math.max(len, log.base);
          next = flat.length;
        }
        expect(log.length).toBe(flat.length);
        if (step % 10 === 9) expect(log.rows()).toEqual(flat.slice(log.base));
      }
    }
  });
});

describe('memory reader readable()', () => {
  it('resolves on the next append or end, and only the latest promise does', async () => {
    const streams = new MemoryStreams();
    const reader = streams.reader('w', { endWhenDrained: false });
    expect(await reader.read(10)).toEqual([]);
    let stale = false;
    void reader.readable!().then(() => (stale = true));
    let woke = false;
    const wait = reader.readable!().then(() => (woke = true));
    await turn();
    expect(woke).toBe(false);
    streams.append('w', chunk(2, 0));
    await wait;
    expect(woke).toBe(true);
    expect(stale).toBe(false); // replaced by the second call
    expect(await reader.read(10)).toEqual(chunk(2, 0));

    let ended = false;
    const endWait = reader.readable!().then(() => (ended = true));
    streams.end('w');
    await endWait;
    expect(ended).toBe(true);
    expect(await reader.read(10)).toBe(null);
  });
});
