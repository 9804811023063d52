/**
 * ObjectLayout: which inserted objects may be kept as they are (an independent oracle decides),
 * and that reading them through the layout gives exactly the rows the object converter makes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { objectLayout } from '../../src/common/object-layout.js';
import type { SqlType } from '../../src/common/types.js';
import { toRows } from '../../src/connectors/memory-source.js';
import { MIXED_SCHEMA, mixedObject } from '../connectors/object-fixtures.js';

const schema = MIXED_SCHEMA;

/** A value already of `type`, written out independently of inlineCheck. */
function exactly(v: unknown, type: SqlType): boolean {
  switch (type) {
    case 'INT':
      return typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31;
    case 'BIGINT':
    case 'INTERVAL':
      return typeof v === 'number' && Number.isSafeInteger(v);
    case 'TIMESTAMP':
      // Epoch ms within Flink's years 0000-9999.
      return typeof v === 'number' && Number.isInteger(v) && v >= -62_167_219_200_000 && v <= 253_402_300_799_999;
    case 'DOUBLE':
    case 'FLOAT':
      return typeof v === 'number';
    case 'VARCHAR':
      return typeof v === 'string';
    case 'BOOLEAN':
      return typeof v === 'boolean';
    case 'NULL':
      return false;
  }
}

/**
 * Storable under `keys`: a plain object (prototype Object.prototype or none) whose every own key is planned and holds null or an exact
 * value (a key present with the value undefined is left to the converter, which reads it as NULL).
 */
function storable(o: unknown, keys: readonly (string | undefined)[]): boolean {
  if (typeof o !== 'object' || o === null) return false;
  const proto: unknown = Object.getPrototypeOf(o);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const [k, v] of Object.entries(o)) {
    const c = keys.indexOf(k);
    if (c < 0) return false;
    if (v === undefined || (v !== null && !exactly(v, schema.columns[c]!.type))) return false;
  }
  return true;
}

const object = fc.oneof({ weight: 8, arbitrary: mixedObject }, { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 3, 'row', [1, 2], new Date(0), Object.assign(Object.create(null) as object, { i: 1 }), Object.assign(Object.create({ i: 1 }) as object, { s: 'x' })) });
const plans = fc.constantFrom<(string | undefined)[]>(['i', 'b', 'd', 's', 't', 'o'], ['i', undefined, 'd', 's', undefined, 'o'], [undefined, undefined, undefined, 's', 't', undefined]);

describe('ObjectLayout', () => {
  it('firstUnstorable finds the first object the oracle refuses (random objects, values, shapes and plans)', () => {
    fc.assert(
      fc.property(fc.array(object, { maxLength: 8 }), plans, (objs, keys) => {
        const layout = objectLayout(schema, keys);
        expect(layout.firstUnstorable(objs)).toBe(objs.findIndex((o) => !storable(o, keys)));
      }),
      { numRuns: 3000 },
    );
  });

  it('storable objects read through the layout are exactly the rows the object converter makes', () => {
    fc.assert(
      fc.property(fc.array(object, { minLength: 1, maxLength: 8 }), plans, fc.nat(8), (objs, keys, cut) => {
        const layout = objectLayout(schema, keys);
        const kept = objs.filter((o) => storable(o, keys)) as object[];
        const from = Math.min(cut, kept.length);
        expect(layout.toRows(kept, from, kept.length)).toEqual(toRows(schema, kept.slice(from)));
        for (const o of kept) expect(layout.toRow(o)).toEqual(toRows(schema, [o])[0]);
      }),
      { numRuns: 2000 },
    );
  });

  it('is compiled once per (schema, keys): equal plans give the same layout', () => {
    expect(objectLayout(schema, ['i', 'b', 'd', 's', 't', 'o'])).toBe(objectLayout(schema, ['i', 'b', 'd', 's', 't', 'o']));
    expect(objectLayout(schema, ['i', 'b', 'd', 's', 't', 'o'])).not.toBe(objectLayout(schema, ['I', 'b', 'd', 's', 't', 'o']));
  });

  it('reads a case-variant key and an absent column as NULL', () => {
    const layout = objectLayout(schema, ['I', undefined, 'd', 's', 't', 'o']);
    expect(layout.firstUnstorable([{ I: 1, s: 'a' }, { d: 2.5 }])).toBe(-1);
    expect(layout.toRows([{ I: 1, s: 'a' }, { d: 2.5 }], 0, 2)).toEqual([
      [1, null, null, 'a', null, null],
      [null, null, 2.5, null, null, null],
    ]);
    expect(layout.firstUnstorable([{ I: 1 }, { i: 1 }])).toBe(1);
  });
});
