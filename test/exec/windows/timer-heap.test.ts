/**
 * The indexed timer heap: at most one timer per item (a second, earlier one moves it), pops in
 * time order, and positions recomputed after the owner renumbers its items.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TimerHeap } from '../../../src/exec/windows/timer-heap.js';

interface Item {
  id: number;
}

type Op = { kind: 'lower'; id: number; time: number } | { kind: 'pop' } | { kind: 'renumber' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('lower' as const), id: fc.integer({ min: 0, max: 24 }), time: fc.integer({ min: 0, max: 1000 }) }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'pop' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'renumber' as const }) },
);

describe('TimerHeap', () => {
  it('keeps the earliest timer per item and pops in time order (vs a map of item -> time)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 20, maxLength: 300, size: 'max' }), (ops) => {
        const items = Array.from({ length: 25 }, (_, id): Item => ({ id }));
        const heap = new TimerHeap<Item>((x) => x.id);
        const want = new Map<Item, number>();
        for (const op of ops) {
          if (op.kind === 'lower') {
            const item = items[op.id]!;
            heap.lower(op.time, item);
            want.set(item, Math.min(want.get(item) ?? Infinity, op.time));
          } else if (op.kind === 'pop') {
            if (want.size === 0) continue;
            const min = Math.min(...want.values());
            expect(heap.peekTime()).toBe(min);
            const item = heap.pop();
            expect(want.get(item)).toBe(min);
            want.delete(item);
          } else {
            // The owner gives its items new dense ids (as the SESSION operator does when compacting slots).
            const held = [...want.keys()];
            items.forEach((x) => (x.id = -1));
            held.forEach((x, i) => (x.id = held.length - 1 - i));
            heap.reindex(held.length);
            let next = held.length;
            for (const x of items) if (x.id === -1) x.id = next++;
          }
          expect(heap.size).toBe(want.size);
        }
        const order: number[] = [];
        while (heap.size > 0) {
          const t = heap.peekTime();
          order.push(t);
          const item = heap.pop();
          expect(want.get(item)).toBe(t);
          want.delete(item);
        }
        expect(want.size).toBe(0);
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });
});
