/**
 * The broker a Kafka test file talks to: the run's shared one (test/oracles/kafka/global-setup.ts),
 * or, when the run's filters kept the global setup from starting it, one of the file's own.
 */
import { afterAll, beforeAll, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Consumer, FetchIsolationLevels, ProduceAcks, Producer } from '@platformatic/kafka';
import { createTopic, kafkaSkipReason, startBroker, type KafkaBroker } from '../../oracles/kafka/broker.js';

const provided = inject('kafka') as { bootstrap: string | null; skipReason: string | null } | undefined;

/** Why this file's Kafka tests are skipped (printed by the global setup), or null. */
export const kafkaSkip: string | null = provided ? provided.skipReason : kafkaSkipReason();

let own: KafkaBroker | undefined;
let bootstrap: string | null = provided?.bootstrap ?? null;

/** Registers the hooks that give this file a broker; call once at the top of a Kafka test file. */
export function useKafka(): void {
  if (kafkaSkip || bootstrap) return;
  beforeAll(async () => {
    own = await startBroker();
    bootstrap = own.bootstrap;
  }, 90_000);
  afterAll(async () => own?.stop());
}

/** host:port of the broker (inside tests and hooks). */
export function kafkaBootstrap(): string {
  if (!bootstrap) throw new Error('no Kafka broker: call useKafka() at the top of the test file');
  return bootstrap;
}

/** A topic name no other test uses. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Creates a fresh topic and returns its name. */
export async function newTopic(prefix: string, partitions = 1): Promise<string> {
  const name = uniqueTopic(prefix);
  await createTopic(kafkaBootstrap(), name, partitions);
  return name;
}

export interface TestMessage {
  readonly key?: string | null;
  readonly value: string | null;
  readonly partition?: number;
  readonly timestamp?: number;
}

/** Produces messages (idempotently, so a retry on a loaded machine cannot duplicate one) and waits for their acknowledgement. */
export async function produce(topic: string, messages: readonly TestMessage[]): Promise<void> {
  const producer = new Producer({ clientId: 'eddy-test', bootstrapBrokers: [kafkaBootstrap()], idempotent: true, producerId: -1n, producerEpoch: -1, acks: ProduceAcks.ALL });
  try {
    for (let i = 0; i < messages.length; i += 5000) {
      await producer.send({
        messages: messages.slice(i, i + 5000).map((m) => ({
          topic,
          partition: m.partition ?? 0,
          ...(m.key !== undefined && m.key !== null ? { key: Buffer.from(m.key) } : {}),
          value: (m.value === null ? null : Buffer.from(m.value)) as Buffer,
          ...(m.timestamp !== undefined ? { timestamp: BigInt(m.timestamp) } : {}),
        })),
      });
    }
  } finally {
    await producer.close();
  }
}

export interface ReadMessage {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
}

/**
 * Every message of a topic as a consumer sees it, up to the end offsets at the call: with
 * read_committed (the default) only committed transactions' records. The client's own
 * read_committed filtering is used (not Eddy's), with control records left out.
 */
export async function readTopic(topic: string, readCommitted = true): Promise<ReadMessage[]> {
  const isolationLevel = readCommitted ? FetchIsolationLevels.READ_COMMITTED : FetchIsolationLevels.READ_UNCOMMITTED;
  const consumer = new Consumer({ clientId: 'eddy-test-reader', groupId: uniqueTopic('reader'), bootstrapBrokers: [kafkaBootstrap()] });
  try {
    const meta = await consumer.metadata({ topics: [topic], forceUpdate: true });
    const t = meta.topics.get(topic)!;
    const ends = (await consumer.listOffsets({ topics: [topic], isolationLevel })).get(topic)!;
    const out: ReadMessage[] = [];
    for (let p = 0; p < t.partitionsCount; p++) {
      let at = 0n;
      while (at < ends[p]!) {
        const res = await consumer.fetch({
          node: t.partitions[p]!.leader,
          isolationLevel,
          maxWaitTime: 100,
          topics: [{ topicId: t.id, partitions: [{ partition: p, currentLeaderEpoch: -1, fetchOffset: at, lastFetchedEpoch: -1, partitionMaxBytes: 64 << 20 }] }],
        });
        const part = res.responses[0]!.partitions[0]!;
        if (part.errorCode !== 0) throw new Error(`fetch ${topic}[${p}]: error ${part.errorCode}`);
        for (const b of part.records ?? []) {
          at = b.firstOffset + BigInt(b.lastOffsetDelta) + 1n;
          if (b.attributes & 0x20) continue;
          for (const r of b.records) {
            const offset = b.firstOffset + BigInt(r.offsetDelta);
            if (offset < ends[p]!) out.push({ partition: p, offset: Number(offset), key: r.key?.toString() ?? null, value: r.value?.toString() ?? null });
          }
        }
      }
    }
    return out;
  } finally {
    await consumer.close(true);
  }
}
