import type { ClusterMetadata, Consumer } from '@platformatic/kafka';
import { EddyError, internalError } from '../../common/errors.js';
import type { Row, Schema } from '../../common/types.js';
import type { SourceReader } from '../connector.js';
import { RowError } from '../row-decoders.js';
import { CoordinatorCalls, READ_COMMITTED_SELF_FILTERED, kafkaError, newConsumer, resolveTopics, topicMetadata } from './kafka-client.js';
import { kafkaLib } from './kafka-lib.js';
import type { KafkaOptions } from './kafka-options.js';
import { committedRecords, offsetAfter, type FetchedRecord } from './read-committed.js';
import { messageDecoder, type MessageDecoder } from './record-codec.js';
import { endOffsets, startOffsets } from './startup-offsets.js';

/** The checkpointed position: per partition ("topic:partition"), the offset of the next record to read. */
export interface KafkaOffset {
  readonly partitions: Readonly<Record<string, number>>;
}

interface PartitionState {
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  topicId: string;
  leader: number;
  /** The offset after the last record handed out by read() (what offset() reports). */
  position: bigint;
  /** The offset the next fetch asks for: past every batch buffered. */
  fetchOffset: bigint;
  /** Bounded mode: the offset reading stops at; null = unbounded. */
  end: bigint | null;
  /** Fetched records not yet handed out, from `head`. */
  buffer: FetchedRecord[];
  head: number;
}

/** Records buffered over all partitions beyond which no new fetch starts (the engine is behind). */
const BUFFER_LIMIT = 64 * 1024;
const FETCH_MAX_BYTES = 32 << 20;
const PARTITION_MAX_BYTES = 8 << 20;
const GROUP_COMMIT_INTERVAL_MS = 5000;


/**
 * Reads the partitions of one or more topics (DESIGN.md §4: the offset of every partition is the
 * checkpointed position). Partitions are assigned by Eddy, never by the group: seek() resumes at the
 * exact offsets of a checkpoint, whatever the group committed. With 'properties.group.id' the read
 * position is committed to the group every few seconds, for monitoring and 'group-offsets' starts.
 *
 * Each read() returns records of one partition (lastSplit names it), round-robin over the
 * partitions with buffered records, so the runtime can keep a watermark per partition. Fetches run
 * ahead of the reads (one per leader broker at a time) until 64k records are buffered.
 */
export class KafkaSource implements SourceReader {
  readonly bounded: boolean;
  skippedRows = 0;
  lastSplit: string | undefined = undefined;
  readonly splitIdleTimeoutMs: number;
  /** Made by the first read (assign), when the Kafka library is loaded. */
  private consumer_: Consumer | null = null;
  private readonly decode: MessageDecoder;
  private readonly parts = new Map<string, PartitionState>();
  private order: PartitionState[] = [];
  private nextPart = 0;
  private seekTo: Readonly<Record<string, number>> | null = null;
  private init: Promise<void> | null = null;
  private readonly fetching = new Set<number>();
  private fetchError: unknown = null;
  private buffered = 0;
  private wake: (() => void) | null = null;
  private closed = false;
  private lastDiscovery = 0;
  private lastGroupCommit = 0;
  private committedToGroup = '';
  private groupCalls: CoordinatorCalls | null = null;

  constructor(
    schema: Schema,
    private readonly opts: KafkaOptions,
    private readonly stream: string,
  ) {
    this.bounded = opts.bounded.mode !== 'unbounded';
    this.splitIdleTimeoutMs = opts.splitIdleTimeoutMs;
    this.decode = messageDecoder(schema, opts);
  }

  offset(): KafkaOffset {
    const partitions: Record<string, number> = { ...(this.seekTo ?? {}) };
    for (const p of this.order) partitions[p.key] = Number(p.position);
    return { partitions };
  }

