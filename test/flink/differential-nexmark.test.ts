/**
 * nexmark-flink's queries on Eddy and on real Flink (test/oracles/flink) over the same events:
 * Eddy's `nexmark` source (a small, seeded run) exported once to a JSON file with the nested
 * person / auction / bid rows, then read by both through ddl_gen.sql's own table declaration
 * (connector 'filesystem' instead of 'nexmark'), ddl_views.sql's views, and each query's SELECT
 * as its file writes it (the INSERT's target left out). Append-only results are compared as
 * multisets; updating ones (q4, q9, q18, q19) by their folded final result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Eddy } from '../../src/index.js';
import { toFlinkSql } from '../../src/flink/translate.js';
import { foldChangelog } from '../exec/changelog.js';
import { flink, flinkSkip, useFlink } from './flink-env.js';
import { ddlGen, ddlViews, nexmarkFile } from './nexmark-files.js';

useFlink();

const EVENTS = 3000;
const TPS = 200; // 15 s of event time: several 10 s windows
/**
 * The queries compared, and whether their result is updating: true, or the columns of its unique
 * key when Flink's changelog is an upsert stream on that key (q9's rank partition: Flink leaves
 * out the -U of each +U, since the result has a unique key).
 */
const QUERIES: readonly (readonly [string, boolean | readonly number[]])[] = [
  ['q1', false],
  ['q2', false],
  ['q3', false],
  ['q4', true],
  ['q5', false],
  ['q7', false],
  ['q8', false],
  ['q9', [0]],
  ['q11', false],
  ['q18', true],
  ['q19', true],
  ['q20', false],
  ['q21', false],
  ['q22', false],
];

let dir = '';
let ddl = '';

/** The table ddl_gen.sql declares, its WITH clause reading `path` (JSON) instead of generating. */
function ddlFile(path: string): string {
  const gen = ddlGen({ tps: TPS, events: EVENTS }, '');
  return gen.slice(0, gen.indexOf(') WITH (')) + `) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'json');\n`;
}

/** A query file's SELECT (the statements before its CREATE TABLE sink, then the INSERT's query). */
function querySelect(q: string): string {
  const text = nexmarkFile(q).replace(/^--.*$/gm, '');
  const m = /INSERT INTO \w+\s*([\s\S]*?);?\s*$/.exec(text);
  if (!m) throw new Error(`no INSERT in ${q}`);
  return m[1]!.trim();
}

const sqlTimestamp = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/**
 * A value as both are compared: timestamps as Flink prints them, fractions to 12 significant
 * digits (Flink computes q1's `0.908 * price` in exact DECIMAL, Eddy in DOUBLE: README, DECIMAL).
 */
const normal = (v: unknown): unknown =>
  v instanceof Date ? sqlTimestamp(v.getTime()) : typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v;

/** An upsert changelog on the key columns `key`, folded: each +I/+U replaces its key's row, -D removes it. */
function foldUpserts(rows: readonly { op: string; row: readonly unknown[] }[], key: readonly number[]): string[] {
  const live = new Map<string, readonly unknown[]>();
  for (const { op, row } of rows) {
    const k = JSON.stringify(key.map((c) => row[c]));
    if (op === '-D' || op === '-U') live.delete(k);
    else live.set(k, row);
  }
  return [...live.values()].map((r) => JSON.stringify(r)).sort();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eddy-flink-nexmark-'));
  const path = join(dir, 'events.json');
  // Eddy's nexmark source read through a SELECT; its ROW fields come back as `person.id` ..., nested again here.
  const e = await Eddy.open();
  let events: Record<string, unknown>[];
  try {
    await e.execute(ddlGen({ tps: TPS, events: EVENTS }));
    events = await e.query('SELECT event_type, person, auction, bid FROM datagen').toArray();
  } finally {
    await e.close();
  }
  const lines = events.map((r) => {
    const o: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(r)) {
      const value = v instanceof Date ? sqlTimestamp(v.getTime()) : v;
      const dot = name.indexOf('.');
      if (dot < 0) o[name] = value;
      else ((o[name.slice(0, dot)] ??= {}) as Record<string, unknown>)[name.slice(dot + 1)] = value;
    }
    for (const k of ['person', 'auction', 'bid']) if (Object.values(o[k] as object).every((v) => v === null)) o[k] = null;
    return JSON.stringify(o) + '\n';
  });
  writeFileSync(path, lines.join(''));
  expect(readFileSync(path, 'utf8').split('\n').filter(Boolean).length).toBe(EVENTS);
  ddl = `${ddlFile(path)}\n${ddlViews()}`;
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(flinkSkip !== null)('nexmark-flink queries: Eddy vs Flink over the same events', () => {
  it('every query Eddy runs gives Flink’s result', async () => {
    const script = toFlinkSql(`${ddl}\n${QUERIES.map(([q]) => querySelect(q)).join(';\n')};`).sql;
    const results = await flink(script);
    const failed = results.find((r) => r.error !== undefined);
    if (failed) throw new Error(`Flink refused statement ${failed.stmt} of\n${script}\n${failed.error}`);
    expect(results.length).toBe(QUERIES.length);
    let compared = 0;
    for (const [i, [q, updating]] of QUERIES.entries()) {
      const e = await Eddy.open();
      let rows: Record<string, unknown>[];
      try {
        await e.execute(ddl);
        rows = await e.query(querySelect(q)).toArray();
      } finally {
        await e.close();
      }
      const got = rows.map((r) => Object.values(r).map(normal));
      const want = { ...results[i]!, rows: results[i]!.rows.map((r) => ({ op: r.op, row: r.row.map(normal) })) };
      if (rows.length > 0) expect.soft(Object.keys(rows[0]!).filter((c) => c !== 'op'), `${q} columns`).toEqual(want.columns);
      if (Array.isArray(updating)) {
        expect.soft(foldChangelog(got as never), `${q}: the folded result`).toEqual(foldUpserts(want.rows, updating));
      } else if (updating) {
        expect.soft(foldChangelog(got as never), `${q}: the folded result`).toEqual(foldChangelog(want.rows.map((r) => [r.op, ...r.row]) as never));
      } else {
        expect.soft(new Set(want.rows.map((r) => r.op)), `${q}: Flink's result is append-only`).toEqual(new Set(want.rows.length ? ['+I'] : []));
        expect.soft(got.map((r) => JSON.stringify(r)).sort(), q).toEqual(want.rows.map((r) => JSON.stringify(r.row)).sort());
      }
      expect.soft(want.rows.length, `${q} has rows`).toBeGreaterThan(0);
      compared += want.rows.length;
    }
    expect(compared).toBeGreaterThan(1000);
  }, 400_000);
});
