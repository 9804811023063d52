import { describe, expect, it } from 'vitest';
import { describePlanDifference, explain, planFingerprint } from '../../src/planner/explain.js';
import { optimize } from '../../src/planner/optimize.js';
import { toPhysical } from '../../src/planner/physical.js';
import type { LogicalPlan, PhysicalPlan } from '../../src/planner/plan.js';
import { timeAttributes } from '../../src/planner/time-attributes.js';
import { bind, catalog, columnsOf, errorOf } from './helpers.js';

const A = `CREATE STREAM a (k VARCHAR, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory')`;
const B = `CREATE STREAM b (id VARCHAR, n BIGINT, price DOUBLE, t TIMESTAMP(3), WATERMARK FOR t AS t) WITH ('connector' = 'file', 'path' = 'b.jsonl', 'format' = 'json')`;
const C = `CREATE STREAM c (id VARCHAR, n BIGINT, t TIMESTAMP(3)) WITH ('connector' = 'memory')`;
const cat = () => catalog(A, B, C);
const plan = (sql: string): LogicalPlan => bind(sql, cat());
const physical = (sql: string): PhysicalPlan => toPhysical(optimize(plan(sql)));
const err = (sql: string) => errorOf(() => plan(sql), sql);

const WINDOW = `SELECT k, TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, COUNT(*) AS c, SUM(v) AS s
FROM (SELECT k, v, ts FROM a UNION ALL SELECT id, n, t FROM b WHERE price > 1) u
GROUP BY k, TUMBLE(ts, INTERVAL '10' SECOND)`;

