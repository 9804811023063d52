import { EddyError } from '../../common/errors.js';
import { READ_COMMITTED_SELF_FILTERED, kafkaError, newConsumer, topicMetadata } from './kafka-client.js';
import type { KafkaOptions } from './kafka-options.js';
import { committedRecords, type FetchedRecord } from './read-committed.js';

/** One record a transaction wrote: where to look to learn whether the transaction committed. */
export interface TransactionProbe {
  readonly topic: string;
  readonly partition: number;
  /** The record's offset (a decimal string: offsets are 64-bit). */
  readonly offset: string;
}

/**
 * Whether the record at `probe` is visible to a read_committed consumer, i.e. whether the
 * transaction that wrote it committed (false: the broker aborted it). Asked at recovery when the
 * commit of a checkpoint's transaction is answered "fenced", which alone does not say whether the
 * killed run committed it before a later producer bumped the id's epoch, or the broker aborted it
 * on its timeout. The transactions of the sink's ids are over by then (recovery fenced them), so
 * the partition's last stable offset is past the record unless another producer holds it back.
 */
export async function transactionCommitted(opts: KafkaOptions, probe: TransactionProbe): Promise<boolean> {
  const consumer = await newConsumer(opts);
  try {
    const offset = BigInt(probe.offset);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const meta = await topicMetadata(opts, consumer, [probe.topic]);
      const t = meta.topics.get(probe.topic)!;
      const leader = t.partitions[probe.partition]?.leader;
      if (leader === undefined) throw new EddyError('IO', `Kafka topic '${probe.topic}' has no partition ${probe.partition}`, undefined, 'was the topic recreated?');
      const res = await consumer.fetch({
        node: leader,
        maxWaitTime: 100,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: READ_COMMITTED_SELF_FILTERED,
        topics: [{ topicId: t.id, partitions: [{ partition: probe.partition, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, partitionMaxBytes: 1 << 20 }] }],
      });
      const part = res.responses[0]?.partitions[0];
      if (part && part.errorCode !== 0) {
        throw new EddyError('IO', `Kafka: cannot read ${probe.topic}[${probe.partition}] at offset ${probe.offset} to check a transaction (error ${part.errorCode})`, undefined, 'the records may have been deleted by retention');
      }
      const batches = part?.records ?? [];
      const covers = batches.some((b) => b.firstOffset + BigInt(b.lastOffsetDelta) >= offset);
      if (covers) {
        const out: FetchedRecord[] = [];
        committedRecords(batches, part!.abortedTransactions, out);
        return out.some((r) => r.offset === offset);
      }
      // Nothing returned yet: the last stable offset is still below the record (another producer's open transaction).
      if (Date.now() > deadline) {
        throw new EddyError('IO', `Kafka: ${probe.topic}[${probe.partition}] offset ${probe.offset} is not readable with read_committed yet, so whether its transaction committed is unknown`, undefined, 'another producer holds an open transaction on the partition; retry once it ends');
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (e) {
    throw e instanceof EddyError ? e : kafkaError(opts, `cannot check transaction record ${probe.topic}[${probe.partition}]@${probe.offset}`, e);
  } finally {
    await new Promise<void>((r) => consumer.close(true, () => r()));
  }
}
