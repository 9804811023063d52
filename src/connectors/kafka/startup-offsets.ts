import type { Consumer } from '@platformatic/kafka';
import { EddyError } from '../../common/errors.js';
import { CoordinatorCalls, kafkaError } from './kafka-client.js';
import type { BoundedMode, KafkaOptions, OffsetSpec, StartupMode } from './kafka-options.js';

/*
 * Per-partition offsets of Flink's 'scan.startup.mode' (where reading starts) and
 * 'scan.bounded.mode' (where a bounded read stops), from the broker's offset index.
 */

interface PartitionRef {
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
}

const EARLIEST = -2n;
const LATEST = -1n;

/** Where each partition starts reading. */
export async function startOffsets(opts: KafkaOptions, consumer: Consumer, spec: OffsetSpec<StartupMode>, parts: readonly PartitionRef[]): Promise<Map<string, bigint>> {
  switch (spec.mode) {
    case 'earliest-offset':
      return listed(opts, consumer, parts, EARLIEST);
    case 'latest-offset':
      return listed(opts, consumer, parts, LATEST);
    case 'timestamp':
      return byTimestamp(opts, consumer, parts, spec.timestamp!);
    case 'specific-offsets':
      // Partitions the option does not name start at their earliest offset.
      return withSpecific(await listed(opts, consumer, parts, EARLIEST), spec.specific!, parts);
    case 'group-offsets': {
      const committed = await groupOffsets(opts, parts);
      const missing = parts.filter((p) => committed.get(p.key)! < 0n);
      if (missing.length === 0) return committed;
      if (opts.autoOffsetReset === 'none') {
        throw new EddyError('IO', `'scan.startup.mode' = 'group-offsets': group '${opts.groupId}' has no committed offset for ${missing.map((p) => p.key).join(', ')}`, undefined, "set 'properties.auto.offset.reset' = 'earliest' (or 'latest') for partitions without one, or choose another 'scan.startup.mode'");
      }
      const reset = await listed(opts, consumer, missing, opts.autoOffsetReset === 'earliest' ? EARLIEST : LATEST);
      for (const [k, v] of reset) committed.set(k, v);
      return committed;
    }
    default:
      throw new EddyError('INTERNAL', `internal error: startup mode ${String(spec.mode)}`);
  }
}

/** Where each partition of a bounded read stops (the offset after its last record to read). */
export async function endOffsets(opts: KafkaOptions, consumer: Consumer, spec: OffsetSpec<BoundedMode>, parts: readonly PartitionRef[]): Promise<Map<string, bigint>> {
  switch (spec.mode) {
    case 'unbounded':
      throw new EddyError('INTERNAL', 'internal error: end offsets of an unbounded read');
    case 'latest-offset':
      return listed(opts, consumer, parts, LATEST);
    case 'timestamp':
      return byTimestamp(opts, consumer, parts, spec.timestamp!);
    case 'specific-offsets':
      // Partitions the option does not name are read to their latest offset.
      return withSpecific(await listed(opts, consumer, parts, LATEST), spec.specific!, parts);
    case 'group-offsets': {
      const committed = await groupOffsets(opts, parts);
      const latest = await listed(opts, consumer, parts, LATEST);
      for (const p of parts) if (committed.get(p.key)! < 0n) committed.set(p.key, latest.get(p.key)!);
      return committed;
    }
    default:
      throw new EddyError('INTERNAL', `internal error: bounded mode ${String(spec.mode)}`);
  }
}

/** ListOffsets: earliest (-2), or latest (-1: the last stable offset under read_committed). */
async function listed(opts: KafkaOptions, consumer: Consumer, parts: readonly PartitionRef[], which: bigint): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  try {
    for (const [topic, partitions] of byTopic(parts)) {
      const offsets = await consumer.listOffsets({ topics: [topic], partitions: { [topic]: partitions }, timestamp: which, isolationLevel: opts.readCommitted ? 1 : 0 });
      const list = offsets.get(topic) ?? [];
      for (const p of partitions) out.set(`${topic}:${p}`, list[p]!);
    }
  } catch (e) {
    throw kafkaError(opts, 'cannot list offsets', e);
  }
  return out;
}

/** The first offset whose record timestamp is at least `ts`; the latest offset where none is. */
async function byTimestamp(opts: KafkaOptions, consumer: Consumer, parts: readonly PartitionRef[], ts: number): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  const latest = await listed(opts, consumer, parts, LATEST);
  try {
    for (const [topic, partitions] of byTopic(parts)) {
      const offsets = await consumer.listOffsetsWithTimestamps({ topics: [topic], partitions: { [topic]: partitions }, timestamp: BigInt(ts), isolationLevel: opts.readCommitted ? 1 : 0 });
      for (const p of partitions) {
        const o = offsets.get(topic)?.get(p)?.offset ?? -1n;
        out.set(`${topic}:${p}`, o >= 0n ? o : latest.get(`${topic}:${p}`)!);
      }
    }
  } catch (e) {
    throw kafkaError(opts, 'cannot look up offsets by timestamp', e);
  }
  return out;
}

/** The group's committed offsets (-1 where it has none). */
async function groupOffsets(opts: KafkaOptions, parts: readonly PartitionRef[]): Promise<Map<string, bigint>> {
  if (opts.groupId === null) throw new EddyError('INVALID_OPTION', "'group-offsets' needs option 'properties.group.id'", undefined, "add 'properties.group.id' = '...', or choose another 'scan.startup.mode' (e.g. 'earliest-offset')");
  const calls = new CoordinatorCalls(opts);
  try {
    const committed = await calls.committedOffsets(opts.groupId, byTopic(parts));
    return new Map(parts.map((p) => [p.key, committed.get(p.key) ?? -1n]));
  } finally {
    await calls.close();
  }
}

/** `offsets` with the partitions 'specific-offsets' names set to the given offsets. */
function withSpecific(offsets: Map<string, bigint>, specific: ReadonlyMap<number, number>, parts: readonly PartitionRef[]): Map<string, bigint> {
  for (const p of parts) {
    const at = specific.get(p.partition);
    if (at !== undefined) offsets.set(p.key, BigInt(at));
  }
  return offsets;
}

function byTopic(parts: readonly PartitionRef[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const p of parts) m.set(p.topic, [...(m.get(p.topic) ?? []), p.partition]);
  return m;
}
