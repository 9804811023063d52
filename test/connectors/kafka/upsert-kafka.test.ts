/**
 * 'upsert-kafka': an updating GROUP BY written as upserts keyed by the PRIMARY KEY (the `-U` half
 * of an update skipped, `-D` as a tombstone), read back as a changelog.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Eddy } from '../../../src/index.js';
import { kafkaBootstrap, kafkaSkip, newTopic, readTopic, useKafka } from './kafka-env.js';

useKafka();

let eddy: Eddy | undefined;
afterEach(async () => {
  await eddy?.close();
  eddy = undefined;
});

const upsert = (topic: string, extra = '') => `'connector' = 'upsert-kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${kafkaBootstrap()}', 'key.format' = 'json', 'value.format' = 'json'${extra}`;

describe.skipIf(kafkaSkip !== null)('upsert-kafka', () => {
  it('writes an updating result as upserts and tombstones by key, and reads them back as a changelog', async () => {
    const topic = await newTopic('upsert', 2);
    eddy = await Eddy.open();
    await eddy.execute(`SET 'execution.batch-size' = '1';
      CREATE STREAM clicks (region VARCHAR, ms BIGINT) WITH ('connector' = 'memory');
      CREATE STREAM per_region (op VARCHAR, region VARCHAR, n BIGINT, total BIGINT, PRIMARY KEY (region) NOT ENFORCED) WITH (${upsert(topic)})`);
    const [r] = await eddy.execute(`INSERT INTO per_region SELECT region, COUNT(*), SUM(ms) FROM clicks GROUP BY region HAVING COUNT(*) < 3`);
    await eddy.insert('clicks', [
      { region: 'eu', ms: 10 },
      { region: 'us', ms: 1 },
      { region: 'eu', ms: 20 },
      { region: 'eu', ms: 30 }, // eu reaches 3: HAVING drops it (-D, a tombstone)
      { region: 'us', ms: 2 },
    ]);
    eddy.end('clicks');
    const q = eddy.persistentQuery((r as { queryId: string }).queryId)!;
    await q.done;
    expect(q.status, String(q.error)).toBe('FINISHED');

    const messages = await readTopic(topic);
    const byKey = new Map<string, (string | null)[]>();
    for (const m of messages) byKey.set(m.key!, [...(byKey.get(m.key!) ?? []), m.value]);
    // Keys are the PRIMARY KEY in key.format; values carry every column but op; -U is not written.
    expect(byKey.get('{"region":"eu"}')).toEqual(['{"region":"eu","n":1,"total":10}', '{"region":"eu","n":2,"total":30}', null]);
    expect(byKey.get('{"region":"us"}')).toEqual(['{"region":"us","n":1,"total":1}', '{"region":"us","n":2,"total":3}']);
    // One key, one partition: upserts of a key stay in order.
    expect(new Set(messages.filter((m) => m.key === '{"region":"eu"}').map((m) => m.partition)).size).toBe(1);

    // Read back: values as +U, tombstones as -D (the op column, when the stream declares it).
    await eddy.execute(`CREATE STREAM back (op VARCHAR, region VARCHAR, n BIGINT, total BIGINT, PRIMARY KEY (region) NOT ENFORCED) WITH (${upsert(topic, ", 'scan.bounded.mode' = 'latest-offset'")})`);
    const rows: unknown[] = [];
    for await (const row of eddy.query("SELECT op, region, n FROM back WHERE region = 'eu'")) rows.push(row);
    expect(rows).toEqual([
      { op: '+U', region: 'eu', n: 1 },
      { op: '+U', region: 'eu', n: 2 },
      { op: '-D', region: 'eu', n: null },
    ]);
  });

  it('needs a PRIMARY KEY, and key.format and value.format', async () => {
    eddy = await Eddy.open();
    await expect(eddy.execute(`CREATE STREAM a (k VARCHAR, v INT) WITH (${upsert('t')})`)).rejects.toThrow(/needs a PRIMARY KEY/);
    await expect(eddy.execute(`CREATE STREAM b (k VARCHAR, v INT, PRIMARY KEY (k) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 't', 'properties.bootstrap.servers' = 'h:1', 'value.format' = 'json')`)).rejects.toThrow(/needs option 'key.format'/);
  });
});
