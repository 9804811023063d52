/**
 * DECIMAL and 64-bit BIGINT on real Flink (issue 12): the queries of test/sql/decimal-arithmetic.sql
 * over its data file, on Flink and on Eddy; each row's values must agree. Flink's rows reach the test as
 * JSON, so a number with more than 15 significant digits is compared as the double it parses to;
 * Eddy's exact digits are checked by the golden file itself.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { Session } from '../../src/runtime/session.js';
import { runScript } from '../../repl/script-runner.js';
import { flink, flinkSkip, useFlink } from './flink-env.js';

useFlink();

const DATA = join(dirname(fileURLToPath(import.meta.url)), '..', 'sql', 'data', 'decimals.jsonl');

// Flink's json format reads a DECIMAL from a JSON string too; row 3's "100" stays. Queries without Eddy-only parts (all of these run on both).
const DDL = (path: string) => `CREATE TABLE m (id INT, a DECIMAL(10, 2), b DECIMAL(5, 4), big BIGINT) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'json')`;
const QUERIES = [
  'SELECT id, a, b, a + b AS s, a - b AS d, a * b AS p, a / b AS q, a % b AS r, a + 1 AS a1, a * 2 AS a2, a / 3 AS a3 FROM m',
  'SELECT id, CAST(a AS DECIMAL(4, 1)) AS c41, CAST(a AS DECIMAL(12, 1)) AS c121, CAST(a AS INT) AS ai, CAST(b AS DECIMAL(3, 3)) AS b33, CAST(b * 1000 AS BIGINT) AS bi, -a AS na, ABS(b) AS ab FROM m',
  'SELECT id, a > 100 AS gt_int, a = 100 AS eq_int, big, big + 1 AS big1, big - 1 AS bigm1, big * 2 AS big2, big / 3 AS big3 FROM m',
  'SELECT SUM(a) AS sa, AVG(a) AS aa, MIN(b) AS mn, MAX(b) AS mx, SUM(b) AS sb, AVG(b) AS ab, SUM(big) AS sbig, COUNT(*) AS n FROM m',
];

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** A value as both sides can be compared: numbers (and numeric text) as the double they denote, others as JSON. */
const norm = (v: unknown): unknown => (typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);

describe.skipIf(flinkSkip !== null)('exact numbers on Flink', () => {
  it('decimal arithmetic, casts, BIGINT edges and their aggregates agree with Flink', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-flink-exact-'));
    writeFileSync(join(dir, 'm.jsonl'), readFileSync(DATA));
    const results = await flink([DDL(join(dir, 'm.jsonl')), ...QUERIES].join(';\n') + ';');
    const session = new Session({ store: null, endMemoryWhenDrained: true, baseDir: dir, fresh: false });
    const out = new Collect();
    const err = new Collect();
    await runScript(session, [DDL('m.jsonl'), ...QUERIES].join(';\n') + ';', { out, err, format: 'json', file: 'x.sql', quiet: true }, { stopped: false });
    await session.close();
    const eddyRows = out.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const queries = results.filter((r) => r.columns.length > 0 || r.error !== undefined).slice(-QUERIES.length);
    let at = 0;
    for (const [qi, r] of queries.entries()) {
      expect(r.error, QUERIES[qi]).toBeUndefined();
      const rows = r.rows.filter((x) => x.op !== '-U' && x.op !== '-D');
      const final = qi === 3 ? rows.slice(-1) : rows;
      for (const f of final) {
        const e = eddyRows[at++]!;
        const eddy = r.columns.map((c) => norm(e[c]));
        expect(eddy, `${QUERIES[qi]}\nflink: ${JSON.stringify(f.row)}`).toEqual(f.row.map(norm));
      }
    }
    // Every row of both sides was compared: 5 rows for each per-row query, one final aggregate.
    expect(at).toBe(16);
    expect(eddyRows).toHaveLength(16);
    if (process.env['SHOW_FLINK']) console.log(JSON.stringify(queries.map((q) => q.rows.slice(0, 3))));
  }, 300_000);
});
