import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row, Schema, Value } from '../../src/common/types.js';
import { FileSource, fileSourceOptions } from '../../src/connectors/file-source.js';
import { BAD, coerceValue } from '../../src/connectors/values.js';

const schema: Schema = {
  columns: [
    { name: 'id', type: 'BIGINT' },
    { name: 'datetime', type: 'TIMESTAMP' },
    { name: 'name', type: 'VARCHAR' },
  ],
};
const dir = mkdtempSync(join(tmpdir(), 'eddy-json-records-'));

/** The file source's documented rule, field by field: exact name, else the first key equal ignoring case; unknown keys ignored. */
function oracle(records: readonly Record<string, unknown>[]): (Row | 'skip')[] {
  return records.map((rec) => {
    const row: Value[] = [];
    for (const col of schema.columns) {
      let raw = rec[col.name];
      if (raw === undefined) for (const k of Object.keys(rec)) if (k.toLowerCase() === col.name) {
        raw = rec[k];
        break;
      }
      const v = coerceValue(raw, col.type);
      if (v === BAD) return 'skip';
      row.push(v);
    }
    return row;
  });
}

async function readAll(records: readonly Record<string, unknown>[], n: number, over: Schema = schema, batch = 7): Promise<{ rows: Row[]; skipped: number }> {
  const path = `r${over === schema ? '' : 'nested'}${n}.jsonl`;
  writeFileSync(join(dir, path), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const src = new FileSource(over, fileSourceOptions({ connector: 'file', path, format: 'json', 'on-error': 'skip' }), dir);
  const rows: Row[] = [];
  for (let b = await src.read(batch); b !== null; b = await src.read(batch)) rows.push(...b);
  await src.close();
  return { rows, skipped: src.skippedRows };
}

const value = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant('2024-01-01 00:00:00.000'), fc.constant(' 2024-01-01 00:00:01.000 '), fc.constant('x'), fc.constant(null), fc.constant(1.5), fc.boolean());
const key = fc.constantFrom('id', 'ID', 'datetime', 'dateTime', 'DateTime', 'name', 'Name', 'other');
const record = fc.dictionary(key, value, { maxKeys: 6 });

describe('JSON records: compiled conversion vs the general rule', () => {
  it('rows and skipped records equal a field-by-field oracle, whatever the first record plans', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 12 }), async (records) => {
        const want = oracle(records);
        const got = await readAll(records, n++);
        expect(got.rows).toEqual(want.filter((r) => r !== 'skip'));
        expect(got.skipped).toBe(want.filter((r) => r === 'skip').length);
      }),
      { numRuns: 1500 },
    );
  });
});

// Flattened ROW fields (`p.id` of `p ROW<id BIGINT, ...>`), two levels deep, beside a plain column.
const nestedSchema: Schema = {
  columns: [
    { name: 'event_type', type: 'INT' },
    { name: 'p.id', type: 'BIGINT' },
    { name: 'p.dateTime', type: 'TIMESTAMP' },
    { name: 'p.q.name', type: 'VARCHAR' },
    // Unquoted in DDL, so lower case, while the data writes itemName.
    { name: 'p.itemname', type: 'VARCHAR' },
    { name: 'b.price', type: 'BIGINT' },
  ],
};

function firstIgnoringCase(o: Record<string, unknown>, name: string): unknown {
  for (const k of Object.keys(o)) if (k.toLowerCase() === name.toLowerCase()) return o[k];
  return undefined;
}

/** The documented rule for a dotted name: the literal key, else one equal ignoring case, else the nested fields, each under its declared name, else ignoring case; a null level is NULL. */
function nestedOracle(records: readonly Record<string, unknown>[]): (Row | 'skip')[] {
  return records.map((rec) => {
    const row: Value[] = [];
    for (const col of nestedSchema.columns) {
      let raw = rec[col.name] !== undefined ? rec[col.name] : firstIgnoringCase(rec, col.name);
      if (raw === undefined && col.name.includes('.')) {
        let at: unknown = rec;
        for (const part of col.name.split('.')) {
          if (at === null) break;
          if (typeof at !== 'object' || Array.isArray(at)) {
            at = undefined;
            break;
          }
          const o = at as Record<string, unknown>;
          at = o[part] !== undefined ? o[part] : firstIgnoringCase(o, part);
          if (at === undefined) break;
        }
        raw = at;
      }
      const v = coerceValue(raw, col.type);
      if (v === BAD) return 'skip';
      row.push(v);
    }
    return row;
  });
}

