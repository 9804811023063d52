/**
 * Differential: the same random events (NULLs in every column, unicode strings, disorder) as a JSON
 * Lines file and as an Arrow IPC stream (random record batch sizes, strings dictionary-encoded or
 * not) give identical results through Eddy, query by query (projection and filter, a TUMBLE
 * aggregate, an updating GROUP BY, a join of the stream with itself), with random read batch
 * sizes. A query's output through an Arrow sink, read back, equals the JSON sink's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { bool, float64, int32, int64, tableFromIPC, timestamp, TimeUnit, utf8 } from '@uwdata/flechette';
import { Eddy } from '../../src/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-arrow-diff-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASE = Date.UTC(2024, 4, 1, 10, 0, 0);

interface Event {
  id: number | null;
  k: string | null;
  v: number | null;
  n: number | null;
  flag: boolean | null;
  ts: number;
}

const event = fc.record({
  id: fc.option(fc.integer({ min: -1e12, max: 1e12 }), { freq: 6 }),
  k: fc.option(fc.constantFrom('a', 'b', 'c', 'é', '日本', ''), { freq: 6 }),
  // -0 is written to JSON as 0 (JSON.stringify), while Arrow keeps it: both inputs get +0.
  v: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((x) => (x === 0 ? 0 : x)), { freq: 6 }),
  n: fc.option(fc.integer({ min: -1000, max: 1000 }), { freq: 6 }),
  flag: fc.option(fc.boolean(), { freq: 4 }),
  dt: fc.integer({ min: 0, max: 900 }),
});

const DDL = (name: string, path: string, format: string) => `CREATE STREAM ${name} (
  id BIGINT, k VARCHAR, v DOUBLE, n INT, flag BOOLEAN, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'file', 'path' = '${path}', 'format' = '${format}')`;

const QUERIES = [
  "SELECT id, k, v * 2 AS v2, n, flag, ts FROM s WHERE flag OR k = 'a' OR n IS NULL",
  "SELECT k, TUMBLE_START(ts, INTERVAL '2' SECOND) AS ws, COUNT(*) AS c, SUM(v) AS sv, MIN(n) AS mn, MAX(id) AS mx FROM s GROUP BY k, TUMBLE(ts, INTERVAL '2' SECOND)",
  'SELECT flag, COUNT(*) AS c, SUM(n) AS sn, MAX(v) AS mv FROM s GROUP BY flag',
  'SELECT a.id, a.k, b.n FROM s AS a JOIN s AS b ON a.n = b.n WHERE a.n > 900',
];

async function run(sql: string, streams: string[], batch: number): Promise<unknown[]> {
  const eddy = await Eddy.open({ baseDir: dir });
  try {
    for (const s of streams) await eddy.execute(s);
    await eddy.execute(`SET 'execution.batch-size' = '${batch}'`);
    return await eddy.query(sql).toArray();
  } finally {
    await eddy.close();
  }
}

describe('Arrow input vs JSON input', () => {
  it('gives identical results for random events, query by query', async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 300 }), fc.boolean(), fc.integer({ min: 1, max: 500 }), async (raw, batchRows, dictionary, readBatch) => {
        let t = BASE;
        // JSON has no -0 (JSON.stringify(-0) is '0'); Arrow keeps it: compare values both formats can hold.
        const events: Event[] = raw.map((e) => ({ id: e.id, k: e.k, v: Object.is(e.v, -0) ? 0 : e.v, n: e.n, flag: e.flag, ts: (t += e.dt) - (e.dt % 3) * 200 }));
        const r = round++;
        writeFileSync(join(dir, `e${r}.jsonl`), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
        const types = { id: int64(), v: float64(), n: int32(), flag: bool(), ts: timestamp(TimeUnit.MILLISECOND), ...(dictionary ? {} : { k: utf8() }) };
        writeFileSync(join(dir, `e${r}.arrows`), aq.toArrowIPC(aq.from(events), { types, maxBatchRows: batchRows, format: 'stream' } as never));
        for (const q of QUERIES) {
          const json = await run(q, [DDL('s', `e${r}.jsonl`, 'json')], readBatch);
          const arrow = await run(q, [DDL('s', `e${r}.arrows`, 'arrow')], readBatch);
          expect(arrow, q).toEqual(json);
        }
      }),
      { numRuns: 30 },
    );
  }, 120_000);

  it("a query's output through an Arrow sink equals its output through a JSON sink", async () => {
    let t = BASE;
    const events = Array.from({ length: 3000 }, (_, i) => ({ id: i % 17 === 0 ? null : i * 7, k: ['a', 'b', null, 'ü'][i % 4], v: i % 5 === 0 ? null : i / 8, n: i % 100, flag: i % 3 === 0 ? null : i % 2 === 0, ts: (t += i % 4) }));
    writeFileSync(join(dir, 'sink-in.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const eddy = await Eddy.open({ baseDir: dir });
    try {
      await eddy.execute(DDL('s', 'sink-in.jsonl', 'json'));
      const select = "SELECT k, TUMBLE_END(ts, INTERVAL '1' SECOND) AS we, COUNT(*) AS c, SUM(v) AS sv, MAX(flag) AS mf FROM s GROUP BY k, TUMBLE(ts, INTERVAL '1' SECOND)";
      const ids: string[] = [];
      for (const [name, format] of [['out_json', 'json'], ['out_arrow', 'arrow']] as const) {
        const [r] = await eddy.execute(`CREATE STREAM ${name} WITH ('connector' = 'file', 'path' = '${name}.${format === 'json' ? 'jsonl' : 'arrows'}', 'format' = '${format}') AS ${select}`);
        ids.push((r as { queryId: string }).queryId);
      }
      for (const id of ids) await eddy.persistentQuery(id)!.done;
    } finally {
      await eddy.close();
    }
    const json = readFileSync(join(dir, 'out_json.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const arrow = tableFromIPC(readFileSync(join(dir, 'out_arrow.arrows')), { useDate: false }).toArray();
    expect(arrow.length).toBe(json.length);
    expect(json.length).toBeGreaterThan(10);
    // JSON prints TIMESTAMP as 'yyyy-MM-dd HH:mm:ss.SSS' (UTC); Arrow holds epoch milliseconds.
    const asJson = arrow.map((r) => ({ ...r, we: new Date(r.we as number).toISOString().replace('T', ' ').replace('Z', '') }));
    expect(asJson).toEqual(json);
  });
});