describe('UNION ALL binding', () => {
  it('takes names from the first branch and widens types (INT -> BIGINT -> DOUBLE, NULL to anything)', () => {
    const p = plan('SELECT k, v, NULL AS x FROM a UNION ALL SELECT id, n, price FROM b UNION ALL SELECT id, n, NULL FROM c');
    expect(p.kind).toBe('union');
    expect(columnsOf(p)).toEqual(['k VARCHAR', 'v BIGINT', 'x DOUBLE']);
    if (p.kind !== 'union') throw new Error('not a union');
    // The narrower branches are cast to the union's types.
    expect(p.inputs.map(columnsOf)).toEqual([
      ['k VARCHAR', 'v BIGINT', 'x DOUBLE'],
      ['id VARCHAR', 'n BIGINT', 'price DOUBLE'],
      ['id VARCHAR', 'n BIGINT', 'EXPR$2 DOUBLE'],
    ]);
    expect(timeAttributes(p).watermarked).toBe(false); // c has no WATERMARK
    expect(timeAttributes(p).rowtimes).toEqual([]);
  });

  it('finds the time attribute: the position where every branch passes its own watermarked column through', () => {
    const p = plan('SELECT k, ts, ts + INTERVAL \'1\' SECOND AS later FROM a UNION ALL SELECT id, t, t AS t2 FROM b');
    if (p.kind !== 'union') throw new Error('not a union');
    expect(timeAttributes(p).watermarked).toBe(true);
    expect(timeAttributes(p).rowtimes).toEqual([1]);
    const swapped = plan('SELECT k, ts + INTERVAL \'1\' SECOND AS later FROM a UNION ALL SELECT id, t FROM b');
    expect(swapped.kind === 'union' && timeAttributes(swapped).rowtimes).toEqual([]);
  });

  it('refuses a branch with a different number of columns, pointing at it', () => {
    const sql = 'SELECT k, v FROM a UNION ALL SELECT id, n FROM b UNION ALL SELECT id FROM c';
    expect(err(sql)).toEqual({
      code: 'TYPE_MISMATCH',
      message: 'each branch of a UNION ALL must have the same number of columns: branch 1 has 2 (k, v), branch 3 has 1 (id)',
      at: '1:60',
      text: 'SELECT id FROM c',
      hint: 'select 2 columns in every branch, in the same order',
    });
  });

  it('refuses types with no common type, pointing at the column of the branch, with a CAST hint', () => {
    const sql = 'SELECT k, v FROM a UNION ALL SELECT id, t FROM b';
    expect(err(sql)).toEqual({
      code: 'TYPE_MISMATCH',
      message: "column 2 of the UNION ALL ('v') is INT in branch 1 but TIMESTAMP in branch 2",
      at: '1:41',
      text: 't',
      hint: 'select a INT value at position 2 in every branch',
    });
    const sql2 = 'SELECT k, ts FROM a UNION ALL SELECT id, t FROM b UNION ALL SELECT n, t FROM c';
    expect(err(sql2)).toMatchObject({
      message: "column 1 of the UNION ALL ('k') is VARCHAR in branches 1 to 2 but BIGINT in branch 3",
      text: 'n',
      hint: 'CAST it in branch 3: CAST(n AS VARCHAR)',
    });
  });

  it('takes any branch: aggregating ones (an updating branch makes the union updating), LIMIT, subqueries', () => {
    // An updating branch (GROUP BY without a window) makes the union updating: the append-only branch's rows become +I changes.
    const updating = plan('SELECT k, COUNT(*) AS c FROM a GROUP BY k UNION ALL SELECT id, n FROM b');
    expect(columnsOf(updating)).toEqual(['op VARCHAR', 'k VARCHAR', 'c BIGINT']);
    if (updating.kind !== 'union') throw new Error('not a union');
    expect(updating.inputs.map(columnsOf)).toEqual([
      ['op VARCHAR', 'k VARCHAR', 'c BIGINT'],
      ['op VARCHAR', 'id VARCHAR', 'n BIGINT'],
    ]);
    const windows = plan(`SELECT k, COUNT(*) AS c FROM a GROUP BY k, TUMBLE(ts, INTERVAL '1' SECOND) UNION ALL SELECT id, COUNT(*) FROM b GROUP BY id, TUMBLE(t, INTERVAL '1' SECOND)`);
    expect(columnsOf(windows)).toEqual(['k VARCHAR', 'c BIGINT']);
    expect(columnsOf(plan('SELECT k FROM a UNION ALL SELECT id FROM b LIMIT 5'))).toEqual(['k VARCHAR']);
    expect(columnsOf(plan('SELECT k FROM a UNION ALL SELECT * FROM (SELECT id FROM b UNION ALL SELECT id FROM c)'))).toEqual(['k VARCHAR']);
    expect(err('SELECT k FROM a UNION ALL SELECT id FROM nope')).toMatchObject({ code: 'UNKNOWN_STREAM' });
  });

  it('a window over a union needs the time attribute; otherwise NO_WATERMARK says why', () => {
    const noWm = `SELECT COUNT(*) FROM (SELECT k, ts FROM a UNION ALL SELECT id, t FROM c) GROUP BY TUMBLE(ts, INTERVAL '1' SECOND)`;
    expect(err(noWm)).toMatchObject({
      code: 'NO_WATERMARK',
      message: "column 'ts' has no watermark, so it cannot drive an event-time window",
      text: 'ts',
      hint: "stream 'c' (branch 2 of the UNION ALL) declares no WATERMARK; a window over a UNION ALL needs one on every input",
    });
    const computed = `SELECT COUNT(*) FROM (SELECT k, ts FROM a UNION ALL SELECT id, t + INTERVAL '1' SECOND FROM b) GROUP BY TUMBLE(ts, INTERVAL '1' SECOND)`;
    expect(err(computed)).toMatchObject({
      code: 'NO_WATERMARK',
      hint: "a window over a UNION ALL needs a column that is every branch's own watermarked column (a.ts, b.t), selected unchanged at the same position",
    });
    const otherColumn = `SELECT COUNT(*) FROM (SELECT k, ts, v FROM a UNION ALL SELECT id, t, n FROM b) u GROUP BY TUMBLE(v, INTERVAL '1' SECOND)`;
    expect(err(otherColumn)).toMatchObject({ code: 'NO_WATERMARK', hint: "'u' has its watermark on 'ts'; window on that column" });
    // A time attribute selected twice is a time attribute twice: either may drive the window.
    const copied = `SELECT COUNT(*) FROM (SELECT k, ts, ts AS t2 FROM a UNION ALL SELECT id, t, t AS t3 FROM b) u GROUP BY TUMBLE(t2, INTERVAL '1' SECOND)`;
    expect(plan(copied).kind).toBe('project');
    expect(err(`SELECT COUNT(*) FROM (SELECT k, ts FROM a UNION ALL SELECT id, t FROM b) GROUP BY TUMBLE(nope, INTERVAL '1' SECOND)`)).toMatchObject({ code: 'UNKNOWN_COLUMN' });
  });

  it('binds a windowed aggregate over the union, qualified by the alias', () => {
    const p = plan(WINDOW.replace('SELECT k,', 'SELECT u.k,'));
    expect(columnsOf(p)).toEqual(['k VARCHAR', 'ws TIMESTAMP', 'c BIGINT', 's BIGINT']);
    expect(err(WINDOW.replace('SELECT k,', 'SELECT a.k,'))).toMatchObject({ code: 'UNKNOWN_COLUMN', message: "unknown stream or alias 'a'" });
  });
});

