import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Row, Value } from '../../src/common/types.js';
import { MIXED_SCHEMA, mixedObject } from './object-fixtures.js';
import { toRows } from '../../src/connectors/memory-source.js';
import { BAD, coerceValue } from '../../src/connectors/values.js';
import { inTimestampRange } from '../../src/common/time.js';

const schema = MIXED_SCHEMA;

/** The obvious conversion, one field at a time: what the compiled fast path must agree with. */
function oracle(objs: readonly Record<string, unknown>[]): Row[] | 'error' {
  const out: Row[] = [];
  for (const obj of objs) {
    const row: Value[] = schema.columns.map(() => null);
    for (const [k, raw] of Object.entries(obj)) {
      const c = schema.columns.findIndex((col) => col.name === k);
      if (c < 0) return 'error';
      const type = schema.columns[c]!.type;
      const v = type === 'TIMESTAMP' && raw instanceof Date ? (inTimestampRange(raw.getTime()) ? raw.getTime() : BAD) : coerceValue(raw, type);
      if (v === BAD) return 'error';
      row[c] = v;
    }
    out.push(row);
  }
  return out;
}

const object = mixedObject;

describe('compiled object conversion', () => {
  it('agrees with a field-by-field oracle on random objects of mixed shapes, values and unknown keys', () => {
    fc.assert(
      fc.property(fc.array(object, { minLength: 1, maxLength: 8 }), (objs) => {
        const want = oracle(objs);
        let got: Row[] | 'error';
        try {
          got = toRows(schema, objs);
        } catch {
          got = 'error';
        }
        expect(got).toEqual(want);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps converting correctly when later rows repeat the first shape after another one', () => {
    const a = { i: 1, b: 2, s: 'a' };
    const rows = toRows(schema, [a, { s: 'b', i: 3 }, { ...a, i: 4 }, Object.assign(Object.create(null) as object, { i: 5 })]);
    expect(rows).toEqual([
      [1, 2, null, 'a', null, null],
      [3, null, null, 'b', null, null],
      [4, 2, null, 'a', null, null],
      [5, null, null, null, null, null],
    ]);
  });
});
