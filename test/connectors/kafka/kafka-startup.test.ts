/**
 * Every 'scan.startup.mode' and 'scan.bounded.mode' against a real broker, and a persistent query
 * resuming from the partition offsets of its checkpoint (never from the group's committed offsets).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorCalls } from '../../../src/connectors/kafka/kafka-client.js';
import { kafkaOptions } from '../../../src/connectors/kafka/kafka-options.js';
import { Eddy } from '../../../src/index.js';
import { kafkaBootstrap, kafkaSkip, newTopic, produce, uniqueTopic, useKafka } from './kafka-env.js';

useKafka();

let eddy: Eddy | undefined;
afterEach(async () => {
  await eddy?.close();
  eddy = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const values = (from: number, to: number, partition = 0) => Array.from({ length: to - from }, (_, i) => ({ partition, value: JSON.stringify({ id: from + i }), timestamp: 1_000_000 + (from + i) * 1000 }));

async function ids(topic: string, options: string, bounded = "'scan.bounded.mode' = 'latest-offset'"): Promise<number[]> {
  eddy = await Eddy.open();
  await eddy.execute(`CREATE STREAM s (id INT) WITH ('connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${kafkaBootstrap()}', 'format' = 'json', ${options}${bounded ? `, ${bounded}` : ''})`);
  const out: number[] = [];
  for await (const r of eddy.query('SELECT id FROM s')) out.push((r as { id: number }).id);
  await eddy.close();
  eddy = undefined;
  return out.sort((a, b) => a - b);
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Commits offsets for a group, as any consumer of it may (here: to mislead a resuming query). */
async function commitGroup(group: string, topic: string, offset: number): Promise<void> {
  const calls = new CoordinatorCalls(kafkaOptions(streamDef(topic), 'kafka'));
  try {
    await calls.commitOffsets(group, [{ topic, partition: 0, offset: BigInt(offset) }]);
    expect((await calls.committedOffsets(group, new Map([[topic, [0]]]))).get(`${topic}:0`)).toBe(BigInt(offset));
  } finally {
    await calls.close();
  }
}

const streamDef = (topic: string) => ({ name: 's', schema: { columns: [] }, options: { connector: 'kafka', topic, 'properties.bootstrap.servers': kafkaBootstrap(), format: 'json' }, ddl: '' });

