import { describe, expect, it } from 'vitest';
import type { Value } from '../../src/common/types.js';
import { valuesEqual } from '../../src/common/collection-types.js';
import { decodeJson, encodeJson } from '../../src/checkpoint/codec.js';
import { compileExpr } from '../../src/exec/expr-compiler.js';
import { decodeKey, encodeKey } from '../../src/exec/key.js';
import { ByteReader, ByteWriter, readTagged, writeTagged } from '../../src/exec/state/index.js';
import { bin, call, cast, col, lit } from './helpers.js';

const m = (...kv: Value[]): Map<Value, Value> => {
  const out = new Map<Value, Value>();
  for (let i = 0; i < kv.length; i += 2) out.set(kv[i]!, kv[i + 1]!);
  return out;
};

describe('collection values in state', () => {
  it('encode as keys injectively and decode back, alone and in composite keys', () => {
    const keys: Value[][] = [[[1, 2]], [[1, '2']], [['\u0001C']], [[]], [[null]], [m('a', 1)], [m('a', [1, NaN])], [[1, 2], 'x'], [m(1, 'b'), null]];
    const encoded = keys.map((k) => encodeKey(k));
    expect(new Set(encoded).size).toBe(keys.length);
    keys.forEach((k, i) => expect(decodeKey(encoded[i]!, k.length)).toEqual(k));
  });

  it('give a MAP the same key whatever its entry order, as = sees them equal', () => {
    expect(encodeKey([m('a', 1, 'b', 2)])).toBe(encodeKey([m('b', 2, 'a', 1)]));
    expect(valuesEqual(m('a', 1, 'b', 2), m('b', 2, 'a', 1))).toBe(true);
  });

  it('round-trip through the binary state codec and the JSON codec', () => {
    const values: Value[] = [[1, [2, null], 'x'], m('k', [1, 2], 'n', null), [m(1, m(2, 3))], []];
    const w = new ByteWriter(16);
    for (const v of values) writeTagged(v, w);
    const r = new ByteReader(w.slice(0, w.pos));
    expect(values.map(() => readTagged(r))).toEqual(values);
    expect(decodeJson(encodeJson(values))).toEqual(values);
  });
});

describe('collection expressions', () => {
  const arr = col(0, 'ARRAY<INT>');
  const map = col(1, 'MAP<VARCHAR, INT>');
  const row = [[10, 20, 30], m('a', 1)];

  it('index arrays from 1, with NULL out of range, and look maps up', () => {
    const item = (i: Value) => compileExpr(call('ITEM', [arr, lit(i)], 'INT'))(row);
    expect([item(1), item(3), item(0), item(4), item(-1), item(null)]).toEqual([10, 30, null, null, null, null]);
    expect(compileExpr(call('ITEM', [map, lit('a')], 'INT'))(row)).toBe(1);
    expect(compileExpr(call('ITEM', [map, lit('z')], 'INT'))(row)).toBeNull();
  });

  it('CARDINALITY, ELEMENT and the constructors follow Flink', () => {
    expect(compileExpr(call('CARDINALITY', [arr], 'INT'))(row)).toBe(3);
    expect(compileExpr(call('CARDINALITY', [map], 'INT'))(row)).toBe(1);
    const element = compileExpr(call('ELEMENT', [arr], 'INT'));
    expect(element([[]])).toBeNull();
    expect(element([[7]])).toBe(7);
    expect(() => element([[1, 2]])).toThrow(/ELEMENT of an ARRAY with 2 elements/);
    expect(compileExpr(call('ARRAY', [lit(1), lit(null)], 'ARRAY<INT>'))([])).toEqual([1, null]);
    expect(compileExpr(call('MAP', [lit('a'), lit(1), lit('a'), lit(2)], 'MAP<VARCHAR, INT>'))([])).toEqual(m('a', 2));
  });

  it('compare deeply with = and <>, NULL when a side is NULL', () => {
    const eq = compileExpr(bin('=', arr, col(1, 'ARRAY<INT>')));
    const ne = compileExpr(bin('<>', arr, col(1, 'ARRAY<INT>')));
    expect([eq([[1, 2], [1, 2]]), eq([[1, 2], [2, 1]]), eq([[1], null]), ne([[1, 2], [1, 2]])]).toEqual([true, false, null, false]);
    expect(compileExpr(bin('=', map, col(0, 'MAP<VARCHAR, INT>')))([m('a', 1, 'b', 2), m('b', 2, 'a', 1)])).toBe(true);
  });

  it('CAST element-wise and to VARCHAR in Flink text form', () => {
    expect(compileExpr(cast(arr, 'ARRAY<VARCHAR>'))([[1, null]])).toEqual(['1', null]);
    expect(compileExpr(cast(arr, 'VARCHAR'))([[1, 2]])).toBe('[1, 2]');
    expect(compileExpr(cast(col(0, 'MAP<VARCHAR, ARRAY<INT>>'), 'VARCHAR'))([m('a', [1], 'b', null)])).toBe('{a=[1], b=NULL}');
  });
});
