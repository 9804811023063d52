import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Row, Schema } from '../../src/common/types.js';
import { buildPipeline } from '../../src/exec/build-pipeline.js';
import { compileExpr, compileWatermarkLoop } from '../../src/exec/expr-compiler.js';
import { objectLayout } from '../../src/common/object-layout.js';
import { CollectSink } from '../../src/exec/operators/collect.js';
import { FilterOperator } from '../../src/exec/operators/filter.js';
import { LimitOperator } from '../../src/exec/operators/limit.js';
import { ProjectOperator } from '../../src/exec/operators/project.js';
import { hasMeta } from '../../src/exec/operators/meta.js';
import { KeyedStateBackend } from '../../src/exec/state/index.js';
import type { PhysicalPlan } from '../../src/planner/plan.js';
import { agg, bin, col, computeWatermarks, lit } from './helpers.js';

const wmOf = (...xs: number[]) => new Float64Array(xs);

describe('FilterOperator', () => {
  it('keeps wm aligned with the kept rows', () => {
    const op = new FilterOperator('f', bin('>', col(0, 'INT'), lit(1)));
    const sink = new CollectSink();
    op.connect(sink);
    op.processBatch({ rows: [[1], [5], [null], [3]], wm: wmOf(10, 20, 30, 40) });
    expect(sink.batches).toHaveLength(1);
    expect(sink.batches[0]!.rows).toEqual([[5], [3]]);
    expect([...sink.batches[0]!.wm!]).toEqual([20, 40]);
    op.processBatch({ rows: [[0]], wm: wmOf(1) });
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
    op.processBatch({ rows: [[1, 'a'], [null, 'b']], wm });
    expect(sink.rows).toEqual([[10, 'a'], [null, 'b']]);
    expect(sink.batches[0]!.wm).toBe(wm);
  });
});

describe('LimitOperator', () => {
  it('passes the first n rows then reports done; its count survives snapshot/restore', () => {
    const op = new LimitOperator('l', 3);
    const sink = new CollectSink();
    op.connect(sink);
    op.processBatch({ rows: [[1], [2]], wm: wmOf(0, 0) });
    expect(op.done).toBe(false);
    const meta = op.snapshotMeta();
    op.processBatch({ rows: [[3], [4]], wm: wmOf(5, 6) });
    expect(sink.rows).toEqual([[1], [2], [3]]);
    expect([...sink.batches[1]!.wm!]).toEqual([5]);
    expect(op.done).toBe(true);
    op.processBatch({ rows: [[5]], wm: null });
    expect(sink.rows).toHaveLength(3);

    const restored = new LimitOperator('l', 3);
    const sink2 = new CollectSink();
    restored.connect(sink2);
    restored.restoreMeta(JSON.parse(JSON.stringify(meta)));
    restored.processBatch({ rows: [[3], [4]], wm: null });
    expect(sink2.rows).toEqual([[3]]);
    expect(hasMeta(restored)).toBe(true);
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

describe('buildPipeline', () => {
  const schema: Schema = { columns: [{ name: 'user', type: 'VARCHAR' }, { name: 'ts', type: 'TIMESTAMP' }, { name: 'v', type: 'INT' }] };
  const source: PhysicalPlan = {
    kind: 'SourceExec',
    uid: 'src',
    stream: { name: 'clicks', schema, options: {}, ddl: '' },
    watermark: { timeIndex: 1, expr: col(1, 'TIMESTAMP') },
    schema,
  };
  const filter: PhysicalPlan = { kind: 'FilterExec', uid: 'f', input: source, predicate: bin('>', col(2, 'INT'), lit(0)), schema };
  const aggSchema: Schema = { columns: [{ name: 'user', type: 'VARCHAR' }, { name: 'window_start', type: 'TIMESTAMP' }, { name: 'window_end', type: 'TIMESTAMP' }, { name: 'n', type: 'BIGINT' }] };
  const windowAgg: PhysicalPlan = {
    kind: 'WindowAggregateExec',
    uid: 'w',
    input: filter,
    window: { kind: 'tumble', size: 10, offset: 0 },
    timeIndex: 1,
    keys: [col(0, 'VARCHAR')],
    aggs: [agg('COUNT_STAR')],
    schema: aggSchema,
  };
  const project: PhysicalPlan = { kind: 'ProjectExec', uid: 'p', input: windowAgg, exprs: [col(0, 'VARCHAR'), col(3, 'BIGINT')], schema };
  const plan: PhysicalPlan = { kind: 'LimitExec', uid: 'l', input: project, count: 2, schema };

  it('chains the operators bottom-up and returns the source node', () => {
    const p = buildPipeline(plan, new KeyedStateBackend());
    expect(p.source).toBe(source);
    expect(p.operators.map((o) => o.constructor.name)).toEqual(['FilterOperator', 'WindowAggregateOperator', 'ProjectOperator', 'LimitOperator']);
    const sink = new CollectSink();
    p.connectSink(sink);
    const rows: Row[] = [['a', 1, 1], ['b', 2, 0], ['b', 3, 5], ['a', 12, 1], ['c', 25, 1]];
    const wmFn = compileExpr(col(1, 'TIMESTAMP'));
    const { wm, after } = computeWatermarks(rows, wmFn, -Infinity);
    p.head.data({ rows, wm });
    p.head.watermark(after);
    expect(sink.rows).toEqual([['a', 1], ['b', 1]]);
    expect(sink.watermarks).toEqual([25]);
    p.head.end();
    expect(sink.rows).toHaveLength(2); // LIMIT 2
    expect((p.operators[3] as LimitOperator).done).toBe(true);
    expect(sink.ended).toBe(true);
  });

  it('a plan with no operators forwards source batches to the sink', () => {
    const p = buildPipeline(source, new KeyedStateBackend());
    const sink = new CollectSink();
    p.connectSink(sink);
    p.head.data({ rows: [['a', 1, 1]], wm: null });
    p.head.end();
    expect(sink.rows).toEqual([['a', 1, 1]]);
    expect(sink.ended).toBe(true);
  });
});
