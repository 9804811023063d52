/**
 * read_committed filtering of fetched batches (no broker needed): the case @platformatic/kafka's
 * own filter gets wrong is several aborted transactions of one producer id (an exactly-once sink
 * reuses its transactional ids), and a transaction whose abort marker lies beyond the fetch.
 */
import { describe, expect, it } from 'vitest';
import type { RecordsBatch } from '@platformatic/kafka';
import { committedRecords, offsetAfter, type FetchedRecord } from '../../../src/connectors/kafka/read-committed.js';

const TXN = 0x10;
const CONTROL = 0x20;

function batch(first: number, pid: number, values: string[], attributes = TXN): RecordsBatch {
  return {
    firstOffset: BigInt(first), length: 0, partitionLeaderEpoch: 0, magic: 2, crc: 0, attributes, lastOffsetDelta: values.length - 1,
    firstTimestamp: 0n, maxTimestamp: 0n, producerId: BigInt(pid), producerEpoch: 0, firstSequence: 0,
    records: values.map((v, i) => ({ length: 0, attributes: 0, timestampDelta: 0n, offsetDelta: i, key: null, value: Buffer.from(v), headers: [] })),
  };
}
/** A commit (type 1) or abort (type 0) marker. */
function marker(offset: number, pid: number, commit: boolean): RecordsBatch {
  const key = Buffer.alloc(4);
  key.writeInt16BE(commit ? 1 : 0, 2);
  const b = batch(offset, pid, ['m'], TXN | CONTROL);
  return { ...b, records: [{ ...b.records[0]!, key }] };
}
const values = (out: FetchedRecord[]) => out.map((r) => `${r.offset}:${r.value}`);

describe('committedRecords', () => {
  it('drops every aborted transaction of one producer, keeps its committed ones and other producers', () => {
    const batches = [
      batch(0, 7, ['a1', 'a2']), marker(2, 7, false), // aborted
      batch(3, 7, ['b1']), batch(4, 9, ['x1']), marker(5, 7, true), // committed; pid 9 interleaved
      batch(6, 7, ['c1', 'c2']), marker(8, 7, false), // aborted again, same producer id
      batch(9, 9, ['x2'], 0), // non-transactional
    ];
    const out: FetchedRecord[] = [];
    committedRecords(batches, [{ producerId: 7n, firstOffset: 0n }, { producerId: 7n, firstOffset: 6n }], out);
    expect(values(out)).toEqual(['3:b1', '4:x1', '9:x2']);
    expect(offsetAfter(batches.at(-1)!)).toBe(10n);
  });

  it("skips an aborted transaction whose marker is beyond this fetch (the broker lists it again next time)", () => {
    const out: FetchedRecord[] = [];
    committedRecords([batch(0, 7, ['ok']), marker(1, 7, true), batch(2, 7, ['gone1', 'gone2'])], [{ producerId: 7n, firstOffset: 2n }], out);
    expect(values(out)).toEqual(['0:ok']);
  });

  it('read_uncommitted (no aborted list): only control batches go', () => {
    const out: FetchedRecord[] = [];
    committedRecords([batch(0, 7, ['a']), marker(1, 7, false)], [], out);
    expect(values(out)).toEqual(['0:a']);
  });
});
