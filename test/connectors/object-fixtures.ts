/** Inputs of the object converter and ObjectLayout tests: one column of each type, and random objects for it. */
import fc from 'fast-check';
import type { Schema } from '../../src/common/types.js';

export const MIXED_SCHEMA: Schema = {
  columns: [
    { name: 'i', type: 'INT' },
    { name: 'b', type: 'BIGINT' },
    { name: 'd', type: 'DOUBLE' },
    { name: 's', type: 'VARCHAR' },
    { name: 't', type: 'TIMESTAMP' },
    { name: 'o', type: 'BOOLEAN' },
  ],
};

/** Values of every type, some exact for a column, some convertible, some bad. */
export const mixedValue = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constant(2 ** 31),
  fc.constant(2 ** 53),
  fc.constant(1.5),
  fc.constant(-0),
  fc.constant(NaN),
  fc.constant('7'),
  fc.constant('x'),
  fc.constant('2024-01-01 00:00:00'),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(new Date(Date.UTC(2024, 0, 1))),
);

/** Objects keyed by column names, and sometimes by a name that is no column. */
export const mixedObject = fc.dictionary(fc.constantFrom('i', 'b', 'd', 's', 't', 'o', 'extra'), mixedValue, { maxKeys: 7 });
