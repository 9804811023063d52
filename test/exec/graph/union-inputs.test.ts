/**
 * A union's inputs in the dataflow graph (src/exec/graph): the round-robin order of batches, the
 * union watermark stamped before each row by its input gate (Batch.wm), the watermark signals,
 * ended inputs, and a snapshot restored into fresh readers continuing the same sequence.
 */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../../src/common/types.js';
import { asRowBatch, type Batch, type Output } from '../../../src/exec/batch.js';
import { createOperator } from '../../../src/exec/graph/create-operator.js';
import { Graph } from '../../../src/exec/graph/graph.js';
import { UnionOperator } from '../../../src/exec/operators/union.js';
import { KeyedStateBackend } from '../../../src/exec/state/index.js';
import { MemoryStreams } from '../../../src/connectors/memory-source.js';
import { parseStatement, parseScript } from '../../../src/parser/index.js';
import { withSink } from '../../../src/planner/physical.js';
import type { PhysicalPlan } from '../../../src/planner/plan.js';
import { Session } from '../../../src/runtime/session.js';

/** Records every batch leaving the union as `input:row ts @ wm` (the input is the row's first column) and every watermark signal as `W=<ms>`. */
function recorder(): { events: string[]; out: Output } {
  const events: string[] = [];
  const fmt = (w: number) => (w === -Infinity ? '-inf' : String(w));
  return {
    events,
    out: {
      data: (b: Batch) => {
        const { rows, wm } = asRowBatch(b);
        rows.forEach((r, i) => events.push(`${String(r[0])}:${String(r[1])}@${wm ? fmt(wm[i]!) : 'null'}`));
      },
      watermark: (w) => events.push(`W=${fmt(w)}`),
      idle: () => {},
      barrier: () => {},
      end: () => {},
    },
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

const rowsOf = (stream: string, ...ts: number[]): Row[] => ts.map((t) => [stream, t, t]);

/** The plan's graph over `memory`, its union's output going to `log`. */
function graphOf(plan: PhysicalPlan, memory: MemoryStreams, log: Output): Graph {
  const backend = new KeyedStateBackend();
  const deps = {
    backend,
    now: () => 0,
    openSource: (n: { stream: { name: string } }) => memory.reader(n.stream.name, { endWhenDrained: true }),
    idleTimeoutMs: () => 0,
    openSink: () => {
      throw new Error('no stream sink');
    },
    result: { rows: () => {}, end: () => {} },
    lateRows: () => null,
  };
  const g = new Graph(withSink(plan, { kind: 'result' }), (node) => createOperator(node, deps), backend);
  const union = g.operators.find((o) => o instanceof UnionOperator)!;
  union.connect(log);
  return g;
}

/** Rounds of reads as the driver does them: each source that has not ended reads one batch, in plan order. */
async function drain(g: Graph, batch: number, rounds = Infinity): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    let live = 0;
    for (const s of g.sources) if ((await s.poll(batch)) !== null) live++;
    if (live === 0) return;
  }
}

describe('the inputs of a union', () => {
  it('reads round-robin and stamps each row with the union watermark before it (min of the inputs, never decreasing)', async () => {
    const plan = await planOf(DDL, UNION);
    const memory = new MemoryStreams();
    memory.append('a', rowsOf('a', 100, 200, 300, 400, 500));
    memory.append('b', rowsOf('b', 150, 120, 600));
    const log = recorder();
    const g = graphOf(plan, memory, log.out);
    await drain(g, 2);
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
  });

  it('a snapshot between rounds, restored into fresh readers, continues the same sequence', async () => {
    const plan = await planOf(DDL, UNION);
    const data = { a: rowsOf('a', 100, 200, 300, 400, 500, 700), b: rowsOf('b', 150, 120, 600, 650, 800) };
    const fresh = () => {
      const memory = new MemoryStreams();
      memory.append('a', data.a);
      memory.append('b', data.b);
      return memory;
    };
    const whole = recorder();
    await drain(graphOf(plan, fresh(), whole.out), 2);

    // Fresh readers over the same logs: a restart within the process (memory offsets saved by
    // another process name rows that are gone; see memory-source.test.ts).
    const memory = fresh();
    const first = recorder();
    const g1 = graphOf(plan, memory, first.out);
    await drain(g1, 2, 1);
    const snap = g1.snapshotAll(1, true);
    const states = JSON.parse(JSON.stringify(snap.states)) as Record<string, { state: { offset: unknown } }>;
    expect(states['source-0']!.state.offset).toEqual({ row: 2, incarnation: expect.any(String) });
    expect(states['source-1']!.state.offset).toEqual({ row: 2, incarnation: expect.any(String) });
    const second = recorder();
    const g2 = graphOf(plan, memory, second.out);
    await g2.restore(snap.states, await snap.chunks);
    await drain(g2, 2);
    expect([...first.events, ...second.events]).toEqual(whole.events);
  });

  it('a stream read twice is one source feeding both branches (Flink\'s source reuse); a union with an unwatermarked input has no watermark', async () => {
    const plan = await planOf(`${DDL} CREATE STREAM c (k VARCHAR, ts BIGINT, t TIMESTAMP(3)) WITH ('connector' = 'memory');`, `${UNION} UNION ALL SELECT k, ts, t FROM a WHERE ts > 1 UNION ALL SELECT k, ts, t FROM c`);
    expect(plan.watermarked).toBe(false);
    const memory = new MemoryStreams();
    memory.append('a', rowsOf('a', 1, 2));
    memory.append('c', rowsOf('c', 3));
    const log = recorder();
    const g = graphOf(plan, memory, log.out);
    await drain(g, 10);
    const states = g.snapshotAll(1, false).states;
    expect(Object.keys(states).filter((k) => k.startsWith('source-'))).toEqual(['source-0', 'source-1', 'source-2']);
    // Branch 3 keeps ts > 1 only; no branch row carries a watermark (c declares none). The one source
    // of `a` hands each batch to its consumers in the graph's order (the filter of branch 3 first).
    expect(log.events).toEqual(['a:2@null', 'a:1@null', 'a:2@null', 'c:3@null']);
  });
});
