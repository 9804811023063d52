/**
 * Kafka options the other Kafka tests leave out, against the real broker: 'topic-pattern' (every
 * topic whose whole name matches, none other) and 'sink.delivery-guarantee' = 'none' /
 * 'at-least-once' (no transactions: the rows are visible to a read_uncommitted and a
 * read_committed consumer alike, each once after a run without failures).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Eddy } from '../../../src/index.js';
import { createTopic } from '../../oracles/kafka/broker.js';
import { kafkaBootstrap, kafkaSkip, newTopic, produce, readTopic, useKafka } from './kafka-env.js';

useKafka();

let eddy: Eddy | undefined;
afterEach(async () => {
  await eddy?.close();
  eddy = undefined;
});

const bounded = "'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'";

async function insert(sql: string): Promise<void> {
  const [r] = await eddy!.execute(sql);
  const q = eddy!.persistentQuery((r as { queryId: string }).queryId)!;
  await q.done;
  expect(q.status, String(q.error)).toBe('FINISHED');
}

describe.skipIf(kafkaSkip !== null)('Kafka options', () => {
  it("'topic-pattern' reads every partition of every topic whose whole name matches, and no other topic", async () => {
    const tag = randomBytes(4).toString('hex');
    const topics = [`pat-${tag}-a`, `pat-${tag}-b`, `pat-${tag}-a-extra`, `other-${tag}-a`];
    for (const [i, t] of topics.entries()) await createTopic(kafkaBootstrap(), t, i === 1 ? 2 : 1);
    for (const [i, t] of topics.entries()) {
      await produce(t, Array.from({ length: 5 }, (_, j) => ({ value: JSON.stringify({ id: i * 100 + j, src: t }), partition: i === 1 ? j % 2 : 0 })));
    }
    eddy = await Eddy.open();
    await eddy.execute(`CREATE STREAM src (id INT, src VARCHAR) WITH ('connector' = 'kafka', 'topic-pattern' = 'pat-${tag}-[ab]', 'properties.bootstrap.servers' = '${kafkaBootstrap()}', 'format' = 'json', ${bounded})`);
    const rows = (await eddy.query('SELECT id, src FROM src').toArray()) as { id: number; src: string }[];
    expect(rows.map((r) => r.id).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 100, 101, 102, 103, 104]);
    expect(new Set(rows.map((r) => r.src))).toEqual(new Set([`pat-${tag}-a`, `pat-${tag}-b`]));
  });

  it.each(['none', 'at-least-once'])("'sink.delivery-guarantee' = '%s' writes every row once, visible to read_uncommitted and read_committed consumers", async (guarantee) => {
    const dst = await newTopic(`dg-${guarantee}`, 2);
    eddy = await Eddy.open();
    await eddy.execute(`CREATE STREAM nums (n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '300', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '300')`);
    await eddy.execute(`CREATE STREAM dst (n INT, sq BIGINT) WITH ('connector' = 'kafka', 'topic' = '${dst}', 'properties.bootstrap.servers' = '${kafkaBootstrap()}', 'format' = 'json', 'sink.delivery-guarantee' = '${guarantee}')`);
    await insert('INSERT INTO dst SELECT n, CAST(n AS BIGINT) * n FROM nums');
    const want = Array.from({ length: 300 }, (_, i) => ({ n: i + 1, sq: (i + 1) * (i + 1) }));
    for (const committed of [false, true]) {
      const got = (await readTopic(dst, committed)).map((m) => JSON.parse(m.value!) as { n: number; sq: number });
      expect(got.sort((a, b) => a.n - b.n), `read_${committed ? 'committed' : 'uncommitted'}`).toEqual(want);
    }
  });
});
