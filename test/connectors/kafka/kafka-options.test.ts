/**
 * Kafka options the other Kafka tests leave out, against the real broker: 'topic-pattern' (every
 * topic whose whole name matches, none other) and 'sink.delivery-guarantee' = 'none' /
 * 'at-least-once' (no transactions: the rows are visible to a read_uncommitted and a
 * read_committed consumer alike, each once after a run without failures); and exactly-once
 * recovery driven step by step through the sink's TransactionalWriter (no SIGKILL timing): the
 * transaction of a complete checkpoint is committed by the next run, a later pre-committed one aborted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { kafkaOptions } from '../../../src/connectors/kafka/kafka-options.js';
import { TransactionalWriter } from '../../../src/connectors/kafka/kafka-transactions.js';
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

describe.skipIf(kafkaSkip !== null)('exactly-once recovery, step by step (no timing involved)', () => {
  it("restore commits the transaction a crashed run pre-committed for a complete checkpoint, and aborts the one it pre-committed for a checkpoint that never completed", async () => {
    const topic = await newTopic('eo-recover');
    const def = { name: 'dst', schema: { columns: [] }, options: { connector: 'kafka', topic, 'properties.bootstrap.servers': kafkaBootstrap(), format: 'json', 'sink.delivery-guarantee': 'exactly-once', 'sink.transactional-id-prefix': `eo-${randomBytes(3).toString('hex')}` }, ddl: '' };
    const opts = kafkaOptions(def as never, 'kafka');
    const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ topic, partition: 0, value: Buffer.from(JSON.stringify({ n: from + i })) }));
    // The crashed run: transaction 1 pre-committed and recorded by checkpoint 1 (which completed,
    // but the run died before committing it); transaction 2 pre-committed for checkpoint 2, which never completed.
    const crashed = new TransactionalWriter(opts, 'q1');
    crashed.send(rows(0, 20));
    const cut1 = crashed.cut();
    await cut1.durable;
    const checkpoint1 = JSON.parse(JSON.stringify(cut1.position)) as unknown;
    crashed.send(rows(100, 5));
    await crashed.cut().durable;
    await crashed.close(); // leaves both pre-committed transactions open, as a SIGKILL would
    expect(await readTopic(topic, true), 'nothing is committed yet').toEqual([]);
    expect((await readTopic(topic, false)).length, 'both transactions are in the log').toBe(25);
    // The next run restores checkpoint 1.
    const next = new TransactionalWriter(opts, 'q1');
    await next.restore(checkpoint1);
    // A row after both: a read_committed consumer reaches it only once transaction 2 is over
    // (the last stable offset stops at an open transaction), and transaction 2's rows are not among what it sees: aborted.
    await produce(topic, [{ value: JSON.stringify({ n: 999 }) }]);
    const committed = (await readTopic(topic, true)).map((m) => (JSON.parse(m.value!) as { n: number }).n);
    expect(committed).toEqual([...Array.from({ length: 20 }, (_, i) => i), 999]);
    // Restoring the same checkpoint again (a second crash right after recovery) commits nothing twice.
    const again = new TransactionalWriter(opts, 'q1');
    await again.restore(checkpoint1);
    expect((await readTopic(topic, true)).length).toBe(21);
    await next.close();
    await again.close();
  }, 60_000);
});