describe('UNION ALL plans', () => {
  it('EXPLAIN shows the union with its inputs, one level deeper', () => {
    expect(explain(physical(WINDOW))).toBe(
      [
        'ProjectExec [k, window_start AS ws, c, s]',
        '  WindowAggregateExec keys=[k] window=TUMBLE(ts, 10 s) aggs=[COUNT(*) AS c, SUM(v) AS s]',
        '    UnionExec ALL [k, v, ts] inputs=2 watermark=min(inputs) rowtime=ts',
        '      ProjectExec [k, CAST(v AS BIGINT) AS v, ts]',
        "        SourceExec a connector=memory watermark=(ts - INTERVAL '1' SECOND)",
        '      ProjectExec [id, n, t]',
        '        FilterExec (price > 1)',
        '          SourceExec b connector=file watermark=(t)',
      ].join('\n'),
    );
    expect(explain(physical('SELECT id FROM c UNION ALL SELECT id FROM b'))).toBe(
      ['UnionExec ALL [id] inputs=2', '  ProjectExec [id]', '    SourceExec c connector=memory', '  ProjectExec [id]', '    SourceExec b connector=file watermark=(t)'].join('\n'),
    );
  });

  it('uids count sources in branch order; the window keeps uid window-aggregate-0', () => {
    const p = physical(WINDOW);
    const uids: string[] = [];
    const visit = (n: PhysicalPlan): void => {
      uids.push(n.uid);
      n.inputs.forEach((e) => visit(e.node));
    };
    visit(p);
    expect(uids).toEqual(['project-2', 'window-aggregate-0', 'union-0', 'project-0', 'source-0', 'project-1', 'filter-0', 'source-1']);
  });

  it('the fingerprint includes the set and order of the inputs', () => {
    const fp = planFingerprint(physical(WINDOW));
    expect(fp).toContain('{"uid":"union-0","operator":"UnionExec","inputs":["a","b"]}');
    const swapped = WINDOW.replace('SELECT k, v, ts FROM a UNION ALL SELECT id, n, t FROM b WHERE price > 1', 'SELECT id AS k, n AS v, t AS ts FROM b WHERE price > 1 UNION ALL SELECT k, v, ts FROM a');
    const fp2 = planFingerprint(physical(swapped));
    expect(fp2).not.toBe(fp);
    expect(describePlanDifference(fp, fp2)).toBe('the input streams of union-0 changed from [a, b] to [b, a]');
    // A different filter in a branch is stateless: same fingerprint.
    expect(planFingerprint(physical(WINDOW.replace('price > 1', 'price > 2')))).toBe(fp);
  });
});
