/**
 * The comparison several Flink differential tests share: each query of a script runs on real Flink
 * (one job per query, after the DDL) and on Eddy through the API, and each side's changelog is
 * folded to its final rows (an append-only result counts as inserts), which must be equal and
 * hold more than three rows (so a query that returns almost nothing cannot pass by accident).
 */
import { expect } from 'vitest';
import type { Value } from '../../src/common/types.js';
import { toFlinkSql } from '../../src/flink/translate.js';
import { Eddy } from '../../src/index.js';
import { foldChangelog } from '../exec/changelog.js';
import { flink } from './flink-env.js';

/** The final rows of `sql` on Eddy after `ddl`, as foldChangelog gives them. */
export async function eddyFinal(ddl: string, sql: string): Promise<string[]> {
  const eddy = await Eddy.open();
  try {
    await eddy.execute(ddl);
    const out = await eddy.query(sql).toArray();
    return foldChangelog(out.map((r) => ('op' in r ? Object.values(r) : ['+I', ...Object.values(r)]) as Value[]));
  } finally {
    await eddy.close();
  }
}

/** Runs every query on Flink and on Eddy and expects the same folded rows for each. */
export async function expectSameFoldAsFlink(ddl: string, queries: readonly string[]): Promise<void> {
  const results = await flink(toFlinkSql(`${ddl}\n${queries.join(';\n')};`).sql);
  expect(results.map((r) => r.error)).toEqual(queries.map(() => undefined));
  for (const [i, sql] of queries.entries()) {
    const flinkFinal = foldChangelog(results[i]!.rows.map((c) => [c.op, ...c.row] as Value[]));
    const eddy = await eddyFinal(ddl, sql);
    expect(eddy, sql).toEqual(flinkFinal);
    expect(eddy.length, sql).toBeGreaterThan(3);
  }
}
