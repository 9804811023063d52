import fc from 'fast-check';
import { rowBatch } from '../../src/exec/batch.js';
import { describe, expect, it } from 'vitest';
import type { Row, Schema } from '../../src/common/types.js';
import { Graph } from '../../src/exec/graph/graph.js';
import { createOperator } from '../../src/exec/graph/create-operator.js';
import { MemoryStreams } from '../../src/connectors/memory-source.js';
import { withSink } from '../../src/planner/physical.js';
import { compileExpr, compileWatermarkLoop } from '../../src/exec/expr-compiler.js';
import { objectLayout } from '../../src/common/object-layout.js';
import { CollectSink } from '../../src/exec/operators/collect.js';
import { FilterOperator } from '../../src/exec/operators/filter.js';
import { LimitOperator } from '../../src/exec/operators/limit.js';
import { ProjectOperator } from '../../src/exec/operators/project.js';
import { KeyedStateBackend } from '../../src/exec/state/index.js';
import type { PhysicalPlan } from '../../src/planner/plan.js';
import { agg, bin, col, computeWatermarks, lit } from './helpers.js';

const wmOf = (...xs: number[]) => new Float64Array(xs);

describe('FilterOperator', () => {
  it('keeps wm aligned with the kept rows', () => {
    const op = new FilterOperator('f', bin('>', col(0, 'INT'), lit(1)));
    const sink = new CollectSink();
    op.connect(sink);
    op.processBatch(rowBatch([[1], [5], [null], [3]], wmOf(10, 20, 30, 40)), 0);
    expect(sink.batches).toHaveLength(1);
    expect(sink.batches[0]!.rows).toEqual([[5], [3]]);
    expect([...sink.batches[0]!.wm!]).toEqual([20, 40]);
    op.processBatch(rowBatch([[0]], wmOf(1)), 0);
    expect(sink.batches).toHaveLength(1); // nothing passes: nothing sent
    op.onWatermark(7);
    expect(sink.watermarks).toEqual([7]);
  });
});

describe('ProjectOperator', () => {
  it('computes output rows and passes wm through', () => {
    const op = new ProjectOperator('p', [bin('*', col(0, 'INT'), lit(10)), col(1, 'VARCHAR')]);
    const sink = new CollectSink();
    op.connect(sink);
    const wm = wmOf(1, 2);
    op.processBatch(rowBatch([[1, 'a'], [null, 'b']], wm), 0);
    expect(sink.rows).toEqual([[10, 'a'], [null, 'b']]);
    expect(sink.batches[0]!.wm).toBe(wm);
  });
});

describe('LimitOperator', () => {
  it('passes the first n rows then reports done; its count survives snapshot/restore', () => {
    const op = new LimitOperator('l', 3);
    const sink = new CollectSink();
    op.connect(sink);
    op.processBatch(rowBatch([[1], [2]], wmOf(0, 0)), 0);
    expect(op.done).toBe(false);
    const meta = op.snapshotState();
    op.processBatch(rowBatch([[3], [4]], wmOf(5, 6)), 0);
    expect(sink.rows).toEqual([[1], [2], [3]]);
    expect([...sink.batches[1]!.wm!]).toEqual([5]);
    expect(op.done).toBe(true);
    op.processBatch(rowBatch([[5]], null), 0);
    expect(sink.rows).toHaveLength(3);

    const restored = new LimitOperator('l', 3);
    const sink2 = new CollectSink();
    restored.connect(sink2);
    restored.restoreState(JSON.parse(JSON.stringify(meta)));
    restored.processBatch(rowBatch([[3], [4]], null), 0);
    expect(sink2.rows).toEqual([[3]]);
    expect(restored.snapshotState()).toEqual({ passed: 3 });
  });
});

describe('computeWatermarks', () => {
  it('gives the watermark before each row; NULLs do not advance it; it never decreases', () => {
    const f = compileExpr(bin('-', col(0, 'TIMESTAMP'), lit(5, 'INTERVAL'), 'TIMESTAMP'));
    const { wm, after } = computeWatermarks([[10], [null], [30], [20], [31]], f, -Infinity);
    expect([...wm]).toEqual([-Infinity, 5, 5, 25, 25]);
    expect(after).toBe(26);
    expect(computeWatermarks([], f, 7)).toEqual({ wm: new Float64Array(0), after: 7 });
  });

  it('the compiled loop the engine runs (rows, and objects through a layout) agrees with it on random batches', () => {
    const expr = bin('-', col(1, 'TIMESTAMP'), lit(5, 'INTERVAL'), 'TIMESTAMP');
    const f = compileExpr(expr);
    const schema: Schema = { columns: [{ name: 'k', type: 'VARCHAR' }, { name: 'ts', type: 'TIMESTAMP' }] };
    const layout = objectLayout(schema, ['k', 'ts']);
    const onRows = compileWatermarkLoop(expr);
    const onObjects = compileWatermarkLoop(expr, layout);
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: -50, max: 500 }), { nil: null }), { maxLength: 40 }), fc.option(fc.integer({ min: -100, max: 400 }), { nil: -Infinity }), (times, start) => {
        const rows: Row[] = times.map((t) => ['a', t]);
        const want = computeWatermarks(rows, f, start);
        const wm = new Float64Array(rows.length);
        expect(onRows(rows, start, wm)).toBe(want.after);
        expect(wm).toEqual(want.wm);
        const wm2 = new Float64Array(rows.length);
        // An absent key reads as NULL, like a NULL value.
        const objects = times.map((t) => (t === null ? { k: 'a' } : { k: 'a', ts: t }));
        expect(onObjects(objects, start, wm2)).toBe(want.after);
        expect(wm2).toEqual(want.wm);
      }),
      { numRuns: 500 },
    );
  });
});

