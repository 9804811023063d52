/**
 * QueryInputs (src/runtime/multi-input.ts) by hand: the round-robin order of batches, the union
 * watermark stamped before each row (Batch.wm), the watermark signals, ended inputs, and a cut
 * restored into fresh readers continuing the same sequence.
 */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/common/types.js';
import type { Batch, Collector } from '../../src/exec/batch.js';
import { MemoryStreams } from '../../src/connectors/memory-source.js';
import { parseStatement, parseScript } from '../../src/parser/index.js';
import type { PhysicalPlan } from '../../src/planner/plan.js';
import { QueryInputs, planSources, type InputSpec } from '../../src/runtime/multi-input.js';
import { Session } from '../../src/runtime/session.js';

interface Log {
  readonly events: string[];
  readonly head: (input: string) => Collector;
  readonly downstream: Collector;
}

/** Records every batch as `input: row ts @ wm` and every watermark signal as `W=<ms>`. */
function recorder(): Log {
  const events: string[] = [];
  const fmt = (w: number) => (w === -Infinity ? '-inf' : String(w));
  return {
    events,
    head: (input) => ({
      data: (b: Batch) => b.rows.forEach((r, i) => events.push(`${input}:${String(r[1])}@${b.wm ? fmt(b.wm[i]!) : 'null'}`)),
      watermark: () => {},
      barrier: () => {},
      end: () => {},
    }),
    downstream: { data: () => {}, watermark: (w) => events.push(`W=${fmt(w)}`), barrier: () => {}, end: () => {} },
  };
}

async function planOf(ddl: string, sql: string): Promise<PhysicalPlan> {
  const s = new Session({ store: null, endMemoryWhenDrained: true, baseDir: '.', fresh: false, onWarning: () => {} });
  for (const ps of parseScript(ddl)) await s.execute(ps);
  const stmt = parseStatement(sql);
  if (stmt.kind !== 'query') throw new Error('not a query');
  return s.plan(stmt.query);
}

const DDL = `CREATE STREAM a (k VARCHAR, ts BIGINT, t TIMESTAMP(3), WATERMARK FOR t AS t) WITH ('connector' = 'memory');
CREATE STREAM b (k VARCHAR, ts BIGINT, t TIMESTAMP(3), WATERMARK FOR t AS t - INTERVAL '10' MILLISECOND) WITH ('connector' = 'memory');`;
const UNION = 'SELECT k, ts, t FROM a UNION ALL SELECT k, ts, t FROM b';

const rowsOf = (...ts: number[]): Row[] => ts.map((t) => ['x', t, t]);

function inputs(plan: PhysicalPlan, memory: MemoryStreams, log: Log): QueryInputs {
  const specs: InputSpec[] = planSources(plan).map((source) => ({ source, reader: memory.reader(source.stream.name, { endWhenDrained: true }), head: log.head(source.stream.name) }));
  return new QueryInputs(specs, plan.kind === 'UnionExec' ? plan.uid : undefined, () => 0);
}

async function drain(q: QueryInputs, batch: number, log: Log, steps = Infinity): Promise<void> {
  for (let i = 0; i < steps; i++) if ((await q.step(batch, log.downstream)).kind === 'end') return;
}

describe('QueryInputs', () => {
  it('reads round-robin and stamps each row with the union watermark before it (min of the inputs, never decreasing)', async () => {
    const plan = await planOf(DDL, UNION);
    const memory = new MemoryStreams();
    memory.append('a', rowsOf(100, 200, 300, 400, 500));
    memory.append('b', rowsOf(150, 120, 600));
    const log = recorder();
    const q = inputs(plan, memory, log);
    await drain(q, 2, log);
    expect(log.events).toEqual([
      // a's first batch: b has said nothing, so W stays -inf.
      'a:100@-inf', 'a:200@-inf',
      // b's rows: W before its second row is min(a 200, b 150 - 10) = 140.
      'b:150@-inf', 'b:120@140', 'W=140',
      'a:300@140', 'a:400@140',
      // b 600 - 10 = 590, but a (400) is the minimum.
      'b:600@140', 'W=400',
      'a:500@400',
      // b has ended: it no longer holds W back.
      'W=500',
    ]);
    expect(q.watermark).toBe(500);
  });

  it('a cut restored into fresh readers continues the same sequence', async () => {
    const plan = await planOf(DDL, UNION);
    const data = { a: rowsOf(100, 200, 300, 400, 500, 700), b: rowsOf(150, 120, 600, 650, 800) };
    const fresh = () => {
      const memory = new MemoryStreams();
      memory.append('a', data.a);
      memory.append('b', data.b);
      return memory;
    };
    const whole = recorder();
    await drain(inputs(plan, fresh(), whole), 2, whole);

    // Fresh readers over the same logs: a restart within the process (memory offsets saved by
    // another process name rows that are gone; see memory-source.test.ts).
    const memory = fresh();
    const first = recorder();
    const q1 = inputs(plan, memory, first);
    await drain(q1, 2, first, 3);
    const cut = JSON.parse(JSON.stringify(q1.cut())) as ReturnType<QueryInputs['cut']>;
    expect(cut.sourceOffsets).toEqual({ a: { row: 4, incarnation: expect.any(String) }, b: { row: 2, incarnation: expect.any(String) } });
    expect(cut.operatorMeta).toEqual({ 'union-0': { next: 1 } });
    const second = recorder();
    const q2 = inputs(plan, memory, second);
    await q2.restore({ ...cut, watermarks: Object.fromEntries(Object.entries(cut.watermarks).map(([k, v]) => [k, v ?? -Infinity])) });
    await drain(q2, 2, second);
    expect([...first.events, ...second.events]).toEqual(whole.events);
  });

  it('a stream read twice gets one checkpoint key per input; a union with an unwatermarked input has no watermark', async () => {
    const plan = await planOf(`${DDL} CREATE STREAM c (k VARCHAR, ts BIGINT, t TIMESTAMP(3)) WITH ('connector' = 'memory');`, `${UNION} UNION ALL SELECT k, ts, t FROM a WHERE ts > 1 UNION ALL SELECT k, ts, t FROM c`);
    const memory = new MemoryStreams();
    memory.append('a', rowsOf(1, 2));
    memory.append('c', rowsOf(3));
    const log = recorder();
    const q = inputs(plan, memory, log);
    expect(q.watermarked).toBe(false);
    await drain(q, 10, log);
    expect(Object.keys(q.cut().sourceOffsets)).toEqual(['a@source-0', 'b', 'a@source-2', 'c']);
    expect(log.events).toEqual(['a:1@null', 'a:2@null', 'a:1@null', 'a:2@null', 'c:3@null']);
  });
});