const readNested = (records: readonly Record<string, unknown>[], n: number) => readAll(records, n, nestedSchema, 5);

const leaf = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant('2024-01-01 00:00:00.000'), fc.constant('x'), fc.constant(null), fc.constant(1.5), fc.constant([1]));
const inner = fc.oneof(fc.dictionary(fc.constantFrom('name', 'Name', 'other'), leaf, { maxKeys: 2 }), fc.constant(null), leaf);
const nestedObject = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.constantFrom('id', 'ID', 'dateTime', 'datetime', 'q', 'Q', 'itemName', 'ITEMNAME', 'other'), fc.oneof(leaf, inner), { maxKeys: 4 }) },
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: leaf },
);
const usualP = fc.record({ id: leaf, dateTime: leaf, q: fc.oneof(fc.constant(null), fc.record({ name: leaf })), itemName: leaf });
const nestedRecord = fc.oneof(
  // The shape of real data: every key, each row null or complete, the fast path's case.
  { weight: 4, arbitrary: fc.record({ event_type: leaf, p: fc.oneof(fc.constant(null), usualP), b: fc.oneof(fc.constant(null), fc.record({ price: leaf })) }) },
  // Every top-level key, the rows null or objects of any fields.
  { weight: 3, arbitrary: fc.record({ event_type: leaf, p: nestedObject, b: fc.oneof(fc.constant(null), fc.record({ price: leaf })) }) },
  { weight: 2, arbitrary: fc.dictionary(fc.constantFrom('event_type', 'p', 'P', 'b', 'p.id', 'P.ID', 'other'), fc.oneof(nestedObject, leaf), { maxKeys: 5 }) },
);

describe('JSON records: flattened ROW fields, compiled vs the general rule', () => {
  it('rows and skipped records equal the nested-field oracle, whatever the first record plans', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(nestedRecord, { minLength: 1, maxLength: 12 }), async (records) => {
        const want = nestedOracle(records);
        const got = await readNested(records, n++);
        expect(got.rows).toEqual(want.filter((r) => r !== 'skip'));
        expect(got.skipped).toBe(want.filter((r) => r === 'skip').length);
      }),
      { numRuns: 1500 },
    );
  });

  it('a NULL row makes its fields NULL and a present one is read in place', async () => {
    const records = [
      { event_type: 1, p: null, b: { price: 7 } },
      { event_type: 2, p: { id: 3, dateTime: '2024-01-01 00:00:01.000', q: { name: 'n' }, itemName: 'i' }, b: null },
      { event_type: 3, p: { id: 4, dateTime: '2024-01-01 00:00:02.000', q: null, itemName: 'j' }, b: null },
    ];
    const got = await readNested(records, 99_999);
    expect(got.rows).toEqual([
      [1, null, null, null, null, 7],
      [2, 3, Date.UTC(2024, 0, 1, 0, 0, 1), 'n', 'i', null],
      [3, 4, Date.UTC(2024, 0, 1, 0, 0, 2), null, 'j', null],
    ]);
  });

  it('a field read under a case variant stands only while no other candidate is there', async () => {
    const p = (extra: Record<string, unknown>) => ({ id: 1, dateTime: 0, q: null, itemName: 'a', ...extra });
    const records = [
      { event_type: 1, p: p({}), b: null },
      // The declared (lower-case) name wins, then the first key equal ignoring case.
      { event_type: 2, p: p({ itemname: 'declared' }), b: null },
      { event_type: 3, p: { ITEMNAME: 'first', id: 1, dateTime: 0, q: null, itemName: 'a' }, b: null },
    ];
    const got = await readNested(records, 99_998);
    expect(got.rows.map((r) => r[4])).toEqual(['a', 'declared', 'first']);
  });
});
