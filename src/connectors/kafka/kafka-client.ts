import { randomBytes } from 'node:crypto';
import type { ClusterMetadata, Connection, ConnectionPool, Consumer, offsetCommitV9 } from '@platformatic/kafka';
import { EddyError } from '../../common/errors.js';
import { kafkaLib, loadKafka } from './kafka-lib.js';
import type { KafkaOptions } from './kafka-options.js';

/*
 * The Kafka client calls the connectors share (@platformatic/kafka): metadata and topic lists,
 * offsets by mode, and the coordinator calls made at the protocol level: the two transaction
 * calls recovery needs (they finish or fence a transaction some other, killed, process started),
 * and group offsets committed and read without joining the group (the client's own commit joins
 * the group when it is not a member, and Eddy assigns partitions itself).
 */

/**
 * read_committed as Eddy filters it itself (read-committed.ts). @platformatic/kafka 1.35, the last
 * release for Node 20, also filters a READ_COMMITTED fetch, and that filter throws (uncaught, in a
 * socket callback, so the query hangs) when a fetch holds the abort marker of a transaction the
 * broker does not list, such as an aborted transaction that wrote no records, beside one it does.
 * A Number object encodes as 1 on the wire, but is not `=== READ_COMMITTED`, so the library hands
 * the response over unfiltered.
 */
// eslint-disable-next-line no-new-wrappers
export const READ_COMMITTED_SELF_FILTERED = new Number(1) as unknown as number;

/** A consumer used for metadata, offsets and fetches; it never joins its group (partitions are assigned by Eddy). */
export async function newConsumer(opts: KafkaOptions): Promise<Consumer> {
  const { Consumer } = await loadKafka();
  return new Consumer({
    clientId: opts.clientId,
    bootstrapBrokers: [...opts.bootstrap],
    groupId: opts.groupId ?? `eddy-${randomBytes(6).toString('hex')}`,
    autocommit: false,
    retries: 3,
    retryDelay: 200,
  });
}

/** The topics a source reads: its 'topic' list, or every topic matching 'topic-pattern' (sorted). */
export async function resolveTopics(opts: KafkaOptions): Promise<string[]> {
  if (opts.topics) return [...opts.topics];
  const { Admin } = await loadKafka();
  const admin = new Admin({ clientId: opts.clientId, bootstrapBrokers: [...opts.bootstrap], retries: 3, retryDelay: 200 });
  try {
    const all = await admin.listTopics({ includeInternals: false });
    return all.filter((t) => opts.pattern!.test(t)).sort();
  } catch (e) {
    throw kafkaError(opts, 'cannot list topics', e);
  } finally {
    await admin.close().catch(() => {});
  }
}

/** Metadata of `topics`, each of which must exist. */
export async function topicMetadata(opts: KafkaOptions, client: Consumer, topics: readonly string[]): Promise<ClusterMetadata> {
  let meta: ClusterMetadata;
  try {
    meta = await client.metadata({ topics: [...topics], forceUpdate: true });
  } catch (e) {
    const missing = topics.find((t) => String((e as Error).message).includes(t)) ?? (isUnknownTopic(e) ? topics.join(', ') : undefined);
    if (missing) throw new EddyError('IO', `Kafka topic '${missing}' does not exist (${opts.bootstrap.join(',')})`, undefined, 'create the topic first: Eddy does not create topics');
    throw kafkaError(opts, 'cannot read metadata', e);
  }
  for (const t of topics) {
    if (!meta.topics.has(t)) throw new EddyError('IO', `Kafka topic '${t}' does not exist (${opts.bootstrap.join(',')})`, undefined, 'create the topic first: Eddy does not create topics');
  }
  return meta;
}

const isUnknownTopic = (e: unknown): boolean => Boolean((e as { findBy?: (k: string, v: unknown) => unknown }).findBy?.('apiId', 'UNKNOWN_TOPIC_OR_PARTITION'));

/** An EddyError for a failed Kafka call (code IO, so the restart strategy retries it). */
export function kafkaError(opts: KafkaOptions, what: string, e: unknown): EddyError {
  if (e instanceof EddyError) return e;
  const detail = errorDetail(e);
  return new EddyError('IO', `Kafka (${opts.bootstrap.join(',')}): ${what}: ${detail}`, undefined, 'check that the brokers in properties.bootstrap.servers are reachable');
}

/** The innermost messages of a client error (its causes and aggregated errors). */
export function errorDetail(e: unknown): string {
  const parts: string[] = [];
  const walk = (x: unknown, depth: number): void => {
    if (!x || depth > 4) return;
    const err = x as { message?: string; errors?: unknown[]; cause?: unknown };
    if (err.errors?.length) for (const inner of err.errors) walk(inner, depth + 1);
    else if (err.cause) walk(err.cause, depth + 1);
    else if (err.message) parts.push(err.message);
  };
  walk(e, 0);
  return [...new Set(parts)].join('; ') || String((e as Error)?.message ?? e);
}

