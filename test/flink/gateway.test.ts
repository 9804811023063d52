/**
 * `eddy flink --gateway URL script.sql` against a real Flink SQL Gateway (Flink 2.x from Maven
 * Central, test/oracles/flink-gateway): the translated script runs there statement by statement,
 * a query's changes print as Eddy's own run gives them, a failing statement is reported at its
 * line in the Eddy script with Flink's message, and an unreachable gateway is a clear error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { Eddy } from '../../src/index.js';
import { EDDY } from '../e2e/checkpoint-helpers.js';
import { flinkSkipReason } from '../oracles/flink/flink.js';
import { startFlinkGateway, type FlinkGatewayServer } from '../oracles/flink-gateway/gateway.js';

const skip = flinkSkipReason();
if (skip) console.warn(`Flink SQL Gateway tests skipped: ${skip}`);

let gateway: FlinkGatewayServer | undefined;
beforeAll(async () => {
  if (!skip) gateway = await startFlinkGateway();
}, 300_000);
afterAll(async () => gateway?.stop());

const dir = mkdtempSync(join(tmpdir(), 'eddy-flink-gw-'));
const base = Date.UTC(2024, 0, 1);
const stamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const bids = Array.from({ length: 300 }, (_, i) => ({ auction: (i * 7) % 5, price: (i * 13) % 50, ts: stamp(base + i * 97 - ((i * 31) % 5) * 40) }));
writeFileSync(join(dir, 'bids.jsonl'), bids.map((b) => JSON.stringify(b)).join('\n') + '\n');

const DDL = `CREATE STREAM bids (auction BIGINT, price BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'file', 'path' = '${join(dir, 'bids.jsonl')}', 'format' = 'json');`;
const WINDOWED = `SELECT auction, window_start, window_end, COUNT(*) AS n, MAX(price) AS top
FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND))
GROUP BY auction, window_start, window_end`;
const UPDATING = 'SELECT auction, COUNT(*) AS n FROM bids WHERE price > 40 GROUP BY auction';

/** Runs the CLI without blocking this process's event loop; resolves with its exit code and output. */
function eddy(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(EDDY, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A loopback port nothing listens on (one just closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const script = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

async function eddyRows(sql: string): Promise<unknown[][]> {
  const e = await Eddy.open({ onWarning: () => undefined });
  try {
    await e.execute(DDL);
    return (await e.query(sql).toArray()).map((r) => Object.values(r).map((v) => (v instanceof Date ? stamp(v.getTime()) : v)));
  } finally {
    await e.close();
  }
}

/** A changelog folded into its final rows (each +I/+U adds a row, each -U/-D takes one away), sorted. */
function finalRows(changes: readonly { op: string; row: unknown[] }[]): string[] {
  const live = new Map<string, number>();
  for (const c of changes) {
    const k = JSON.stringify(c.row);
    live.set(k, (live.get(k) ?? 0) + (c.op === '+I' || c.op === '+U' ? 1 : -1));
  }
  return [...live].flatMap(([k, n]) => Array<string>(n).fill(k)).sort();
}

describe.skipIf(skip !== null)('eddy flink --gateway', () => {
  it('runs the translated script on Flink; each query prints the changes Flink gives, equal to Eddy\'s own rows', async () => {
    const file = script('ok.sql', `${DDL}\nSET 'execution.batch-size' = '64';\n${WINDOWED};\n${UPDATING};\n`);
    const r = await eddy(['flink', '--gateway', gateway!.url, '--format', 'json', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/ok\.sql:3:1: warning: SET 'execution\.batch-size' is Eddy-only/);
    const changes = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { op: string; row: Record<string, unknown> }).map((c) => ({ op: c.op, row: Object.values(c.row) }));
    const windowed = changes.filter((c) => c.row.length === 5);
    const updating = changes.filter((c) => c.row.length === 2);
    expect(windowed.length).toBeGreaterThan(20);
    expect(windowed.every((c) => c.op === '+I')).toBe(true);
    expect(finalRows(windowed)).toEqual((await eddyRows(WINDOWED)).map((x) => JSON.stringify(x)).sort());
    // A GROUP BY without a window is an updating result on Flink as on Eddy: -U/+U pairs, same final rows.
    expect(updating.some((c) => c.op === '-U')).toBe(true);
    const eddyChanges = (await eddyRows(UPDATING)).map(([op, ...row]) => ({ op: op as string, row }));
    expect(finalRows(updating)).toEqual(finalRows(eddyChanges));
  }, 180_000);

  it('prints a table of changes per query by default; an INSERT runs to the end of its input and reports its job', async () => {
    const file = script('table.sql', `${DDL}\n${UPDATING};\nCREATE STREAM sunk (auction BIGINT, price BIGINT) WITH ('connector' = 'blackhole');\nINSERT INTO sunk SELECT auction, price FROM bids;\n`);
    const r = await eddy(['flink', '--gateway', gateway!.url, file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/table\.sql:5:1: Flink job [0-9a-f]{32} finished/);
    expect(r.stdout).toMatch(/^\| op +\| auction +\| n +\|$/m);
    expect(r.stdout).toMatch(/^\| -U +\|/m);
  }, 180_000);

  it('stops at a statement Flink refuses, pointing at its line in the Eddy script with Flink\'s message', async () => {
    const file = script('bad.sql', `${DDL}\nSELECT auction FROM bids WHERE price > 1;\n\nSELECT auction,\n  nope FROM bids;\nSELECT auction FROM bids;\n`);
    const r = await eddy(['flink', '--gateway', gateway!.url, '--format', 'json', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`bad.sql:6:3: Flink: Column 'nope' not found in any table\n    nope FROM bids;\n    ^^^^\n`);
    // the statement before it ran; the one after it did not
    expect(r.stdout.trim().split('\n').length).toBe(bids.filter((b) => b.price > 1).length);
  }, 180_000);
});

describe('eddy flink --gateway without a gateway', () => {
  it('says it cannot reach the gateway', async () => {
    const file = script('nogw.sql', `${DDL}\n${UPDATING};\n`);
    const port = await closedPort();
    const r = await eddy(['flink', '--gateway', `http://127.0.0.1:${port}`, file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`cannot open a session on the Flink SQL Gateway at http://127.0.0.1:${port}: fetch failed (ECONNREFUSED)`);
  });

  it('refuses --format without --gateway and an unknown format', async () => {
    const file = script('args.sql', `${UPDATING};\n`);
    expect((await eddy(['flink', '--format', 'json', file])).status).toBe(2);
    expect((await eddy(['flink', '--gateway', 'http://x', '--format', 'xml', file])).stderr).toMatch(/unknown --format 'xml'/);
  });
});
