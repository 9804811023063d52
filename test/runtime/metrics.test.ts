/**
 * /metrics scraped over HTTP while a persistent query runs (the embedding API's metricsPort, the
 * same server the CLI's --metrics-port starts): Prometheus text that parses, every name prefixed
 * eddy_, labelled by query, with counters that rise between scrapes and checkpoint figures.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../../src/engine.js';

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Parses Prometheus text exposition format (the lines that carry samples). */
function parse(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    expect(m, `not a sample line: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    for (const l of (m![3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m![1]!, labels, value: Number(m![4]) });
  }
  return { samples, types };
}

async function scrape(port: number): Promise<{ samples: Sample[]; types: Map<string, string>; contentType: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  return { ...parse(await res.text()), contentType: res.headers.get('content-type') ?? '' };
}

const value = (samples: Sample[], name: string, query: string): number | undefined => samples.find((s) => s.name === name && s.labels['query'] === query)?.value;

let eddy: Eddy | null = null;
afterEach(async () => {
  await eddy?.close();
  eddy = null;
});

describe('Prometheus metrics', () => {
  it('serves per-query and checkpoint metrics that rise while a persistent query runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-metrics-'));
    eddy = await Eddy.open({ state: join(dir, 'state.db'), checkpointInterval: '100ms', metricsPort: 0, baseDir: dir });
    const port = eddy.metricsPort!;
    expect(port).toBeGreaterThan(0);
    await eddy.execute(`CREATE STREAM src (k BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen', 'rows-per-second' = '2000', 'fields.k.min' = '1', 'fields.k.max' = '3')`);
    await eddy.execute(`SET 'pipeline.name' = 'csas_out'`);
    await eddy.execute(`CREATE STREAM out WITH ('connector' = 'file', 'path' = 'out.jsonl') AS SELECT k, COUNT(*) AS n FROM src GROUP BY k, TUMBLE(ts, INTERVAL '1' SECOND)`);
    await new Promise((r) => setTimeout(r, 600));
    const first = await scrape(port);
    expect(first.contentType).toContain('text/plain');
    const names = new Set(first.samples.map((s) => s.name));
    for (const n of names) expect(n.startsWith('eddy_')).toBe(true);
    for (const n of [
      'eddy_query_rows_in_total',
      'eddy_query_rows_out_total',
      'eddy_query_late_rows_total',
      'eddy_query_malformed_rows_total',
      'eddy_query_watermark_lag_seconds',
      'eddy_query_busy_seconds_total',
      'eddy_query_restarts_total',
      'eddy_checkpoints_completed_total',
      'eddy_checkpoints_failed_total',
      'eddy_checkpoint_duration_seconds_bucket',
      'eddy_checkpoint_duration_seconds_count',
      'eddy_checkpoint_size_bytes',
      'eddy_checkpoint_last_completed_age_seconds',
    ]) {
      expect(names, n).toContain(n);
    }
    expect(first.types.get('eddy_query_rows_in_total')).toBe('counter');
    expect(first.types.get('eddy_checkpoint_duration_seconds')).toBe('histogram');
    const q = 'csas_out';
    expect(first.samples.find((s) => s.name === 'eddy_query_rows_in_total')!.labels).toEqual({ query: q, kind: 'persistent' });
    const rowsIn1 = value(first.samples, 'eddy_query_rows_in_total', q)!;
    expect(rowsIn1).toBeGreaterThan(0);
    // The watermark trails the generator's clock by its 1 s delay (and less than a few seconds more).
    const lag = value(first.samples, 'eddy_query_watermark_lag_seconds', q)!;
    expect(lag).toBeGreaterThanOrEqual(0.5);
    expect(lag).toBeLessThan(10);

    // Until the first one-second window has closed (the watermark trails by 1 s) and two checkpoints are in.
    let second = await scrape(port);
    for (let i = 0; i < 50 && !(value(second.samples, 'eddy_query_rows_out_total', q)! > 0 && value(second.samples, 'eddy_checkpoints_completed_total', q)! >= 2); i++) {
      await new Promise((r) => setTimeout(r, 100));
      second = await scrape(port);
    }
    expect(value(second.samples, 'eddy_query_rows_in_total', q)!).toBeGreaterThan(rowsIn1);
    expect(value(second.samples, 'eddy_query_rows_out_total', q)!).toBeGreaterThan(0);
    expect(value(second.samples, 'eddy_query_busy_seconds_total', q)!).toBeGreaterThan(0);
    const completed = value(second.samples, 'eddy_checkpoints_completed_total', q)!;
    expect(completed).toBeGreaterThanOrEqual(2);
    expect(value(second.samples, 'eddy_checkpoint_duration_seconds_count', q)).toBe(completed);
    expect(value(second.samples, 'eddy_checkpoint_size_bytes', q)!).toBeGreaterThan(0);
    expect(value(second.samples, 'eddy_checkpoint_last_completed_age_seconds', q)!).toBeLessThan(5);
    expect(value(second.samples, 'eddy_checkpoints_failed_total', q)).toBe(0);

    const other = await fetch(`http://127.0.0.1:${port}/`);
    expect(other.status).toBe(404);
    await other.text();
  }, 20_000);

  it('closes the server with the engine and refuses a port in use', async () => {
    eddy = await Eddy.open({ metricsPort: 0 });
    const port = eddy.metricsPort!;
    await expect(Eddy.open({ metricsPort: port })).rejects.toThrow(/cannot serve metrics on port/);
    await eddy.close();
    eddy = null;
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});
