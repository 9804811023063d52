/**
 * Allowed lateness across a restart: a persistent window query whose sink fails mid-run restarts
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
import { PersistentQuery } from '../../src/runtime/persistent-query.js';
import { openSession, parseStatement, tempDir, type SessionHarness } from './checkpoint-helpers.js';

const ROWS = 100_000;
const DDL = `CREATE STREAM bids (auction BIGINT, price DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'file', 'path' = 'bids.jsonl', 'format' = 'json');
CREATE STREAM out (op VARCHAR, auction BIGINT, w TIMESTAMP(3), n BIGINT, total DOUBLE) WITH ('connector' = 'file', 'path' = 'out.jsonl', 'format' = 'json');
SET 'table.exec.emit.allow-lateness' = '2s';`;
const QUERY = `INSERT INTO out SELECT auction, TUMBLE_START(ts, INTERVAL '1' SECOND) AS w, COUNT(*) AS n, SUM(price) AS total
FROM bids GROUP BY auction, TUMBLE(ts, INTERVAL '1' SECOND)`;

/** Bids with disorder up to 6 s under a 1 s watermark delay: many rows within the 2 s allowance, many beyond it. */
function data(rows: number): string {
  const lines: string[] = [];
  let t = Date.UTC(2024, 0, 1);
  for (let i = 0; i < rows; i++) {
    t += 1 + ((i * 7919) % 3);
    const disorder = i % 5 === 0 ? (i * 7919) % 6000 : 0;
    lines.push(JSON.stringify({ auction: (i * 31) % 50, price: ((i * 13) % 400) / 4, ts: t - disorder }));
  }
  return lines.join('\n') + '\n';
}

let open: SessionHarness[] = [];
afterEach(async () => {
  for (const h of open) await h.close();
  open = [];
});

async function runWithFailures(dir: string, failAt: readonly number[]): Promise<{ q: PersistentQuery; statuses: string[]; late: Row[]; flushes: number }> {
  const h = await openSession(join(dir, 'state.db'), dir);
  open.push(h);
  await h.run(DDL);
  const plan = h.session.plan((parseStatement(QUERY) as InsertSelectStmt).query);
  expect(plan.schema.columns[0]?.name).toBe('op');
  const target = h.session.catalog.get('out');
  const bids = h.session.catalog.get('bids');
  const coordinator = new CheckpointCoordinator(h.store, { intervalMs: 0, retained: 3, onWarning: (m) => h.warnings.push(m) });
  let flushes = 0;
  const statuses: string[] = [];
  const late: Row[] = [];
  const q = new PersistentQuery('q', QUERY, plan, planFingerprint(plan), plan.schema, 'out', {
    openSource: () => createSource(bids, { memory: h.session.memory, endMemoryWhenDrained: true, baseDir: dir }),
    openSink: () => {
      const sink = createSink(target, target.schema, { baseDir: dir, stateDb: h.store.db });
      const cut = sink.cut.bind(sink);
      sink.cut = () => {
        const c = cut();
        if (!failAt.includes(++flushes)) return c;
        return { position: c.position, durable: c.durable.then(() => Promise.reject(new EddyError('IO', 'injected failure'))) };
      };
      return sink;
    },
    run: { batchSize: 64, idlePollMs: 5, windowEmit: h.session.settings.windowEmit(), lateRows: { delivered: 0, deliver: (rows) => late.push(...rows) } },
    restart: { attempts: 5, delayMs: 10 },
    coordinator,
    onStatus: (pq) => statuses.push(pq.describeStatus()),
  });
  await q.start({ fresh: false });
  await q.done;
  return { q, statuses, late, flushes };
}

describe('allowed lateness across a restart', () => {
  it('the changelog and the late rows equal those of an uninterrupted run', async () => {
    const refDir = tempDir('late-restore-ref');
    writeFileSync(join(refDir, 'bids.jsonl'), data(ROWS));
    const ref = await runWithFailures(refDir, []);
    expect(ref.q.status).toBe('FINISHED');
    const reference = readFileSync(join(refDir, 'out.jsonl'), 'utf8');
    expect(reference).toContain('"op":"-U"');
    expect(ref.late.length).toBeGreaterThan(10);
    expect(ref.flushes).toBeGreaterThanOrEqual(3); // so that the failure lands mid-run

    const dir = tempDir('late-restore');
    writeFileSync(join(dir, 'bids.jsonl'), data(ROWS));
    const run = await runWithFailures(dir, [2]);
    expect(run.statuses).toEqual(['RUNNING', 'RESTARTING (attempt 1 of 5)', 'RUNNING', 'FINISHED']);
    expect(readFileSync(join(dir, 'out.jsonl'), 'utf8')).toBe(reference);
    expect(run.late).toEqual(ref.late);
  });
});
