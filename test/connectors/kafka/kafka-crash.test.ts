/**
 * Exactly-once through Kafka after real crashes: `eddy -f` runs an INSERT INTO an exactly-once
 * Kafka sink (reading a Kafka topic, or a file), is SIGKILLed several times mid-run, and is run
 * again to the end; a read_committed consumer must then see exactly the rows of an uninterrupted
 * run, each once, although the killed runs left rows in aborted transactions behind.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectRealRecovery, runAndKill, runToEnd, type Attempt } from '../../e2e/crash-helpers.js';
import { Eddy } from '../../../src/index.js';
import { javaReadCommitted } from '../../oracles/kafka/broker.js';
import { kafkaBootstrap, kafkaSkip, newTopic, produce, readTopic, uniqueTopic, useKafka, type TestMessage } from './kafka-env.js';

useKafka();

const EVENTS = 120_000;
const KILLS = 4;
const T0 = Date.UTC(2024, 0, 1);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-kafka-crash-'));
});

/** Deterministic bids; within a partition out of order by less than the 2 s watermark delay, so no row is late however partitions interleave. */
function bid(i: number): { auction: number; price: number; ts: number } {
  return { auction: (i * 31) % 50, price: ((i * 13) % 400) / 4, ts: T0 + i * 2 - ((i * 104729) % 1500) };
}

const sink = (topic: string, prefix: string) =>
  `WITH ('connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${kafkaBootstrap()}', 'format' = 'json',
         'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = '${prefix}')`;

/** Runs `script` killed KILLS times after observed checkpoints, then to the end; returns the attempts and the final resume point. */
async function killAndFinish(file: string, state: string): Promise<{ attempts: Attempt[]; final: number }> {
  const attempts: Attempt[] = [];
  for (let i = 0; i < KILLS; i++) attempts.push(await runAndKill(dir, file, state, 20 + ((i * 37) % 90), 40));
  return { attempts, final: runToEnd(dir, file, state, 40) };
}

/** A TIMESTAMP as Eddy's JSON output writes it. */
const formatTs = (d: unknown) => (d as Date).toISOString().replace('T', ' ').replace('Z', '');

/** The output as Kafka's Java consumer reads it with read_committed, sorted. */
const committedValues = (topic: string) => javaReadCommitted(kafkaBootstrap(), topic).sort();

describe.skipIf(kafkaSkip !== null)('exactly-once Kafka sink after SIGKILLs', () => {
  it('kafka → TUMBLE aggregate → kafka: a read_committed consumer sees every window once', async () => {
    const input = await newTopic('crash-in', 2);
    const messages: TestMessage[] = [];
    for (let i = 0; i < EVENTS; i++) messages.push({ partition: i % 2, value: JSON.stringify(bid(i)) });
    await produce(input, messages);
    const script = (out: string, prefix: string) => `
      CREATE STREAM bids (auction BIGINT, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
      WITH ('connector' = 'kafka', 'topic' = '${input}', 'properties.bootstrap.servers' = '${kafkaBootstrap()}', 'format' = 'json',
            'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset');
      CREATE STREAM results (auction BIGINT, window_start TIMESTAMP(3), n BIGINT, total DOUBLE) ${sink(out, prefix)};
      SET 'execution.batch-size' = '256';
      INSERT INTO results SELECT auction, TUMBLE_START(ts, INTERVAL '1' SECOND), COUNT(*), SUM(price)
      FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '1' SECOND);`;
    const [ref, out] = [await newTopic('crash-ref'), await newTopic('crash-out', 3)];
    writeFileSync(join(dir, 'ref.sql'), script(ref, uniqueTopic('ref')));
    writeFileSync(join(dir, 'kk.sql'), script(out, uniqueTopic('kk')));
    expect(runToEnd(dir, 'ref.sql', join(dir, 'ref.db'), 40)).toBe(0);
    const expected = committedValues(ref);
    // One row per auction and second that has bids.
    expect(expected.length).toBe(new Set(Array.from({ length: EVENTS }, (_, i) => bid(i)).map((b) => `${b.auction}@${Math.floor(b.ts / 1000)}`)).size);

    const { attempts, final } = await killAndFinish('kk.sql', join(dir, 'kk.db'));
    expectRealRecovery(attempts, final, 3);
    expect(committedValues(out)).toEqual(expected);
    // The killed runs did leave uncommitted output behind, which read_committed hides.
    expect((await readTopic(out, false)).length).toBeGreaterThan(expected.length);
    // Eddy's own Kafka source skips those aborted transactions too (read-committed.ts).
    const eddy = await Eddy.open();
    try {
      await eddy.execute(`CREATE STREAM back (auction BIGINT, window_start TIMESTAMP(3), n BIGINT, total DOUBLE)
        WITH ('connector' = 'kafka', 'topic' = '${out}', 'properties.bootstrap.servers' = '${kafkaBootstrap()}', 'format' = 'json',
              'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset')`);
      const seen: string[] = [];
      for await (const r of eddy.query('SELECT * FROM back')) seen.push(JSON.stringify({ ...r, window_start: formatTs(r['window_start']) }));
      expect(seen.sort()).toEqual(expected);
    } finally {
      await eddy.close();
    }
  }, 240_000);

  it('file → projection → kafka: every row once', async () => {
    const lines: string[] = [];
    for (let i = 0; i < EVENTS; i++) lines.push(JSON.stringify({ id: i, ...bid(i) }));
    writeFileSync(join(dir, 'bids.jsonl'), lines.join('\n') + '\n');
    const script = (out: string, prefix: string) => `
      CREATE STREAM bids (id BIGINT, auction BIGINT, price DOUBLE, ts TIMESTAMP(3)) WITH ('connector' = 'file', 'path' = 'bids.jsonl', 'format' = 'json');
      CREATE STREAM cheap (id BIGINT, auction BIGINT, price DOUBLE) ${sink(out, prefix)};
      SET 'execution.batch-size' = '512';
      INSERT INTO cheap SELECT id, auction, price FROM bids WHERE price < 50;`;
    const out = await newTopic('crash-file-out', 2);
    writeFileSync(join(dir, 'fk.sql'), script(out, uniqueTopic('fk')));
    const { attempts, final } = await killAndFinish('fk.sql', join(dir, 'fk.db'));
    expectRealRecovery(attempts, final, 3);
    const expected = Array.from({ length: EVENTS }, (_, i) => ({ id: i, ...bid(i) }))
      .filter((b) => b.price < 50)
      .map((b) => JSON.stringify({ id: b.id, auction: b.auction, price: b.price }))
      .sort();
    expect(committedValues(out)).toEqual(expected);
    expect((await readTopic(out, false)).length).toBeGreaterThan(expected.length);
  }, 240_000);
});
