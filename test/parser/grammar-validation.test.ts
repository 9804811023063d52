import { describe, expect, it } from 'vitest';
import { SqlGrammar } from '../../src/parser/grammar.js';
import { createLexer } from '../../src/parser/lexer.js';

describe('grammar definition', () => {
  it("passes chevrotain's validations (no ambiguous alternatives, left recursion or duplicate rules)", () => {
    // The shared parser skips these checks at start-up; this is where a grammar mistake shows.
    const g = new SqlGrammar(true);
    expect(g.definitionErrors).toEqual([]);
  });

  it("passes chevrotain's token checks (no unreachable or duplicate patterns, no line-break warnings)", () => {
    // The shared lexer skips these checks at start-up too.
    const lexer = createLexer(true);
    expect(lexer.lexerDefinitionErrors.map((e) => e.message)).toEqual([]);
    expect(lexer.lexerDefinitionWarning.map((e) => e.message)).toEqual([]);
  });
});
