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

async function readAll(records: readonly Record<string, unknown>[], n: number): Promise<{ rows: Row[]; skipped: number }> {
  const path = `r${n}.jsonl`;
  writeFileSync(join(dir, path), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const src = new FileSource(schema, fileSourceOptions({ connector: 'file', path, format: 'json', 'on-error': 'skip' }), dir);
  const rows: Row[] = [];
  for (let b = await src.read(7); b !== null; b = await src.read(7)) rows.push(...b);
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