  async seek(offset: unknown): Promise<void> {
    const parts = (offset as Partial<KafkaOffset> | null)?.partitions;
    if (!parts || typeof parts !== 'object' || Object.values(parts).some((v) => typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
      throw new EddyError('CHECKPOINT', `invalid Kafka source offset ${JSON.stringify(offset)}`);
    }
    if (this.init) throw new EddyError('INTERNAL', 'internal error: seek() after the Kafka source started reading');
    this.seekTo = parts;
  }

  splits(): readonly string[] {
    return this.order.map((p) => p.key);
  }

  readable(): Promise<void> {
    return new Promise((r) => (this.wake = r));
  }

  async read(max: number): Promise<Row[] | null> {
    await (this.init ??= this.assign());
    if (this.fetchError) throw this.fetchError;
    const now = Date.now();
    if (!this.bounded && this.opts.discoveryIntervalMs > 0 && now - this.lastDiscovery >= this.opts.discoveryIntervalMs) await this.discover();
    if (this.opts.groupId && now - this.lastGroupCommit >= GROUP_COMMIT_INTERVAL_MS) this.commitToGroup();
    const part = this.nextBuffered();
    if (!part) {
      if (this.bounded && this.order.every(atEnd)) return null;
      this.startFetches();
      return [];
    }
    this.lastSplit = part.key;
    const rows: Row[] = [];
    const buf = part.buffer;
    while (rows.length < max && part.head < buf.length) {
      const rec = buf[part.head]!;
      if (part.end !== null && rec.offset >= part.end) {
        // Bounded: the records from the end offset on are not read.
        this.buffered -= buf.length - part.head;
        part.head = buf.length;
        part.position = part.end;
        break;
      }
      part.head++;
      this.buffered--;
      part.position = rec.offset + 1n;
      try {
        const row = this.decode(rec.key, rec.value);
        if (row) rows.push(row);
      } catch (e) {
        if (!(e instanceof RowError)) throw e;
        if (this.opts.onError === 'fail') {
          throw new EddyError('BAD_ROW', `${part.topic}[${part.partition}]@${rec.offset}: ${e.reason}`, undefined, "fix the producer, or set 'on-error' = 'skip' (Flink: 'json.ignore-parse-errors' = 'true') to skip malformed messages");
        }
        this.skippedRows++;
      }
    }
    if (part.head >= buf.length) {
      this.buffered -= buf.length - part.head;
      part.buffer = [];
      part.head = 0;
      // Past the batches fetched: control markers and aborted records after the last data record.
      if (part.fetchOffset > part.position) part.position = part.end !== null && part.fetchOffset > part.end ? part.end : part.fetchOffset;
    }
    this.startFetches();
    return rows;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.opts.groupId && this.init) await this.commitToGroup();
    await this.groupCalls?.close();
    const consumer = this.consumer_;
    if (consumer) await new Promise<void>((r) => consumer.close(true, () => r()));
  }

  private get consumer(): Consumer {
    if (this.consumer_ === null) throw internalError('Kafka source used before its first read');
    return this.consumer_;
  }

  /** The next partition (round-robin) with buffered records. */
  private nextBuffered(): PartitionState | undefined {
    const n = this.order.length;
    for (let i = 0; i < n; i++) {
      const p = this.order[(this.nextPart + i) % n]!;
      if (p.head < p.buffer.length) {
        this.nextPart = (this.nextPart + i + 1) % n;
        return p;
      }
    }
    return undefined;
  }

  /** Lists the partitions to read and where each starts (the checkpoint's offset, else the startup mode) and, bounded, ends. */
  private async assign(): Promise<void> {
    this.consumer_ = await newConsumer(this.opts);
    const topics = await resolveTopics(this.opts);
    if (topics.length === 0) throw new EddyError('IO', `stream '${this.stream}': no Kafka topic matches 'topic-pattern' = '${this.opts.pattern?.source.slice(4, -2)}'`, undefined, 'create a matching topic first');
    const meta = await topicMetadata(this.opts, this.consumer, topics);
    await this.addPartitions(meta, topics, this.seekTo === null);
    this.lastDiscovery = Date.now();
  }

  /** Adds the partitions of `topics` not read yet: from the checkpoint, else from the startup mode (`initial`) or the earliest offset (found later). */
  private async addPartitions(meta: ClusterMetadata, topics: readonly string[], initial: boolean): Promise<void> {
    const fresh: PartitionState[] = [];
    for (const topic of topics) {
      const t = meta.topics.get(topic)!;
      t.partitions.forEach((p, partition) => {
        const key = `${topic}:${partition}`;
        const known = this.parts.get(key);
        if (known) {
          known.leader = p.leader;
          known.topicId = t.id;
          return;
        }
        const at = this.seekTo?.[key];
        const start = at === undefined ? -1n : BigInt(at);
        const state: PartitionState = { key, topic, partition, topicId: t.id, leader: p.leader, position: start, fetchOffset: start, end: null, buffer: [], head: 0 };
        this.parts.set(key, state);
        fresh.push(state);
      });
    }
    if (fresh.length === 0) return;
    const unplaced = fresh.filter((p) => p.position < 0n);
    if (unplaced.length > 0) {
      // A partition the checkpoint does not know (created or matched since) starts at its earliest offset, as in Flink.
      const spec = initial ? this.opts.startup : ({ mode: 'earliest-offset' } as const);
      const starts = await startOffsets(this.opts, this.consumer, spec, unplaced);
      for (const p of unplaced) p.position = p.fetchOffset = starts.get(p.key)!;
    }
    if (this.bounded) {
      const ends = await endOffsets(this.opts, this.consumer, this.opts.bounded, fresh);
      for (const p of fresh) p.end = ends.get(p.key)!;
    }
    this.order = [...this.parts.values()].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  }

