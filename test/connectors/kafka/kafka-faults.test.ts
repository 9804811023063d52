/**
 * The exactly-once Kafka sink under the fault points of a checkpoint's commit (issue 13 item 6, as
 * test/e2e/faults-commit-kill.test.ts does for the file and SQLite sinks): EDDY_FAULT kills `eddy -f`
 * at each named point of its third checkpoint — the sink's pre-commit done (the transaction's rows
 * flushed to the broker), inside the state transaction, right after it committed but before the
 * Kafka transaction is committed (the two-phase commit's gap), and once complete — and stops it
 * with SIGSTOP inside a commit. The state database must hold exactly the checkpoints committed
 * before the fault, the re-run must resume from the newest one (committing the transaction a kill
 * after the state commit left open, aborting the others), and a read_committed consumer must then
 * see exactly an uninterrupted run's rows, each once.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bidsJsonl, resumedFrom, tempDir } from '../../e2e/checkpoint-helpers.js';
import { THIRD_CHECKPOINT_KILLS, latestCheckpoint, runEddy, runStoppedAt } from '../../e2e/fault-helpers.js';
import { javaReadCommitted } from '../../oracles/kafka/broker.js';
import { kafkaBootstrap, kafkaSkip, newTopic, uniqueTopic, useKafka } from './kafka-env.js';

useKafka();

let dir: string;
let expected: string[];

const script = (topic: string, prefix: string, extra = '') => `
CREATE STREAM bids (auction BIGINT, bidder BIGINT, price DOUBLE, channel VARCHAR, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
  WITH ('connector' = 'file', 'path' = 'bids.jsonl', 'format' = 'json');
CREATE STREAM results (auction BIGINT, window_start TIMESTAMP(3), n BIGINT, top DOUBLE)
  WITH ('connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${kafkaBootstrap()}', 'format' = 'json',
        'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = '${prefix}'${extra});
SET 'execution.batch-size' = '256';
INSERT INTO results SELECT auction, TUMBLE_START(ts, INTERVAL '10' SECOND), COUNT(*), MAX(price)
FROM bids WHERE price > 1 GROUP BY auction, TUMBLE(ts, INTERVAL '10' SECOND);
`;

// At most 200,000 rows a second ('execution.source.rate-limit'): 1.5 s a run, so its third checkpoint comes mid-run however
// fast the engine reads, and each checkpoint's Kafka transaction holds rows (a window fires every ~5,000 bids; at 75,000 a
// second a 40 ms interval could pass without one, and an empty transaction is nothing for the broker to abort).
const args = (file: string, state: string) => ['-f', file, '--state', state, '--checkpoint-interval', '40ms', '--verbose', '-D', 'execution.source.rate-limit=200000'];

/** Writes a script into a fresh topic; returns its file, state database and topic. */
async function prepare(name: string, extra = ''): Promise<{ file: string; state: string; topic: string }> {
  const topic = await newTopic(`faults-${name}`, 2);
  const file = `${name}.sql`;
  writeFileSync(join(dir, file), script(topic, uniqueTopic(name), extra));
  return { file, state: `${name}.db`, topic };
}

const committed = (topic: string) => javaReadCommitted(kafkaBootstrap(), topic).sort();

const POINTS = THIRD_CHECKPOINT_KILLS;

beforeAll(async () => {
  dir = tempDir('kafka-faults');
  writeFileSync(join(dir, 'bids.jsonl'), bidsJsonl(300_000));
  if (kafkaSkip !== null) return;
  const ref = await prepare('ref');
  const r = runEddy(dir, args(ref.file, ref.state));
  expect(r.status, r.stderr).toBe(0);
  expected = committed(ref.topic);
  expect(expected.length).toBeGreaterThan(1000);
}, 180_000);

describe.skipIf(kafkaSkip !== null)('exactly-once Kafka sink under checkpoint faults', () => {
  it.each(POINTS)('SIGKILL at $point of the third checkpoint: every row once after the re-run', async ({ point, resumesFrom }) => {
    const { file, state, topic } = await prepare(point);
    const killed = runEddy(dir, args(file, state), { EDDY_FAULT: `${point}@3` });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(killed.stderr).toMatch(/checkpoint 2 of query '[^']+' complete/);
    expect(killed.stderr).not.toMatch(/checkpoint 3 of query '[^']+' complete/);
    expect((await latestCheckpoint(join(dir, state))).id).toBe(resumesFrom);

    const rerun = runEddy(dir, args(file, state));
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(resumedFrom(rerun.stderr)).toBe(resumesFrom);
    expect(committed(topic)).toEqual(expected);
  }, 180_000);

  it('SIGSTOP inside the state transaction, then SIGCONT: the run finishes with every row once', async () => {
    const { file, state, topic } = await prepare('stop');
    const { code, stderr } = await runStoppedAt(dir, args(file, state), 'checkpoint-before-commit@3:SIGSTOP', 2000); // stopped with its Kafka transaction open
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/checkpoint 3 of query '[^']+' complete/);
    expect(committed(topic)).toEqual(expected);
  }, 180_000);

  // The broker aborts a transaction open longer than its timeout (checked every
  // transaction.abort.timed.out.transaction.cleanup.interval.ms, 10 s by default).
  const SHORT_TIMEOUT = ", 'properties.transaction.timeout.ms' = '2000'";
  const BROKER_ABORTS_MS = 14_000;

  it('stopped after the state commit until the broker aborts the transaction: the run goes back a checkpoint and writes those rows again', async () => {
    const { file, state, topic } = await prepare('stop-timeout', SHORT_TIMEOUT);
    const { code, stderr } = await runStoppedAt(dir, args(file, state), 'checkpoint-after-commit@3:SIGSTOP', BROKER_ABORTS_MS);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/checkpoint 3 of query '[^']+' dropped: Kafka aborted transaction 3 \('[^']+'\) before it could be committed/);
    expect(stderr).toMatch(/resumed from checkpoint 2/);
    expect(committed(topic)).toEqual(expected);
  }, 180_000);

  it('killed after the state commit and re-run after the broker aborted the transaction: recovery finds it aborted and goes back a checkpoint', async () => {
    const { file, state, topic } = await prepare('kill-timeout', SHORT_TIMEOUT);
    const killed = runEddy(dir, args(file, state), { EDDY_FAULT: 'checkpoint-after-commit@3' });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect((await latestCheckpoint(join(dir, state))).id).toBe(3);
    await new Promise((r) => setTimeout(r, BROKER_ABORTS_MS));
    const rerun = runEddy(dir, args(file, state));
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(rerun.stderr).toMatch(/checkpoint 3 of query '[^']+' dropped: Kafka aborted transaction 3 \('[^']+'\) while the query was down/);
    expect(rerun.stderr).toMatch(/resumed from checkpoint 2/);
    expect(committed(topic)).toEqual(expected);
  }, 180_000);
});
