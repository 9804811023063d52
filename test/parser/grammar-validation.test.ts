import { describe, expect, it } from 'vitest';
import { SqlGrammar } from '../../src/parser/grammar.js';

describe('grammar definition', () => {
  it("passes chevrotain's validations (no ambiguous alternatives, left recursion or duplicate rules)", () => {
    // The shared parser skips these checks at start-up; this is where a grammar mistake shows.
    const g = new SqlGrammar(true);
    expect(g.definitionErrors).toEqual([]);
  });
});
