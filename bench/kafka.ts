/**
 * BENCH_ONLY=kafka: events/s from a Kafka topic through Eddy into another topic, beside the same
 * client (@platformatic/kafka) copying the topic with no engine in between (the ceiling), in one
 * run against one real broker (test/oracles/kafka, started here; needs Java and Maven).
 * Contenders, each reading the same 2-partition topic of JSON bids to its end:
 *  - ceiling: fetch every partition, produce each message value unchanged (idempotent producer);
 *  - eddy filter/projection: INSERT INTO out SELECT auction, price * 0.9, ts FROM bids WHERE price > 10;
 *  - eddy TUMBLE aggregate: the tumble query of bench/data.ts;
 *  - eddy filter/projection, exactly-once: Kafka transactions, checkpoints every second.
 * Every output topic's message count is checked. Env: BENCH_KAFKA_EVENTS (default 300000).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Consumer, Producer, ProduceAcks } from '@platformatic/kafka';
import { Eddy } from '../src/engine.js';
import { errorDetail } from '../src/connectors/kafka/kafka-client.js';
import { MessageSender } from '../src/connectors/kafka/message-sender.js';
import { BIDS_COLUMNS, QUERY, expectedFingerprint, generateBids, type Bid } from './data.js';
import { startBroker } from '../test/oracles/kafka/broker.js';

export interface KafkaFigure {
  readonly id: string;
  readonly label: string;
  readonly ms: number;
  readonly eventsPerSec: number;
  readonly outputMessages: number;
  readonly ratioToCeiling: number;
}

export interface KafkaBenchResult {
  readonly events: number;
  readonly partitions: number;
  readonly figures: readonly KafkaFigure[];
}

const PARTITIONS = 2;

export async function runKafkaBench(log: (s: string) => void): Promise<KafkaBenchResult> {
  const events = Number(process.env['BENCH_KAFKA_EVENTS'] ?? 300_000);
  // The broker gets the JIT's second tier here (the tests start it for a fast start instead).
  const broker = await startBroker({ jvmArgs: ['-Xms1g', '-Xmx1g', '-XX:+UseSerialGC'] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eddy-bench-kafka-'));
  try {
    const bids = generateBids(events);
    await broker.createTopic('bids', PARTITIONS);
    log(`producing ${events.toLocaleString('en-US')} bids ...`);
    await produceBids(broker.bootstrap, bids);
    const filtered = bids.filter((b) => b.price > 10).length;
    const windows = expectedFingerprint(bids).rows;
    const raw: Omit<KafkaFigure, 'ratioToCeiling'>[] = [];
    const record = (id: string, label: string, ms: number, out: number, want: number) => {
      if (out !== want) throw new Error(`${label}: ${out} output messages, expected ${want}`);
      raw.push({ id, label, ms, eventsPerSec: events / (ms / 1000), outputMessages: out });
      log(`${label}: ${ms.toFixed(0)} ms, ${Math.round(events / (ms / 1000)).toLocaleString('en-US')} events/s`);
    };
    await broker.createTopic('warmup', PARTITIONS);
    await broker.createTopic('copy', PARTITIONS);
    // A first, untimed copy warms the broker's JIT and page cache for every contender.
    await copyTopic(broker.bootstrap, 'bids', 'warmup', events);
    const ceiling = await timed(() => copyTopic(broker.bootstrap, 'bids', 'copy', events));
    record('kafka.ceiling', 'client only: consume + produce (ceiling)', ceiling.ms, await countMessages(broker.bootstrap, 'copy'), events);

    const src = `CREATE STREAM bids (${BIDS_COLUMNS}) WITH ('connector' = 'kafka', 'topic' = 'bids', 'properties.bootstrap.servers' = '${broker.bootstrap}',
      'format' = 'json', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset')`;
    const sink = (name: string, columns: string, extra = '') => `CREATE STREAM ${name} (${columns}) WITH ('connector' = 'kafka', 'topic' = '${name}',
      'properties.bootstrap.servers' = '${broker.bootstrap}', 'format' = 'json'${extra})`;
    const runs: { id: string; label: string; topic: string; columns: string; select: string; extra?: string; state?: boolean; want: number }[] = [
      { id: 'kafka.eddy.projection', label: 'eddy: filter + projection', topic: 'projected', columns: 'auction BIGINT, price DOUBLE, ts TIMESTAMP(3)', select: 'SELECT auction, price * 0.9, ts FROM bids WHERE price > 10', want: filtered },
      { id: 'kafka.eddy.tumble', label: 'eddy: TUMBLE aggregate', topic: 'windows', columns: 'auction BIGINT, window_start TIMESTAMP(3), n BIGINT, top DOUBLE, total DOUBLE', select: QUERY, want: windows },
      {
        id: 'kafka.eddy.projection-eos',
        label: 'eddy: filter + projection, exactly-once (1 s checkpoints)',
        topic: 'projected_eos',
        columns: 'auction BIGINT, price DOUBLE, ts TIMESTAMP(3)',
        select: 'SELECT auction, price * 0.9, ts FROM bids WHERE price > 10',
        extra: ", 'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = 'bench'",
        state: true,
        want: filtered,
      },
    ];
    for (const r of runs) {
      await broker.createTopic(r.topic, PARTITIONS);
      const eddy = await Eddy.open(r.state ? { state: path.join(dir, `${r.topic}.db`), checkpointInterval: '1s' } : {});
      try {
        await eddy.execute(`${src}; ${sink(r.topic, r.columns, r.extra)}`);
        const t = await timed(async () => {
          const [res] = await eddy.execute(`INSERT INTO ${r.topic} ${r.select}`);
          const q = eddy.persistentQuery((res as { queryId: string }).queryId)!;
          await q.done;
          if (q.status !== 'FINISHED') throw new Error(`${r.label}: ${q.describeStatus()}`);
        });
        record(r.id, r.label, t.ms, await countMessages(broker.bootstrap, r.topic), r.want);
      } finally {
        await eddy.close();
      }
    }
    const ceil = raw[0]!.eventsPerSec;
    return { events, partitions: PARTITIONS, figures: raw.map((f) => ({ ...f, ratioToCeiling: f.eventsPerSec / ceil })) };
  } finally {
    await broker.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function formatKafkaTable(r: KafkaBenchResult): string {
  const lines = [`Kafka: ${r.events.toLocaleString('en-US')} JSON bids in a ${r.partitions}-partition topic, read to its end and written to another topic`];
  for (const f of r.figures) {
    lines.push(`  ${f.label.padEnd(58)} ${f.ms.toFixed(0).padStart(7)} ms ${Math.round(f.eventsPerSec).toLocaleString('en-US').padStart(10)} events/s  ${f.ratioToCeiling.toFixed(2)}x of ceiling  (${f.outputMessages.toLocaleString('en-US')} messages out)`);
  }
  return lines.join('\n');
}

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t0 };
}

async function produceBids(bootstrap: string, bids: readonly Bid[]): Promise<void> {
  const producer = new Producer({ clientId: 'bench', bootstrapBrokers: [bootstrap], acks: ProduceAcks.ALL, retries: 10, retryDelay: 500 });
  try {
    for (let i = 0; i < bids.length; i += 5000) {
      const messages = bids.slice(i, i + 5000).map((b, j) => ({ topic: 'bids', partition: (i + j) % PARTITIONS, value: Buffer.from(JSON.stringify(b)) }));
      await producer.send({ messages }).catch((e: unknown) => {
        throw new Error(`producing the bench's bids failed: ${errorDetail(e)}`);
      });
    }
  } finally {
    await producer.close();
  }
}

/** The ceiling: the same client fetching every partition and producing each value unchanged, one send in flight as Eddy's sink. */
async function copyTopic(bootstrap: string, from: string, to: string, events: number): Promise<void> {
  const consumer = new Consumer({ clientId: 'bench-copy', groupId: 'bench-copy', bootstrapBrokers: [bootstrap] });
  const producer = new Producer({ clientId: 'bench-copy', bootstrapBrokers: [bootstrap], idempotent: true, producerId: -1n, producerEpoch: -1, acks: ProduceAcks.ALL });
  try {
    const meta = await consumer.metadata({ topics: [from], forceUpdate: true });
    const t = meta.topics.get(from)!;
    const offsets = Array.from({ length: t.partitionsCount }, () => 0n);
    let copied = 0;
    // Sends as Eddy's sink does: one request in flight, at most 768 KiB each (the broker's batch limit is 1 MiB).
    const sender = new MessageSender((messages) => producer.send({ messages }));
    while (copied < events) {
      const res = await consumer.fetch({
        node: t.partitions[0]!.leader,
        maxWaitTime: 50,
        maxBytes: 32 << 20,
        topics: [{ topicId: t.id, partitions: offsets.map((o, p) => ({ partition: p, currentLeaderEpoch: -1, fetchOffset: o, lastFetchedEpoch: -1, partitionMaxBytes: 8 << 20 })) }],
      });
      const messages: { topic: string; partition: number; value: Buffer }[] = [];
      for (const part of res.responses[0]!.partitions) {
        for (const b of part.records ?? []) {
          offsets[part.partitionIndex] = b.firstOffset + BigInt(b.lastOffsetDelta) + 1n;
          for (const r of b.records) messages.push({ topic: to, partition: part.partitionIndex, value: r.value! });
        }
      }
      copied += messages.length;
      sender.push(messages);
      if (sender.failed) throw sender.failed;
    }
    await sender.drain();
  } finally {
    await producer.close();
    await consumer.close(true);
  }
}

