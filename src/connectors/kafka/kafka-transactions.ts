import type { MessageToProduce, Producer } from '@platformatic/kafka';
import { EddyError, SinkTransactionLost } from '../../common/errors.js';
import { CoordinatorCalls, hasKafkaError, kafkaError } from './kafka-client.js';
import { kafkaLib } from './kafka-lib.js';
import type { KafkaOptions } from './kafka-options.js';
import { MessageSender } from './message-sender.js';
import { transactionCommitted, type TransactionProbe } from './transaction-probe.js';

type Transaction = Awaited<ReturnType<Producer['beginTransaction']>>;

/**
 * What an exactly-once Kafka sink records in a checkpoint: the number of its transaction, and the
 * producer that ran it (null when the transaction wrote nothing), with the first record it wrote
 * (`probe`: recovery reads it to learn whether the transaction committed). The object cut()
 * returns is completed once the transaction has begun and its first write is acknowledged, before
 * its `durable` promise resolves.
 */
export interface TransactionPosition {
  readonly seq: number;
  txn: { readonly id: string; readonly producerId: string; readonly epoch: number; readonly probe?: TransactionProbe } | null;
}

/** One Kafka transaction: rows between two checkpoints, written by a producer of its own. */
interface OpenTransaction {
  readonly position: TransactionPosition;
  readonly producer: Producer;
  readonly begun: Promise<Transaction>;
  readonly sender: MessageSender;
  /** Resolves the slot's promise once the transaction is over. */
  readonly release: () => void;
}

/**
 * Two-phase commit of a sink's rows through Kafka transactions, as Flink's KafkaSink does
 * (DESIGN.md §4: output is exposed only once the checkpoint covering it is complete).
 *
 * The rows between checkpoint n-1 and n go into transaction n, run under the transactional id
 * `<prefix>-<query id>-<n mod 2>` by a producer started for it alone: starting a producer bumps the
 * id's epoch, so (producer id, epoch) names transaction n and nothing later. cut() flushes
 * transaction n (pre-commit) and records it; rows written after the cut go to transaction n+1 on
 * the other id. checkpointCommitted() commits transaction n once the checkpoint is in SQLite;
 * checkpoint n+1 starts only after that, so transaction n+2 never waits on its id for long.
 *
 * Recovery from checkpoint n (restore): commit transaction n with the recorded producer id and
 * epoch (a fence reply means it was committed already, as the killed run got that far), then bump
 * the epoch of both ids, which makes the broker abort whatever a killed run left open (transaction
 * n+1 pre-committed for a checkpoint that never completed, or n+2 half written) and fences that run.
 * Rows after checkpoint n are read and written again.
 *
 * A transaction the broker aborted on its own, because it stayed open longer than
 * 'properties.transaction.timeout.ms' (the process stopped, or down, between the checkpoint and the
 * commit), cannot be committed, and its rows are gone. Flink's KafkaCommitter logs that and goes on
 * (the rows are lost); Eddy fails the checkpoint with SinkTransactionLost instead, so the run goes
 * back to checkpoint n-1, whose transaction committed, and writes the rows again: when the commit
 * itself is refused as fenced (no other process runs the query: its lock), and at recovery when the
 * recorded commit is answered "fenced" and the transaction's first record (`probe`) is not visible
 * to read_committed.
 */
export class TransactionalWriter {
  private current: OpenTransaction | null = null;
  /** The number of the last transaction cut (its rows belong to a checkpoint). */
  private seq = 0;
  private readonly precommitted = new Map<number, OpenTransaction>();
  /** Per transactional id: resolves once its previous transaction is over. */
  private readonly slots: Promise<void>[] = [Promise.resolve(), Promise.resolve()];
  private readonly idBase: string;

  constructor(
    private readonly opts: KafkaOptions,
    queryId: string,
  ) {
    this.idBase = `${opts.transactionalIdPrefix}-${queryId}`;
  }

  private transactionalId(seq: number): string {
    return `${this.idBase}-${seq % 2}`;
  }

  get failure(): unknown {
    return this.current?.sender.failed ?? null;
  }

  send(messages: readonly MessageToProduce[]): void {
    (this.current ??= this.open(this.seq + 1)).sender.push(messages);
  }

  /** Pre-commits the open transaction: its position, and a promise that resolves once every row of it is in the broker. */
  cut(): { position: TransactionPosition; durable: Promise<void> } {
    const t = this.current;
    this.current = null;
    this.seq++;
    if (!t) return { position: { seq: this.seq, txn: null }, durable: Promise.resolve() };
    this.precommitted.set(t.position.seq, t);
    return { position: t.position, durable: t.sender.drain().then(() => t.begun).then(() => undefined) };
  }

