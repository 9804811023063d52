/** Scans of one stream in one query are one source node (Flink's source reuse): a self-join reads, and generates, its rows once. */
import { describe, expect, it } from 'vitest';
import { toPhysical } from '../../src/planner/physical.js';
import { optimize } from '../../src/planner/optimize.js';
import type { PhysicalPlan } from '../../src/planner/plan.js';
import { inputsOf } from '../../src/planner/plan-walk.js';
import { bind, catalog, explainSql } from './helpers.js';

const A = `CREATE STREAM a (k VARCHAR, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'memory')`;
const B = `CREATE STREAM b (k VARCHAR, n BIGINT) WITH ('connector' = 'memory')`;
const cat = () => catalog(A, B);

function sources(p: PhysicalPlan): Set<PhysicalPlan> {
  const out = new Set<PhysicalPlan>();
  const walk = (n: PhysicalPlan): void => {
    if (n.kind === 'SourceExec') out.add(n);
    for (const i of inputsOf(n)) walk(i);
  };
  walk(p);
  return out;
}

const physical = (sql: string) => toPhysical(optimize(bind(sql, cat())));

describe('source reuse', () => {
  it('a self-join and two filtered views of one stream read one source', () => {
    const p = physical("SELECT x.k, y.v FROM (SELECT * FROM a WHERE v > 1) x JOIN (SELECT * FROM a WHERE k = 'z') y ON x.k = y.k");
    const s = [...sources(p)];
    expect(s.map((n) => n.uid)).toEqual(['source-0']);
    expect(explainSql("SELECT x.k, y.v FROM (SELECT * FROM a WHERE v > 1) x JOIN (SELECT * FROM a WHERE k = 'z') y ON x.k = y.k", cat())).toContain('-> source-0');
  });

  it('different streams stay different sources', () => {
    const p = physical('SELECT a.k, b.n FROM a JOIN b ON a.k = b.k');
    expect([...sources(p)].map((n) => n.uid).sort()).toEqual(['source-0', 'source-1']);
  });
});
