/** SHOW QUERIES with rate and watermark lag, and DESCRIBE QUERY with figures, plan and checkpoints, on a running persistent query. */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../../src/engine.js';

let eddy: Eddy | null = null;
afterEach(async () => {
  await eddy?.close();
  eddy = null;
});

describe('SHOW QUERIES and DESCRIBE QUERY', () => {
  it('show a running query with its rate, watermark lag, plan and last checkpoints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-describe-'));
    eddy = await Eddy.open({ state: join(dir, 'state.db'), checkpointInterval: '100ms', baseDir: dir });
    await eddy.execute(`CREATE STREAM src (k BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND) WITH ('connector' = 'datagen', 'rows-per-second' = '1000')`);
    await eddy.execute(`SET 'pipeline.name' = 'csas_out'`);
    await eddy.execute(`CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.jsonl') AS SELECT k, COUNT(*) AS n FROM src GROUP BY k, TUMBLE(ts, INTERVAL '1' SECOND)`);
    await new Promise((r) => setTimeout(r, 800));
    const [show] = await eddy.execute('SHOW QUERIES');
    expect(show!.kind).toBe('table');
    if (show!.kind !== 'table') return;
    expect(show.columns).toEqual(['query', 'name', 'status', 'rows_in', 'rows_per_s', 'rows_out', 'late_rows', 'bad_rows', 'watermark_lag', 'sql']);
    const row = show.rows[0]!;
    expect(row[0]).toBe('csas_out');
    // About 1000 rows/s since it started (generous bounds for a loaded machine).
    expect(row[1]).toBe('csas_out');
    expect(row[4] as number).toBeGreaterThan(200);
    expect(row[4] as number).toBeLessThan(3000);
    // The watermark is the generator's clock less the 2 s delay.
    expect(Number(/^([\d.]+)s$/.exec(row[8] as string)![1])).toBeGreaterThanOrEqual(1.5);

    const [d] = await eddy.execute('DESCRIBE QUERY csas_out');
    expect(d!.kind).toBe('explain');
    if (d!.kind !== 'explain') return;
    expect(d.text).toMatch(/\| status +\| RUNNING +\|/);
    expect(d.text).toMatch(/\| rows in +\| [1-9][\d,]* +\|/);
    expect(d.text).toMatch(/\| watermark +\| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} +\|/);
    expect(d.text).toMatch(/\| next window closes at +\| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000 +\|/);
    expect(d.text).toMatch(/\| checkpoints completed +\| [1-9]\d* +\|/);
    expect(d.text).toMatch(/SQL:\n  CREATE STREAM out WITH/);
    expect(d.text).toContain('Plan:');
    expect(d.text).toContain('TUMBLE');
    expect(d.text).toMatch(/Last checkpoints:\n\+-+/);
    await expect(eddy.execute('DESCRIBE QUERY nope')).rejects.toThrow("no query 'nope'");
    await expect(eddy.execute('DESCRIBE src out')).rejects.toThrow(/after DESCRIBE src/);
  }, 15_000);
});