/** Whether a client error carries one of Kafka's error codes by name (e.g. 'PRODUCER_FENCED'). */
export function hasKafkaError(e: unknown, ...ids: string[]): boolean {
  const find = (e as { findBy?: (k: string, v: unknown) => unknown }).findBy;
  return typeof find === 'function' && ids.some((id) => find.call(e, 'apiId', id) !== null);
}

/** FindCoordinator found none yet (the coordinator is loading or moving): retried. */
class CoordinatorUnavailable extends Error {}

const GROUP = 0;
const TRANSACTION = 1;

/** Protocol-level calls to the group and transaction coordinators. */
export class CoordinatorCalls {
  private pool: ConnectionPool | null = null;

  constructor(private readonly opts: KafkaOptions) {}

  /** The connection pool, made at the first call (the library loaded by then). */
  private async connections(): Promise<ConnectionPool> {
    if (this.pool === null) {
      const { ConnectionPool } = await loadKafka();
      this.pool ??= new ConnectionPool(this.opts.clientId);
    }
    return this.pool;
  }

  /**
   * Commits (or aborts) the transaction that producer `producerId`/`epoch` has open or has just
   * ended under `transactionalId`, whichever process started it. 'fenced' when that producer was
   * replaced since (a newer epoch): its transaction was finished then.
   */
  async endTransaction(transactionalId: string, producerId: bigint, epoch: number, commit: boolean): Promise<'done' | 'fenced'> {
    return this.retrying(`${commit ? 'commit' : 'abort'} transaction '${transactionalId}'`, async () => {
      try {
        const conn = await this.coordinator(TRANSACTION, transactionalId);
        await kafkaLib().endTxnV4.api.async(conn, transactionalId, producerId, epoch, commit);
        return 'done';
      } catch (e) {
        if (hasKafkaError(e, 'PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING')) return 'fenced';
        throw e;
      }
    });
  }

  /** Bumps the epoch of `transactionalId`: the broker aborts whatever transaction it had open, and fences its producer. */
  async fence(transactionalId: string, transactionTimeoutMs: number): Promise<void> {
    await this.retrying(`fence transactional id '${transactionalId}'`, async () => {
      const conn = await this.coordinator(TRANSACTION, transactionalId);
      await kafkaLib().initProducerIdV5.api.async(conn, transactionalId, transactionTimeoutMs, -1n, -1);
    });
  }

  /** Commits offsets for a group as a consumer outside it (generation -1), which Kafka accepts while no member holds the partitions. */
  async commitOffsets(groupId: string, offsets: readonly { topic: string; partition: number; offset: bigint }[]): Promise<void> {
    const topics = new Map<string, offsetCommitV9.OffsetCommitRequestTopic>();
    for (const o of offsets) {
      const t = topics.get(o.topic) ?? { name: o.topic, partitions: [] };
      t.partitions.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: null });
      topics.set(o.topic, t);
    }
    await this.retrying(`commit the offsets of group '${groupId}'`, async () => {
      const conn = await this.coordinator(GROUP, groupId);
      await kafkaLib().offsetCommitV9.api.async(conn, groupId, -1, '', null, [...topics.values()]);
    });
  }

  /** The group's committed offsets of `partitions` ("topic:partition" → offset, -1 where none). */
  async committedOffsets(groupId: string, partitions: ReadonlyMap<string, readonly number[]>): Promise<Map<string, bigint>> {
    const res = await this.retrying(`read the committed offsets of group '${groupId}'`, async () => {
      const conn = await this.coordinator(GROUP, groupId);
      return kafkaLib().offsetFetchV9.api.async(conn, [{ groupId, memberId: null, memberEpoch: -1, topics: [...partitions].map(([name, partitionIndexes]) => ({ name, partitionIndexes: [...partitionIndexes] })) }], false);
    });
    const out = new Map<string, bigint>();
    for (const t of res.groups[0]?.topics ?? []) for (const p of t.partitions) out.set(`${t.name}:${p.partitionIndex}`, p.committedOffset);
    return out;
  }

  async close(): Promise<void> {
    await this.pool?.close().catch(() => {});
  }

  private async coordinator(keyType: number, key: string): Promise<Connection> {
    const [host, port] = this.opts.bootstrap[0]!.split(':') as [string, string];
    const pool = await this.connections();
    const boot = await pool.get({ host, port: Number(port) });
    const res = await kafkaLib().findCoordinatorV6.api.async(boot, keyType, [key]);
    const c = res.coordinators[0];
    if (!c || c.errorCode !== 0) throw new CoordinatorUnavailable(`no ${keyType === GROUP ? 'group' : 'transaction'} coordinator for '${key}' (Kafka error ${c?.errorCode})`);
    return pool.get({ host: c.host, port: c.port });
  }

  /** Retries what the coordinator answers while it is busy finishing a transaction or loading its state. */
  private async retrying<T>(what: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (e) {
        const busy = e instanceof CoordinatorUnavailable || hasKafkaError(e, 'CONCURRENT_TRANSACTIONS', 'COORDINATOR_LOAD_IN_PROGRESS', 'NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE');
        if (!busy || attempt >= 100) throw kafkaError(this.opts, `cannot ${what}`, e);
        await new Promise((r) => setTimeout(r, Math.min(20 * (attempt + 1), 200)));
      }
    }
  }
}
