import type { MessageToProduce, Producer } from '@platformatic/kafka';
import { EddyError } from '../../common/errors.js';
import type { Row, Schema } from '../../common/types.js';
import type { SinkWriter } from '../connector.js';
import { kafkaError, newConsumer, topicMetadata } from './kafka-client.js';
import { kafkaLib, loadKafka } from './kafka-lib.js';
import { checkSinkOptions, type KafkaOptions } from './kafka-options.js';
import { closeProducer, TransactionalWriter } from './kafka-transactions.js';
import { MessageSender } from './message-sender.js';
import { messageEncoder, type MessageEncoder } from './record-codec.js';

/** What a non-transactional Kafka sink records in a checkpoint (nothing to rewind: for information). */
interface SentPosition {
  readonly sent: number;
}

/**
 * Writes a query's rows to one topic ('kafka': a message per row; 'upsert-kafka': upserts and
 * tombstones by PRIMARY KEY) with Flink's 'sink.delivery-guarantee':
 *
 * - 'exactly-once': each checkpoint's rows in one Kafka transaction, committed once the checkpoint
 *   is complete (two-phase commit: kafka-transactions.ts). Readers with read_committed see every
 *   row once, whatever crashed in between.
 * - 'at-least-once' (the default): an idempotent producer; every checkpoint waits until the rows
 *   before it are acknowledged, so a crash can only repeat rows written after the last checkpoint.
 * - 'none': fire-and-forget; checkpoints do not wait (send errors still fail the query).
 *
 * A keyed message goes to partition murmur2(key) mod n, as Kafka's Java client puts it (so
 * upserts of one key stay in order in one partition); an unkeyed one round-robin.
 */
export class KafkaSink implements SinkWriter {
  private readonly encode: MessageEncoder;
  private readonly topic: string;
  private partitions = 0;
  private roundRobin = 0;
  private sent = 0;
  /** at-least-once and none. */
  private producer: Producer | null = null;
  private sender: MessageSender | null = null;
  /** exactly-once. */
  private readonly txn: TransactionalWriter | null;

  constructor(
    schema: Schema,
    private readonly opts: KafkaOptions,
    private readonly stream: string,
    queryId: string | undefined,
  ) {
    this.topic = checkSinkOptions(opts, stream);
    this.encode = messageEncoder(schema, opts);
    if (opts.delivery === 'exactly-once') {
      if (!queryId) throw new EddyError('INTERNAL', `internal error: the exactly-once sink of '${stream}' has no query id`);
      this.txn = new TransactionalWriter(opts, queryId);
    } else this.txn = null;
  }

  write(rows: readonly Row[]): void {
    if (rows.length === 0) return;
    if (this.partitions === 0) throw new EddyError('INTERNAL', 'internal error: Kafka sink written before restore()');
    const failure = this.txn ? this.txn.failure : this.sender!.failed;
    if (failure) throw failure;
    const messages: MessageToProduce[] = [];
    const n = this.partitions;
    const rr = this.opts.partitioner === 'round-robin';
    let next = this.roundRobin;
    const { murmur2 } = kafkaLib();
    for (const row of rows) {
      const m = this.encode(row);
      if (m === null) continue;
      const partition = this.opts.partitioner === 'fixed' ? 0 : m.key && !rr ? (murmur2(m.key) & 0x7fffffff) % n : rr ? next++ % n : next % n;
      messages.push({ topic: this.topic, partition, ...(m.key ? { key: m.key } : {}), value: m.value as Buffer });
    }
    // Unkeyed messages of one write share a partition (as Kafka's sticky partitioner); the next write takes the next.
    this.roundRobin = rr ? next % n : (next + 1) % n;
    this.sent += messages.length;
    if (this.txn) this.txn.send(messages);
    else this.sender!.push(messages);
  }

  async flush(): Promise<void> {
    if (this.txn) await this.txn.commitNow();
    else await this.sender?.drain();
  }

  cut(): { readonly position: unknown; readonly durable: Promise<void> } {
    if (this.txn) return this.txn.cut();
    const durable = this.opts.delivery === 'none' ? Promise.resolve() : this.sender!.drain();
    return { position: { sent: this.sent } satisfies SentPosition, durable };
  }

  position(): unknown {
    return { sent: this.sent } satisfies SentPosition;
  }

  async restore(position: unknown | null): Promise<void> {
    const { Producer, ProduceAcks } = await loadKafka();
    const consumer = await newConsumer(this.opts);
    try {
      const meta = await topicMetadata(this.opts, consumer, [this.topic]);
      this.partitions = meta.topics.get(this.topic)!.partitionsCount;
    } finally {
      await new Promise<void>((r) => consumer.close(true, () => r()));
    }
    if (this.txn) {
      await this.txn.restore(position);
      return;
    }
    const idempotent = this.opts.delivery === 'at-least-once';
    const producer = new Producer({
      clientId: this.opts.clientId,
      bootstrapBrokers: [...this.opts.bootstrap],
      idempotent,
      ...(idempotent ? { producerId: -1n, producerEpoch: -1 } : {}),
      acks: idempotent ? ProduceAcks.ALL : ProduceAcks.LEADER,
      retries: 3,
      retryDelay: 100,
    });
    this.producer = producer;
    this.sender = new MessageSender(async (messages) => {
      try {
        await producer.send({ messages });
      } catch (e) {
        throw kafkaError(this.opts, `cannot write to topic '${this.topic}' (stream '${this.stream}')`, e);
      }
    });
  }

  /** exactly-once: the checkpoint that recorded `position` is complete, so its transaction commits. */
  async checkpointCommitted(position: unknown): Promise<void> {
    await this.txn?.checkpointCommitted(position);
  }

  async close(): Promise<void> {
    if (this.txn) return this.txn.close();
    try {
      await this.sender?.drain();
    } finally {
      if (this.producer) await closeProducer(this.producer);
      this.producer = null;
    }
  }
}
