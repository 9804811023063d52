/**
 * 'on-error' = 'skip' counts what it skips: the golden test shows the surviving rows; this one
 * checks the counts a user can see (SHOW QUERIES bad_rows, query metrics).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScript } from '../../src/parser/index.js';
import { Session, type StatementResult } from '../../src/runtime/session.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-onerror-'));
  writeFileSync(
    join(dir, 'readings.jsonl'),
    [
      '{"id": 1, "ts": "2024-05-01 10:00:00"}',
      '{"id": "two", "ts": "2024-05-01 10:00:01"}',
      '{"id": 3, "ts": "2024-05-01 10:00:02"',
      '',
      '[4, "2024-05-01 10:00:03"]',
      '{"id": 5, "ts": "2024-05-01 10:00:04"}',
    ].join('\n') + '\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function session(): Session {
  return new Session({ store: null, endMemoryWhenDrained: true, baseDir: dir, fresh: false, onWarning: (m) => expect.fail(m) });
}

async function exec(s: Session, sql: string): Promise<StatementResult[]> {
  const out: StatementResult[] = [];
  for (const ps of parseScript(sql)) out.push(await s.execute(ps));
  return out;
}

const DECLARE = `CREATE STREAM readings (id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
  WITH ('connector' = 'file', 'path' = 'readings.jsonl', 'on-error' = 'skip');`;

describe("'on-error' = 'skip'", () => {
  it('counts skipped rows in the metrics of a SELECT (blank lines are not errors)', async () => {
    const s = session();
    const [, sel] = await exec(s, `${DECLARE} SELECT id FROM readings;`);
    if (sel?.kind !== 'select') throw new Error('expected a SELECT');
    const rows: unknown[] = [];
    expect(await sel.query.start((batch) => rows.push(...batch))).toBe('finished');
    expect(rows).toEqual([[1], [5]]);
    expect(sel.query.metrics()).toMatchObject({ rowsIn: 2, rowsOut: 2, skippedRows: 3 });
    await s.close();
  });

  it('shows the count as bad_rows in SHOW QUERIES for a persistent query', async () => {
    const s = session();
    const results = await exec(s, `${DECLARE}
      CREATE STREAM ids (id BIGINT) WITH ('connector' = 'memory');
      INSERT INTO ids SELECT id FROM readings;`);
    const started = results[2];
    if (started?.kind !== 'persistent') throw new Error('expected a persistent query');
    await started.query.done;
    expect(started.query.status).toBe('FINISHED');
    expect(s.memory.rows('ids')).toEqual([[1], [5]]);
    const [show] = await exec(s, 'SHOW QUERIES;');
    if (show?.kind !== 'table') throw new Error('expected a table');
    const at = (c: string) => show.columns.indexOf(c);
    expect(show.rows).toHaveLength(1);
    const row = show.rows[0]!;
    expect([row[at('query')], row[at('rows_in')], row[at('rows_out')], row[at('bad_rows')]]).toEqual([expect.stringMatching(/^insert_into_ids_[0-9a-f]{8}$/), 2, 2, 3]);
    await s.close();
  });
});
