/** cloneMethod: a working copy of a method, with its own identity (and so its own type feedback). */
import { describe, expect, it } from 'vitest';
import { cloneMethod } from '../../src/exec/clone-method.js';

class Counter {
  total = 0;
  add(xs: readonly number[], scale: number): number {
    for (const x of xs) this.total += x * scale;
    return this.total;
  }
}

describe('cloneMethod', () => {
  it('copies a class method: same behaviour on `this` and its parameters, a different function', () => {
    const c = new Counter();
    const copy = cloneMethod(Counter.prototype.add);
    expect(copy).not.toBe(Counter.prototype.add);
    expect(copy.call(c, [1, 2, 3], 2)).toBe(12);
    expect(c.add([1], 1)).toBe(13);
  });

  it('copies a function expression, in strict mode', () => {
    const copy = cloneMethod(function (this: unknown) {
      return this;
    });
    expect(copy()).toBeUndefined();
  });
});
