/**
 * MemoryLog with chunks of inserted objects beside chunks of rows: any sequence of appends,
 * reads, releases and truncations reads the same rows as a log that converted everything on
 * append (the model), and readStored hands out the objects themselves, uncopied.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { objectLayout } from '../../src/common/object-layout.js';
import type { Row, Schema } from '../../src/common/types.js';
import { MemoryLog } from '../../src/connectors/memory-log.js';

const schema: Schema = { columns: [{ name: 'k', type: 'VARCHAR' }, { name: 'v', type: 'INT' }] };
const layout = objectLayout(schema, ['k', 'v']);

type Op =
  | { readonly kind: 'rows'; readonly n: number }
  | { readonly kind: 'objects'; readonly n: number }
  | { readonly kind: 'read'; readonly at: number; readonly max: number; readonly stored: boolean }
  | { readonly kind: 'release'; readonly upTo: number }
  | { readonly kind: 'truncate'; readonly length: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('rows' as const), n: fc.integer({ min: 0, max: 1500 }) }),
  fc.record({ kind: fc.constant('objects' as const), n: fc.integer({ min: 1, max: 3000 }) }),
  fc.record({ kind: fc.constant('read' as const), at: fc.nat(20_000), max: fc.integer({ min: 1, max: 4000 }), stored: fc.boolean() }),
  fc.record({ kind: fc.constant('release' as const), upTo: fc.nat(20_000) }),
  fc.record({ kind: fc.constant('truncate' as const), length: fc.nat(20_000) }),
);

describe('MemoryLog with object chunks', () => {
  it('reads, releases and truncates exactly like a log of rows (random operation sequences)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
        const log = new MemoryLog();
        const model: Row[] = [];
        let next = 0;
        for (const o of ops) {
          switch (o.kind) {
            case 'rows': {
              const rows: Row[] = Array.from({ length: o.n }, () => [`r${next}`, next++]);
              log.append(rows);
              model.push(...rows);
              break;
            }
            case 'objects': {
              const objs = Array.from({ length: o.n }, () => ({ k: `o${next}`, v: next++ }));
              log.appendObjects(objs, layout);
              model.push(...objs.map((x) => [x.k, x.v]));
              break;
            }
            case 'read': {
              const at = log.base + (o.at % (log.length - log.base + 1));
              const got = o.stored ? log.readStored(at, o.max) : log.read(at, o.max);
              const rows = Array.isArray(got) ? got : got.layout.toRows(got.objects, 0, got.objects.length);
              // A read never crosses a chunk, so it may return fewer rows than asked: a prefix of the model's.
              expect(rows.length).toBeLessThanOrEqual(o.max);
              if (at < log.length) expect(rows.length).toBeGreaterThan(0);
              expect(rows).toEqual(model.slice(at, at + rows.length));
              break;
            }
            case 'release':
              log.release(Math.min(o.upTo, log.length));
              break;
            case 'truncate': {
              const length = Math.max(log.base, Math.min(o.length, log.length));
              log.truncate(length);
              model.length = length;
              next = length;
              break;
            }
          }
          expect(log.length).toBe(model.length);
          expect(log.rows()).toEqual(model.slice(log.base));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('readStored hands out the inserted objects themselves; read() converts them to rows', () => {
    const log = new MemoryLog();
    const objs = [{ k: 'a', v: 1 }, { k: 'b', v: 2 }, { k: 'c', v: 3 }];
    log.appendObjects(objs, layout);
    const stored = log.readStored(0, 10);
    expect(Array.isArray(stored)).toBe(false);
    if (!Array.isArray(stored)) {
      expect(stored.layout).toBe(layout);
      expect(stored.objects[1]).toBe(objs[1]);
    }
    const part = log.readStored(1, 1);
    expect(Array.isArray(part) ? part : part.objects).toEqual([objs[1]]);
    expect(log.read(1, 10)).toEqual([
      ['b', 2],
      ['c', 3],
    ]);
  });
});