/** Data records of a topic up to its last stable offset (transaction markers left out; the bench aborts no transaction). */
async function countMessages(bootstrap: string, topic: string): Promise<number> {
  const consumer = new Consumer({ clientId: 'bench-count', groupId: 'bench-count', bootstrapBrokers: [bootstrap] });
  try {
    const meta = await consumer.metadata({ topics: [topic], forceUpdate: true });
    const t = meta.topics.get(topic)!;
    const ends = (await consumer.listOffsets({ topics: [topic], isolationLevel: 1 })).get(topic)!;
    let n = 0;
    for (let p = 0; p < t.partitionsCount; p++) {
      let at = 0n;
      while (at < ends[p]!) {
        const res = await consumer.fetch({ node: t.partitions[p]!.leader, maxWaitTime: 50, isolationLevel: 1, topics: [{ topicId: t.id, partitions: [{ partition: p, currentLeaderEpoch: -1, fetchOffset: at, lastFetchedEpoch: -1, partitionMaxBytes: 32 << 20 }] }] });
        for (const b of res.responses[0]!.partitions[0]!.records ?? []) {
          at = b.firstOffset + BigInt(b.lastOffsetDelta) + 1n;
          if (!(b.attributes & 0x20)) n += b.records.length;
        }
      }
    }
    return n;
  } finally {
    await consumer.close(true);
  }
}
