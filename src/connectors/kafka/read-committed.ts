import type { KafkaRecord, RecordsBatch, fetchV17 } from '@platformatic/kafka';

type AbortedTransaction = fetchV17.FetchResponsePartitionAbortedTransaction;

/** A data record of a fetched partition, with its absolute offset. */
export interface FetchedRecord {
  readonly offset: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;

/**
 * The data records of one partition's fetched batches, as a read_committed consumer sees them:
 * control batches (commit and abort markers) dropped, and the batches of aborted transactions
 * dropped, as Kafka's own consumer does (Fetcher: a producer is aborting from the first offset of
 * an aborted transaction the broker lists until its abort marker). The broker lists every aborted
 * transaction that overlaps the fetched range, so a transaction whose marker lies beyond this fetch
 * is skipped here and again, from its list entry, by the next fetch. With read_uncommitted the
 * broker lists none and only control batches go.
 */
export function committedRecords(batches: readonly RecordsBatch[], aborted: readonly AbortedTransaction[], out: FetchedRecord[]): void {
  const pending = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const aborting = new Set<bigint>();
  for (const batch of batches) {
    const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
    while (pending.length > 0 && pending[0]!.firstOffset <= last) aborting.add(pending.shift()!.producerId);
    if (batch.attributes & CONTROL) {
      // An abort (type 0) or commit (type 1) marker ends the producer's transaction.
      if (isAbortMarker(batch.records[0])) aborting.delete(batch.producerId);
      continue;
    }
    if (batch.attributes & TRANSACTIONAL && aborting.has(batch.producerId)) continue;
    for (const r of batch.records) out.push({ offset: batch.firstOffset + BigInt(r.offsetDelta), key: r.key, value: r.value });
  }
}

function isAbortMarker(r: KafkaRecord | undefined): boolean {
  const key = r?.key;
  return key !== null && key !== undefined && key.length >= 4 && key.readInt16BE(2) === 0;
}

/** The offset after a batch (the next offset to fetch), counting records compaction removed and control records. */
export function offsetAfter(batch: RecordsBatch): bigint {
  return batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
}