  /** 'scan.topic-partition-discovery.interval': picks up partitions (and pattern topics) created since. */
  private async discover(): Promise<void> {
    this.lastDiscovery = Date.now();
    try {
      const topics = await resolveTopics(this.opts);
      await this.addPartitions(await topicMetadata(this.opts, this.consumer, topics), topics, false);
    } catch (e) {
      this.fetchError = kafkaError(this.opts, `stream '${this.stream}': cannot list partitions`, e);
    }
  }

  /** Starts one fetch per leader broker whose partitions need records, unless enough are buffered. */
  private startFetches(): void {
    if (this.closed || this.buffered >= BUFFER_LIMIT) return;
    const byLeader = new Map<number, PartitionState[]>();
    for (const p of this.order) {
      if (p.head < p.buffer.length || atEnd(p) || this.fetching.has(p.leader)) continue;
      const list = byLeader.get(p.leader) ?? [];
      list.push(p);
      byLeader.set(p.leader, list);
    }
    for (const [leader, parts] of byLeader) {
      this.fetching.add(leader);
      void this.fetchFrom(leader, parts).finally(() => {
        this.fetching.delete(leader);
        const wake = this.wake;
        this.wake = null;
        wake?.();
      });
    }
  }

  private async fetchFrom(leader: number, parts: readonly PartitionState[]): Promise<void> {
    const byTopic = new Map<string, PartitionState[]>();
    for (const p of parts) byTopic.set(p.topicId, [...(byTopic.get(p.topicId) ?? []), p]);
    try {
      const res = await this.consumer.fetch({
        node: leader,
        maxWaitTime: this.bounded ? 50 : 200,
        minBytes: 1,
        maxBytes: FETCH_MAX_BYTES,
        isolationLevel: this.opts.readCommitted ? READ_COMMITTED_SELF_FILTERED : kafkaLib().FetchIsolationLevels.READ_UNCOMMITTED,
        topics: [...byTopic].map(([topicId, ps]) => ({
          topicId,
          partitions: ps.map((p) => ({ partition: p.partition, currentLeaderEpoch: -1, fetchOffset: p.fetchOffset, lastFetchedEpoch: -1, partitionMaxBytes: PARTITION_MAX_BYTES })),
        })),
      });
      if (this.closed) return;
      for (const t of res.responses) {
        const ps = byTopic.get(t.topicId) ?? [];
        for (const r of t.partitions) {
          const p = ps.find((x) => x.partition === r.partitionIndex);
          if (!p) continue;
          if (r.errorCode !== 0) {
            this.partitionError(p, r.errorCode);
            continue;
          }
          const batches = r.records ?? [];
          if (batches.length === 0) continue;
          const out: FetchedRecord[] = [];
          committedRecords(batches, r.abortedTransactions, out);
          const from = p.fetchOffset;
          p.fetchOffset = offsetAfter(batches[batches.length - 1]!);
          // A batch may start before the offset asked for (the broker returns whole batches).
          p.buffer = out.filter((rec) => rec.offset >= from);
          p.head = 0;
          this.buffered += p.buffer.length;
          if (p.buffer.length === 0) p.position = p.end !== null && p.fetchOffset > p.end ? p.end : p.fetchOffset;
        }
      }
    } catch (e) {
      if (!this.closed) this.fetchError = kafkaError(this.opts, `stream '${this.stream}': fetch failed`, e);
    }
  }

  private partitionError(p: PartitionState, code: number): void {
    if (code === 1) {
      this.fetchError = new EddyError('IO', `Kafka partition ${p.key} no longer has offset ${p.fetchOffset} (deleted by retention?)`, undefined, 'restart the query with --fresh to read from its startup mode again');
      return;
    }
    // Leadership moved (NOT_LEADER_OR_FOLLOWER, LEADER_NOT_AVAILABLE, FENCED/UNKNOWN_LEADER_EPOCH ...): find the new leader next read.
    this.lastDiscovery = 0;
  }

  /** Commits the read position to the group, best effort (Eddy never reads it back while resuming from a checkpoint). */
  private commitToGroup(): Promise<void> {
    this.lastGroupCommit = Date.now();
    const offsets = this.order.filter((p) => p.position >= 0n).map((p) => ({ topic: p.topic, partition: p.partition, offset: p.position }));
    const signature = offsets.map((o) => `${o.topic}:${o.partition}:${o.offset}`).join(',');
    if (offsets.length === 0 || signature === this.committedToGroup) return Promise.resolve();
    this.committedToGroup = signature;
    const calls = (this.groupCalls ??= new CoordinatorCalls(this.opts));
    return calls.commitOffsets(this.opts.groupId!, offsets).catch(() => {
      this.committedToGroup = '';
    });
  }
}

const atEnd = (p: PartitionState): boolean => p.end !== null && p.position >= p.end;
