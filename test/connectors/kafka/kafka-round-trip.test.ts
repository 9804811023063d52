/**
 * Rows through a real Kafka broker and back: each value format (json, csv, raw), message keys
 * (key.format / key.fields, value.fields-include), and malformed messages under 'on-error'.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { murmur2 } from '@platformatic/kafka';
import { Eddy } from '../../../src/index.js';
import { kafkaBootstrap, kafkaSkip, newTopic, produce, readTopic, useKafka } from './kafka-env.js';

useKafka();

let eddy: Eddy | undefined;
afterEach(async () => {
  await eddy?.close();
  eddy = undefined;
});

const kafka = (topic: string, extra = '') => `'connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${kafkaBootstrap()}'${extra}`;
const bounded = ", 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'";

async function collect(sql: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for await (const r of eddy!.query(sql)) rows.push(r as Record<string, unknown>);
  return rows;
}

/** Runs an INSERT INTO over bounded input to its end. */
async function insert(sql: string): Promise<void> {
  const [r] = await eddy!.execute(sql);
  const q = eddy!.persistentQuery((r as { queryId: string }).queryId)!;
  await q.done;
  expect(q.status, String(q.error)).toBe('FINISHED');
}

describe.skipIf(kafkaSkip !== null)('Kafka connector round trips', () => {
  it('json: reads every partition of a topic, writes a topic, and reads it back', async () => {
    const src = await newTopic('rt-json-in', 2);
    const dst = await newTopic('rt-json-out', 3);
    const input = Array.from({ length: 200 }, (_, i) => ({ id: i, name: `n${i}`, price: i / 4, ts: '2024-05-01 10:00:00.000' }));
    await produce(src, input.map((r, i) => ({ value: JSON.stringify(r), partition: i % 2 })));
    eddy = await Eddy.open();
    await eddy.execute(`CREATE STREAM src (id BIGINT, name VARCHAR, price DOUBLE, ts TIMESTAMP(3)) WITH (${kafka(src, `, 'format' = 'json'${bounded}`)});
      CREATE STREAM dst (id BIGINT, label VARCHAR, price DOUBLE, ts TIMESTAMP(3)) WITH (${kafka(dst, ", 'format' = 'json'")})`);
    const read = await collect('SELECT id, name FROM src');
    expect(read.map((r) => r['id']).sort((a, b) => Number(a) - Number(b))).toEqual(input.map((r) => r.id));
    await insert(`INSERT INTO dst SELECT id, UPPER(name), price * 2, ts FROM src WHERE id % 2 = 0`);
    const out = (await readTopic(dst)).map((m) => JSON.parse(m.value!));
    expect(out.sort((a, b) => a.id - b.id)).toEqual(input.filter((r) => r.id % 2 === 0).map((r) => ({ id: r.id, label: r.name.toUpperCase(), price: r.price * 2, ts: r.ts })));
  });

  it('csv: fields in column order, quoted where needed, NULL as an empty field', async () => {
    const src = await newTopic('rt-csv-in');
    const dst = await newTopic('rt-csv-out');
    await produce(src, [{ value: '1,"a, b",2.5' }, { value: '2,,' }, { value: '3,"say ""hi""",-1' }]);
    eddy = await Eddy.open();
    await eddy.execute(`CREATE STREAM src (id INT, txt VARCHAR, x DOUBLE) WITH (${kafka(src, `, 'format' = 'csv'${bounded}`)});
      CREATE STREAM dst (id INT, txt VARCHAR, x DOUBLE) WITH (${kafka(dst, ", 'format' = 'csv'")})`);
    expect(await collect('SELECT * FROM src')).toEqual([
      { id: 1, txt: 'a, b', x: 2.5 },
      { id: 2, txt: null, x: null },
      { id: 3, txt: 'say "hi"', x: -1 },
    ]);
    await insert('INSERT INTO dst SELECT * FROM src');
    expect((await readTopic(dst)).map((m) => m.value)).toEqual(['1,"a, b",2.5', '2,,', '3,"say ""hi""",-1']);
  });

  it('raw: the message value is one VARCHAR column', async () => {
    const src = await newTopic('rt-raw-in');
    const dst = await newTopic('rt-raw-out');
    await produce(src, [{ value: 'plain text line' }, { value: '{"not":"parsed"}' }, { value: 'ünïcødé 😀' }]);
    eddy = await Eddy.open();
    await eddy.execute(`CREATE STREAM src (line VARCHAR) WITH (${kafka(src, `, 'format' = 'raw'${bounded}`)});
      CREATE STREAM dst (line VARCHAR) WITH (${kafka(dst, ", 'format' = 'raw'")})`);
    await insert(`INSERT INTO dst SELECT UPPER(line) FROM src`);
    expect((await readTopic(dst)).map((m) => m.value)).toEqual(['PLAIN TEXT LINE', '{"NOT":"PARSED"}', 'ÜNÏCØDÉ 😀']);
    await expect(eddy.execute(`CREATE STREAM bad (a VARCHAR, b VARCHAR) WITH (${kafka(src, ", 'format' = 'raw'")})`)).rejects.toThrow(/'raw' format holds one VARCHAR column/);
  });

  it('key.format / key.fields: key columns come from the message key, and keyed rows land by murmur2 like the Java client', async () => {
    const src = await newTopic('rt-key-in');
    const dst = await newTopic('rt-key-out', 4);
    await produce(src, [
      { key: '{"usr":"alice"}', value: '{"clicks":3}' },
      { key: '{"usr":"bob"}', value: '{"clicks":5,"usr":"ignored: the key wins"}' },
      { key: null, value: '{"clicks":7}' },
    ]);
    eddy = await Eddy.open();
    await eddy.execute(`CREATE STREAM src (usr VARCHAR, clicks INT) WITH (${kafka(src, `, 'format' = 'json', 'key.format' = 'json', 'key.fields' = 'usr', 'value.fields-include' = 'EXCEPT_KEY'${bounded}`)});
      CREATE STREAM dst (usr VARCHAR, clicks INT) WITH (${kafka(dst, ", 'format' = 'json', 'key.format' = 'raw', 'key.fields' = 'usr'")})`);
    expect(await collect('SELECT * FROM src')).toEqual([
      { usr: 'alice', clicks: 3 },
      { usr: 'bob', clicks: 5 },
      { usr: null, clicks: 7 },
    ]);
    await insert('INSERT INTO dst SELECT * FROM src');
    const out = await readTopic(dst);
    expect(out.map((m) => [m.key, JSON.parse(m.value!)]).sort()).toEqual([
      ['alice', { usr: 'alice', clicks: 3 }],
      ['bob', { usr: 'bob', clicks: 5 }],
      [null, { usr: null, clicks: 7 }],
    ].sort());
    // Kafka's Java client: toPositive(murmur2(key)) % partitions.
    for (const m of out.filter((x) => x.key !== null)) expect(m.partition).toBe((murmur2(Buffer.from(m.key!)) & 0x7fffffff) % 4);
  });

  it("on-error: a malformed message stops the query with its topic, partition and offset, or is skipped and counted", async () => {
    const src = await newTopic('rt-bad');
    await produce(src, [{ value: '{"id":1}' }, { value: 'not json' }, { value: '{"id":"x"}' }, { value: '{"id":4}' }]);
    eddy = await Eddy.open();
    await eddy.execute(`CREATE STREAM strict (id INT) WITH (${kafka(src, `, 'format' = 'json'${bounded}`)});
      CREATE STREAM lenient (id INT) WITH (${kafka(src, `, 'format' = 'json', 'json.ignore-parse-errors' = 'true'${bounded}`)})`);
    await expect(collect('SELECT * FROM strict')).rejects.toThrow(new RegExp(`${src}\\[0\\]@1: invalid JSON`));
    expect(await collect('SELECT * FROM lenient')).toEqual([{ id: 1 }, { id: 4 }]);
  });
});
