/**
 * A finding of the row fuzz pass (bench/fuzz/row-fuzz.ts, issue 13): epoch milliseconds far outside
 * TIMESTAMP(3)'s years (1.7e22 from a mangled CSV field, 2^53 from a mangled JSON number) were taken
 * as timestamps, which a JS Date (API rows) cannot hold. They are bad values now, like any other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row, Schema } from '../../src/common/types.js';
import { BAD, badValueReason, coerceValue } from '../../src/connectors/values.js';
import { FileSource, fileSourceOptions } from '../../src/connectors/file-source.js';
import { toRows } from '../../src/connectors/memory-source.js';
import { EddyError } from '../../src/common/errors.js';
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, formatTimestamp } from '../../src/common/time.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eddy-ts-range-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const schema: Schema = { columns: [{ name: 'id', type: 'BIGINT' }, { name: 'ts', type: 'TIMESTAMP' }] };

async function readSkipping(name: string, text: string, format: 'json' | 'csv'): Promise<{ rows: Row[]; dead: string[] }> {
  await writeFile(join(dir, name), text);
  const dead: string[] = [];
  const src = new FileSource(schema, fileSourceOptions({ connector: 'file', path: name, format, 'on-error': 'dead-letter' }), dir, undefined, (p, line, _raw, reason) => dead.push(`${p}:${line}: ${reason}`));
  const rows: Row[] = [];
  for (let b = await src.read(100); b !== null; b = await src.read(100)) rows.push(...b);
  await src.close();
  return { rows, dead };
}

describe('TIMESTAMP range (years 0000-9999)', () => {
  it('the bounds are 0000-01-01 00:00:00.000 and 9999-12-31 23:59:59.999', () => {
    expect(formatTimestamp(MIN_TIMESTAMP_MS)).toBe('0000-01-01 00:00:00.000');
    expect(formatTimestamp(MAX_TIMESTAMP_MS)).toBe('9999-12-31 23:59:59.999');
  });

  it('coerceValue refuses epoch ms outside them, as numbers, as text and as Dates', () => {
    expect(coerceValue(MAX_TIMESTAMP_MS, 'TIMESTAMP')).toBe(MAX_TIMESTAMP_MS);
    expect(coerceValue(MIN_TIMESTAMP_MS, 'TIMESTAMP')).toBe(MIN_TIMESTAMP_MS);
    expect(coerceValue(MAX_TIMESTAMP_MS + 1, 'TIMESTAMP')).toBe(BAD);
    expect(coerceValue(MIN_TIMESTAMP_MS - 1, 'TIMESTAMP')).toBe(BAD);
    expect(coerceValue(9007199254740992, 'TIMESTAMP')).toBe(BAD);
    expect(coerceValue('17004790852810478000000', 'TIMESTAMP', true)).toBe(BAD);
    expect(coerceValue(new Date(8.64e15), 'TIMESTAMP')).toBe(BAD);
    expect(badValueReason(1.7e22, 'TIMESTAMP')).toMatch(/outside the years 0000-9999/);
  });

  it('a JSON Lines file: the compiled conversion and the general one both skip such a row', async () => {
    const { rows, dead } = await readSkipping('t.jsonl', ['{"id":1,"ts":1700000000000}', '{"id":2,"ts":9007199254740992}', '{"ts":1e22,"id":3}', '{"id":4,"ts":"2024-01-01 00:00:00"}'].join('\n'), 'json');
    expect(rows).toEqual([
      [1, 1700000000000],
      [4, 1704067200000],
    ]);
    expect(dead).toEqual([expect.stringMatching(/^t\.jsonl:2: ts: expected TIMESTAMP\(3\), got 9007199254740992 \(epoch ms outside/), expect.stringMatching(/^t\.jsonl:3: ts: /)]);
  });

  it('a CSV file', async () => {
    const { rows, dead } = await readSkipping('t.csv', 'id,ts\n1,1700000000000\n2,17004790852810478000000\n', 'csv');
    expect(rows).toEqual([[1, 1700000000000]]);
    expect(dead).toEqual([expect.stringMatching(/^t\.csv:3: ts: .*outside the years 0000-9999/)]);
  });

  it('inserted objects (the API): numbers and Dates outside the range are bad rows, in a small batch and in one kept uncopied', () => {
    const ok = Array.from({ length: 300 }, (_, i) => ({ id: i, ts: 1_700_000_000_000 + i }));
    expect(toRows(schema, ok).length).toBe(300);
    for (const ts of [1e20, 9007199254740992, new Date(8.64e15), MAX_TIMESTAMP_MS + 1]) {
      for (const batch of [[{ id: 1, ts }], [...ok, { id: 1, ts }]]) {
        let err: unknown;
        try {
          toRows(schema, batch);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(EddyError);
        expect((err as EddyError).code).toBe('BAD_ROW');
      }
    }
  });
});
