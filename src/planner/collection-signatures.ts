import { EddyError } from '../common/errors.js';
import { arrayOf, collectionShape, mapOf } from '../common/collection-types.js';
import type { SqlType } from '../common/types.js';
import { isInteger } from '../common/types.js';
import type { BoundExpr } from './bound.js';
import type { ArgInfo, Signature } from './scalar-signatures.js';
import { comparable, unifyTypes } from './type-rules.js';

/**
 * Type rules of the collection functions (src/exec/collection-functions.ts runs them): `a[i]` and
 * `m[k]` are ITEM (the parser's spelling), `r.f` after a subscript is FIELD, ARRAY[...] and
 * MAP[...] the constructors, CARDINALITY and ELEMENT as in Flink.
 */

function unifyAll(args: readonly ArgInfo[], name: string, what: string): SqlType {
  let t: SqlType = 'NULL';
  for (const a of args) {
    const u = unifyTypes(t, a.type);
    if (u === undefined) throw new EddyError('TYPE_MISMATCH', `${name}[...] ${what} have no common type (${t} and ${a.type})`, a.span, 'CAST them to one type');
    t = u;
  }
  return t;
}

function notCollection(name: string, a: ArgInfo, usage: string): never {
  throw new EddyError('TYPE_MISMATCH', `${name} needs an ARRAY or a MAP, got ${a.type}`, a.span, usage);
}

export const COLLECTION_FUNCTIONS: Readonly<Record<string, Signature>> = {
  ITEM: {
    usage: 'array[index] (1-based) or map[key]',
    minArgs: 2,
    maxArgs: 2,
    result: ([c, i]) => {
      const shape = collectionShape(c!.type);
      if (shape?.kind === 'array') {
        if (!isInteger(i!.type) && i!.type !== 'NULL') {
          throw new EddyError('TYPE_MISMATCH', `an ARRAY index must be an integer, got ${i!.type}`, i!.span, 'index arrays from 1: tags[1]');
        }
        return shape.element;
      }
      if (shape?.kind === 'map') {
        if (!comparable(shape.key, i!.type)) {
          throw new EddyError('TYPE_MISMATCH', `the key of ${c!.type} is ${shape.key}, got ${i!.type}`, i!.span, `look the map up by a ${shape.key}, or CAST the key`);
        }
        return shape.value;
      }
      throw new EddyError('TYPE_MISMATCH', `[] applies to an ARRAY or a MAP, not ${c!.type}`, c!.span, 'index an ARRAY column (tags[1]) or a MAP column (attrs[\'key\'])');
    },
  },
  FIELD: {
    usage: 'array[index].field',
    minArgs: 2,
    maxArgs: 3,
    result: ([r, f]) => {
      const shape = collectionShape(r!.type);
      const name = f!.expr?.kind === 'literal' ? f!.expr.value : undefined;
      if (shape?.kind !== 'row') throw new EddyError('TYPE_MISMATCH', `.${String(name)} applies to a ROW, not ${r!.type}`, f!.span, 'read fields of ROW elements: items[1].price');
      const hit = shape.fields.find((x) => x.name === name);
      if (!hit) throw new EddyError('UNKNOWN_COLUMN', `${r!.type} has no field '${String(name)}'`, f!.span, `fields: ${shape.fields.map((x) => x.name).join(', ')}`);
      return hit.type;
    },
  },
  ARRAY: {
    usage: 'ARRAY[value, ...]',
    minArgs: 1,
    maxArgs: Infinity,
    result: (args, name) => arrayOf(unifyAll(args, name, 'elements')),
  },
  MAP: {
    usage: 'MAP[key, value, ...]',
    minArgs: 2,
    maxArgs: Infinity,
    result: (args, name) => {
      if (args.length % 2 !== 0) throw new EddyError('TYPE_MISMATCH', 'MAP[...] needs key, value pairs', args[args.length - 1]!.span, "write MAP['a', 1, 'b', 2]");
      const key = unifyAll(args.filter((_, i) => i % 2 === 0), name, 'keys');
      if (collectionShape(key)) throw new EddyError('UNSUPPORTED', `MAP keys must be scalars, got ${key}`, args[0]!.span, 'key the map by a scalar');
      return mapOf(key, unifyAll(args.filter((_, i) => i % 2 === 1), name, 'values'));
    },
  },
  CARDINALITY: {
    usage: 'CARDINALITY(array or map)',
    minArgs: 1,
    maxArgs: 1,
    result: ([c], name) => {
      const s = collectionShape(c!.type);
      if (c!.type !== 'NULL' && s?.kind !== 'array' && s?.kind !== 'map') notCollection(name, c!, 'CARDINALITY counts the elements of an ARRAY or the entries of a MAP');
      return 'INT';
    },
  },
  ELEMENT: {
    usage: 'ELEMENT(array)',
    minArgs: 1,
    maxArgs: 1,
    result: ([c], name) => {
      const s = collectionShape(c!.type);
      if (s?.kind !== 'array') throw new EddyError('TYPE_MISMATCH', `${name} needs an ARRAY, got ${c!.type}`, c!.span, 'ELEMENT gives the only element of a one-element ARRAY');
      return s.element;
    },
  },
};

/** FIELD(row, 'name') with the field's position appended, which the runtime reads (ROW values are positional). */
export function withFieldIndex(args: readonly BoundExpr[]): BoundExpr[] {
  const shape = collectionShape(args[0]!.type);
  const name = args[1]!.kind === 'literal' ? args[1]!.value : undefined;
  const index = shape?.kind === 'row' ? shape.fields.findIndex((f) => f.name === name) : -1;
  return [args[0]!, args[1]!, { kind: 'literal', value: index, type: 'INT' }];
}