describe('Graph', () => {
  const schema: Schema = { columns: [{ name: 'user', type: 'VARCHAR' }, { name: 'ts', type: 'TIMESTAMP' }, { name: 'v', type: 'INT' }] };
  const base = { changelog: 'append' as const, watermarked: true };
  const forward = (node: PhysicalPlan) => [{ node, partitioning: { kind: 'forward' as const } }];
  const source: PhysicalPlan = {
    kind: 'SourceExec',
    uid: 'src',
    inputs: [],
    ...base,
    stream: { name: 'clicks', schema, options: { connector: 'memory' }, ddl: '' },
    watermark: { timeIndex: 1, expr: col(1, 'TIMESTAMP') },
    schema,
  };
  const filter: PhysicalPlan = { kind: 'FilterExec', uid: 'f', inputs: forward(source), ...base, predicate: bin('>', col(2, 'INT'), lit(0)), schema };
  const aggSchema: Schema = { columns: [{ name: 'user', type: 'VARCHAR' }, { name: 'window_start', type: 'TIMESTAMP' }, { name: 'window_end', type: 'TIMESTAMP' }, { name: 'n', type: 'BIGINT' }] };
  const windowAgg: PhysicalPlan = {
    kind: 'WindowAggregateExec',
    uid: 'w',
    inputs: [{ node: filter, partitioning: { kind: 'hash', keys: [col(0, 'VARCHAR')] } }],
    ...base,
    window: { kind: 'tumble', size: 10, offset: 0 },
    timeIndex: 1,
    keys: [col(0, 'VARCHAR')],
    aggs: [agg('COUNT_STAR')],
    emit: { allowedLatenessMs: 0, earlyFireDelayMs: 0 },
    schema: aggSchema,
  };
  const project: PhysicalPlan = { kind: 'ProjectExec', uid: 'p', inputs: forward(windowAgg), ...base, exprs: [col(0, 'VARCHAR'), col(3, 'BIGINT')], schema };
  const limit: PhysicalPlan = { kind: 'LimitExec', uid: 'l', inputs: [{ node: project, partitioning: { kind: 'single' } }], ...base, count: 2, schema };

  /** The plan under a result sink, its source reading `rows` from a memory stream that ends when drained. */
  function graphOf(plan: PhysicalPlan, rows: Row[]) {
    const memory = new MemoryStreams();
    memory.append('clicks', rows);
    const out = { rows: [] as Row[], ended: false };
    const backend = new KeyedStateBackend();
    const deps = {
      backend,
      now: () => 0,
      openSource: () => memory.reader('clicks', { endWhenDrained: true }),
      idleTimeoutMs: () => 0,
      openSink: () => {
        throw new Error('no stream sink');
      },
      result: { rows: (r: Row[]) => out.rows.push(...r), end: () => (out.ended = true) },
      lateRows: () => null,
    };
    return { graph: new Graph(withSink(plan, { kind: 'result' }), (node) => createOperator(node, deps), backend), out };
  }

  it('one operator per node, inputs first; rows, watermarks and the end flow through; LIMIT makes it done', async () => {
    const { graph, out } = graphOf(limit, [['a', 1, 1], ['b', 2, 0], ['b', 3, 5], ['a', 12, 1], ['c', 25, 1]]);
    expect(graph.operators.map((o) => o.constructor.name)).toEqual(['SourceOperator', 'FilterOperator', 'WindowAggregateOperator', 'ProjectOperator', 'LimitOperator', 'ResultSinkOperator']);
    const src = graph.sources[0]!;
    expect(await src.poll(100)).toBe(5);
    expect(out.rows).toEqual([['a', 1], ['b', 1]]);
    expect(graph.sinks[0]!.gate.watermark).toBe(25);
    expect(graph.done).toBe(true);
    expect(await src.poll(100)).toBe(null);
    expect(out.rows).toHaveLength(2); // LIMIT 2
    expect(out.ended).toBe(true);
  });

  it('a plan of a source alone forwards its batches to the sink', async () => {
    const { graph, out } = graphOf(source, [['a', 1, 1]]);
    const src = graph.sources[0]!;
    await src.poll(10);
    await src.poll(10);
    expect(out.rows).toEqual([['a', 1, 1]]);
    expect(out.ended).toBe(true);
  });
});