  /** The checkpoint recording `position` is complete: its transaction commits. */
  async checkpointCommitted(position: unknown): Promise<void> {
    const seq = (position as Partial<TransactionPosition> | null)?.seq;
    const t = typeof seq === 'number' ? this.precommitted.get(seq) : undefined;
    if (!t) return;
    this.precommitted.delete(seq!);
    try {
      await (await t.begun).commit();
    } catch (e) {
      if (hasKafkaError(e, 'PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'INVALID_TXN_STATE')) throw this.lost(seq!, t.position.txn?.id, 'before it could be committed');
      throw kafkaError(this.opts, `cannot commit transaction ${seq} ('${t.position.txn?.id}')`, e);
    } finally {
      await this.finish(t);
    }
  }

  /** Commits the open transaction at once (a run without checkpoints). */
  async commitNow(): Promise<void> {
    const { position } = this.cut();
    await this.precommitted.get(position.seq)?.sender.drain();
    await this.checkpointCommitted(position);
  }

  /** Commits what `position` recorded as pre-committed, then aborts and fences whatever else the ids have open. */
  async restore(position: unknown | null): Promise<void> {
    const p = position as Partial<TransactionPosition> | null;
    const calls = new CoordinatorCalls(this.opts);
    let fenced = false;
    try {
      if (p && typeof p.seq === 'number' && p.txn) {
        fenced = (await calls.endTransaction(p.txn.id, BigInt(p.txn.producerId), p.txn.epoch, true)) === 'fenced';
      }
      await Promise.all([0, 1].map((slot) => calls.fence(this.transactionalId(slot), this.opts.transactionTimeoutMs)));
    } finally {
      await calls.close();
    }
    // "Fenced": committed by the killed run before a later producer bumped the epoch, or aborted by the broker on its timeout.
    if (fenced && p!.txn!.probe && !(await transactionCommitted(this.opts, p!.txn!.probe))) throw this.lost(p!.seq!, p!.txn!.id, 'while the query was down');
    this.seq = p && typeof p.seq === 'number' ? p.seq : 0;
  }

  private lost(seq: number, id: string | undefined, when: string): SinkTransactionLost {
    return new SinkTransactionLost(
      `Kafka aborted transaction ${seq} ('${id}') ${when}: it was open longer than 'properties.transaction.timeout.ms' (${this.opts.transactionTimeoutMs} ms)`,
      "raise 'properties.transaction.timeout.ms' above the longest time the process may be stopped or down (the broker's transaction.max.timeout.ms caps it)",
    );
  }

  /** Aborts the transaction rows were written to since the last cut (they are written again after a restart); pre-committed ones stay for recovery. */
  async close(): Promise<void> {
    const t = this.current;
    this.current = null;
    if (t) {
      try {
        const tx = await t.begun;
        await t.sender.drain().catch(() => {});
        await tx.abort();
      } catch {
        // The next run's restore fences the id, which aborts the transaction.
      }
      await this.finish(t);
    }
    for (const p of this.precommitted.values()) await closeProducer(p.producer);
    this.precommitted.clear();
  }

  /** Starts transaction `seq` once its id's previous transaction is over, with a producer of its own. */
  private open(seq: number): OpenTransaction {
    const slot = seq % 2;
    const id = this.transactionalId(seq);
    const after = this.slots[slot]!;
    let release!: () => void;
    this.slots[slot] = new Promise<void>((r) => (release = r));
    // The library is loaded: restore() (the sink's) ran first.
    const producer = new (kafkaLib().Producer)({
      clientId: this.opts.clientId,
      bootstrapBrokers: [...this.opts.bootstrap],
      idempotent: true,
      transactionalId: id,
      // -1/-1: a new producer for the id (0/0 would claim to be epoch 0 of producer 0 and be fenced).
      producerId: -1n,
      producerEpoch: -1,
      // The client passes its request timeout to the broker as the transaction timeout.
      timeout: this.opts.transactionTimeoutMs,
      retries: 3,
      retryDelay: 100,
    });
    const position: TransactionPosition = { seq, txn: null };
    const begun = after.then(async () => {
      const tx = await producer.beginTransaction();
      if (producer.producerId === undefined || producer.producerEpoch === undefined) throw new EddyError('INTERNAL', 'internal error: a transactional producer began without a producer id');
      position.txn = { id, producerId: String(producer.producerId), epoch: producer.producerEpoch };
      return tx;
    });
    begun.catch(() => {});
    const sender = new MessageSender(async (messages) => {
      try {
        const res = await (await begun).send({ messages });
        const first = res.offsets?.[0];
        if (position.txn && !position.txn.probe && first) position.txn = { ...position.txn, probe: { topic: first.topic, partition: first.partition, offset: String(first.offset) } };
      } catch (e) {
        throw kafkaError(this.opts, `cannot write to transaction ${seq} ('${id}')`, e);
      }
    });
    return { position, producer, begun, sender, release };
  }

  private async finish(t: OpenTransaction): Promise<void> {
    await closeProducer(t.producer);
    t.release();
  }
}

export async function closeProducer(p: Producer): Promise<void> {
  await new Promise<void>((r) => p.close(true, () => r()));
}
