/**
 * Allowed lateness across a restart (TUMBLE and SESSION): a persistent window query whose sink fails mid-run restarts
 * from its latest checkpoint and still writes exactly the changelog (+I/-U/+U) of an uninterrupted
 * run, since what each window emitted is part of the checkpointed keyed state. Its late rows reach
 * the side output exactly once within the process (the restored run skips those already delivered).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Row } from '../../src/common/types.js';
import { EddyError } from '../../src/common/errors.js';
import type { InsertSelectStmt } from '../../src/parser/ast.js';
import { planFingerprint } from '../../src/planner/index.js';
import { CheckpointCoordinator } from '../../src/checkpoint/coordinator.js';
import { createSink, createSource } from '../../src/connectors/registry.js';
import { withSink } from '../../src/planner/physical.js';
import { PersistentQuery } from '../../src/runtime/persistent-query.js';
import { openSession, parseStatement, tempDir, type SessionHarness } from './checkpoint-helpers.js';

/** One windowed query with allowed lateness over file bids, written to a file changelog. */
interface Case {
  readonly name: string;
  readonly rows: number;
  /** Largest disorder (ms) of every fifth bid, under a 1 s watermark delay and a 2 s allowance. */
  readonly maxDisorderMs: number;
  /** Columns of `out` after op and auction. */
  readonly outColumns: string;
  readonly query: string;
  /** Changelog kinds the reference run must contain, so the comparison covers them. */
  readonly kinds: readonly string[];
}

const CASES: readonly Case[] = [
  {
    name: 'TUMBLE',
    // Enough rows for 3+ checkpoints at interval 0 however fast the file is read.
    rows: 250_000,
    maxDisorderMs: 6000,
    outColumns: 'w TIMESTAMP(3), n BIGINT, total DOUBLE',
    query: `INSERT INTO out SELECT auction, TUMBLE_START(ts, INTERVAL '1' SECOND) AS w, COUNT(*) AS n, SUM(price) AS total
FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '1' SECOND)`,
    kinds: ['-U'],
  },
  {
    // One bid about every 100 ms per auction, so 300 ms sessions often break, and late bids bridge them.
    name: 'SESSION',
    rows: 200_000,
    maxDisorderMs: 4000,
    outColumns: 'ws TIMESTAMP(3), we TIMESTAMP(3), n BIGINT, total DOUBLE',
    query: `INSERT INTO out SELECT auction, SESSION_START(ts, INTERVAL '300' MILLISECOND) AS ws, SESSION_END(ts, INTERVAL '300' MILLISECOND) AS we,
COUNT(*) AS n, SUM(price) AS total FROM bids GROUP BY auction, SESSION(ts, INTERVAL '300' MILLISECOND)`,
    kinds: ['-U', '-D'],
  },
];

const ddl = (c: Case) => `CREATE STREAM bids (auction BIGINT, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'file', 'path' = 'bids.jsonl', 'format' = 'json');
CREATE STREAM out (op VARCHAR, auction BIGINT, ${c.outColumns}) WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json');
SET 'table.exec.emit.allow-lateness' = '2s';`;

/** Bids of 50 auctions; every fifth is delayed up to maxDisorderMs: many rows within the allowance, many beyond it. */
function data(rows: number, maxDisorderMs: number): string {
  const lines: string[] = [];
  let t = Date.UTC(2024, 0, 1);
  for (let i = 0; i < rows; i++) {
    t += 1 + ((i * 7919) % 3);
    const disorder = i % 5 === 0 ? (i * 7919) % maxDisorderMs : 0;
    lines.push(JSON.stringify({ auction: (i * 31) % 50, price: ((i * 13) % 400) / 4, ts: t - disorder }));
  }
  return lines.join('\n') + '\n';
}

let open: SessionHarness[] = [];
afterEach(async () => {
  for (const h of open) await h.close();
  open = [];
});

async function runWithFailures(c: Case, dir: string, failAt: readonly number[]): Promise<{ q: PersistentQuery; statuses: string[]; late: Row[]; flushes: number }> {
  const h = await openSession(join(dir, 'state.db'), dir);
  open.push(h);
  await h.run(ddl(c));
  const plan = h.session.plan((parseStatement(c.query) as InsertSelectStmt).query);
  expect(plan.schema.columns[0]?.name).toBe('op');
  const target = h.session.catalog.get('out');
  const bids = h.session.catalog.get('bids');
  const coordinator = new CheckpointCoordinator(h.store, { intervalMs: 0, retained: 3, onWarning: (m) => h.warnings.push(m) });
  let flushes = 0;
  const statuses: string[] = [];
  const late: Row[] = [];
  // Kept across the restarts, as the session keeps it: a restored run skips the late rows already delivered.
  const lateSink = { delivered: 0, deliver: (rows: Row[]) => late.push(...rows) };
  const q = new PersistentQuery('q', c.query, withSink(plan, { kind: 'stream', stream: target }), planFingerprint(plan), plan.schema, 'out', 'stream:out', {
    io: {
      openSource: () => createSource(bids, { memory: h.session.memory, endMemoryWhenDrained: true, baseDir: dir }),
      idleTimeoutMs: () => 0,
      lateRows: () => lateSink,
      openSink: () => {
        const sink = createSink(target, target.schema, { baseDir: dir, stateDb: h.store.db });
        const cut = sink.cut.bind(sink);
        sink.cut = () => {
          const cutAt = cut();
          if (!failAt.includes(++flushes)) return cutAt;
          return { position: cutAt.position, durable: cutAt.durable.then(() => Promise.reject(new EddyError('IO', 'injected failure'))) };
        };
        return sink;
      },
    },
    run: { batchSize: 64, idlePollMs: 5 },
    restart: { attempts: 5, delayMs: 10 },
    coordinator,
    onStatus: (pq) => statuses.push(pq.describeStatus()),
  });
  await q.start({ fresh: false });
  await q.done;
  return { q, statuses, late, flushes };
}

describe('allowed lateness across a restart', () => {
  it.each(CASES)('$name: the changelog and the late rows equal those of an uninterrupted run', async (c) => {
    const refDir = tempDir(`late-restore-ref-${c.name}`);
    writeFileSync(join(refDir, 'bids.jsonl'), data(c.rows, c.maxDisorderMs));
    const ref = await runWithFailures(c, refDir, []);
    expect(ref.q.status).toBe('FINISHED');
    const reference = readFileSync(join(refDir, 'out.jsonl'), 'utf8');
    for (const kind of c.kinds) expect(reference).toContain(`"op":"${kind}"`);
    expect(ref.late.length).toBeGreaterThan(10);
    expect(ref.flushes).toBeGreaterThanOrEqual(3); // so that the failure lands mid-run

    const dir = tempDir(`late-restore-${c.name}`);
    writeFileSync(join(dir, 'bids.jsonl'), data(c.rows, c.maxDisorderMs));
    const run = await runWithFailures(c, dir, [2]);
    expect(run.statuses).toEqual(['RUNNING', 'RESTARTING (attempt 1 of 5)', 'RUNNING', 'FINISHED']);
    expect(readFileSync(join(dir, 'out.jsonl'), 'utf8')).toBe(reference);
    expect(run.late).toEqual(ref.late);
  });
});
