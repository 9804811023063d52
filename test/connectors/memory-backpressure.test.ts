import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/types.js';
import { MemoryStreams } from '../../src/connectors/memory-source.js';

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
      worstBacklog = Math.max(worstBacklog, streams.length('s') - reader.offset());
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
    expect(streams.length('s') - stalled.offset()).toBe(100_000);
    expect(streams.rows('s').length).toBe(100_000);
  });
});
