import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpr } from '../../../src/exec/expr-compiler.js';
import { foldExpr } from '../../../src/planner/fold.js';
import { bind } from '../helpers.js';

/** Random literal-only SQL over small integers, doubles, booleans and NULL. */
const num: fc.Arbitrary<string> = fc.letrec<{ n: string }>((tie) => ({
  n: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -20, max: 20 }).map(String),
    fc.constantFrom('NULL', '2.5', '0', '-0.5'),
    fc.tuple(tie('n'), fc.constantFrom('+', '-', '*', '/', '%'), tie('n')).map(([a, op, b]) => `(${a} ${op} ${b})`),
  ),
})).n;

const bool: fc.Arbitrary<string> = fc.letrec<{ b: string }>((tie) => ({
  b: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('TRUE', 'FALSE', 'CAST(NULL AS BOOLEAN)'),
    fc.tuple(num, fc.constantFrom('=', '<>', '<', '<=', '>', '>='), num).map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(tie('b'), fc.constantFrom('AND', 'OR'), tie('b')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('b').map((a) => `(NOT ${a})`),
    num.map((a) => `(${a} IS NULL)`),
  ),
})).b;

function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('constant-fold agrees with the executor', () => {
  it('a folded expression evaluates to what the unfolded one evaluates to', () => {
    fc.assert(
      fc.property(fc.oneof(num, bool), (sql) => {
        const p = bind(`SELECT ${sql} AS x FROM bids`);
        if (p.kind !== 'project') throw new Error('expected project');
        const e = p.exprs[0]!;
        const folded = foldExpr(e);
        expect(folded.type).toBe(e.type);
        expect(outcome(() => compileExpr(folded)([]))).toEqual(outcome(() => compileExpr(e)([])));
      }),
      { numRuns: 400 },
    );
  });
});