describe.skipIf(kafkaSkip !== null)("'scan.startup.mode' and 'scan.bounded.mode'", () => {
  it('earliest-offset, specific-offsets, timestamp', async () => {
    const topic = await newTopic('st-modes');
    await produce(topic, values(0, 10));
    expect(await ids(topic, "'scan.startup.mode' = 'earliest-offset'")).toEqual(range(0, 10));
    expect(await ids(topic, "'scan.startup.mode' = 'specific-offsets', 'scan.startup.specific-offsets' = 'partition:0,offset:7'")).toEqual([7, 8, 9]);
    // The first record with a timestamp at or after 1_006_000 ms is id 6.
    expect(await ids(topic, "'scan.startup.mode' = 'timestamp', 'scan.startup.timestamp-millis' = '1006000'")).toEqual([6, 7, 8, 9]);
    expect(await ids(topic, "'scan.startup.mode' = 'timestamp', 'scan.startup.timestamp-millis' = '9999999'")).toEqual([]);
  });

  it('latest-offset: only records produced after the query started', async () => {
    const topic = await newTopic('st-latest');
    await produce(topic, values(0, 5));
    eddy = await Eddy.open();
    await eddy.execute(`CREATE STREAM s (id INT) WITH ('connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${kafkaBootstrap()}', 'format' = 'json', 'scan.startup.mode' = 'latest-offset')`);
    const it = eddy.query('SELECT id FROM s')[Symbol.asyncIterator]();
    const first = it.next();
    await sleep(1000);
    await produce(topic, values(5, 7));
    expect((await first).value).toEqual({ id: 5 });
    expect((await it.next()).value).toEqual({ id: 6 });
    await it.return?.();
  });

  it('group-offsets: resumes where the group committed; a group without offsets needs properties.auto.offset.reset', async () => {
    const topic = await newTopic('st-group');
    const group = uniqueTopic('group');
    await produce(topic, values(0, 6));
    const opts = `'scan.startup.mode' = 'group-offsets', 'properties.group.id' = '${group}'`;
    await expect(ids(topic, opts)).rejects.toThrow(/has no committed offset.*\n?/);
    // Reading commits the read position to the group (for monitoring and for group-offsets starts).
    expect(await ids(topic, `${opts}, 'properties.auto.offset.reset' = 'earliest'`)).toEqual(range(0, 6));
    await produce(topic, values(6, 9));
    expect(await ids(topic, opts)).toEqual([6, 7, 8]);
  });

  it('bounded: specific-offsets and timestamp stop before the given offset or time', async () => {
    const topic = await newTopic('st-bounded');
    await produce(topic, values(0, 10));
    expect(await ids(topic, "'scan.startup.mode' = 'earliest-offset'", "'scan.bounded.mode' = 'specific-offsets', 'scan.bounded.specific-offsets' = 'partition:0,offset:4'")).toEqual(range(0, 4));
    expect(await ids(topic, "'scan.startup.mode' = 'earliest-offset'", "'scan.bounded.mode' = 'timestamp', 'scan.bounded.timestamp-millis' = '1003000'")).toEqual(range(0, 3));
  });

  it('options are checked when the stream is created', async () => {
    eddy = await Eddy.open();
    const base = `'connector' = 'kafka', 'topic' = 't', 'properties.bootstrap.servers' = 'localhost:9092', 'format' = 'json'`;
    await expect(eddy.execute(`CREATE STREAM a (id INT) WITH (${base}, 'scan.startup.mode' = 'timestamp')`)).rejects.toThrow(/needs option 'scan.startup.timestamp-millis'/);
    await expect(eddy.execute(`CREATE STREAM b (id INT) WITH (${base}, 'scan.startup.mode' = 'earliest')`)).rejects.toThrow(/must be one of 'earliest-offset'/);
    await expect(eddy.execute(`CREATE STREAM c (id INT) WITH (${base}, 'properties.security.protocol' = 'SSL')`)).rejects.toThrow(/'security.protocol' is not supported/);
    await expect(eddy.execute(`CREATE STREAM d (id INT) WITH (${base}, 'sink.delivery-guarantee' = 'exactly-once')`)).rejects.toThrow(/needs 'sink.transactional-id-prefix'/);
    await expect(eddy.execute(`CREATE STREAM e (id INT) WITH (${base}, 'scan.startup.mode' = 'specific-offsets', 'scan.startup.specific-offsets' = 'p0:1')`)).rejects.toThrow(/partition:<n>,offset:<n>/);
  });
});

describe.skipIf(kafkaSkip !== null)('offsets in checkpoints', () => {
  it('a stopped persistent query resumes exactly after the last row it checkpointed, whatever the group committed', async () => {
    const topic = await newTopic('st-resume');
    const group = uniqueTopic('group');
    const dir = mkdtempSync(join(tmpdir(), 'eddy-kafka-resume-'));
    const state = join(dir, 'state.db');
    const script = `CREATE STREAM s (id INT) WITH ('connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${kafkaBootstrap()}', 'format' = 'json', 'properties.group.id' = '${group}', 'scan.startup.mode' = 'earliest-offset');
      CREATE STREAM out (id INT) WITH ('connector' = 'file', 'path' = '${join(dir, 'out.jsonl')}', 'format' = 'json');
      INSERT INTO out SELECT id FROM s`;
    const lines = () => readFileSync(join(dir, 'out.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l).id as number);
    const waitForLines = async (n: number) => {
      for (let i = 0; i < 200 && (lines().length < n); i++) await sleep(50);
      expect(lines().length).toBe(n);
    };
    await produce(topic, values(0, 100));
    eddy = await Eddy.open({ state, checkpointInterval: '100ms' });
    await eddy.execute(script);
    await waitForLines(100);
    await eddy.close();
    // Another consumer of the group rewinds its committed offset: Eddy's position is its checkpoint's.
    await commitGroup(group, topic, 10);
    await produce(topic, values(100, 150));
    eddy = await Eddy.open({ state, checkpointInterval: '100ms' });
    await eddy.execute(script);
    await waitForLines(150);
    await sleep(300);
    expect(lines()).toEqual(range(0, 150));
  });
});
