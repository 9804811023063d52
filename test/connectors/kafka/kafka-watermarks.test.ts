/**
 * Per-partition watermarks (src/runtime/split-watermarks.ts): over a 2-partition topic a window
 * fires only once both partitions' watermarks passed it, and with 'scan.watermark.idle-timeout' a
 * quiet partition stops holding the watermark back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Eddy } from '../../../src/index.js';
import { kafkaBootstrap, kafkaSkip, newTopic, produce, useKafka } from './kafka-env.js';

useKafka();

let eddy: Eddy | undefined;
afterEach(async () => {
  await eddy?.close();
  eddy = undefined;
});

const T0 = Date.UTC(2024, 4, 1, 10, 0, 0);
const event = (partition: number, sec: number) => ({ partition, value: JSON.stringify({ p: partition, ts: T0 + sec * 1000 }) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads an unbounded query's rows as they come. */
class Results {
  readonly rows: Record<string, unknown>[] = [];
  private readonly it: AsyncIterator<unknown>;
  private pending: Promise<void> | null = null;
  constructor(iterable: AsyncIterable<unknown>) {
    this.it = iterable[Symbol.asyncIterator]();
    this.pull();
  }
  private pull(): void {
    this.pending = this.it.next().then((r) => {
      if (r.done) return;
      this.rows.push(r.value as Record<string, unknown>);
      this.pull();
    });
  }
  /** Waits until `n` rows arrived (or fails after `ms`). */
  async waitFor(n: number, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.rows.length < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} rows within ${ms} ms, got ${JSON.stringify(this.rows)}`);
      await sleep(20);
    }
  }
  async stop(): Promise<void> {
    await this.it.return?.();
    void this.pending;
  }
}

const ddl = (topic: string, extra = '') => `CREATE STREAM ev (p INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
  WITH ('connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${kafkaBootstrap()}',
        'format' = 'json', 'scan.startup.mode' = 'earliest-offset'${extra})`;
const WINDOWS = `SELECT TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, COUNT(*) AS n, SUM(p) AS from_p1 FROM ev GROUP BY TUMBLE(ts, INTERVAL '10' SECOND)`;

describe.skipIf(kafkaSkip !== null)('per-partition watermarks', () => {
  it('a window over two partitions fires only when both partitions passed it', async () => {
    const topic = await newTopic('wm-both', 2);
    // Partition 0 races ahead to 25 s; partition 1 is at 1 s.
    await produce(topic, [event(0, 1), event(0, 5), event(0, 12), event(0, 25), event(1, 1)]);
    eddy = await Eddy.open();
    await eddy.execute(ddl(topic));
    const res = new Results(eddy.query(WINDOWS));
    await sleep(1500);
    expect(res.rows, 'no window may fire while partition 1 is at 1 s').toEqual([]);
    // Partition 1 reaches 12 s: the query's watermark is min(25, 12) = 12 s, so [0, 10) completes, with both partitions' rows.
    await produce(topic, [event(1, 8), event(1, 12)]);
    await res.waitFor(1);
    await sleep(500);
    expect(res.rows).toEqual([{ ws: new Date(T0), n: 4, from_p1: 2 }]);
    await res.stop();
  });

  it("'scan.watermark.idle-timeout': a quiet partition stops holding the watermark back", async () => {
    const topic = await newTopic('wm-idle', 2);
    await produce(topic, [event(0, 1), event(1, 2), event(0, 12), event(0, 25)]);
    eddy = await Eddy.open();
    await eddy.execute(ddl(topic, ", 'scan.watermark.idle-timeout' = '800ms'"));
    const t = Date.now();
    const res = new Results(eddy.query(WINDOWS));
    // Partition 1 stays at 2 s; once idle, the watermark is partition 0's 25 s: [0, 10) and [10, 20) fire.
    await res.waitFor(2);
    expect(Date.now() - t).toBeGreaterThanOrEqual(800);
    expect(res.rows).toEqual([
      { ws: new Date(T0), n: 2, from_p1: 1 },
      { ws: new Date(T0 + 10_000), n: 1, from_p1: 0 },
    ]);
    await res.stop();
  });
});
